/* Shared by the network C references (net_cuba.c, net_coba.c, net_rate.c): reading the
 * network that benchmarks/networks.py wrote, timing, and the JSON line.
 *
 * Each program is one translation unit (this header holds definitions):
 *     net_<case>_<variant> DIR STEPS REPEATS
 * DIR holds raw little-endian arrays, one per file, their length given by the file size:
 *     meta.i64   N, n_exc (the first n_exc neurons are excitatory; N3: 0)
 *     v0.f64 ... initial values (per program)
 *     ptr.i64    N + 1 offsets: synapses of presynaptic neuron i are ptr[i] .. ptr[i+1]-1
 *     post.i32   postsynaptic neuron of each synapse (sorted by pre, then post)
 *     w.f64      weight of each synapse
 *     N3 instead of the CSR arrays: W.f64 (N x N, row = post neuron) and in.f64
 * The simulation runs REPEATS times from the initial values; only the loop is timed.
 */
#ifndef EQNEURO_NET_COMMON_H
#define EQNEURO_NET_COMMON_H

#define _GNU_SOURCE   /* clock_gettime, madvise */
#include "common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#ifdef BEST
#define VARIANT "best"
#elif defined(USE_BLAS)
#define VARIANT "blas"
#else
#define VARIANT "plain"
#endif

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

#define HUGE_PAGE ((size_t)2 << 20)

/* 64-byte aligned; an array of 2 MB or more is aligned to 2 MB and, in the best variants,
 * asks for transparent huge pages (fewer TLB misses in the random accesses of spike
 * delivery), as numpy does for its arrays of 4 MB or more. */
static void *net_alloc(size_t bytes)
{
    size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : 64;
    size_t size = (bytes + align - 1) / align * align + align;
    void *p = aligned_alloc(align, size);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
#ifdef BEST
    if (align == HUGE_PAGE)
        madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

static double net_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The array DIR/name of elements of `size` bytes; *count gets its length.  If `expect`
 * is not (size_t)-1, the file must hold exactly that many elements. */
static void *net_read(const char *dir, const char *name, size_t size, size_t expect,
                      size_t *count)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END)) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    long bytes = ftell(f);
    rewind(f);
    size_t n = (size_t)bytes / size;
    if (bytes < 0 || (size_t)bytes % size || (expect != (size_t)-1 && n != expect)) {
        fprintf(stderr, "%s: %ld bytes, expected %zu elements of %zu bytes\n", path, bytes,
                expect, size);
        exit(1);
    }
    void *p = net_alloc(n * size);
    if (fread(p, size, n, f) != n) {
        fprintf(stderr, "short read on %s\n", path);
        exit(1);
    }
    fclose(f);
    if (count)
        *count = n;
    return p;
}

#define NO_COUNT ((size_t)-1)

typedef struct {
    size_t N, n_exc, M;
    int64_t *ptr;
    int32_t *post;
    double *w;
} net_t;

/* meta.i64 and, if `synapses`, the CSR arrays */
static net_t net_load(const char *dir, int synapses)
{
    int64_t *meta = net_read(dir, "meta.i64", sizeof(int64_t), 2, NULL);
    net_t net = {.N = (size_t)meta[0], .n_exc = (size_t)meta[1]};
    free(meta);
    if (synapses) {
        net.ptr = net_read(dir, "ptr.i64", sizeof(int64_t), net.N + 1, NULL);
        net.M = (size_t)net.ptr[net.N];
        net.post = net_read(dir, "post.i32", sizeof(int32_t), net.M, NULL);
        net.w = net_read(dir, "w.f64", sizeof(double), net.M, NULL);
    }
    return net;
}

/* Spike-buffer hash independent of the order of the spikes (as in bench.c). */
static uint64_t net_spikes_hash(const spikes_t *s)
{
    uint64_t h = 0;
    for (size_t k = 0; k < s->n; k++)
        h += ((uint64_t)s->i[k] + 1) * 0x9E3779B97F4A7C15ull ^ (uint64_t)s->t[k] * 0xC2B2AE3D27D4EB4Full;
    return h;
}

static int net_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double best, median;
    size_t spikes;
    uint64_t hash;
    uint64_t events;   /* synaptic events: sum of the out-degrees of the spiking neurons */
} net_timing_t;

