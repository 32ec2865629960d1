"""The random numbers of a Network: Philox4x64-10 (Salmon et al. 2011; NumPy's `Philox` bit
generator) used as a function of its counter, so that no generator state is shared.

Every draw is the block philox(counter, key) with
    key     = (seed mod 2^64, seed >> 64)              the Network's seed, below 2^128
    counter = (step, element, object << 32 | draw, 0)
where `step` is the step the draw belongs to (INIT_STEP for `init` flags), `element` the neuron (or synapse) index in its
population (projection), `object` the population's (projection's) number in the network's
stream table and `draw` the number of the random call in its model. Any thread, and any way
of splitting a run, computes the same numbers. A uniform draw is the block's first word,
(w0 >> 11) * 2^-53 in [0, 1); a normal draw is Box-Muller on the first two words,
sqrt(-2 log(1 - u0)) * cos(2 pi u1). A Poisson count of mean lam is the inversion of one
uniform draw u: the smallest k with u < P(N <= k) (poisson_count).

The kernel's C version is templates/random.h; this NumPy version is its reference (tests)
and draws what Python computes with the network's seed (random initial values).
"""
from __future__ import annotations

import math
import secrets

import numpy as np

WORD = 2 ** 64
INIT_STEP = WORD - 1        # the counter's step of the random initial values (never run)
SEED_LIMIT = 2 ** 128
MULTIPLIERS = (0xD2E7470EE14C6C93, 0xCA5A826395121157)
WEYL = (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)
ROUNDS = 10
_LOW = np.uint64(0xFFFFFFFF)
_32 = np.uint64(32)
_53 = 2.0 ** -53


def check_seed(seed) -> int:
    """A Network's seed: an int in [0, 2^128) (TypeError/ValueError otherwise)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    seed = int(seed)
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"seed must be in [0, 2**128), not {seed}")
    return seed


def fresh_seed() -> int:
    """A new seed from the operating system's entropy (63 bits, so it prints short)."""
    return secrets.randbits(63)


def key_of(seed: int) -> tuple[int, int]:
    return seed % WORD, seed // WORD


def _mulhilo(a: np.ndarray, b: int) -> tuple[np.ndarray, np.ndarray]:
    """The high and low 64 bits of the 128-bit product a*b (from 32-bit halves)."""
    b = np.uint64(b)
    a_lo, a_hi = a & _LOW, a >> _32
    b_lo, b_hi = b & _LOW, b >> _32
    ll, lh, hl, hh = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    middle = (ll >> _32) + (lh & _LOW) + (hl & _LOW)
    return hh + (lh >> _32) + (hl >> _32) + (middle >> _32), a * b


def philox(counter, key: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """The four 64-bit words of philox4x64-10 of each counter (four arrays of words)."""
    c = [np.asarray(word, dtype=np.uint64) for word in counter]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    with np.errstate(over="ignore"):
        for r in range(ROUNDS):
            if r:
                k0, k1 = k0 + np.uint64(WEYL[0]), k1 + np.uint64(WEYL[1])
            hi0, lo0 = _mulhilo(c[0], MULTIPLIERS[0])
            hi1, lo1 = _mulhilo(c[2], MULTIPLIERS[1])
            c = [hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0]
    return tuple(c)


def _block(seed: int, obj: int, draw: int, step, element) -> tuple[np.ndarray, ...]:
    step, element = np.broadcast_arrays(np.asarray(step, dtype=np.uint64),
                                        np.asarray(element, dtype=np.uint64))
    third = np.full(step.shape, (obj << 32) | draw, dtype=np.uint64)
    return philox((step, element, third, np.zeros(step.shape, dtype=np.uint64)), key_of(seed))


def to_uniform(word: np.ndarray) -> np.ndarray:
    return (word >> np.uint64(11)).astype(np.float64) * _53


def uniform(seed: int, obj: int, draw: int, step, element) -> np.ndarray:
    """Draw `draw` of object `obj` at `step` for `element` (arrays broadcast): in [0, 1)."""
    return to_uniform(_block(seed, obj, draw, step, element)[0])


def normal(seed: int, obj: int, draw: int, step, element) -> np.ndarray:
    """The standard normal draw of the same counter (Box-Muller on words 0 and 1)."""
    words = _block(seed, obj, draw, step, element)
    radius = np.sqrt(-2.0 * np.log1p(-to_uniform(words[0])))
    return radius * np.cos(2.0 * np.pi * to_uniform(words[1]))


# poisson_count sums the probabilities from 0 up to this mean, and from the mode beyond it.
INVERSION_LIMIT = 32.0


def _libm_lgamma():
    """The C library's lgamma, which the kernel calls (CPython's math.lgamma is its own)."""
    import ctypes
    import ctypes.util
    try:
        function = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").lgamma
    except (OSError, AttributeError):
        return math.lgamma
    function.restype, function.argtypes = ctypes.c_double, [ctypes.c_double]
    return function


_lgamma = None


def _poisson_count(u: float, mean: float) -> float:
    """One count, with the same floating-point operations as eq_poisson_count (random.h):
    math's exp and log, and this lgamma, are the C library's, as in the kernel."""
    global _lgamma
    if not mean >= 0.0 or mean == math.inf or u != u:
        return math.nan
    if mean <= INVERSION_LIMIT:
        p = math.exp(-mean)
        return _count_up(u, mean, 0.0, p, p)
    mode = math.floor(mean)
    if _lgamma is None:
        _lgamma = _libm_lgamma()
    peak = math.exp(mode * math.log(mean) - mean - _lgamma(mode + 1.0))
    below, p, k = 0.0, peak, mode
    while k > 0.0:
        p *= k / mean
        k -= 1.0
        below += p
        if p < below * 1e-17:
            break
    total, p, k = below + peak, peak, mode
    if u < total:
        while k > 0.0:
            lower = total - p
            if u >= lower:
                return k
            total = lower
            p *= k / mean
            k -= 1.0
        return 0.0
    return _count_up(u, mean, k, p, total)


def _count_up(u: float, mean: float, k: float, p: float, total: float) -> float:
    """From count k of probability p with P(N <= k) = total: the smallest count with
    u < P(N <= count), or the one at which the sum stops growing."""
    while u >= total:
        k += 1.0
        p *= mean / k
        grown = total + p
        if grown == total:
            break
        total = grown
    return k


def poisson_count(u, mean) -> np.ndarray:
    """The Poisson count of mean `mean` that the uniform draw `u` selects (arrays broadcast;
    NaN for a negative, infinite or NaN mean). Exact up to the rounding of the summed
    probabilities (about 1e-16): a count of probability below the draws' 2^-53 may stand
    for a larger one."""
    u, mean = np.broadcast_arrays(np.asarray(u, dtype=np.float64),
                                  np.asarray(mean, dtype=np.float64))
    out = np.empty(u.shape)
    flat_u, flat_mean, flat_out = u.ravel(), mean.ravel(), out.reshape(-1)
    for index in range(flat_out.size):
        flat_out[index] = _poisson_count(float(flat_u[index]), float(flat_mean[index]))
    return out


def most_events(mean: float) -> int:
    """A bound on the counts poisson_count gives for any mean up to `mean`: the sums stop
    growing (and the count stops) at the first k beyond the mode whose probability is below
    half the rounding step of numbers near 1 (2^-54), and for k above `mean` the
    probability of k grows with the mean."""
    if mean <= 0.0:
        return 1
    k = math.ceil(mean + 5.0 * math.sqrt(mean)) + 1
    while -mean + k * math.log(mean) - math.lgamma(k + 1.0) >= -56.0 * math.log(2.0):
        k += 1
    return k + 1
