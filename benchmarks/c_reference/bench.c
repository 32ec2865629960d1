/* main() for every C reference model: usage `model N steps repeats`.
 * Runs the simulation `repeats` times from a fresh initial state and prints one JSON
 * line: best and median wall time of simulate() alone, the spike count, an
 * order-independent hash of the spikes and sum(|x0|), x0 the first state variable (v). */
#define _POSIX_C_SOURCE 199309L
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void spikes_reserve(spikes_t *s, size_t need)
{
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < need)
        cap *= 2;
    int32_t *i = realloc(s->i, cap * sizeof *i);
    int64_t *t = realloc(s->t, cap * sizeof *t);
    if (!i || !t) {
        fprintf(stderr, "out of memory for %zu spikes\n", cap);
        exit(1);
    }
    s->i = i;
    s->t = t;
    s->cap = cap;
}

static void *alloc(size_t bytes)
{
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t spikes_hash(const spikes_t *s)
{
    uint64_t h = 0;
    for (size_t k = 0; k < s->n; k++)
        h += ((uint64_t)s->i[k] + 1) * 0x9E3779B97F4A7C15ull ^ (uint64_t)s->t[k] * 0xC2B2AE3D27D4EB4Full;
    return h;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s N steps repeats\n", argv[0]);
        return 2;
    }
    size_t N = strtoull(argv[1], NULL, 10);
    int64_t steps = strtoll(argv[2], NULL, 10);
    int repeats = atoi(argv[3]);
    if (N < 2 || steps < 1 || repeats < 1) {
        fprintf(stderr, "need N >= 2, steps >= 1, repeats >= 1\n");
        return 2;
    }

    state_t s = {.N = N, .ref = alloc(N * sizeof(int32_t)), .I = alloc(N * sizeof(double))};
    for (int k = 0; k < MODEL.nvar; k++)
        s.x[k] = alloc(N * sizeof(double));
    for (size_t i = 0; i < N; i++)
        s.I[i] = MODEL.I_scale * (double)i / (double)(N - 1) + MODEL.I_offset;

    double *times = alloc(repeats * sizeof(double));
    size_t nspikes = 0;
    uint64_t hash = 0;
    for (int r = 0; r < repeats; r++) {
        for (int k = 0; k < MODEL.nvar; k++)
            for (size_t i = 0; i < N; i++)
                s.x[k][i] = MODEL.init[k];
        memset(s.ref, 0, N * sizeof(int32_t));
        spikes_t sp = {0};

        double t0 = now();
        simulate(&s, steps, &sp);
        times[r] = now() - t0;

        if (r > 0 && (sp.n != nspikes || spikes_hash(&sp) != hash)) {
            fprintf(stderr, "repeat %d gave different spikes\n", r);
            return 1;
        }
        nspikes = sp.n;
        hash = spikes_hash(&sp);
        free(sp.i);
        free(sp.t);
    }
    double v_abs_sum = 0.0;
    for (size_t i = 0; i < N; i++)
        v_abs_sum += fabs(s.x[0][i]);

    qsort(times, repeats, sizeof *times, cmp_double);
    double median = repeats % 2 ? times[repeats / 2]
                                : 0.5 * (times[repeats / 2 - 1] + times[repeats / 2]);
    printf("{\"model\": \"%s\", \"N\": %zu, \"steps\": %lld, \"repeats\": %d, "
           "\"run_s_best\": %.6g, \"run_s_median\": %.6g, \"spikes\": %zu, "
           "\"spikes_hash\": \"%016llx\", \"v_abs_sum\": %.17g}\n",
           MODEL.name, N, (long long)steps, repeats, times[0], median, nspikes,
           (unsigned long long)hash, v_abs_sum);
    return 0;
}
