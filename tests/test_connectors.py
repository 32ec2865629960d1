"""Connectivity patterns (eqneuro/sim/connectors.py): statistics of the random patterns,
exact pairs and weights of the explicit ones, self pairs across views, and every refusal."""
import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from scipy import stats


def _load_connectors():
    """The module by its path: it imports nothing from eqneuro, so neither must its test."""
    path = Path(__file__).resolve().parent.parent / "eqneuro" / "sim" / "connectors.py"
    spec = importlib.util.spec_from_file_location("_connectors_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


connectors = _load_connectors()
Side, connect = connectors.Side, connectors.connect


def pop(n, population_id=0, start=0):
    """The side of neurons start..start+n-1 of a population."""
    return Side(np.arange(start, start + n), population_id)


def pairs(connection):
    return list(zip(connection.pre.tolist(), connection.post.tolist()))


def flat_keys(connection, n_post):
    return connection.pre.astype(np.int64) * n_post + connection.post


def chi_square_binomial(counts, n, p):
    """p-value of the counts against Binomial(n, p), tails lumped where few are expected."""
    values = np.arange(n + 1)
    expected = stats.binom.pmf(values, n, p) * len(counts)
    inner = np.flatnonzero(expected >= 5)
    lo, hi = inner[0], inner[-1]
    observed = np.bincount(counts, minlength=n + 1)
    obs = np.r_[observed[:lo].sum(), observed[lo:hi + 1], observed[hi + 1:].sum()]
    exp = np.r_[expected[:lo].sum(), expected[lo:hi + 1], expected[hi + 1:].sum()]
    keep = exp > 0
    exp = exp[keep] * obs.sum() / exp[keep].sum()
    return stats.chisquare(obs[keep], exp).pvalue


def subset_frequency_pvalue(rows, candidates, k):
    """p-value of the rows (sorted k-subsets) against a uniform choice among the k-subsets
    of `candidates`."""
    index = {subset: n for n, subset in enumerate(itertools.combinations(candidates, k))}
    codes = np.array([index[tuple(row)] for row in rows.tolist()])
    observed = np.bincount(codes, minlength=len(index))
    return stats.chisquare(observed).pvalue


# ---- fixed probability ---------------------------------------------------------------------------

@pytest.mark.parametrize("chunk", [None, 64])
def test_fixed_probability_count_is_binomial_within_5_sigma(monkeypatch, chunk):
    if chunk:
        monkeypatch.setattr(connectors, "_CHUNK", chunk)
    n_pre, n_post, p = 600, 500, 0.01 if chunk else 0.05
    connection = connect(pop(n_pre), pop(n_post, 1), p=p, seed=3)
    mean, sigma = n_pre * n_post * p, np.sqrt(n_pre * n_post * p * (1 - p))
    assert abs(len(connection) - mean) < 5 * sigma
    assert np.all(np.diff(flat_keys(connection, n_post)) > 0)     # sorted, no duplicate pair


def test_fixed_probability_rows_are_binomial_and_posts_uniform():
    n_pre, n_post, p = 20000, 400, 0.025
    connection = connect(pop(n_pre), pop(n_post, 1), p=p, seed=11)
    row_counts = np.bincount(connection.pre, minlength=n_pre)
    assert chi_square_binomial(row_counts, n_post, p) > 1e-4
    post_counts = np.bincount(connection.post, minlength=n_post)
    assert stats.chisquare(post_counts).pvalue > 1e-4


def test_fixed_probability_without_self_pairs_rows_are_binomial_of_the_others():
    n, p = 3000, 0.01
    connection = connect(pop(n), pop(n), p=p, seed=5)
    assert not np.any(connection.pre == connection.post)
    row_counts = np.bincount(connection.pre, minlength=n)
    assert chi_square_binomial(row_counts, n - 1, p) > 1e-4
    mean = (n * n - n) * p
    assert abs(len(connection) - mean) < 5 * np.sqrt(mean * (1 - p))


@pytest.mark.parametrize("chunk", [None, 1])
def test_each_pair_is_chosen_with_probability_p_independently(monkeypatch, chunk):
    """2 x 2 pairs over 4000 draws: every pair (the first and the last included) has
    frequency p and two pairs together p**2; a chunk of 1 gap tests the chunk boundaries."""
    if chunk:
        monkeypatch.setattr(connectors, "_CHUNK", chunk)
    p, draws = 0.3, 4000
    rng = np.random.default_rng(17)
    chosen = np.zeros((draws, 4), bool)
    for draw in range(draws):
        connection = connect(pop(2), pop(2, 1), p=p, seed=rng)
        chosen[draw, flat_keys(connection, 2)] = True
    sigma = np.sqrt(draws * p * (1 - p))
    assert np.all(np.abs(chosen.sum(axis=0) - draws * p) < 5 * sigma)
    both = (chosen[:, 0] & chosen[:, 3]).sum()
    assert abs(both - draws * p * p) < 5 * np.sqrt(draws * p * p * (1 - p * p))


def test_probability_zero_and_one():
    assert len(connect(pop(50), pop(40, 1), p=0.0, seed=1)) == 0
    everything = connect(pop(50), pop(40, 1), p=1.0, seed=1)
    assert pairs(everything) == [(a, b) for a in range(50) for b in range(40)]
    assert len(connect(pop(0), pop(40, 1), p=0.5)) == 0


def test_allow_self_includes_self_pairs_at_rate_p():
    n, p = 2000, 0.3
    connection = connect(pop(n), pop(n), p=p, allow_self=True, seed=2)
    self_pairs = np.count_nonzero(connection.pre == connection.post)
    assert abs(self_pairs - n * p) < 5 * np.sqrt(n * p * (1 - p))
    assert np.count_nonzero(connect(pop(n), pop(n), p=p, seed=2).pre
                            == connect(pop(n), pop(n), p=p, seed=2).post) == 0


def test_other_population_has_no_self_pairs_to_exclude():
    connection = connect(pop(30), pop(30, population_id=1), p=1.0, allow_self=False)
    assert len(connection) == 900


# ---- views and self pairs ------------------------------------------------------------------------

def test_overlapping_slices_exclude_the_shared_neurons_only():
    pre, post = pop(10, start=0), pop(10, start=5)            # pop[0:10] -> pop[5:15]
    connection = connect(pre, post, p=1.0)
    excluded = {(a, a - 5) for a in range(5, 10)}
    assert pairs(connection) == [(a, b) for a in range(10) for b in range(10)
                                 if (a, b) not in excluded]
    assert pairs(connect(pre, post, all_to_all=True)) == pairs(connection)
    assert len(connect(pre, post, p=1.0, allow_self=True)) == 100


def test_index_array_views_exclude_the_same_neurons():
    pre, post = Side(np.array([3, 5, 7]), 4), Side(np.array([7, 3, 9]), 4)
    assert pairs(connect(pre, post, all_to_all=True)) == [
        (0, 0), (0, 2), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)]
    assert len(connect(pre, Side(np.array([7, 3, 9]), 5), all_to_all=True)) == 9


