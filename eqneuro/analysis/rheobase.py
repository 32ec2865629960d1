"""The rheobase: the smallest constant input for which a neuron, started from rest, fires
repetitively.

From the equations where they decide it: the resting state at zero input is followed along
its branch of equilibria I = G(x) as the input grows, and the rest ends either where the
branch crosses the spike condition (LIF: g_L (V_T - V_L)) or at a fold, where two fixed
points merge (a saddle-node) — provided the rest stays stable up to there and no other
resting state exists beyond. Otherwise (the rest loses stability first, an Andronov-Hopf
bifurcation as in HH and in Izhikevich's regular-spiking cell, or no branch can be
followed) by bisection on simulations."""
from __future__ import annotations

import math

import numpy as np
import sympy
from scipy import optimize

from .equilibria import equilibria, reduce_to_one
from .system import evaluator, system_of

BRANCH_SAMPLES = 4001          # points along the rest branch checked for stability
SCAN_POINTS = 33               # currents simulated side by side in one bisection round


class Rheobase(float):
    """The rheobase (a float) with how it was found: `method` is "threshold",
    "saddle-node" or "simulation"; `exact` is True for a closed form from SymPy; `bracket` is
    (highest current that did not fire, lowest that did) for a simulation; `hopf` the input
    at which the rest loses stability, when it does before the fixed points merge, and
    `saddle_node` the input at which they merge, where found."""

    method: str
    exact: bool
    bracket: tuple | None
    hopf: float | None
    saddle_node: float | None

    def __new__(cls, value: float, method: str, exact: bool = False, bracket=None,
                hopf=None, saddle_node=None):
        out = super().__new__(cls, value)
        out.method, out.exact, out.bracket = method, exact, bracket
        out.hopf, out.saddle_node = hopf, saddle_node
        return out

    def __repr__(self) -> str:
        extra = f", bracket={self.bracket}" if self.bracket else ""
        return f"Rheobase({float(self)!r}, method={self.method!r}, exact={self.exact}{extra})"


