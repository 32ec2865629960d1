/* Philox4x64-10 as a function of its counter (eqneuro/randomness.py has the layout and a
   NumPy reference): draw `draw` of object `obj` at `step` for `element`. */
#include <stdint.h>
#include <math.h>
double lgamma_r(double x, int *sign);      /* POSIX; not declared under strict C */
/* The high word of a 64x64-bit product from 32-bit halves: gcc vectorises this (a 128-bit
   product it does not), so a loop of draws runs 8 neurons at a time. */
static inline uint64_t eq_mulhi64(uint64_t a, uint64_t b) {
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lh = a_lo * b_hi, hl = a_hi * b_lo;
    uint64_t middle = ((a_lo * b_lo) >> 32) + (uint32_t)lh + (uint32_t)hl;
    return a_hi * b_hi + (lh >> 32) + (hl >> 32) + (middle >> 32);
}
static inline void eq_philox(uint64_t c[4], uint64_t k0, uint64_t k1) {
    #pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
        uint64_t c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
        c[0] = eq_mulhi64(0xCA5A826395121157ULL, c2) ^ c1 ^ k0;
        c[1] = 0xCA5A826395121157ULL * c2;
        c[2] = eq_mulhi64(0xD2E7470EE14C6C93ULL, c0) ^ c3 ^ k1;
        c[3] = 0xD2E7470EE14C6C93ULL * c0;
        k0 += 0x9E3779B97F4A7C15ULL;
        k1 += 0xBB67AE8584CAA73BULL;
    }
}
static inline double eq_word_uniform(uint64_t w) { return (double)(w >> 11) * 0x1.0p-53; }
__attribute__((const)) static inline double eq_uniform(uint64_t k0, uint64_t k1, uint64_t obj,
                                                       uint64_t draw, int64_t step,
                                                       int64_t element) {
    uint64_t c[4] = {(uint64_t)step, (uint64_t)element, obj << 32 | draw, 0};
    eq_philox(c, k0, k1);
    return eq_word_uniform(c[0]);
}
__attribute__((const)) static inline double eq_normal(uint64_t k0, uint64_t k1, uint64_t obj,
                                                      uint64_t draw, int64_t step,
                                                      int64_t element) {
    uint64_t c[4] = {(uint64_t)step, (uint64_t)element, obj << 32 | draw, 0};
    eq_philox(c, k0, k1);
    return sqrt(-2.0 * log1p(-eq_word_uniform(c[0]))) * cos(6.283185307179586 * eq_word_uniform(c[1]));
}
/* The Poisson count of mean lam (p0 = exp(-lam)) that the uniform draw u selects: the
   smallest k with u < P(N <= k), summed from 0 up to a mean of 32 and from the mode beyond (the same
   operations as eqneuro/randomness.py's reference). NaN for a negative, infinite or NaN mean.
   eq_poisson_count tests for no event inline, given p0 = exp(-lam) (computed once when lam
   is the same for every neuron); the rest is eq_poisson_tail. */
static double eq_poisson_tail(double u, double lam, double p0) {
    if (!(lam >= 0.0) || lam == INFINITY || u != u) return NAN;
    double k, p, total, grown;
    if (lam <= 32.0) {
        k = 0.0; p = p0; total = p;
        while (u >= total) {
            k += 1.0; p *= lam / k; grown = total + p;
            if (grown == total) break;
            total = grown;
        }
        return k;
    }
    double mode = floor(lam);
    int sign;   /* lgamma_r: lgamma's sign is a global, shared by the threads */
    double peak = exp(mode * log(lam) - lam - lgamma_r(mode + 1.0, &sign));
    double below = 0.0;
    p = peak; k = mode;
    while (k > 0.0) {
        p *= k / lam; k -= 1.0; below += p;
        if (p < below * 1e-17) break;
    }
    total = below + peak; p = peak; k = mode;
    if (u < total) {
        while (k > 0.0) {
            double lower = total - p;
            if (u >= lower) return k;
            total = lower; p *= k / lam; k -= 1.0;
        }
        return 0.0;
    }
    while (u >= total) {
        k += 1.0; p *= lam / k; grown = total + p;
        if (grown == total) break;
        total = grown;
    }
    return k;
}
static inline double eq_poisson_count(double u, double lam, double p0) {
    return (lam >= 0.0 && lam <= 32.0 && u < p0) ? 0.0 : eq_poisson_tail(u, lam, p0);
}