def test_in_degree_on_overlapping_views():
    pre, post = pop(10, start=0), pop(10, start=5)
    connection = connect(pre, post, in_degree=9, seed=4)
    assert np.all(np.bincount(connection.post, minlength=10) == 9)
    shared = {(a, a - 5) for a in range(5, 10)}
    assert not shared & set(pairs(connection))
    for b in range(5):                      # posts 0..4 have exactly the 9 others to take
        assert sorted(connection.pre[connection.post == b]) == [a for a in range(10)
                                                                if a != b + 5]
    with pytest.raises(ValueError, match=r"in_degree=10 is more than the 9 presynaptic "
                       r"neurons available to post index 0: it is the same neuron as pre "
                       r"index 5 and self pairs are excluded \(allow_self=True allows them\)"):
        connect(pre, post, in_degree=10)
    assert len(connect(pre, post, in_degree=10, allow_self=True)) == 100


# ---- fixed in-degree -----------------------------------------------------------------------------

@pytest.mark.parametrize("n_pre, k, same", [(5000, 80, False), (5000, 80, True),
                                            (100, 60, True), (10, 9, True), (10, 10, False)])
def test_in_degree_is_exact_without_duplicates_or_self_pairs(n_pre, k, same):
    post = pop(n_pre) if same else pop(300, 1)
    connection = connect(pop(n_pre), post, in_degree=k, seed=8)
    assert np.all(np.bincount(connection.post, minlength=len(post)) == k)
    assert np.all(np.diff(flat_keys(connection, len(post))) > 0)   # sorted, distinct pairs
    if same:
        assert not np.any(connection.pre == connection.post)
    assert connection.pre.dtype == connection.post.dtype == np.int32


