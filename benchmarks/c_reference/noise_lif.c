/* The cost of noise: a leaky integrate-and-fire neuron with white noise, Euler-Maruyama,
 * drawing from the same counter-based generator as eqneuro's kernels (templates/random.h,
 * Philox4x64-10 keyed by the seed, counter (step, neuron, 0, 0)):
 *     dv/dt = (-(v - E_L) + MU) / TAU + SIGMA * xi,   v > V_T: v = V_R, refractory 2 ms
 * (v held, without noise, while refractory).  Blocks of 256 neurons, branch-free.
 *     noise_lif N STEPS REPEATS SEED  ->  one JSON line
 */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "random.h"

#define TAU 10.0
#define E_L (-70.0)
#define MU 18.0
#define SIGMA 1.5
#define V_T (-50.0)
#define V_R (-70.0)
#define DT 0.1
#define R 20            /* round(2 ms / dt) */
#define BLOCK 256

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int64_t block(int64_t first, int n, int64_t step, uint64_t k0, uint64_t k1,
                     double *restrict v, int32_t *restrict ref)
{
    int64_t fired = 0;
    const double noise = SIGMA * sqrt(DT);
    for (int j = 0; j < n; j++) {
        int32_t r = ref[j];
        double x = eq_normal(k0, k1, 0, 0, step, first + j);
        double vn = v[j] + DT * ((-(v[j] - E_L) + MU) / TAU) + noise * x;
        int fire = (r == 0) & (vn > V_T);
        v[j] = r ? v[j] : fire ? V_R : vn;
        ref[j] = fire ? R : r - (r > 0);
        fired += fire;
    }
    return fired;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: noise_lif N STEPS REPEATS SEED\n");
        return 2;
    }
    int64_t N = atoll(argv[1]), steps = atoll(argv[2]);
    int repeats = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    double *v = aligned_alloc(64, (N * sizeof(double) + 63) / 64 * 64);
    int32_t *ref = aligned_alloc(64, (N * sizeof(int32_t) + 63) / 64 * 64);
    double best = 1e30, v_sum = 0.0;
    int64_t spikes = 0;
    for (int rep = 0; rep < repeats; rep++) {
        for (int64_t i = 0; i < N; i++) {
            v[i] = E_L;
            ref[i] = 0;
        }
        spikes = 0;
        double t0 = now();
        for (int64_t g = 0; g < steps; g++)
            for (int64_t b = 0; b < N; b += BLOCK)
                spikes += block(b, N - b < BLOCK ? (int)(N - b) : BLOCK, g, seed, 0,
                                v + b, ref + b);
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    for (int64_t i = 0; i < N; i++)
        v_sum += v[i];
    printf("{\"system\": \"c\", \"run_s_best\": %.6g, \"spikes\": %lld, \"v_sum\": %.17g}\n",
           best, (long long)spikes, v_sum);
    return 0;
}
