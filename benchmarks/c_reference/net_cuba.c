/* N1 CUBA (Brette et al. 2007, Brian2's examples/CUBA.py), exact integration.
 *     dv/dt = (ge + gi - (v - El)) / taum   (v held while refractory)
 *     dge/dt = -ge / taue,  dgi/dt = -gi / taui
 * Over one step dt, with x = v - El, the exact solution is
 *     x(t+dt)  = Em x + ce ge + ci gi,   ge(t+dt) = Ee ge,   gi(t+dt) = Ei gi
 *     Em = exp(-dt/taum), Ee = exp(-dt/taue), Ei = exp(-dt/taui),
 *     ce = taue / (taue - taum) (Ee - Em),   ci = taui / (taui - taum) (Ei - Em)
 * (ce = (1/taum) int_0^dt exp(-(dt-s)/taum) exp(-s/taue) ds).  A refractory neuron keeps v
 * and its ge, gi decay.  Spike v > Vt, reset v = Vr, refractory 5 ms = 50 steps.  Each spike
 * of an excitatory neuron adds we to ge of its targets, of an inhibitory one wi to gi,
 * in the same step (delay 0), after every neuron has been integrated.
 *
 * plain: one fused loop per step, weights read from the per-synapse array.
 * best (-DBEST): blocks of BLOCK neurons updated by a branch-free vectorised loop, spikes
 * appended from flags only in blocks where one fired; uint8 refractory counters; no
 * weight array (the weights are homogeneous per presynaptic population); the delivery
 * prefetched and the large arrays on huge pages (net_common.h).
 */
#include "net_common.h"

#define TAUM 20.0
#define TAUE 5.0
#define TAUI 10.0
#define VT (-50.0)
#define VR (-60.0)
#define EL (-49.0)
#define T_REF 5.0
#define DT 0.1
#define WE 1.62      /* Brian2: (60*0.27/10) mV */
#define WI (-9.0)    /* Brian2: (-20*4.5/10) mV */

/* gcc folds these libm calls at compile time (correctly rounded, as MPFR does) */
static const double EM = __builtin_exp(-DT / TAUM);
static const double EE = __builtin_exp(-DT / TAUE);
static const double EI = __builtin_exp(-DT / TAUI);
static const double CE = TAUE / (TAUE - TAUM)
                         * (__builtin_exp(-DT / TAUE) - __builtin_exp(-DT / TAUM));
static const double CI = TAUI / (TAUI - TAUM)
                         * (__builtin_exp(-DT / TAUI) - __builtin_exp(-DT / TAUM));
static const int R = REFRACTORY_STEPS(T_REF, DT);

#ifdef PLASTIC     /* net_cuba_stdp.c: the excitatory synapses learn (net_stdp.h) */
#include "net_stdp.h"
#define DELIVER_PLAIN(s, sp, first, k) stdp_deliver(s, sp, first, (k) + 1)
#define DELIVER_BEST(s, sp, first, k) stdp_deliver(s, sp, first, (k) + 1)
#else
#define DELIVER_PLAIN(s, sp, first, k) deliver_weighted(s, sp, first)
#define DELIVER_BEST(s, sp, first, k) deliver_homogeneous(s, sp, first, WE, WI)
#endif

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
            ge[i] = EE * e;
            gi[i] = EI * in;
            if (ref[i] > 0) {   /* v held at Vr */
                ref[i]--;
                continue;
            }
            double vn = EL + EM * (v[i] - EL) + CE * e + CI * in;
            if (vn > VT) {
                vn = VR;
                ref[i] = R;
                spikes_push(sp, (int32_t)i, k + 1);
            }
            v[i] = vn;
        }
        DELIVER(s, DELIVER_PLAIN(s, sp, first, k));
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
        double vn = EL + EM * (vo - EL) + CE * e + CI * in;
        ge[j] = EE * e;
        gi[j] = EI * in;
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
        DELIVER(s, DELIVER_BEST(s, sp, first, k));
    }
}

#endif

int main(int argc, char **argv)
{
#ifdef PLASTIC
    return stdp_main(argc, argv, run);
#else
    return spiking_main(argc, argv, "cuba", run);
#endif
}
