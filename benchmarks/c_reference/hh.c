/* Hodgkin-Huxley, the lecture's form (rest near -70 mV, b_m with /80), explicit Euler.
 * No reset: a spike is v > 0, and refractoriness (round(T_ref/dt) steps) only blocks
 * the next spike, so each action potential gives one spike. */
#include "common.h"

#include <math.h>

#define C_M 1.0
#define V_L (-59.387)
#define V_K (-82.0)
#define V_NA 45.0
#define G_K 36.0
#define G_NA 120.0
#define G_L 0.3
#define V_SPIKE 0.0
#define T_REF 2.0
#define DT 0.01

const model_t MODEL = {"hh", 4, {-70.0, 0.3177, 0.0529, 0.5961}, 20.0, 0.0};
static const int32_t R = REFRACTORY_STEPS(T_REF, DT);

#ifndef BEST

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    double *v = s->x[0], *n = s->x[1], *m = s->x[2], *h = s->x[3];
    int32_t *ref = s->ref;
    const double *I = s->I;
    for (int64_t k = 0; k < steps; k++)
        for (size_t i = 0; i < s->N; i++) {
            double vi = v[i], ni = n[i], mi = m[i], hi = h[i];
            double a_n = 0.01 * (vi + 60) / (1 - exp(-0.1 * (vi + 60)));
            double a_m = 0.1 * (vi + 45) / (1 - exp(-0.1 * (vi + 45)));
            double a_h = 0.07 * exp(-0.05 * (vi + 70));
            double b_n = 0.125 * exp(-0.0125 * (vi + 70));
            double b_m = 4 * exp(-(vi + 70) / 80);
            double b_h = 1 / (1 + exp(-0.1 * (vi + 40)));
            n[i] = ni + DT * (a_n * (1 - ni) - b_n * ni);
            m[i] = mi + DT * (a_m * (1 - mi) - b_m * mi);
            h[i] = hi + DT * (a_h * (1 - hi) - b_h * hi);
            v[i] = vi + DT / C_M * (G_L * (V_L - vi) + G_K * pow(ni, 4) * (V_K - vi)
                                    + G_NA * pow(mi, 3) * hi * (V_NA - vi) + I[i]);
            if (ref[i] > 0)
                ref[i]--;
            else if (v[i] > V_SPIKE) {
                ref[i] = R;
                spikes_push(sp, (int32_t)i, k + 1);
            }
        }
}

#else

BLOCK_FN update_block(int len, double *restrict v, double *restrict n, double *restrict m,
                      double *restrict h, int32_t *restrict ref, const double *restrict I,
                      uint8_t *restrict flag)
{
    for (int j = 0; j < len; j++) {   /* six exp() calls, each libmvec's vector exp */
        double vj = v[j], nj = n[j], mj = m[j], hj = h[j];
        double a_n = 0.01 * (vj + 60) / (1 - exp(-0.1 * (vj + 60)));
        double a_m = 0.1 * (vj + 45) / (1 - exp(-0.1 * (vj + 45)));
        double a_h = 0.07 * exp(-0.05 * (vj + 70));
        double b_n = 0.125 * exp(-0.0125 * (vj + 70));
        double b_m = 4 * exp(-(vj + 70) / 80);
        double b_h = 1 / (1 + exp(-0.1 * (vj + 40)));
        double n2 = nj * nj;
        n[j] = nj + DT * (a_n * (1 - nj) - b_n * nj);
        m[j] = mj + DT * (a_m * (1 - mj) - b_m * mj);
        h[j] = hj + DT * (a_h * (1 - hj) - b_h * hj);
        double vn = vj + DT / C_M * (G_L * (V_L - vj) + G_K * n2 * n2 * (V_K - vj)
                                     + G_NA * mj * mj * mj * hj * (V_NA - vj) + I[j]);
        int32_t r = ref[j];
        int fire = (r == 0) & (vn > V_SPIKE);
        v[j] = vn;
        ref[j] = fire ? R : r - (r > 0);
        flag[j] = (uint8_t)fire;
    }
}

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    uint8_t flag[BLOCK];
    for (int64_t k = 0; k < steps; k++)
        for (size_t b = 0; b < s->N; b += BLOCK) {
            int len = s->N - b < BLOCK ? (int)(s->N - b) : BLOCK;
            update_block(len, s->x[0] + b, s->x[1] + b, s->x[2] + b, s->x[3] + b,
                         s->ref + b, s->I + b, flag);
            spikes_record_flags(sp, flag, len, (int32_t)b, k + 1);
        }
}

#endif
