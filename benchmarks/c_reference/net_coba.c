/* N2 COBA (ANNarchy's COBA benchmark; Brette et al. 2007, benchmark 1), explicit Euler.
 *     tau dv/dt = (El - v) + g_exc (Ee - v) + g_inh (Ei - v) + I   (v held while refractory)
 *     tau_exc dg_exc/dt = -g_exc,  tau_inh dg_inh/dt = -g_inh
 * El = -60, Ee = 0, Ei = -80, tau = 20, I = 20, tau_exc = 5, tau_inh = 10 (ms, mV).
 * Euler reads the old value of every variable.  Spike v > -50, reset v = -60, refractory
 * 5 ms = 50 steps.  Each spike of an excitatory neuron adds 0.6 to g_exc of its targets,
 * of an inhibitory one 6.7 to g_inh, in the same step (delay 0), after every neuron has
 * been integrated.  State arrays ge, gi of net_common.h hold g_exc, g_inh.
 *
 * plain: one fused loop per step, weights read from the per-synapse array.
 * best (-DBEST): as in net_cuba.c (blocked branch-free update, homogeneous weights,
 * prefetched delivery, huge pages); -ffast-math turns the divisions into products.
 */
#include "net_common.h"

#define TAU 20.0
#define TAU_EXC 5.0
#define TAU_INH 10.0
#define EL (-60.0)
#define E_EXC 0.0
#define E_INH (-80.0)
#define I_EXT 20.0
#define VT (-50.0)
#define VR (-60.0)
#define T_REF 5.0
#define DT 0.1
#define W_EXC 0.6
#define W_INH 6.7

static const int R = REFRACTORY_STEPS(T_REF, DT);

#ifndef BEST

static void run(void *ctx, spikes_t *sp)
{
    spiking_t *s = ctx;
    size_t N = s->net.N;
    double *v = s->v, *ge = s->ge, *gi = s->gi;
    ref_t *ref = s->ref;
    for (int64_t k = 0; k < s->steps; k++) {
        size_t first = sp->n;
        for (size_t i = 0; i < N; i++) {
            double e = ge[i], in = gi[i];
            ge[i] = e + DT * (-e / TAU_EXC);
            gi[i] = in + DT * (-in / TAU_INH);
            if (ref[i] > 0) {   /* v held at Vr */
                ref[i]--;
                continue;
            }
            double vo = v[i];
            double vn = vo + DT * (((EL - vo) + e * (E_EXC - vo) + in * (E_INH - vo) + I_EXT)
                                   / TAU);
            if (vn > VT) {
                vn = VR;
                ref[i] = R;
                spikes_push(sp, (int32_t)i, k + 1);
            }
            v[i] = vn;
        }
        DELIVER(s, deliver_weighted(s, sp, first));
    }
}

#else

SPIKING_BLOCK_FN update_block(int n, double *restrict v, double *restrict ge,
                              double *restrict gi, ref_t *restrict ref, uint8_t *restrict flag)
{
    int any = 0;
    for (int j = 0; j < n; j++) {
        double e = ge[j], in = gi[j], vo = v[j];
        int r = ref[j];
        double vn = vo + DT * (((EL - vo) + e * (E_EXC - vo) + in * (E_INH - vo) + I_EXT) / TAU);
        ge[j] = e + DT * (-e / TAU_EXC);
        gi[j] = in + DT * (-in / TAU_INH);
        int fire = (r == 0) & (vn > VT);
        v[j] = r ? vo : fire ? VR : vn;
        ref[j] = (ref_t)(fire ? R : r - (r > 0));
        flag[j] = (uint8_t)fire;
        any |= fire;
    }
    return any;
}

static void run(void *ctx, spikes_t *sp)
{
    spiking_t *s = ctx;
    size_t N = s->net.N;
    uint8_t flag[BLOCK];
    for (int64_t k = 0; k < s->steps; k++) {
        size_t first = sp->n;
        for (size_t b = 0; b < N; b += BLOCK) {
            int n = N - b < BLOCK ? (int)(N - b) : BLOCK;
            if (update_block(n, s->v + b, s->ge + b, s->gi + b, s->ref + b, flag))
                spikes_record_flags(sp, flag, n, (int32_t)b, k + 1);
        }
        DELIVER(s, deliver_homogeneous(s, sp, first, W_EXC, W_INH));
    }
}

#endif

int main(int argc, char **argv)
{
    return spiking_main(argc, argv, "coba", run);
}