def test_in_degree_chooses_pre_neurons_uniformly():
    connection = connect(pop(2000), pop(2000), in_degree=80, seed=9)
    assert stats.chisquare(np.bincount(connection.pre, minlength=2000)).pvalue > 1e-4


@pytest.mark.parametrize("n_pre, k", [(12, 3), (6, 2)])      # rejection and random keys
def test_in_degree_subsets_are_uniform(n_pre, k):
    connection = connect(pop(n_pre), pop(25 * len(list(itertools.combinations(range(n_pre), k))),
                                          1), in_degree=k, seed=21)
    rows = connection.pre[np.argsort(connection.post, kind="stable")].reshape(-1, k)
    assert subset_frequency_pvalue(rows, range(n_pre), k) > 1e-4


@pytest.mark.parametrize("draw", ["_subsets_by_rejection", "_subsets_by_keys"])
def test_subsets_without_the_skipped_value_are_uniform(draw):
    n_pre, k, skip = 13, 3, 4
    rng = np.random.default_rng(6)
    rows = getattr(connectors, draw)(30000, n_pre, k, np.full(30000, skip), rng)
    assert np.all(np.diff(rows, axis=1) > 0)
    candidates = [a for a in range(n_pre) if a != skip]
    assert subset_frequency_pvalue(rows, candidates, k) > 1e-4


def test_in_degree_zero_and_empty_sides():
    assert len(connect(pop(10), pop(10), in_degree=0, seed=1)) == 0
    assert len(connect(pop(10), pop(0, 1), in_degree=3, seed=1)) == 0


# ---- seeds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", [dict(p=0.05), dict(in_degree=20)])
def test_seed_reproduces_and_different_seeds_differ(pattern):
    def draw(seed):
        return flat_keys(connect(pop(500), pop(400, 1), seed=seed, **pattern), 400)
    assert np.array_equal(draw(7), draw(7))
    assert np.array_equal(draw(np.random.default_rng(7)), draw(np.random.default_rng(7)))
    assert not np.array_equal(draw(7), draw(8))
    assert not np.array_equal(draw(None), draw(None))


# ---- explicit pairs, matrix, one-to-one, all-to-all ---------------------------------------------

def test_explicit_pairs_are_stably_sorted_by_pre_with_their_order():
    i, j = [3, 1, 3, 0, 1, 3], [0, 4, 0, 2, 1, 5]              # (3, 0) twice: a multapse
    connection = connect(pop(5), pop(6, 1), i=i, j=j)
    assert connection.order.tolist() == [3, 1, 4, 0, 2, 5]
    assert pairs(connection) == [(0, 2), (1, 4), (1, 1), (3, 0), (3, 0), (3, 5)]
    assert np.array_equal(connection.pre, np.array(i)[connection.order])
    assert connection.order.dtype == np.int64 and connection.weights is None


def test_explicit_pairs_keep_self_pairs_and_accept_integral_floats():
    connection = connect(pop(4), pop(4), i=np.array([2.0, 0.0]), j=np.array([2, 3]))
    assert pairs(connection) == [(0, 3), (2, 2)]
    assert len(connect(pop(4), pop(4), i=[], j=[])) == 0


def test_large_explicit_pairs_follow_a_reference_stable_sort():
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, 50, 10000), rng.integers(0, 70, 10000)
    connection = connect(pop(50), pop(70, 1), i=i, j=j)
    assert np.array_equal(connection.order, np.argsort(i, kind="stable"))
    assert np.array_equal(connection.post, j[connection.order])


W = np.array([[0.0, 1.5, 0.0],        # W[post, pre]: post 0 <- pre 1
              [2.0, 0.0, -3.0],       # post 1 <- pre 0, pre 2
              [0.0, 4.0, 0.5],        # post 2 <- pre 1, pre 2
              [0.0, 0.0, 0.0]])
W_PAIRS = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 2)]
W_WEIGHTS = [2.0, 1.5, 4.0, -3.0, 0.5]


