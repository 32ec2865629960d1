/* Leaky integrate-and-fire: C dv/dt = -g_L (v - V_L) + I, explicit Euler.
 * Spike v > V_T, reset v = V_r, then v is held for round(T_ref/dt) steps. */
#include "common.h"

#define C_M 1.0
#define G_L 0.1
#define V_L (-70.0)
#define V_T (-50.0)
#define V_R (-70.0)
#define T_REF 2.0
#define DT 0.1

const model_t MODEL = {"lif", 1, {-70.0}, 4.0, 0.0};
static const int32_t R = REFRACTORY_STEPS(T_REF, DT);

#ifndef BEST

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    double *v = s->x[0];
    int32_t *ref = s->ref;
    const double *I = s->I;
    for (int64_t k = 0; k < steps; k++)
        for (size_t i = 0; i < s->N; i++) {
            if (ref[i] > 0) {   /* refractory: v held at V_r, no spike */
                ref[i]--;
                continue;
            }
            v[i] += DT / C_M * (-G_L * (v[i] - V_L) + I[i]);
            if (v[i] > V_T) {
                v[i] = V_R;
                ref[i] = R;
                spikes_push(sp, (int32_t)i, k + 1);
            }
        }
}

#else

/* One block: update, threshold and reset in one vectorised loop (no branches); the
 * spikes are appended afterwards from flag[], while the block is still in L1. */
BLOCK_FN update_block(int n, double *restrict v, int32_t *restrict ref,
                         const double *restrict I, uint8_t *restrict flag)
{
    for (int j = 0; j < n; j++) {
        int32_t r = ref[j];
        double vn = v[j] + DT / C_M * (-G_L * (v[j] - V_L) + I[j]);
        int fire = (r == 0) & (vn > V_T);
        v[j] = r ? v[j] : fire ? V_R : vn;
        ref[j] = fire ? R : r - (r > 0);
        flag[j] = (uint8_t)fire;
    }
}

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    uint8_t flag[BLOCK];
    for (int64_t k = 0; k < steps; k++)
        for (size_t b = 0; b < s->N; b += BLOCK) {
            int n = s->N - b < BLOCK ? (int)(s->N - b) : BLOCK;
            update_block(n, s->x[0] + b, s->ref + b, s->I + b, flag);
            spikes_record_flags(sp, flag, n, (int32_t)b, k + 1);
        }
}

#endif
