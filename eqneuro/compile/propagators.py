"""Propagator coefficients of exact integration: matrix exponentials computed with SciPy once
per run, per neuron where the parameters differ (each distinct parameter set once). No SymPy:
the matrices arrive as op-trees, so a warm start stays SymPy-free."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evaluate import evaluate, names_in


@dataclass(frozen=True, slots=True)
class PropagatorInfo:
    """exp(A) for the augmented matrix A (op-trees of parameters and dt); `outputs` are the
    entries the kernel reads, as (row, column, coefficient name)."""

    matrix: tuple[tuple[tuple, ...], ...]
    outputs: tuple[tuple[int, int, str], ...]
    kind: str = "expm"        # "noise": A is Van Loan's matrix, outputs are entries of L

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, _, name in self.outputs)

    @property
    def parameters(self) -> frozenset[str]:
        found: set[str] = set()
        for row in self.matrix:
            for tree in row:
                found |= names_in(tree)
        return frozenset(found - {"dt"})


def argument_name(coefficient: str, per_neuron: bool) -> str:
    """The kernel's name for a coefficient: a scalar argument, or a pointer when per neuron."""
    local = "_" + coefficient.lstrip("$")
    return "_c" + local if per_neuron else local


def per_neuron(propagators, array_parameters) -> tuple[str, ...]:
    """Coefficients that differ between neurons: those of a matrix that reads an array."""
    arrays = set(array_parameters)
    return tuple(name for p in propagators if p.parameters & arrays for name in p.names)


def coefficient_values(propagators, values: dict[str, object], dt: float,
                       n: int) -> dict[str, float | np.ndarray]:
    """Every coefficient: a float, or an array of n values where parameters differ."""
    out: dict[str, float | np.ndarray] = {}
    for propagator in propagators:
        out.update(_one(propagator, {**values, "dt": dt}, n))
    return out


def _one(propagator: PropagatorInfo, scope, n: int):
    from scipy.linalg import expm
    size = len(propagator.matrix)
    compute = _expm_finite if propagator.kind == "expm" else _noise_factor
    with np.errstate(all="ignore"):
        entries = [[np.asarray(evaluate(tree, scope), dtype=np.float64) for tree in row]
                   for row in propagator.matrix]
    if all(entry.ndim == 0 for row in entries for entry in row):
        matrix = np.array([[float(entry) for entry in row] for row in entries])
        result = compute(expm, matrix[None])[0]
        return {name: float(result[i, j]) for i, j, name in propagator.outputs}
    stacked = np.empty((n, size, size))
    for i, row in enumerate(entries):
        for j, entry in enumerate(row):
            stacked[:, i, j] = entry
    distinct, inverse = np.unique(stacked.reshape(n, size * size), axis=0, return_inverse=True)
    results = compute(expm, distinct.reshape(-1, size, size))
    inverse = inverse.reshape(-1)
    return {name: np.ascontiguousarray(results[inverse, i, j])
            for i, j, name in propagator.outputs}


def _expm_finite(expm, matrices: np.ndarray) -> np.ndarray:
    """expm of each matrix; a matrix with a non-finite entry gives NaN (the kernel then
    reports the blow-up) instead of an exception from SciPy."""
    out = np.full(matrices.shape, np.nan)
    finite = np.isfinite(matrices).all(axis=(1, 2))
    if finite.any():
        out[finite] = expm(matrices[finite])
    return out


def _noise_factor(expm, matrices: np.ndarray) -> np.ndarray:
    """For Van Loan's C = [[-M, G G^T], [0, M^T]]*dt: a factor L (L L^T = S) of the
    covariance S = F22^T F12 of one step's noise, F = expm(C), in the top-left n x n block
    of the result (a symmetric square root: S may be singular)."""
    exps = _expm_finite(expm, matrices)
    n = matrices.shape[1] // 2
    covariance = np.swapaxes(exps[:, n:, n:], 1, 2) @ exps[:, :n, n:]
    covariance = (covariance + np.swapaxes(covariance, 1, 2)) / 2
    out = np.full(matrices.shape, np.nan)
    finite = np.isfinite(covariance).all(axis=(1, 2))
    if finite.any():
        values, vectors = np.linalg.eigh(covariance[finite])
        roots = np.sqrt(np.clip(values, 0.0, None))
        out[finite, :n, :n] = (vectors * roots[:, None, :]) @ np.swapaxes(vectors, 1, 2)
    return out