@pytest.mark.parametrize("make", [np.asarray, scipy.sparse.csr_matrix, scipy.sparse.csr_array,
                                  scipy.sparse.csc_matrix, scipy.sparse.coo_array,
                                  scipy.sparse.lil_matrix, lambda w: w.tolist()])
def test_matrix_gives_its_nonzero_entries_as_weighted_pairs(make):
    connection = connect(pop(3), pop(4, 1), matrix=make(W))
    assert pairs(connection) == W_PAIRS
    assert connection.weights.tolist() == W_WEIGHTS
    assert connection.weights.dtype == np.float64 and connection.order is None


def test_sparse_explicit_zeros_are_not_synapses_and_duplicates_sum():
    rows, cols = np.array([0, 1, 1, 2, 2, 3]), np.array([1, 0, 0, 2, 2, 2])
    data = np.array([0.0, 1.0, 2.0, 5.0, -5.0, 7.0])           # (2, 2) sums to 0
    matrix = scipy.sparse.coo_array((data, (rows, cols)), shape=(4, 3))
    connection = connect(pop(3), pop(4, 1), matrix=matrix)
    assert pairs(connection) == [(0, 1), (2, 3)]
    assert connection.weights.tolist() == [3.0, 7.0]
    assert matrix.nnz == 6 and matrix.data.tolist() == data.tolist()    # left unchanged


def test_integer_matrix_gives_float_weights_and_keeps_self_pairs():
    connection = connect(pop(2), pop(2), matrix=np.array([[3, 0], [0, 1]]))
    assert pairs(connection) == [(0, 0), (1, 1)] and connection.weights.tolist() == [3.0, 1.0]


def test_one_to_one_and_all_to_all():
    assert pairs(connect(pop(4), pop(4), one_to_one=True)) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert pairs(connect(pop(3), pop(3), all_to_all=True)) == [
        (a, b) for a in range(3) for b in range(3) if a != b]
    assert pairs(connect(pop(3), pop(2, 1), all_to_all=True)) == [
        (a, b) for a in range(3) for b in range(2)]
    assert len(connect(pop(3), pop(3), all_to_all=True, allow_self=True)) == 9


# ---- refusals ------------------------------------------------------------------------------------

REFUSALS = [
    (dict(), TypeError, "exactly one pattern out of p=, in_degree=, i=/j=, matrix=, "
     "one_to_one=True, all_to_all=True; got none"),
    (dict(p=0.1, in_degree=3), TypeError, "got p= and in_degree="),
    (dict(p=0.1, one_to_one=True), TypeError, "got p= and one_to_one=True"),
    (dict(i=[0]), TypeError, "i= and j= go together .*: got i= without j="),
    (dict(j=[0]), TypeError, "got j= without i="),
    (dict(one_to_one=1), TypeError, "one_to_one= must be True or False, got 1"),
    (dict(p=True), TypeError, r"p= must be a real number in \[0, 1\], got True"),
    (dict(p="0.1"), TypeError, r"p= must be a real number in \[0, 1\], got '0.1'"),
    (dict(p=1.5), ValueError, r"p= must be a finite number in \[0, 1\], got 1.5"),
    (dict(p=-0.1), ValueError, r"got -0.1"),
    (dict(p=float("nan")), ValueError, r"in \[0, 1\], got nan"),
    (dict(p=float("inf")), ValueError, r"in \[0, 1\], got inf"),
    (dict(in_degree=2.0), TypeError, "in_degree= must be an integer, got 2.0"),
    (dict(in_degree=True), TypeError, "in_degree= must be an integer, got True"),
    (dict(in_degree=-1), ValueError, "in_degree= must be >= 0, got -1"),
    (dict(in_degree=6), ValueError, "in_degree=6 is more than the 5 neurons of the pre side"),
    (dict(p=0.1, seed=-1), ValueError, "seed= must be >= 0, got -1"),
    (dict(p=0.1, seed=1.5), TypeError, "seed= must be an int >= 0, None or a "
     r"numpy.random.Generator, got 1.5"),
    (dict(p=0.1, seed=True), TypeError, "seed= must be an int >= 0, .*got True"),
    (dict(p=0.1, seed=np.random.RandomState(1)), TypeError, "got RandomState"),
    (dict(all_to_all=True, seed=1), TypeError, "seed= applies to the random patterns p= and "
     "in_degree= only, not to all_to_all=True"),
    (dict(i=[0], j=[0], allow_self=True), TypeError, "allow_self= applies to p=, in_degree= "
     "and all_to_all=True only; i=/j= keeps every pair it names"),
    (dict(p=0.1, allow_self=1), TypeError, "allow_self= must be True, False or None, got 1"),
    (dict(i=[0, 1], j=[0]), ValueError, "i= and j= must have the same length, got 2 and 1"),
    (dict(i=[0, 5, 9], j=[0, 1, 2]), ValueError, r"i\[1\] = 5 is out of range: the pre side "
     r"has 5 neurons \(indices 0..4\)"),
    (dict(i=[0, 1], j=[0, -1]), ValueError, r"j\[1\] = -1 is out of range: the post side has "
     r"6 neurons \(indices 0..5\)"),
    (dict(i=[0, 1.5], j=[0, 1]), ValueError, r"i\[1\] = 1.5 is not an integer index"),
    (dict(i=[0, float("nan")], j=[0, 1]), ValueError, r"i\[1\] = nan is not an integer index"),
    (dict(i=np.array([True, False]), j=[0, 1]), TypeError,
     "i= must hold integer indices, got dtype bool"),
    (dict(i=["a"], j=[0]), TypeError, "i= must hold integer indices, got dtype <U1"),
    (dict(i=[[0]], j=[[0]]), ValueError, r"i= must be 1-D, got shape \(1, 1\)"),
    (dict(matrix=np.zeros((5, 6))), ValueError, r"matrix= must have shape \(len\(post\), "
     r"len\(pre\)\) = \(6, 5\) \(W\[post, pre\]\), got \(5, 6\)"),
    (dict(matrix=scipy.sparse.csr_array((5, 6))), ValueError, r"got \(5, 6\)"),
    (dict(matrix=np.zeros(6)), ValueError, r"got \(6,\)"),
    (dict(matrix=np.zeros((6, 5), complex)), TypeError,
     "matrix= must hold real numbers .the weights., got dtype complex128"),
    (dict(one_to_one=True), ValueError, "one_to_one=True needs sides of equal size, got 5 pre "
     "and 6 post neurons"),
]


