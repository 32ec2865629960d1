"""Connectivity patterns of projections: which (pre, post) pairs become synapses.

`connect(pre, post, <one pattern>)` returns a `Connection`: the pairs as indices within each
side, sorted by pre then post (explicit pairs: by pre, in the given order within one pre).
Pure NumPy and scipy.sparse; every pattern is vectorised (Python loops only over chunks).

Self pairs are pairs whose pre and post are the same neuron of the same population, also when
the two sides are different views of it. The patterns that choose among all pairs (p=,
in_degree=, all_to_all=) leave them out unless allow_self=True; the patterns that name their
pairs (i=/j=, matrix=, one_to_one=) keep every pair they name.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import scipy.sparse

_CHUNK = 1 << 21                 # random draws per chunk (16 MB of int64)
_DENSE_FRACTION = 0.25           # in_degree above this fraction of pre: random keys per row
_INT32_MAX = np.iinfo(np.int32).max
_PATTERN_NAMES = ("p=", "in_degree=", "i=/j=", "matrix=", "one_to_one=True", "all_to_all=True")
_RANDOM = ("p=", "in_degree=")
_CHOOSING = ("p=", "in_degree=", "all_to_all=True")


@dataclass(frozen=True, slots=True, eq=False)
class Side:
    """One end of a projection: `neurons` indexes the population numbered `population_id`."""
    neurons: np.ndarray
    population_id: int

    def __post_init__(self):
        object.__setattr__(self, "neurons", _neuron_indices(self.neurons))
        if not isinstance(self.population_id, numbers.Integral) or isinstance(
                self.population_id, (bool, np.bool_)):
            raise TypeError(f"Side.population_id must be an integer, "
                            f"got {self.population_id!r}")

    def __len__(self):
        return len(self.neurons)


@dataclass(frozen=True, slots=True, eq=False)
class Connection:
    """Synapses as index pairs within the sides; `weights` only from matrix=, `order` only
    from i=/j= (the permutation applied to the given pairs: pre == i[order])."""
    pre: np.ndarray
    post: np.ndarray
    weights: np.ndarray | None = None
    order: np.ndarray | None = None

    def __len__(self):
        return len(self.pre)


def connect(pre: Side, post: Side, *, p=None, in_degree=None, i=None, j=None, matrix=None,
            one_to_one=False, all_to_all=False, allow_self=None, seed=None) -> Connection:
    """The synapses of exactly one pattern between the sides `pre` and `post`:
    p= each pair independently with probability p; in_degree= exactly that many distinct
    pre per post, uniformly; i=/j= the given pairs (multapses kept); matrix= the nonzero
    entries of W[post, pre] (numpy or scipy.sparse) with their values as weights;
    one_to_one=True pre k to post k; all_to_all=True every pair. seed= (int >= 0, None or
    a numpy Generator) for p= and in_degree= only; allow_self= see the module docstring."""
    for name, side in (("pre", pre), ("post", post)):
        if not isinstance(side, Side):
            raise TypeError(f"{name} must be a Side, got {type(side).__name__}")
    pattern = _chosen_pattern(p, in_degree, i, j, matrix, one_to_one, all_to_all)
    rng = _generator(seed, pattern)
    skip = _excluded_self_pre(pre, post, _allow_self(allow_self, pattern))
    if pattern == "p=":
        return _fixed_probability(len(pre), len(post), _probability(p), skip, rng)
    if pattern == "in_degree=":
        return _fixed_in_degree(len(pre), len(post), _in_degree(in_degree, len(pre), skip),
                                skip, rng)
    if pattern == "i=/j=":
        return _explicit_pairs(_index_array(i, "i", len(pre), "pre"),
                               _index_array(j, "j", len(post), "post"), len(pre))
    if pattern == "matrix=":
        return _matrix_pairs(matrix, len(pre), len(post))
    if pattern == "one_to_one=True":
        return _one_to_one(len(pre), len(post))
    return _all_to_all(len(pre), len(post), skip)


def deferred(pre: Side, post: Side, **pattern) -> bool:
    """Checks the arguments of connect(pre, post, **pattern) without making synapses; True
    when the pattern is random and has no seed= (a Network's seed then decides it)."""
    unknown = set(pattern) - {"p", "in_degree", "i", "j", "matrix", "one_to_one", "all_to_all",
                              "allow_self", "seed"}
    if unknown:
        raise TypeError(f"connect() got an unexpected keyword argument '{sorted(unknown)[0]}'")
    chosen = _chosen_pattern(pattern.get("p"), pattern.get("in_degree"), pattern.get("i"),
                             pattern.get("j"), pattern.get("matrix"),
                             pattern.get("one_to_one", False), pattern.get("all_to_all", False))
    _generator(pattern.get("seed"), chosen)
    skip = _excluded_self_pre(pre, post, _allow_self(pattern.get("allow_self"), chosen))
    if chosen == "p=":
        _probability(pattern["p"])
    elif chosen == "in_degree=":
        _in_degree(pattern["in_degree"], len(pre), skip)
    return chosen in _RANDOM and pattern.get("seed") is None


# ---- arguments -------------------------------------------------------------------------------

def _neuron_indices(neurons) -> np.ndarray:
    array = np.asarray(neurons)
    if array.ndim != 1 or array.dtype == bool or array.dtype.kind not in "iu":
        raise TypeError(f"Side.neurons must be a 1-D array of integer indices, "
                        f"got {array.dtype} with shape {array.shape}")
    if len(array) > _INT32_MAX:
        raise ValueError(f"Side.neurons: at most {_INT32_MAX} neurons, got {len(array)}")
    if len(array) and array.min() < 0:
        first = int(np.flatnonzero(array < 0)[0])
        raise ValueError(f"Side.neurons[{first}] = {array[first]} is negative")
    array = np.ascontiguousarray(array, dtype=np.int64)
    if len(array) > 1 and not np.all(array[1:] > array[:-1]):
        values, counts = np.unique(array, return_counts=True)
        if (counts > 1).any():
            raise ValueError(f"Side.neurons holds neuron {values[counts > 1][0]} twice; "
                             "the neurons of a side must be distinct")
    return array


def _chosen_pattern(p, in_degree, i, j, matrix, one_to_one, all_to_all) -> str:
    for name, flag in (("one_to_one", one_to_one), ("all_to_all", all_to_all)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name}= must be True or False, got {flag!r}")
    if (i is None) != (j is None):
        given, missing = ("i", "j") if j is None else ("j", "i")
        raise TypeError(f"i= and j= go together (pre and post indices of the pairs): "
                        f"got {given}= without {missing}=")
    given = [name for name, present in zip(_PATTERN_NAMES, (
        p is not None, in_degree is not None, i is not None, matrix is not None,
        bool(one_to_one), bool(all_to_all))) if present]
    if len(given) != 1:
        raise TypeError("connect() takes exactly one pattern out of "
                        f"{', '.join(_PATTERN_NAMES)}; got "
                        f"{' and '.join(given) if given else 'none'}")
    return given[0]


def _generator(seed, pattern) -> np.random.Generator | None:
    if seed is not None and pattern not in _RANDOM:
        raise TypeError(f"seed= applies to the random patterns p= and in_degree= only, "
                        f"not to {pattern}")
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise ValueError(f"seed= must be >= 0, got {seed}")
        return np.random.default_rng(int(seed))
    raise TypeError(f"seed= must be an int >= 0, None or a numpy.random.Generator, "
                    f"got {seed!r}")


def _allow_self(allow_self, pattern) -> bool:
    if allow_self is None:
        return False
    if not isinstance(allow_self, (bool, np.bool_)):
        raise TypeError(f"allow_self= must be True, False or None, got {allow_self!r}")
    if pattern not in _CHOOSING:
        raise TypeError(f"allow_self= applies to p=, in_degree= and all_to_all=True only; "
                        f"{pattern} keeps every pair it names")
    return bool(allow_self)


def _probability(p) -> float:
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"p= must be a real number in [0, 1], got {p!r}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"p= must be a finite number in [0, 1], got {float(p)}")
    return float(p)


def _in_degree(k, n_pre, skip) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
        raise TypeError(f"in_degree= must be an integer, got {k!r}")
    if k < 0:
        raise ValueError(f"in_degree= must be >= 0, got {k}")
    if k > n_pre:
        raise ValueError(f"in_degree={k} is more than the {n_pre} neurons of the pre side")
    if skip is not None and k > n_pre - 1:
        post = int(np.flatnonzero(skip >= 0)[0])
        raise ValueError(
            f"in_degree={k} is more than the {n_pre - 1} presynaptic neurons available to "
            f"post index {post}: it is the same neuron as pre index {skip[post]} and self "
            "pairs are excluded (allow_self=True allows them)")
    return int(k)


def _index_array(values, name, size, side) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}= must be 1-D, got shape {array.shape}")
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(f"{name}= must hold integer indices, got dtype {array.dtype}")
    if array.dtype.kind == "f":
        not_integral = ~np.isfinite(array) | (array != np.round(array))
        if not_integral.any():
            first = int(np.flatnonzero(not_integral)[0])
            raise ValueError(f"{name}[{first}] = {array[first].item()!r} is not an integer "
                             "index")
    outside = (array < 0) | (array >= size)
    if outside.any():
        first = int(np.flatnonzero(outside)[0])
        allowed = f"indices 0..{size - 1}" if size else "no valid index"
        raise ValueError(f"{name}[{first}] = {array[first].item()!r} is out of range: the {side} "
                         f"side has {size} neurons ({allowed})")
    return array.astype(np.int32)