/* Run `run` (after `reset`) `repeats` times; every repeat must record the same spikes. */
static net_timing_t net_time(int repeats, void *ctx, void (*reset)(void *),
                             void (*run)(void *, spikes_t *), const net_t *net)
{
    double *times = net_alloc(repeats * sizeof(double));
    net_timing_t out = {0};
    for (int r = 0; r < repeats; r++) {
        reset(ctx);
        spikes_t sp = {0};
        double t0 = net_now();
        run(ctx, &sp);
        times[r] = net_now() - t0;
        uint64_t hash = net_spikes_hash(&sp);
        if (r > 0 && (sp.n != out.spikes || hash != out.hash)) {
            fprintf(stderr, "repeat %d gave different spikes\n", r);
            exit(1);
        }
        out.spikes = sp.n;
        out.hash = hash;
        out.events = 0;
        if (net->ptr)
            for (size_t k = 0; k < sp.n; k++)
                out.events += (uint64_t)(net->ptr[sp.i[k] + 1] - net->ptr[sp.i[k]]);
        free(sp.i);
        free(sp.t);
    }
    qsort(times, repeats, sizeof *times, net_cmp_double);
    out.best = times[0];
    out.median = repeats % 2 ? times[repeats / 2]
                             : 0.5 * (times[repeats / 2 - 1] + times[repeats / 2]);
    free(times);
    return out;
}

/* deliver_s < 0: not measured (printed as null) */
static void net_print(const char *name, const net_t *net, int64_t steps, int repeats,
                      double load_s, double deliver_s, const net_timing_t *t, const double *v)
{
    double v_sum = 0.0, v_abs_sum = 0.0;
    for (size_t i = 0; i < net->N; i++) {
        v_sum += v[i];
        v_abs_sum += fabs(v[i]);
    }
    printf("{\"case\": \"%s\", \"variant\": \"%s\", \"N\": %zu, \"steps\": %lld, "
           "\"repeats\": %d, \"synapses\": %zu, \"run_s_best\": %.6g, \"run_s_median\": %.6g, "
           "\"load_s\": %.4g, \"spikes\": %zu, \"spikes_hash\": \"%016llx\", "
           "\"events\": %llu, \"v_sum\": %.17g, \"v_abs_sum\": %.17g, \"deliver_s\": ",
           name, VARIANT, net->N, (long long)steps, repeats, net->M, t->best, t->median,
           load_s, t->spikes, (unsigned long long)t->hash, (unsigned long long)t->events,
           v_sum, v_abs_sum);
    if (deliver_s < 0)
        printf("null}\n");
    else
        printf("%.6g}\n", deliver_s);
}

