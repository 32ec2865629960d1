/* Philox4x64-10 as a function of its counter (eqneuro/randomness.py has the layout and a
   NumPy reference): draw `draw` of object `obj` at `step` for `element`. */
#include <stdint.h>
#include <math.h>
static inline void eq_philox(uint64_t c[4], uint64_t k0, uint64_t k1) {
    for (int r = 0; r < 10; r++) {
        if (r) { k0 += 0x9E3779B97F4A7C15ULL; k1 += 0xBB67AE8584CAA73BULL; }
        __uint128_t p0 = (__uint128_t)0xD2E7470EE14C6C93ULL * c[0];
        __uint128_t p1 = (__uint128_t)0xCA5A826395121157ULL * c[2];
        uint64_t c1 = c[1], c3 = c[3];
        c[0] = (uint64_t)(p1 >> 64) ^ c1 ^ k0;
        c[1] = (uint64_t)p1;
        c[2] = (uint64_t)(p0 >> 64) ^ c3 ^ k1;
        c[3] = (uint64_t)p0;
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
