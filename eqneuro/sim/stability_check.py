"""The dt warning of a Network: each population's explicit method against the stability
region at its resting state (compile/stability.py), from op-trees in the model cache."""
from __future__ import annotations

import warnings

import numpy as np

from ..compile.linearisation import linearisation
from ..compile.stability import (STABILITY_POLYNOMIALS, UNCONDITIONAL, Instability,
                                 StabilityWarning, instabilities, largest_stable_dt)


def check_network(populations, dt: float) -> None:
    """StabilityWarning for every population whose explicit method is unstable at dt at its
    resting state (or its initial state, when no rest is found nearby)."""
    for population in populations:
        neuron = population._eq_neuron
        if neuron.method not in STABILITY_POLYNOMIALS or not neuron.variables:
            continue
        problems = _population_problems(population, neuron, dt)
        if problems:
            warnings.warn(_message(population._eq_name, neuron, dt, problems),
                          StabilityWarning, stacklevel=3)


def _population_problems(population, neuron, dt: float) -> list[Instability]:
    linear = linearisation(neuron)
    n = len(population)
    sample = sorted({0, n // 2, n - 1})
    state = population._eq_state
    if state is None:
        try:
            state = population._eq_initial_state()
        except ValueError:           # random initial values: they need the Network's seed
            state = None
    found: list[Instability] = []
    for k in sample:
        values = {name: _element(value, k) for name, value in population._eq_params.items()}
        values.update({f"sum({t})": 0.0 for t in neuron.info.inputs})
        values.update({name: _element(value, k) for name, value in
                       population._eq_timed_values(population._eq_time).items()})
        starts = []
        if state is not None:
            starts.append({name: float(np.asarray(state[name]).reshape(-1)[k] if
                                       np.ndim(state[name]) else state[name])
                           for name in neuron.variables})
        for point in [linear.rest(values, s) for s in starts]:
            jacobian = linear.jacobian_at(values, point)
            if np.all(np.isfinite(jacobian)):
                found += instabilities(neuron.method, dt, jacobian, neuron.variables)
        if found:
            break
    return found


def _element(value, k: int) -> float:
    array = np.asarray(value, dtype=float)
    return float(array.reshape(-1)[k]) if array.ndim else float(array)


def _message(name: str, neuron, dt: float, problems: list[Instability]) -> str:
    worst = min(problems, key=lambda p: p.safe_dt)
    alternatives = [m for m in STABILITY_POLYNOMIALS if m not in ("milstein", neuron.method)
                    and all(largest_stable_dt(m, p.eigenvalue) >= dt for p in problems)]
    usable = neuron.usable_methods
    suggestions = [m for m in alternatives + list(UNCONDITIONAL) if m in usable]
    lam = worst.eigenvalue
    shown = f"{lam.real:.4g}" + (f"{lam.imag:+.4g}i" if lam.imag else "")
    return (f"{name}: {neuron.method} at dt = {dt:g} ms is unstable at the resting state: the "
            f"mode of {worst.variable!r} (eigenvalue {shown} per ms) grows at every step. "
            f"The largest stable dt for {neuron.method} is {worst.safe_dt:.4g} ms"
            + (f"; methods stable at dt = {dt:g}: {', '.join(suggestions)}" if suggestions
               else "") + ".")