/* Arguments DIR STEPS REPEATS; exits with usage on anything else. */
static void net_args(int argc, char **argv, const char **dir, int64_t *steps, int *repeats)
{
    if (argc != 4 || (*steps = strtoll(argv[2], NULL, 10)) < 1
        || (*repeats = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: %s DIR STEPS REPEATS (STEPS, REPEATS >= 1)\n", argv[0]);
        exit(2);
    }
    *dir = argv[1];
}

/* ---- spiking networks (N1, N2): state and delivery shared by CUBA and COBA ---- */

#ifdef BEST
typedef uint8_t ref_t;   /* refractory steps left (at most 50 here) */
#else
typedef int32_t ref_t;
#endif

typedef struct {
    net_t net;
    int64_t steps;
    double *v, *ge, *gi;   /* ge, gi: the targets "exc" and "inh" (CUBA ge/gi, COBA g_exc/g_inh) */
    ref_t *ref;
    double *v0, *ge0, *gi0;
    int profile;           /* nonzero: add the time spent in delivery to deliver_s */
    double deliver_s;
} spiking_t;

/* A best variant's block update: returns nonzero if a neuron of the block fired (most
 * blocks have none, and then their flags are not scanned).  noinline: see BLOCK_FN. */
#define SPIKING_BLOCK_FN static __attribute__((noinline)) int

/* Time one delivery when profiling (an extra, untimed run after the timed repeats). */
#define DELIVER(s, call)                                                                   \
    do {                                                                                   \
        double t0_ = (s)->profile ? net_now() : 0.0;                                       \
        call;                                                                              \
        if ((s)->profile)                                                                  \
            (s)->deliver_s += net_now() - t0_;                                             \
    } while (0)

static spiking_t spiking_load(const char *dir, int64_t steps)
{
    spiking_t s = {.net = net_load(dir, 1), .steps = steps};
    size_t N = s.net.N;
    s.v0 = net_read(dir, "v0.f64", sizeof(double), N, NULL);
    s.ge0 = net_read(dir, "ge0.f64", sizeof(double), N, NULL);
    s.gi0 = net_read(dir, "gi0.f64", sizeof(double), N, NULL);
    s.v = net_alloc(N * sizeof(double));
    s.ge = net_alloc(N * sizeof(double));
    s.gi = net_alloc(N * sizeof(double));
    s.ref = net_alloc(N * sizeof(ref_t));
    return s;
}

static void spiking_reset(void *ctx)
{
    spiking_t *s = ctx;
    size_t N = s->net.N;
    memcpy(s->v, s->v0, N * sizeof(double));
    memcpy(s->ge, s->ge0, N * sizeof(double));
    memcpy(s->gi, s->gi0, N * sizeof(double));
    memset(s->ref, 0, N * sizeof(ref_t));
}

/* Delay 0: the spikes sp->i[first..] of this step add their weight to ge (excitatory
 * pre) or gi (inhibitory pre) of their targets, in spike order then synapse order. */
static inline void deliver_weighted(const spiking_t *s, const spikes_t *sp, size_t first)
{
    const int64_t *ptr = s->net.ptr;
    const int32_t *post = s->net.post;
    const double *w = s->net.w;
    for (size_t k = first; k < sp->n; k++) {
        int32_t i = sp->i[k];
        double *g = (size_t)i < s->net.n_exc ? s->ge : s->gi;
        for (int64_t syn = ptr[i]; syn < ptr[i + 1]; syn++)
            g[post[syn]] += w[syn];
    }
}

/* Prefetch the synapse row of presynaptic neuron i (its post indices). */
static inline void prefetch_row(const net_t *net, int32_t i)
{
    const char *q = (const char *)((uintptr_t)(net->post + net->ptr[i]) & ~(uintptr_t)63);
    const char *end = (const char *)(net->post + net->ptr[i + 1]);
    for (; q < end; q += 64)
        __builtin_prefetch(q);
}

/* Prefetch, for writing, the conductances that the spike of neuron i will update. */
static inline void prefetch_targets(const net_t *net, const double *g, int32_t i)
{
    for (int64_t syn = net->ptr[i]; syn < net->ptr[i + 1]; syn++)
        __builtin_prefetch(g + net->post[syn], 1);
}

#define ROWS_AHEAD 4   /* synapse rows are prefetched this many spikes ahead */

/* deliver_weighted with one weight per presynaptic population (no weight array is read),
 * software-pipelined: while spike k is delivered, the targets of spike k + 1 and the
 * synapse row of spike k + ROWS_AHEAD are on their way into the cache. */
static inline void deliver_homogeneous(const spiking_t *s, const spikes_t *sp, size_t first,
                                       double w_exc, double w_inh)
{
    const net_t *net = &s->net;
    for (size_t k = first; k < sp->n; k++) {
        if (k + ROWS_AHEAD < sp->n)
            prefetch_row(net, sp->i[k + ROWS_AHEAD]);
        if (k + 1 < sp->n) {
            int32_t next = sp->i[k + 1];
            prefetch_targets(net, (size_t)next < net->n_exc ? s->ge : s->gi, next);
        }
        int32_t i = sp->i[k];
        int exc = (size_t)i < net->n_exc;
        double *g = exc ? s->ge : s->gi;
        double w = exc ? w_exc : w_inh;
        const int32_t *target = net->post + net->ptr[i], *end = net->post + net->ptr[i + 1];
        for (; target < end; target++)
            g[*target] += w;
    }
}

/* setup (or NULL): more state after loading; reset: back to the initial state */
static inline int spiking_main_with(int argc, char **argv, const char *name,
                                    void (*run)(void *, spikes_t *),
                                    void (*setup)(const net_t *), void (*reset)(void *))
{
    const char *dir;
    int64_t steps;
    int repeats;
    net_args(argc, argv, &dir, &steps, &repeats);
    double t0 = net_now();
    spiking_t s = spiking_load(dir, steps);
    if (setup)
        setup(&s.net);
    double load_s = net_now() - t0;
    net_timing_t t = net_time(repeats, &s, reset, run, &s.net);
    s.profile = 1;   /* one more run, timing the delivery alone; it ends in the same state */
    net_time(1, &s, reset, run, &s.net);
    net_print(name, &s.net, steps, repeats, load_s, s.deliver_s, &t, s.v);
    return 0;
}

static inline int spiking_main(int argc, char **argv, const char *name,
                               void (*run)(void *, spikes_t *))
{
    return spiking_main_with(argc, argv, name, run, NULL, spiking_reset);
}

#endif
