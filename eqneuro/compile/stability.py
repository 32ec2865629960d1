"""Is dt safe? The explicit methods' stability regions against the Jacobian's eigenvalues at
the resting state (sim/stability_check.py warns; the automatic method choice avoids rk4
where it is unstable).

An explicit Runge-Kutta method advances the linearised system y' = λ y by y <- R(dt λ) y,
with R the method's stability polynomial; the step is stable where |R(dt λ)| <= 1. For each
decaying mode (Re λ < 0) the largest stable dt is the smallest positive root of
|R(h λ)|^2 - 1, a polynomial in h."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The stability polynomial R(z) of each explicit method, coefficients of z^0, z^1, ...
STABILITY_POLYNOMIALS = {
    "euler": (1.0, 1.0),
    "milstein": (1.0, 1.0),          # the drift is forward Euler's
    "midpoint": (1.0, 1.0, 0.5),
    "heun": (1.0, 1.0, 0.5),
    "rk4": (1.0, 1.0, 0.5, 1.0 / 6.0, 1.0 / 24.0),
}
# Methods stable for every decaying linear mode at every dt (A-stable, or exact for the
# linear part), suggested when an explicit method is not.
UNCONDITIONAL = ("exact", "exponential", "implicit")


DEFAULT_DT = 0.1        # ms: a Network's dt when none is given


class StabilityWarning(UserWarning):
    """dt lies outside the integration method's stability region at the resting state."""


def largest_stable_dt(method: str, eigenvalue: complex) -> float:
    """The largest h with |R(h λ)| <= 1 on (0, h] for an explicit method (inf for a mode
    that does not decay, or a method without a bounded region)."""
    coefficients = STABILITY_POLYNOMIALS.get(method)
    lam = complex(eigenvalue)
    if coefficients is None or lam.real >= 0:
        return math.inf
    # R(h λ) = sum c_k λ^k h^k; |R|^2 - 1 as a real polynomial in h
    a = np.array([c * lam ** k for k, c in enumerate(coefficients)])
    square = np.real(np.convolve(a, np.conj(a)))
    square[0] -= 1.0
    roots = np.roots(square[::-1])
    positive = [r.real for r in roots
                if abs(r.imag) <= 1e-9 * max(1.0, abs(r)) and r.real > 1e-12 / abs(lam)]
    return min(positive) if positive else math.inf


@dataclass(frozen=True, slots=True)
class Instability:
    variable: str
    eigenvalue: complex
    safe_dt: float


def instabilities(method: str, dt: float, jacobian: np.ndarray, names) -> list[Instability]:
    """The decaying modes of `jacobian` that `method` at `dt` would make grow."""
    out = []
    eigenvalues, vectors = np.linalg.eig(jacobian)
    for k, lam in enumerate(eigenvalues):
        safe = largest_stable_dt(method, lam)
        if dt > safe:
            variable = names[int(np.argmax(np.abs(vectors[:, k])))]
            out.append(Instability(variable, complex(lam), safe))
    return out


def automatic_method(model, integrates) -> str | None:
    """For a model whose automatic choice would be rk4: a method that is stable at the
    resting state with DEFAULT_DT when rk4 is not ("exponential", else "implicit", the
    first that `integrates(m)`), or None to keep rk4."""
    from .linearisation import from_record, initial_state, linear_record
    from ..functions import timed_symbol
    start = initial_state(model)
    if start is None:
        return None
    linear = from_record(linear_record(model))
    values = {p.name: p.value for p in model.parameters}
    values.update({f"sum({t})": 0.0 for t in model.inputs})
    values.update({timed_symbol(name).name: 0.0 for name in model.timed})   # as inputs: 0
    jacobian = linear.jacobian_at(values, linear.rest(values, start))
    if not np.all(np.isfinite(jacobian)) or \
            not instabilities("rk4", DEFAULT_DT, jacobian, model.state_names):
        return None
    return next((m for m in ("exponential", "implicit") if integrates(m)), None)
