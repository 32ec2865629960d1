"""A neuron's equations as an autonomous system dx/dt = f(x) with every parameter a number:
the derivatives and their Jacobian as SymPy, evaluated on NumPy arrays through op-trees
(evaluate.py; no code is generated or executed)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..compile.linearisation import differentiated
from ..compile.regularise import guard_expression
from ..evaluate import evaluate, to_tree
from ..functions import draw_kind, input_symbol, input_target, noise_name, symbol, timed_symbol


@dataclass(frozen=True, eq=False)
class System:
    """dx/dt = f(x) of one neuron at fixed values of its parameters and inputs."""

    neuron: object
    names: tuple[str, ...]                 # the state variables, in model order
    raw: tuple[sympy.Expr, ...]            # f with the numbers substituted
    derivatives: tuple[sympy.Expr, ...]    # the same, removable 0/0 points guarded
    jacobian: tuple[tuple[sympy.Expr, ...], ...]
    values: dict                           # parameter and input values used
    spike: sympy.Basic | None              # the spike condition, numbers substituted

    def __post_init__(self):
        object.__setattr__(self, "_f_trees", tuple(to_tree(d) for d in self.derivatives))
        object.__setattr__(self, "_jacobian_trees",
                           tuple(tuple(to_tree(e) for e in row) for row in self.jacobian))
        object.__setattr__(self, "_spike_tree",
                           None if self.spike is None else to_tree(self.spike))

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(symbol(n) for n in self.names)

    def f(self, state: dict) -> np.ndarray:
        """f at `state` (name -> number or array): shape (n,) + broadcast shape."""
        return np.array(np.broadcast_arrays(*(_evaluate(t, state) for t in self._f_trees)))

    def jacobian_at(self, point: dict) -> np.ndarray:
        """The Jacobian at one state; entries that evaluate to NaN (a removable 0/0 of a
        derivative that the guard does not catch) are central differences of f."""
        matrix = np.array([[float(_evaluate(e, point)) for e in row]
                           for row in self._jacobian_trees])
        if np.all(np.isfinite(matrix)):
            return matrix
        for column, name in enumerate(self.names):
            h = 1e-6 * max(1.0, abs(point[name]))
            up, down = dict(point), dict(point)
            up[name], down[name] = point[name] + h, point[name] - h
            difference = (self.f(up) - self.f(down)) / (2 * h)
            bad = ~np.isfinite(matrix[:, column])
            matrix[bad, column] = difference[bad]
        return matrix

    def guarded(self, expr) -> sympy.Expr:
        """`expr` (of the state variables) with its removable 0/0 points guarded."""
        return guard_expression(expr, list(self.symbols))

    def fires(self, point: dict) -> bool:
        """Whether the spike condition holds at `point` (False without one)."""
        if self._spike_tree is None:
            return False
        return bool(_evaluate(self._spike_tree, point))


def system_of(neuron, values: dict, keep: tuple[str, ...] = ()) -> System:
    """The neuron's system with its parameters at their defaults, `values` (parameters, or
    input sums as "sum(T)") replacing them; the names in `keep` stay symbols (e.g. the
    current of a rheobase search). White noise is left out (the deterministic part)."""
    from ..neuron import Neuron
    if not isinstance(neuron, Neuron):
        raise TypeError(f"expected an eq.Neuron, got {type(neuron).__name__}")
    model = neuron.model
    if not model.state:
        raise ValueError(f"neuron {model.name!r} has no differential equations to analyse")
    known = dict(neuron.parameters)
    known.update({f"sum({t})": 0.0 for t in model.inputs})
    missing = [name for name in model.timed if name not in values and name not in keep]
    if missing:
        raise ValueError(f"{missing[0]!r} is a TimedArray, a function of time: give the "
                         f"value it holds for the analysis, e.g. {missing[0]}=1.0")
    known.update({name: 0.0 for name in model.timed})
    for name, value in values.items():
        if name not in known:
            raise ValueError(_unknown(name, model, known))
        known[name] = _number(name, value)
    substitution = {}
    for name, value in known.items():
        if name in keep:
            continue
        target = name[4:-1] if name.startswith("sum(") else None
        named = input_symbol(target) if target else \
            timed_symbol(name) if name in model.timed else symbol(name)
        substitution[named] = sympy.Float(value)
    state = [symbol(n) for n in model.state_names]
    raw = []
    for variable in model.state:
        expr = model.inline_assignments(variable.derivative)
        expr = expr.xreplace({s: 0 for s in expr.free_symbols if noise_name(s)})
        raw.append(expr.xreplace(substitution))
    for expr in raw:
        _check_autonomous(expr, model, keep)
    jacobian = sympy.Matrix(raw).jacobian(state)
    guard = lambda e: guard_expression(e, state)
    derivatives = tuple(guard(e) for e in raw)
    rows = tuple(tuple(guard(differentiated(jacobian[i, j])) for j in range(len(state)))
                 for i in range(len(state)))
    spike = model.inline_assignments(model.spike).xreplace(substitution) \
        if model.spike is not None else None
    return System(neuron, model.state_names, tuple(raw), derivatives, rows, known, spike)


def _check_autonomous(expr, model, keep) -> None:
    for s in expr.free_symbols:
        if s.name == "t":
            raise ValueError(f"the equations of {model.name!r} depend on t: fixed points and "
                             "phase planes need autonomous equations")
        if draw_kind(s):
            raise ValueError(f"the equations of {model.name!r} draw random numbers "
                             f"({draw_kind(s)}()): they have no fixed points")
        if s.name not in model.state_names and s.name not in keep \
                and input_target(s) is None:
            raise ValueError(f"{s.name!r} has no value in {model.name!r}")


def _unknown(name: str, model, known: dict) -> str:
    from ..errors import did_you_mean
    if name in model.state_names:
        return (f"{name!r} is a state variable of {model.name!r}, not a parameter: its "
                "value at a fixed point is found, not given")
    close = did_you_mean(name, tuple(known))
    return (f"{name!r} is not a parameter of {model.name!r}" + (f"; {close}" if close else "")
            + f" (parameters: {', '.join(known)})")


def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _evaluate(tree: tuple, values: dict):
    with np.errstate(all="ignore"):
        return evaluate(tree, values)


def evaluator(expr):
    """`expr` (SymPy) as a function of a dict of names -> numbers or arrays (NumPy, with
    floating-point warnings silenced: NaN and inf are results, not errors)."""
    tree = to_tree(expr)
    return lambda values: _evaluate(tree, values)