def rheobase(neuron, current: str = "I", *, duration: float = 1000.0, dt: float = 0.01,
             tolerance: float = 1e-4, domain: dict | None = None, **values) -> Rheobase:
    """The smallest constant `current` (a parameter of the neuron) for which the neuron,
    started from its resting state at zero input, fires repetitively (at least 2 spikes in
    the second half of `duration` ms when simulated). `values` fix other parameters.
    Simulations run at `dt` with the neuron's method, until the bracket is narrower than
    `tolerance` times max(1, |rheobase|)."""
    model = neuron.model
    if model.spike is None:
        raise ValueError(f"neuron {model.name!r} has no spike condition: the rheobase is the "
                         "input at which a spiking neuron starts to fire")
    if current not in neuron.parameters:
        raise ValueError(f"current={current!r} is not a parameter of {model.name!r} "
                         f"(parameters: {', '.join(neuron.parameters)})")
    if current in values:
        raise ValueError(f"{current} is the input searched for: do not give it a value")
    for name, value in (("duration", duration), ("dt", dt), ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    at_zero = system_of(neuron, {**values, current: 0.0})
    rests = [p for p in equilibria(at_zero, domain) if p.stable and not p.fires]
    rest = rests[0].state if rests else None
    analytic = _from_equations(neuron, current, values, rest, domain)
    if isinstance(analytic, Rheobase):
        return analytic
    hopf, saddle_node = analytic
    value, bracket = _bisect(neuron, current, values, rest, duration, dt, tolerance,
                             hint=saddle_node if saddle_node is not None else hopf)
    return Rheobase(value, "simulation", False, bracket, hopf, saddle_node)


def _from_equations(neuron, current, values, rest, domain):
    """A Rheobase when the equations decide it, else (hopf, saddle_node) found on the way
    (either may be None)."""
    if rest is None:
        return None, None
    system = system_of(neuron, values, keep=(current,))
    reduced = reduce_to_one(system, keep=(current,))
    if reduced is None:
        return None, None
    primary, solved, g = reduced
    x, drive = sympy.Symbol(primary, real=True), sympy.Symbol(current, real=True)
    slope = sympy.diff(g, drive)
    if slope == 0 or slope.has(drive):
        return None, None
    G = -g.xreplace({drive: 0}) / slope                 # the input that makes x an equilibrium
    G_values = evaluator(system.guarded(G))
    G_of = lambda z: float(G_values({primary: z}))
    x0 = rest[primary]
    direction = 1.0 if _derivative(G_of, x0) > 0 else -1.0
    span = abs(rest[primary]) + 1000.0 if domain is None or primary not in domain else \
        (domain[primary][1] - x0 if direction > 0 else x0 - domain[primary][0])
    grid = x0 + direction * np.linspace(0.0, span, BRANCH_SAMPLES * 25)
    G_grid = np.asarray(G_values({primary: grid}), dtype=float) * np.ones_like(grid)
    point_at = _point_maker(system, primary, solved, current)
    firing = np.array([system.fires(point_at(z, G_of(z))) for z in grid[:: 25]])
    # the first fold (G' = 0) and the first point where the spike condition holds
    dG = np.diff(G_grid)
    fold_k = np.flatnonzero((dG[:-1] > 0) & (dG[1:] <= 0))
    fold = None
    if fold_k.size:
        k = fold_k[0]
        found = optimize.minimize_scalar(lambda z: -G_of(z), bounds=sorted(
            (grid[k], grid[k + 2])), method="bounded", options={"xatol": 1e-12})
        fold = float(found.x)
    fire_k = np.flatnonzero(firing)
    crossing = None
    if fire_k.size:
        k = fire_k[0] * 25
        if k == 0:
            return None, None
        lo, hi = grid[k - 25], grid[k]
        crossing = _first_firing(system, point_at, G_of, lo, hi)
    candidates = [(z, name) for z, name in ((fold, "saddle-node"), (crossing, "threshold"))
                  if z is not None]
    if not candidates:
        return None, None
    end, method = min(candidates, key=lambda c: direction * (c[0] - x0))
    saddle_node = None
    if fold is not None:
        exact, closed = _closed_form(G, x, "saddle-node", fold, system)
        saddle_node = closed if exact else G_of(fold)

    def growth(z: float) -> float:
        """The largest real part of the eigenvalues at the branch point z."""
        drive_z = G_of(z)
        jacobian = system.jacobian_at({**point_at(z, drive_z), current: drive_z})
        return float(np.max(np.linalg.eigvals(jacobian).real))

    # the rest must stay stable on the branch up to `end`
    samples = np.linspace(x0, end, BRANCH_SAMPLES)[:-1]
    for previous, z in zip(samples[:-1], samples[1:]):
        if growth(z) > 0:                # an Andronov-Hopf (or other) loss of stability
            lost = optimize.brentq(growth, previous, z, xtol=1e-14, rtol=1e-15)
            return G_of(lost), saddle_node
    value = G_of(end)
    if value <= 0:
        return None, saddle_node
    beyond = system_of(neuron, {**values, current: value * (1 + 1e-6) + 1e-9})
    if any(p.stable and not p.fires for p in equilibria(beyond, domain)):
        return None, saddle_node                 # another resting state: simulate
    exact, closed = _closed_form(G, x, method, end, system)
    return Rheobase(closed if exact else value, method, exact, None, None, saddle_node)


def _point_maker(system, primary, solved, current):
    parts = {n: evaluator(system.guarded(solved[n])) for n in system.names if n != primary}

    def point_at(z: float, drive: float) -> dict:
        point = {primary: float(z)}
        for name, part in parts.items():
            point[name] = float(part({primary: float(z), current: drive}))
        return {n: point[n] for n in system.names}
    return point_at


def _first_firing(system, point_at, G_of, lo: float, hi: float) -> float:
    """Bisection for where the spike condition starts to hold on the branch."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if system.fires(point_at(mid, G_of(mid))):
            hi = mid
        else:
            lo = mid
    return hi


def _closed_form(G, x, method: str, end: float, system):
    """G at the end point in closed form, when SymPy finds it: the spike threshold itself
    (x > theta), or the root of G' nearest `end`."""
    try:
        if method == "threshold":
            spike = system.spike
            if isinstance(spike, (sympy.StrictGreaterThan, sympy.GreaterThan)) \
                    and spike.lhs == x and spike.rhs.is_number:
                return True, float(G.xreplace({x: spike.rhs}))
            return False, None
        if sympy.count_ops(G) > 300:
            return False, None
        roots = [complex(sympy.N(r)) for r in sympy.solve(sympy.diff(G, x), x)]
        real = [r.real for r in roots if abs(r.imag) < 1e-12 * max(1.0, abs(r.real))]
        if real:
            best = min(real, key=lambda r: abs(r - end))
            if abs(best - end) <= 1e-6 * max(1.0, abs(end)):
                return True, float(G.xreplace({x: best}))
    except (NotImplementedError, TypeError, ValueError):
        pass
    return False, None


def _derivative(f, z: float) -> float:
    h = 1e-6 * max(1.0, abs(z))
    return (f(z + h) - f(z - h)) / (2 * h)


def _bisect(neuron, current, values, rest, duration, dt, tolerance, hint=None):
    """(the lowest current found to fire repetitively, the bracket) by rounds of
    SCAN_POINTS currents simulated side by side."""
    low = 0.0
    if _fires_repetitively(neuron, current, values, rest, duration, dt, [0.0])[0]:
        raise ValueError(f"{neuron.name!r} fires repetitively without input ({current} = 0)")
    high = abs(hint) * 1.5 if hint else 1.0
    while not _fires_repetitively(neuron, current, values, rest, duration, dt, [high])[0]:
        low, high = high, high * 4.0
        if high > 1e12:
            raise ValueError(f"{neuron.name!r} does not fire repetitively for {current} up to "
                             f"{low:g}")
    while high - low > tolerance * max(1.0, abs(high)):
        currents = np.linspace(low, high, SCAN_POINTS)
        fired = _fires_repetitively(neuron, current, values, rest, duration, dt, currents)
        first = int(np.argmax(fired)) if fired.any() else SCAN_POINTS - 1
        if first == 0:
            break
        low, high = float(currents[first - 1]), float(currents[first])
    return high, (low, high)


def _fires_repetitively(neuron, current, values, rest, duration, dt, currents) -> np.ndarray:
    from ..sim.monitors import SpikeMonitor
    from ..sim.network import Network
    from ..sim.population import Population
    currents = np.asarray(currents, dtype=float)
    shared = {p for p, _, s in neuron.info.parameters if s}
    if current in shared and currents.size > 1:
        return np.array([_fires_repetitively(neuron, current, values, rest, duration, dt,
                                             [c])[0] for c in currents])
    inputs = [name for name in values if name.startswith("sum(")]
    if inputs:
        raise ValueError(f"{inputs[0]} is an input sum: the equations take it, but a "
                         "simulation of the neuron alone has no projection to give it; make "
                         "it a parameter of the model to simulate with it")
    pop = Population(neuron, currents.size)
    for name, value in values.items():
        setattr(pop, name, value)
    setattr(pop, current, currents if current not in shared else float(currents[0]))
    if rest is not None:
        for name, value in rest.items():
            setattr(pop, name, value)
    spikes = SpikeMonitor(pop)
    steps = int(round(duration / dt))
    Network(pop, spikes, dt=dt).run(steps * dt, progress=False)
    late = np.bincount(spikes.i[spikes.t > 0.5 * steps * dt], minlength=currents.size)
    return late >= 2
