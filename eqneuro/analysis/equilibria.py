"""Fixed points of a neuron's equations, their Jacobian's eigenvalues and their kind.

Every variable but one whose own equation is linear in it (a gating variable, an
adaptation current) is solved for in terms of the remaining one, so that the equilibria are
the roots of one function g(x). Where g is a polynomial SymPy solves it exactly (LIF, rate,
Izhikevich); otherwise every root in the domain is bracketed on a fine grid and refined with
Brent's method (AdEx, HH), double roots included."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy
from scipy import optimize

from .system import System, evaluator, system_of

DEFAULT_DOMAIN = (-1000.0, 1000.0)
SAMPLES = 200_001          # grid points over the domain of a numeric search
KINDS = ("stable node", "unstable node", "saddle", "stable focus", "unstable focus",
         "center", "stable", "unstable", "degenerate")


@dataclass(frozen=True, eq=False)
class FixedPoint:
    """One equilibrium: the state, the Jacobian's eigenvalues there and what they make it."""

    state: dict
    eigenvalues: np.ndarray
    kind: str
    fires: bool = False      # the spike condition holds there (a point the neuron never rests at)
    exact: bool = False      # found by SymPy in closed form
    jacobian: np.ndarray = field(default=None, repr=False)

    @property
    def stable(self) -> bool:
        return bool(np.all(self.eigenvalues.real < 0))

    def __repr__(self) -> str:
        state = ", ".join(f"{k}={v:.6g}" for k, v in self.state.items())
        eig = ", ".join(_complex(e) for e in self.eigenvalues)
        return f"FixedPoint({state}; {self.kind}; eigenvalues {eig}" + \
            ("; fires" if self.fires else "") + ")"


def fixed_points(neuron, domain: dict | None = None, **values) -> list[FixedPoint]:
    """The equilibria of the neuron's ODEs with its parameters (and `values`, e.g. I=5),
    ordered by the first state variable. `domain` bounds the variables searched numerically,
    as {name: (low, high)} (default ±1000 for each); exact solutions are not limited."""
    system = system_of(neuron, values)
    return equilibria(system, domain)


def equilibria(system: System, domain: dict | None = None) -> list[FixedPoint]:
    domain = _domains(system, domain)
    reduced = reduce_to_one(system, domain=domain)
    if reduced is None:
        points, exact = _search_all(system, domain), False
    else:
        primary, solved, g = reduced
        roots, exact = _polynomial_roots(g, primary)
        if roots is None:
            roots, exact = _scalar_roots(system.guarded(g), primary, domain[primary]), False
        points = [_complete(system, primary, solved, r) for r in roots]
    found = [classify(system, p, exact) for p in points]
    found = [p for p in found if all(np.isfinite(v) for v in p.state.values())]
    return sorted(found, key=lambda p: tuple(p.state[n] for n in system.names))


def classify(system: System, point: dict, exact: bool = False) -> FixedPoint:
    jacobian = system.jacobian_at(point)
    eigenvalues = np.linalg.eigvals(jacobian)
    return FixedPoint(dict(point), eigenvalues, kind_of(eigenvalues), system.fires(point),
                      exact, jacobian)


def kind_of(eigenvalues: np.ndarray) -> str:
    eigenvalues = np.asarray(eigenvalues, dtype=complex)
    tol = 1.5e-8 * max(1.0, float(np.max(np.abs(eigenvalues))))     # sqrt(machine eps)
    real, imag = eigenvalues.real, eigenvalues.imag
    if len(eigenvalues) > 2:
        if np.all(real < -tol):
            return "stable"
        return "unstable" if np.any(real > tol) else "degenerate"
    if np.any(np.abs(imag) > tol):
        if abs(real[0]) <= tol:
            return "center"
        return "stable focus" if real[0] < 0 else "unstable focus"
    if np.any(np.abs(real) <= tol):
        return "degenerate"
    if np.all(real < 0):
        return "stable node"
    if np.all(real > 0):
        return "unstable node"
    return "saddle"


