/* The cost of Poisson input: N independent Poisson sources at RATE Hz, dt = 0.1 ms, each
 * step a Poisson count per neuron from the same counter-based generator as eqneuro's
 * kernels (templates/random.h: the inversion of the uniform draw of counter
 * (step, neuron, 0 << 32 | 0, 0)), every event appended to a spike list (index, step), as
 * a SpikeMonitor records them.  Blocks of 256: the draws (vectorised), the counts, the events.
 *     poisson_group N STEPS REPEATS SEED RATE  ->  one JSON line
 */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "random.h"

#define DT 0.1
#define BLOCK 256

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: poisson_group N STEPS REPEATS SEED RATE\n");
        return 2;
    }
    int64_t N = atoll(argv[1]), steps = atoll(argv[2]);
    int repeats = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    double lam = atof(argv[5]) * DT / 1000.0, p0 = exp(-lam);
    int64_t capacity = 1 << 20, count = 0;
    int32_t *index = malloc(capacity * sizeof *index);
    int64_t *when = malloc(capacity * sizeof *when);
    int32_t counts[BLOCK];
    double u[BLOCK];
    double best = 1e30;
    int64_t events = 0, checksum = 0;
    for (int rep = 0; rep < repeats; rep++) {
        count = checksum = 0;             /* every event kept, as a SpikeMonitor keeps them */
        double t0 = now();
        for (int64_t g = 0; g < steps; g++) {
            for (int64_t b = 0; b < N; b += BLOCK) {
                int n = N - b < BLOCK ? (int)(N - b) : BLOCK;
                for (int j = 0; j < n; j++)          /* vectorised: Philox 4-8 at once */
                    u[j] = eq_uniform(seed, 0, 0, 0, g, b + j);
                for (int j = 0; j < n; j++)
                    counts[j] = (int32_t)eq_poisson_count(u[j], lam, p0);
                for (int j = 0; j < n; j++)
                    for (int32_t c = 0; c < counts[j]; c++) {
                        if (count == capacity) {
                            capacity *= 2;
                            index = realloc(index, capacity * sizeof *index);
                            when = realloc(when, capacity * sizeof *when);
                        }
                        index[count] = (int32_t)(b + j);
                        when[count++] = g + 1;
                    }
            }
        }
        double t = now() - t0;
        if (t < best)
            best = t;
        events = count;
        for (int64_t k = 0; k < count; k++)
            checksum += index[k];
    }
    printf("{\"system\": \"c\", \"run_s_best\": %.6g, \"spikes\": %lld, \"checksum\": %lld}\n",
           best, (long long)events, (long long)checksum);
    free(index);
    free(when);
    return 0;
}
