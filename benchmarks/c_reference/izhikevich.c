/* Izhikevich (2003), regular spiking: dv/dt = 0.04 v^2 + 5 v + 140 - u + I,
 * du/dt = a (b v - u), explicit Euler.  Spike v >= 30, reset v = c; u += d. */
#include "common.h"

#include <math.h>

#define A 0.02
#define B 0.2
#define C_RESET (-65.0)
#define D 8.0
#define V_PEAK 30.0
#define DT 0.1

const model_t MODEL = {"izhikevich", 2, {-65.0, B * -65.0}, 15.0, 0.0};

#ifndef BEST

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    double *v = s->x[0], *u = s->x[1];
    const double *I = s->I;
    for (int64_t k = 0; k < steps; k++)
        for (size_t i = 0; i < s->N; i++) {
            double vi = v[i], ui = u[i];
            v[i] = vi + DT * (0.04 * pow(vi, 2) + 5 * vi + 140 - ui + I[i]);
            u[i] = ui + DT * (A * (B * vi - ui));
            if (v[i] >= V_PEAK) {
                v[i] = C_RESET;
                u[i] += D;
                spikes_push(sp, (int32_t)i, k + 1);
            }
        }
}

#else

BLOCK_FN update_block(int n, double *restrict v, double *restrict u,
                      const double *restrict I, uint8_t *restrict flag)
{
    for (int j = 0; j < n; j++) {
        double vj = v[j], uj = u[j];
        double vn = vj + DT * (0.04 * vj * vj + 5 * vj + 140 - uj + I[j]);
        double un = uj + DT * (A * (B * vj - uj));
        int fire = vn >= V_PEAK;
        v[j] = fire ? C_RESET : vn;
        u[j] = fire ? un + D : un;
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
