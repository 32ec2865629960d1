"""The counter-based generator of the kernels (templates/random.h) and its NumPy reference
(eqneuro/randomness.py): known answers against NumPy's own Philox bit generator, then the
distributions of the uniform and normal draws."""
import numpy as np
import pytest
from scipy import stats

from eqneuro import randomness
from eqneuro.compile.kernel import generator_module

KEY = (0x0123456789ABCDEF, 0xFEDCBA9876543210)
COUNTERS = [(0, 0, 0, 0), (1, 0, 0, 0), (5, 7, 11, 13), (2**64 - 1, 3, 0, 0),
            (123456789, 2**40 + 5, (7 << 32) | 2, 0), (2**64 - 1, 2**64 - 1, 2**64 - 1, 9)]


@pytest.fixture(scope="module")
def kernel():
    return generator_module()


def numpy_block(counter, key):
    """NumPy's Philox increments its 256-bit counter before each block: start one below."""
    value = sum(word << (64 * k) for k, word in enumerate(counter)) - 1
    start = np.array([(value >> (64 * k)) % 2**64 for k in range(4)], dtype=np.uint64)
    generator = np.random.Philox(counter=start, key=np.array(key, dtype=np.uint64))
    return [int(w) for w in generator.random_raw(4)]


@pytest.mark.parametrize("counter", COUNTERS[1:])
def test_philox_blocks_equal_numpys_philox(counter, kernel):
    expected = numpy_block(counter, KEY)
    assert [int(w[0]) for w in randomness.philox([[w] for w in counter], KEY)] == expected
    assert kernel.philox(list(counter), list(KEY)) == expected


def test_the_published_known_answer():
    """Random123's kat_vectors: philox4x64_10 of counter 0 under key 0."""
    words = randomness.philox([[0]] * 4, (0, 0))
    assert [f"{int(w[0]):016x}" for w in words] == [
        "16554d9eca36314c", "db20fe9d672d0fdc", "d7e772cee186176b", "7e68b68aec7ba23b"]


@pytest.mark.parametrize("kind", ["uniform", "normal"])
def test_the_kernels_draws_equal_the_numpy_reference(kind, kernel):
    seed, obj, draw, step = 2**70 + 12345, 3, 2, 987654
    out = np.empty(5000)
    kernel.draws(out, kind, *randomness.key_of(seed), obj, draw, step)
    reference = getattr(randomness, kind)(seed, obj, draw, step, np.arange(5000))
    if kind == "uniform":
        np.testing.assert_array_equal(out, reference)      # exact: integer arithmetic
    else:                                                  # libm vs NumPy log1p/cos
        np.testing.assert_allclose(out, reference, rtol=1e-13, atol=1e-15)


def test_uniform_draws_are_uniform_and_independent():
    n = 200_000
    u = randomness.uniform(7, 0, 0, 0, np.arange(n))
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / n)
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    others = [randomness.uniform(7, 0, 1, 0, np.arange(n)),     # another draw
              randomness.uniform(7, 1, 0, 0, np.arange(n)),     # another object
              randomness.uniform(7, 0, 0, 1, np.arange(n)),     # the next step
              randomness.uniform(8, 0, 0, 0, np.arange(n))]     # another seed
    for other in others:
        assert abs(np.corrcoef(u, other)[0, 1]) < 5 / np.sqrt(n)


def test_normal_draws_are_standard_normal():
    n = 200_000
    x = randomness.normal(11, 2, 5, 40, np.arange(n))
    assert abs(x.mean()) < 5 / np.sqrt(n)
    assert abs(x.var() - 1.0) < 5 * np.sqrt(2 / n)
    assert abs(stats.skew(x)) < 5 * np.sqrt(6 / n)
    assert abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / n)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    steps = randomness.normal(11, 2, 5, np.arange(n), 17)     # one element over time
    assert stats.kstest(steps, "norm").pvalue > 1e-3


@pytest.mark.parametrize("seed, error", [(1.5, TypeError), (True, TypeError), (-1, ValueError),
                                         (2**128, ValueError), ("7", TypeError)])
def test_bad_seeds(seed, error):
    with pytest.raises(error):
        randomness.check_seed(seed)


def test_fresh_seeds_differ():
    assert len({randomness.fresh_seed() for _ in range(20)}) == 20