@pytest.mark.parametrize("arguments, error, message", REFUSALS)
def test_refusals_name_the_argument(arguments, error, message):
    with pytest.raises(error, match=message):
        connect(pop(5), pop(6, 1), **arguments)


@pytest.mark.parametrize("sparse", [False, True])
def test_non_finite_weight_is_refused_with_its_position(sparse):
    matrix = np.zeros((6, 5))
    matrix[4, 1], matrix[2, 3], matrix[2, 0] = np.inf, np.nan, 1.0
    with pytest.raises(ValueError, match=r"matrix\[2, 3\] = nan is not finite \(row = post, "
                       r"column = pre\); weights must be finite"):
        connect(pop(5), pop(6, 1), matrix=scipy.sparse.csc_array(matrix) if sparse else matrix)


def test_in_degree_on_itself_leaves_out_self():
    with pytest.raises(ValueError, match="in_degree=5 is more than the 4 presynaptic neurons "
                       "available to post index 0: it is the same neuron as pre index 0"):
        connect(pop(5), pop(5), in_degree=5)
    assert len(connect(pop(5), pop(5), in_degree=4)) == 20


@pytest.mark.parametrize("neurons, population_id, error, message", [
    (np.array([1, 4, 1]), 0, ValueError, "Side.neurons holds neuron 1 twice"),
    (np.array([0, -2]), 0, ValueError, r"Side.neurons\[1\] = -2 is negative"),
    (np.zeros((2, 2), int), 0, TypeError, r"1-D array of integer indices, got int64 with "
     r"shape \(2, 2\)"),
    (np.array([0.0, 1.0]), 0, TypeError, "integer indices, got float64"),
    (np.array([0, 1]), True, TypeError, "Side.population_id must be an integer, got True"),
])
def test_side_refusals(neurons, population_id, error, message):
    with pytest.raises(error, match=message):
        Side(neurons, population_id)


def test_side_stores_int64_and_connect_needs_sides():
    assert Side(np.array([3, 1], np.int32), 0).neurons.dtype == np.int64
    with pytest.raises(TypeError, match="post must be a Side, got ndarray"):
        connect(pop(3), np.arange(3), p=0.1)
