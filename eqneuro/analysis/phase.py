"""What a phase plane shows, computed from the equations: the vector field of two state
variables (the others held), their nullclines (solved by SymPy where it can, else the zero
contour of the derivative on a fine grid) and the fixed points."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from .equilibria import FixedPoint, equilibria
from .system import System, evaluator, system_of
from ..compile.linearisation import differentiated


@dataclass(frozen=True, eq=False)
class PhasePlane:
    x: str
    y: str
    held: dict                      # the other state variables' values
    fixed_points: tuple[FixedPoint, ...]
    system: System

    def field(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dx/dt and dy/dt on the grid xs x ys (arrays of shape (len(ys), len(xs)))."""
        X, Y = np.meshgrid(xs, ys)
        f = self.system.f({**self.held, self.x: X, self.y: Y})
        names = self.system.names
        return f[names.index(self.x)], f[names.index(self.y)]

    def nullcline(self, variable: str, xlim, ylim, samples: int = 801):
        """The curves where d(variable)/dt = 0 in the window: a list of (xs, ys) arrays, from
        SymPy's solution for y(x) or x(y) where it finds one; None when it does not (then
        draw the zero contour of field())."""
        index = self.system.names.index(variable)
        expr = self.system.raw[index].xreplace(
            {sympy.Symbol(n, real=True): sympy.Float(v) for n, v in self.held.items()})
        for solve_for, along, lim in ((self.y, self.x, xlim), (self.x, self.y, ylim)):
            target, free = sympy.Symbol(solve_for, real=True), sympy.Symbol(along, real=True)
            if not expr.has(target):
                continue
            try:      # linear or quadratic in the target: closed forms, quickly
                if sympy.Poly(expr, target).degree() > 2:
                    continue
                solutions = sympy.solve(expr, target)
            except (sympy.PolynomialError, NotImplementedError, ValueError, TypeError):
                continue
            if not solutions or any(s.has(target, sympy.I) for s in solutions):
                continue
            grid = np.linspace(lim[0], lim[1], samples)
            curves = []
            for solution in solutions:
                curve = evaluator(self.system.guarded(solution))
                values = np.asarray(curve({along: grid}), dtype=complex) * np.ones(samples)
                values = np.where(np.abs(values.imag) < 1e-9, values.real, np.nan)
                pair = (grid, values) if solve_for == self.y else (values, grid)
                curves.append(pair)
            return curves
        return None


def phase_plane_data(neuron, x: str, y: str, values: dict, domain=None) -> PhasePlane:
    names = neuron.variables
    for name in (x, y):
        if name not in names:
            raise ValueError(f"{name!r} is not a state variable of {neuron.name!r} "
                             f"({', '.join(names)})")
    if x == y:
        raise ValueError("x and y must be two different state variables")
    held = {k: float(v) for k, v in values.items() if k in names}
    if x in held or y in held:
        raise ValueError(f"{x} and {y} are the plane's axes: do not give them values")
    parameters = {k: v for k, v in values.items() if k not in names}
    full = system_of(neuron, parameters)
    rest = [n for n in names if n not in (x, y)]
    if rest and len(held) < len(rest):
        points = equilibria(full, domain)
        base = next((p for p in points if p.stable), points[0] if points else None)
        if base is None:
            missing = [n for n in rest if n not in held]
            raise ValueError(f"{neuron.name!r} has no fixed point to hold {', '.join(missing)} "
                             "at: give their values")
        held = {**{n: base.state[n] for n in rest}, **held}
    plane = _reduced(full, x, y, held)
    window = {k: v for k, v in (domain or {}).items() if k in (x, y)}
    return PhasePlane(x, y, held, tuple(equilibria(plane, window)), plane)


def _reduced(system: System, x: str, y: str, held: dict) -> System:
    """The 2-D system of x and y with the other variables held."""
    substitution = {sympy.Symbol(n, real=True): sympy.Float(v) for n, v in held.items()}
    keep = [system.names.index(x), system.names.index(y)]
    raw = tuple(system.raw[k].xreplace(substitution) for k in keep)
    state = [sympy.Symbol(x, real=True), sympy.Symbol(y, real=True)]
    jacobian = sympy.Matrix(raw).jacobian(state)
    guard = lambda e: system.guarded(differentiated(e))
    spike = system.spike.xreplace(substitution) if system.spike is not None else None
    return System(system.neuron, (x, y), raw, tuple(guard(e) for e in raw),
                  tuple(tuple(guard(jacobian[i, j]) for j in range(2)) for i in range(2)),
                  system.values, spike)