def reduce_to_one(system: System, keep=(), domain: dict | None = None):
    """(x, {y: y(x)}, g(x)) with the fixed points the roots of g and y = y(x) there, solving
    each other variable from its own equation where that is linear in it, with a slope
    that does not vanish for x in the domain (dy/dt = c(x) y + d(x) has the equilibria
    y = -d/c only where c != 0; where c can vanish, so that dy/dt = (x - 1) y has the
    equilibria y = 0 and also x = 1, the variable is not eliminated); None if no variable
    allows it. Symbols in `keep` may stay in the expressions (a slope may not hold them)."""
    domain = domain or {n: DEFAULT_DOMAIN for n in system.names}
    names = system.names
    for primary in _candidates(system):
        x = sympy.Symbol(primary, real=True)
        equations = {n: e for n, e in zip(names, system.raw)}
        solved: dict[str, sympy.Expr] = {}
        slopes: list[sympy.Expr] = []
        pending = [n for n in names if n != primary]
        progress = True
        while pending and progress:
            progress = False
            for name in list(pending):
                y = sympy.Symbol(name, real=True)
                expr = equations[name]
                slope = sympy.diff(expr, y)
                if slope == 0 or slope.has(y):
                    continue
                value = -expr.xreplace({y: 0}) / slope
                slopes = [c.xreplace({y: value}) for c in slopes] + [slope]
                solved[name] = value
                for other in equations:
                    equations[other] = equations[other].xreplace({y: value})
                for other in solved:
                    solved[other] = solved[other].xreplace({y: value})
                pending.remove(name)
                progress = True
        if pending:
            continue
        g = equations[primary]
        allowed = {x} | {sympy.Symbol(k, real=True) for k in keep}
        if all(s in allowed for s in g.free_symbols) and \
                all(s in allowed for v in solved.values() for s in v.free_symbols) and \
                all(_never_zero(system.guarded(c), primary, domain[primary]) for c in slopes):
            return primary, solved, g
    return None