def _excluded_self_pre(pre: Side, post: Side, allow_self: bool) -> np.ndarray | None:
    """For each post index, the pre index of the same neuron (-1: none), when self pairs
    are to be left out; None when there is nothing to leave out."""
    if allow_self or pre.population_id != post.population_id or not len(pre):
        return None
    if np.array_equal(pre.neurons, post.neurons):
        return np.arange(len(pre), dtype=np.int32)
    by_neuron = np.argsort(pre.neurons)
    at = np.minimum(np.searchsorted(pre.neurons, post.neurons, sorter=by_neuron),
                    len(pre) - 1)
    same = pre.neurons[by_neuron[at]] == post.neurons
    if not same.any():
        return None
    return np.where(same, by_neuron[at], -1).astype(np.int32)


# ---- patterns --------------------------------------------------------------------------------

def _fixed_probability(n_pre, n_post, p, skip, rng) -> Connection:
    """Each pair independently with probability p: geometric gaps between the chosen
    positions of the flattened pre-major index space, so the pairs come out sorted."""
    total = n_pre * n_post
    expected = total * p
    pre_out = np.empty(int(expected + 8 * np.sqrt(expected) + 16), np.int32)
    post_out = np.empty_like(pre_out)
    filled, last, done = 0, -1, p == 0 or total == 0
    while not done:
        positions, done = _next_positions(last, total, p, expected - filled, rng)
        if len(positions) == 0:
            continue
        last = int(positions[-1])
        chunk_pre = (positions // n_post).astype(np.int32)
        chunk_post = (positions - chunk_pre.astype(np.int64) * n_post).astype(np.int32)
        if skip is not None:
            keep = skip[chunk_post] != chunk_pre
            chunk_pre, chunk_post = chunk_pre[keep], chunk_post[keep]
        if filled + len(chunk_pre) > len(pre_out):
            pre_out = _grown(pre_out, filled, filled + len(chunk_pre))
            post_out = _grown(post_out, filled, filled + len(chunk_pre))
        pre_out[filled:filled + len(chunk_pre)] = chunk_pre
        post_out[filled:filled + len(chunk_pre)] = chunk_post
        filled += len(chunk_pre)
    return Connection(pre_out[:filled], post_out[:filled])


def _next_positions(last, total, p, expected_left, rng) -> tuple[np.ndarray, bool]:
    """The chosen flat positions after `last` from one chunk of gaps, and whether the chunk
    went past the end (then no position remains to be drawn)."""
    size = int(min(_CHUNK, max(1024, expected_left + 6 * np.sqrt(max(expected_left, 1)))))
    size = max(1, min(size, (1 << 62) // (total + 1)))   # the cumulative sum cannot wrap
    gaps = rng.geometric(p, size)
    np.minimum(gaps, total + 1, out=gaps)            # a gap past the end stays past it
    positions = np.cumsum(gaps, out=gaps)
    positions += last
    if positions[-1] < total:
        return positions, False
    return positions[:np.searchsorted(positions, total)], True


def _grown(array, filled, needed) -> np.ndarray:
    bigger = np.empty(max(needed, len(array) * 3 // 2), array.dtype)
    bigger[:filled] = array[:filled]
    return bigger


def _fixed_in_degree(n_pre, n_post, k, skip, rng) -> Connection:
    """Exactly k distinct pre per post, each k-subset of the candidates equally likely."""
    rows = np.empty((n_post, k), np.int32)
    dense = k > _DENSE_FRACTION * n_pre
    per_chunk = max(1, _CHUNK // max(n_pre if dense else k, 1))
    for start in range(0, n_post if k else 0, per_chunk):
        stop = min(start + per_chunk, n_post)
        chunk_skip = None if skip is None else skip[start:stop]
        draw = _subsets_by_keys if dense else _subsets_by_rejection
        rows[start:stop] = draw(stop - start, n_pre, k, chunk_skip, rng)
    return _pre_major(rows.ravel(), np.arange(n_post + 1, dtype=np.int64) * k, n_pre, n_post)


def _subsets_by_rejection(n_rows, n_pre, k, skip, rng) -> np.ndarray:
    """Sorted rows of k distinct values in [0, n_pre), none equal to the row's skip: draw
    with replacement, then redraw duplicates and skipped values until there are none."""
    rows = rng.integers(0, n_pre, size=(n_rows, k), dtype=np.int32)
    pending = np.arange(n_rows)
    while len(pending):
        sub = np.sort(rows[pending], axis=1)
        bad = np.zeros(sub.shape, bool)
        bad[:, 1:] = sub[:, 1:] == sub[:, :-1]
        if skip is not None:
            bad |= sub == skip[pending, None]
        sub[bad] = rng.integers(0, n_pre, size=int(bad.sum()), dtype=np.int32)
        rows[pending] = sub
        pending = pending[bad.any(axis=1)]
    return rows


def _subsets_by_keys(n_rows, n_pre, k, skip, rng) -> np.ndarray:
    """Sorted rows of the k pre with the smallest uniform random keys (skip: key 2)."""
    keys = rng.random((n_rows, n_pre))
    if skip is not None:
        has = np.flatnonzero(skip >= 0)
        keys[has, skip[has]] = 2.0
    chosen = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < n_pre else \
        np.broadcast_to(np.arange(n_pre), (n_rows, n_pre))
    return np.sort(chosen, axis=1).astype(np.int32)


def _pre_major(pre_by_post, indptr, n_pre, n_post) -> Connection:
    """Pairs given post by post (pre ascending within a post) re-sorted by pre then post:
    scipy's CSR-to-CSC transpose is a counting sort, stable and linear."""
    if indptr[-1] <= _INT32_MAX:
        indptr = indptr.astype(np.int32)
    csr = scipy.sparse.csr_array((np.zeros(len(pre_by_post), np.int8), pre_by_post, indptr),
                                 shape=(n_post, n_pre))
    csc = csr.tocsc()
    pre = np.repeat(np.arange(n_pre, dtype=np.int32), np.diff(csc.indptr))
    return Connection(pre, csc.indices.astype(np.int32, copy=False))


def _explicit_pairs(i, j, n_pre) -> Connection:
    if len(i) != len(j):
        raise ValueError(f"i= and j= must have the same length, got {len(i)} and {len(j)}")
    order = _stable_order(i, n_pre)
    return Connection(i[order], j[order], order=order)


def _stable_order(keys, n_keys) -> np.ndarray:
    """The stable sorting permutation of integer keys in [0, n_keys): a counting sort,
    scipy's CSR-to-CSC transpose of a one-row matrix whose data are the positions."""
    row = scipy.sparse.csr_array((np.arange(len(keys), dtype=np.int64), keys,
                                  np.array([0, len(keys)])), shape=(1, max(n_keys, 1)))
    return row.tocsc().data


def _matrix_pairs(matrix, n_pre, n_post) -> Connection:
    if scipy.sparse.issparse(matrix):
        _check_matrix_shape(matrix.shape, n_pre, n_post)
        _check_matrix_dtype(matrix.dtype)
        csc = matrix.tocsc(copy=True)
        csc.sum_duplicates()
        pre = np.repeat(np.arange(n_pre, dtype=np.int32), np.diff(csc.indptr))
        post, weights = csc.indices.astype(np.int32), csc.data.astype(np.float64)
    else:
        dense = np.asarray(matrix)
        _check_matrix_shape(dense.shape, n_pre, n_post)
        _check_matrix_dtype(dense.dtype)
        pre, post = (index.astype(np.int32) for index in np.nonzero(dense.T))
        weights = dense[post, pre].astype(np.float64)
    not_finite = ~np.isfinite(weights)
    if not_finite.any():
        first = np.lexsort((pre[not_finite], post[not_finite]))[0]
        row, column = post[not_finite][first], pre[not_finite][first]
        raise ValueError(f"matrix[{row}, {column}] = {weights[not_finite][first]} is not "
                         "finite (row = post, column = pre); weights must be finite")
    synapse = weights != 0
    return Connection(pre[synapse], post[synapse], weights=weights[synapse])


def _check_matrix_shape(shape, n_pre, n_post):
    if tuple(shape) != (n_post, n_pre):
        raise ValueError(f"matrix= must have shape (len(post), len(pre)) = ({n_post}, {n_pre})"
                         f" (W[post, pre]), got {tuple(shape)}")


def _check_matrix_dtype(dtype):
    if dtype.kind not in "biuf":
        raise TypeError(f"matrix= must hold real numbers (the weights), got dtype {dtype}")


def _one_to_one(n_pre, n_post) -> Connection:
    if n_pre != n_post:
        raise ValueError(f"one_to_one=True needs sides of equal size, got {n_pre} pre and "
                         f"{n_post} post neurons")
    return Connection(np.arange(n_pre, dtype=np.int32), np.arange(n_post, dtype=np.int32))


def _all_to_all(n_pre, n_post, skip) -> Connection:
    pre = np.empty((n_pre, n_post), np.int32)
    pre[...] = np.arange(n_pre, dtype=np.int32)[:, None]
    post = np.empty((n_pre, n_post), np.int32)
    post[...] = np.arange(n_post, dtype=np.int32)
    if skip is None:
        return Connection(pre.ravel(), post.ravel())
    keep = np.ones((n_pre, n_post), bool)
    has = np.flatnonzero(skip >= 0)
    keep[skip[has], has] = False
    return Connection(pre[keep], post[keep])
