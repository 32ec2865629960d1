/* AdEx (Brette & Gerstner 2005): C dv/dt = -g_L (v - E_L) + g_L Delta_T exp((v - V_T)/Delta_T)
 * + I - w, tau_w dw/dt = a (v - E_L) - w, explicit Euler.
 * Spike v > V_T + 5 Delta_T, reset v = E_L; w += b.  Units pF, nS, mV, pA, ms. */
#include "common.h"

#include <math.h>

#define C_M 281.0
#define G_L 30.0
#define E_L (-70.6)
#define V_T (-50.4)
#define DELTA_T 2.0
#define TAU_W 144.0
#define A 4.0
#define B 80.5
#define V_PEAK (-40.4)
#define DT 0.1

const model_t MODEL = {"adex", 2, {E_L, 0.0}, 1000.0, 0.0};

#ifndef BEST

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    double *v = s->x[0], *w = s->x[1];
    const double *I = s->I;
    for (int64_t k = 0; k < steps; k++)
        for (size_t i = 0; i < s->N; i++) {
            double vi = v[i], wi = w[i];
            v[i] = vi + DT / C_M * (-G_L * (vi - E_L) + G_L * DELTA_T * exp((vi - V_T) / DELTA_T)
                                    + I[i] - wi);
            w[i] = wi + DT / TAU_W * (A * (vi - E_L) - wi);
            if (v[i] > V_PEAK) {
                v[i] = E_L;
                w[i] += B;
                spikes_push(sp, (int32_t)i, k + 1);
            }
        }
}

#else

BLOCK_FN update_block(int n, double *restrict v, double *restrict w,
                      const double *restrict I, uint8_t *restrict flag)
{
    for (int j = 0; j < n; j++) {   /* exp() becomes libmvec's vector exp */
        double vj = v[j], wj = w[j];
        double vn = vj + DT / C_M * (-G_L * (vj - E_L) + G_L * DELTA_T * exp((vj - V_T) / DELTA_T)
                                     + I[j] - wj);
        double wn = wj + DT / TAU_W * (A * (vj - E_L) - wj);
        int fire = vn > V_PEAK;
        v[j] = fire ? E_L : vn;
        w[j] = fire ? wn + B : wn;
        flag[j] = (uint8_t)fire;
    }
}

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    uint8_t flag[BLOCK];
    for (int64_t k = 0; k < steps; k++)
        for (size_t b = 0; b < s->N; b += BLOCK) {
            int n = s->N - b < BLOCK ? (int)(s->N - b) : BLOCK;
            update_block(n, s->x[0] + b, s->x[1] + b, s->I + b, flag);
            spikes_record_flags(sp, flag, n, (int32_t)b, k + 1);
        }
}

#endif
