"""Is dt safe? The explicit methods' stability regions against the Jacobian's eigenvalues at
the resting state, and the observed order of convergence when dt is halved.

An explicit Runge-Kutta method advances the linearised system y' = λ y by y <- R(dt λ) y,
with R the method's stability polynomial; the step is stable where |R(dt λ)| <= 1. For each
decaying mode (Re λ < 0) the largest stable dt is the smallest positive root of
|R(h λ)|^2 - 1, a polynomial in h."""
from __future__ import annotations

import math
import warnings
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
    positive = [r.real for r in roots if abs(r.imag) <= 1e-9 * max(1.0, abs(r)) and r.real > 1e-12 / abs(lam)]
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
    from .linear import linearisation
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


@dataclass(frozen=True)
class DtCheck:
    """neuron.check_dt's report: the runs at dt, dt/2 and dt/4 compared."""

    dt: float
    order: float                      # observed order of convergence (nan if not measurable)
    errors: dict                      # variable -> (|x_dt - x_dt/2|, |x_dt/2 - x_dt/4|) (max)
    spikes: tuple                     # spike counts at dt, dt/2, dt/4
    spike_drift: float                # max |t_dt - t_dt/4| of matched spikes (ms), nan if none
    compared_until: float             # ms: the trajectories are compared up to here

    def __str__(self) -> str:
        lines = [f"dt = {self.dt:g} ms: observed order {self.order:.2f}"]
        for name, (coarse, fine) in self.errors.items():
            lines.append(f"  {name}: max difference dt vs dt/2 {coarse:.3g}, dt/2 vs dt/4 "
                         f"{fine:.3g} (until {self.compared_until:g} ms)")
        if any(self.spikes):
            lines.append(f"  spikes: {self.spikes[0]} / {self.spikes[1]} / {self.spikes[2]} "
                         f"(dt, dt/2, dt/4); largest spike-time drift {self.spike_drift:.3g} ms")
        return "\n".join(lines)


def check_dt(neuron, dt: float, duration: float, **values) -> DtCheck:
    """Simulate one neuron (its initial values; `values` set parameters) at dt, dt/2 and
    dt/4 for `duration` ms; the trajectories are compared at multiples of dt up to the first
    spike of any run (after it, the difference is that of spike times)."""
    from ..sim.monitors import SpikeMonitor, StateMonitor
    from ..sim.network import Network
    from ..sim.population import Population
    for label, value in (("dt", dt), ("duration", duration)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{label} must be a positive number of ms, got {value!r}")
    steps = int(round(duration / dt))
    if steps < 2 or abs(steps * dt - duration) > 1e-9 * duration:
        raise ValueError(f"duration {duration} ms must be a multiple of dt = {dt} ms (at least "
                         "2 steps)")
    traces, spike_times = [], []
    for factor in (1, 2, 4):
        pop = Population(neuron, 1)
        for name, value in values.items():
            if name not in neuron.parameters:
                raise ValueError(f"{name!r} is not a parameter of {neuron.name!r} "
                                 f"(parameters: {', '.join(neuron.parameters)})")
            setattr(pop, name, value)
        trace = StateMonitor(pop, list(neuron.variables), record=[0], dt=dt)
        objects = [pop, trace]
        spikes = None
        if neuron.info.has_spike:
            spikes = SpikeMonitor(pop)
            objects.append(spikes)
        Network(*objects, dt=dt / factor).run(steps * dt, progress=False)
        traces.append({n: np.asarray(getattr(trace, n))[:, 0] for n in neuron.variables})
        spike_times.append(np.asarray(spikes.t) if spikes is not None else np.array([]))
    first = min([t[0] for t in spike_times if t.size] + [math.inf])
    length = min(len(t[neuron.variables[0]]) for t in traces)
    times = np.arange(length) * dt
    keep = times < first
    errors, coarse_all, fine_all = {}, 0.0, 0.0
    for name in neuron.variables:
        a, b, c = (t[name][:length][keep] for t in traces)
        coarse = float(np.max(np.abs(a - b))) if a.size else math.nan
        fine = float(np.max(np.abs(b - c))) if a.size else math.nan
        errors[name] = (coarse, fine)
        scale = max(1.0, float(np.max(np.abs(c)))) if c.size else 1.0
        coarse_all, fine_all = max(coarse_all, coarse / scale), max(fine_all, fine / scale)
    order = math.log2(coarse_all / fine_all) if fine_all > 0 and coarse_all > 0 else math.nan
    matched = min(len(spike_times[0]), len(spike_times[2]))
    drift = float(np.max(np.abs(spike_times[0][:matched] - spike_times[2][:matched]))) \
        if matched else math.nan
    compared = float(times[keep][-1]) if keep.any() else 0.0
    return DtCheck(float(dt), order, errors, tuple(len(t) for t in spike_times), drift,
                   compared)