def _never_zero(slope, primary: str, bounds) -> bool:
    """Whether `slope` (of the primary variable only) keeps one sign on the domain."""
    if slope.is_number:
        return slope != 0
    if any(s.name != primary for s in slope.free_symbols):
        return False
    grid = np.linspace(bounds[0], bounds[1], SAMPLES // 10)
    values = np.asarray(evaluator(slope)({primary: grid}), dtype=float) * np.ones_like(grid)
    values = values[np.isfinite(values)]
    return values.size > 0 and (bool(np.all(values > 0)) or bool(np.all(values < 0)))


def _candidates(system: System) -> list[str]:
    """The variables of the spike condition first (v), then the others in model order."""
    spiking = [n for n in system.names
               if system.spike is not None and sympy.Symbol(n, real=True) in
               system.spike.free_symbols]
    return spiking + [n for n in system.names if n not in spiking]


def _polynomial_roots(g, primary: str):
    """The real roots of g when its numerator is a polynomial of degree <= 4 (SymPy's
    closed forms), else (None, False)."""
    x = sympy.Symbol(primary, real=True)
    if any(not isinstance(f, sympy.Pow) for f in g.atoms(sympy.Function)) or \
            g.has(sympy.Piecewise, sympy.exp):
        return None, False
    numerator, denominator = sympy.fraction(sympy.together(g))
    try:
        poly = sympy.Poly(numerator, x)
    except sympy.PolynomialError:
        return None, False
    if not all(c.is_number for c in poly.all_coeffs()) or poly.degree() > 4:
        return None, False
    if poly.degree() < 1:
        if poly.is_zero:
            raise ValueError(f"d{primary}/dt is 0 at every {primary}: the fixed points are "
                             "not isolated")
        return [], True
    roots = []
    for root in sympy.solve(poly.as_expr(), x):
        value = complex(sympy.N(root, 30))
        if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
            r = value.real
            if denominator.is_number or abs(float(denominator.subs(x, r))) > 0:
                roots.append(r)
    return sorted(set(roots)), True


def _scalar_roots(g, primary: str, bounds) -> list[float]:
    """Every root of g in `bounds`: sign changes on a grid of SAMPLES points refined by
    brentq, and touching zeros (double roots) at the grid's local minima of |g|."""
    g_of = evaluator(g)
    f = lambda value: float(g_of({primary: value}))
    terms = [evaluator(term) for term in (g.args if isinstance(g, sympy.Add) else (g,))]
    magnitude = lambda z: sum(np.abs(np.asarray(term({primary: z}), dtype=float))
                              for term in terms)
    grid = np.linspace(bounds[0], bounds[1], SAMPLES)
    values = np.asarray(g_of({primary: grid}), dtype=float) * np.ones_like(grid)
    finite = np.isfinite(values)
    roots = list(grid[finite & (values == 0.0)])
    change = finite[:-1] & finite[1:] & (np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    for k in np.flatnonzero(change):
        root = optimize.brentq(f, grid[k], grid[k + 1], xtol=1e-14, rtol=1e-15, maxiter=200)
        ends = max(abs(values[k]), abs(values[k + 1]))
        if abs(f(root)) <= 1e-6 * ends or abs(f(root)) <= 1e-9 * float(magnitude(root)):
            roots.append(root)           # a root, not a jump or a pole where g changes sign
    size = np.abs(values)
    # touching zeros: strict local minima of |g| that are small beside g's terms
    inner = np.flatnonzero(finite[1:-1] & finite[:-2] & finite[2:]
                           & (size[1:-1] <= size[:-2]) & (size[1:-1] <= size[2:])
                           & ((size[1:-1] < size[:-2]) | (size[1:-1] < size[2:]))) + 1
    window = 50              # a double root's |g| grows quadratically: 2500x at 50 points
    inner = [k for k in inner
             if size[k] <= 1e-3 * np.nanmax(size[max(0, k - window):k + window + 1])]
    for k in inner:
        if change[k - 1] or change[k] or values[k] == 0.0:
            continue
        best = optimize.minimize_scalar(lambda z: abs(f(z)), bounds=(grid[k - 1], grid[k + 1]),
                                        method="bounded", options={"xatol": 1e-12})
        if abs(f(best.x)) <= 1e-10 * float(magnitude(best.x)):   # zero to rounding: a double root
            roots.append(float(best.x))
    return _distinct(roots, bounds)


def _distinct(roots, bounds) -> list[float]:
    width = bounds[1] - bounds[0]
    out: list[float] = []
    for r in sorted(roots):
        if not out or r - out[-1] > 1e-9 * max(1.0, abs(r), width * 1e-6):
            out.append(float(r))
    return out


def _complete(system: System, primary: str, solved: dict, root: float) -> dict:
    """The whole state at a root of g."""
    point = {primary: float(root)}
    for name in system.names:
        if name != primary:
            value = evaluator(system.guarded(solved[name]))
            point[name] = float(value({primary: point[primary]}))
    return {n: point[n] for n in system.names}


def _search_all(system: System, domain: dict) -> list[dict]:
    """Multi-start root finding when no variable can be solved for: from a grid of starts
    in the domain (at most 4 variables), the distinct converged roots."""
    n = len(system.names)
    if n > 4:
        raise ValueError(f"the fixed points of {system.neuron.name!r} cannot be reduced to one "
                         "variable, and a search over more than 4 variables is not attempted")
    per_axis = {1: 401, 2: 41, 3: 13, 4: 7}[n]
    axes = [np.linspace(*domain[name], per_axis) for name in system.names]
    starts = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    found: list[np.ndarray] = []
    as_dict = lambda z: dict(zip(system.names, map(float, z)))
    for start in starts:
        solution = optimize.root(lambda z: system.f(as_dict(z)), start,
                                 jac=lambda z: system.jacobian_at(as_dict(z)), method="hybr")
        z = solution.x
        if not solution.success or not np.all(np.isfinite(z)):
            continue
        if np.max(np.abs(system.f(as_dict(z)))) > 1e-9 * max(1.0, np.max(np.abs(z))):
            continue
        inside = all(domain[name][0] <= value <= domain[name][1]
                     for name, value in zip(system.names, z))
        if inside and not any(np.allclose(z, other, rtol=1e-7, atol=1e-9) for other in found):
            found.append(z)
    return [as_dict(z) for z in found]


def _domains(system: System, domain: dict | None) -> dict:
    out = {name: DEFAULT_DOMAIN for name in system.names}
    for name, bounds in (domain or {}).items():
        if name not in system.names:
            raise ValueError(f"domain: {name!r} is not a state variable of "
                             f"{system.neuron.name!r} ({', '.join(system.names)})")
        try:
            low, high = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise TypeError(f"domain[{name!r}] must be a pair (low, high) of numbers") from None
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"domain[{name!r}] must be finite with low < high, got "
                             f"({low}, {high})")
        out[name] = (low, high)
    return out


def _complex(value) -> str:
    value = complex(value)
    if value.imag == 0:
        return f"{value.real:.6g}"
    return f"{value.real:.6g}{value.imag:+.6g}j"
