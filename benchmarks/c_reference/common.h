/* Shared by the five C reference models: state, spike buffer, model interface.
 *
 * Each model file defines MODEL and simulate(); bench.c (compiled once, without
 * -ffast-math so that I[i] is bitwise the same as numpy's) holds main(): argument
 * parsing, input currents, timing and the JSON line.  A model file holds two versions
 * of simulate(): the plain fused loop, and the blocked "best" loop under -DBEST.
 */
#ifndef EQNEURO_BENCH_COMMON_H
#define EQNEURO_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MAXVAR 4    /* state variables per neuron, at most (HH: v, n, m, h) */
#define BLOCK 256   /* neurons per block in the "best" variants: ~10 KB of state, in L1 */

/* Recorded spikes: neuron index and step number; t = step * dt is the END time of the
 * step in which the spike condition became true.  Grows without limit: nothing dropped. */
typedef struct {
    int32_t *i;
    int64_t *t;
    size_t n, cap;
} spikes_t;

void spikes_reserve(spikes_t *s, size_t need);   /* make cap >= need */

static inline void spikes_push(spikes_t *s, int32_t i, int64_t step)
{
    if (s->n == s->cap)
        spikes_reserve(s, s->n + 1);
    s->i[s->n] = i;
    s->t[s->n] = step;
    s->n++;
}

/* Append the neurons first + j with flag[j] != 0, j < n.  Spikes are rare, so flags are
 * tested 8 at a time and the buffer is grown once per call, not once per spike. */
static inline void spikes_record_flags(spikes_t *s, const uint8_t *flag, int n,
                                       int32_t first, int64_t step)
{
    if (s->cap - s->n < (size_t)n)
        spikes_reserve(s, s->n + (size_t)n);
    size_t k = s->n;
    for (int j = 0; j < n; j += 8) {
        uint64_t word = 0;
        int m = n - j < 8 ? n - j : 8;
        memcpy(&word, flag + j, (size_t)m);
        for (int b = 0; word && b < m; b++, word >>= 8)
            if (word & 0xff) {
                s->i[k] = first + j + b;
                s->t[k] = step;
                k++;
            }
    }
    s->n = k;
}

typedef struct {
    size_t N;
    double *x[MAXVAR];   /* state variables, one array each, in MODEL's order */
    int32_t *ref;        /* refractory steps left (0 = not refractory) */
    double *I;           /* input current per neuron */
} state_t;

typedef struct {
    const char *name;
    int nvar;
    double init[MAXVAR];
    double I_scale, I_offset;   /* I[i] = I_scale * i / (N - 1) + I_offset */
} model_t;

extern const model_t MODEL;
void simulate(const state_t *s, int64_t steps, spikes_t *sp);

/* A "best" variant's per-block update function.  noinline: gcc honours `restrict` on
 * the parameters of a function it has not inlined, so the loop needs no alias check. */
#define BLOCK_FN static __attribute__((noinline)) void

/* steps of refractoriness after a spike: round(T_ref / dt) */
#define REFRACTORY_STEPS(t_ref, dt) ((int32_t)((t_ref) / (dt) + 0.5))

#endif
