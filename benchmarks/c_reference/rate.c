/* Rate-coded neuron: tau dv/dt + v = I, r = max(v, 0), explicit Euler.  No spikes.
 * r is a state array written every step (it is what a network would read). */
#include "common.h"

#define TAU 10.0
#define DT 0.1

const model_t MODEL = {"rate", 2, {0.0, 0.0}, 2.0, -1.0};

#ifndef BEST

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    (void)sp;
    double *v = s->x[0], *r = s->x[1];
    const double *I = s->I;
    for (int64_t k = 0; k < steps; k++)
        for (size_t i = 0; i < s->N; i++) {
            v[i] += DT / TAU * (I[i] - v[i]);
            r[i] = v[i] > 0.0 ? v[i] : 0.0;
        }
}

#else

BLOCK_FN update(size_t N, double *restrict v, double *restrict r, const double *restrict I)
{
    for (size_t i = 0; i < N; i++) {
        double vn = v[i] + DT / TAU * (I[i] - v[i]);
        v[i] = vn;
        r[i] = vn > 0.0 ? vn : 0.0;
    }
}

void simulate(const state_t *s, int64_t steps, spikes_t *sp)
{
    (void)sp;
    for (int64_t k = 0; k < steps; k++)
        update(s->N, s->x[0], s->x[1], s->I);
}

#endif
