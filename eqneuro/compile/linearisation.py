"""A neuron's derivatives and Jacobian with its parameters left as names, as op-trees kept in
the model cache: the Network's dt check evaluates them without SymPy on a warm start."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evaluate import evaluate, to_tree


@dataclass(frozen=True)
class Linearisation:
    names: tuple[str, ...]
    derivatives: tuple            # op-trees of f
    jacobian: tuple               # op-trees, row by row

    def f(self, values: dict, point: dict) -> np.ndarray:
        scope = {**values, **point, "t": 0.0}
        with np.errstate(all="ignore"):
            return np.array([float(evaluate(tree, scope)) for tree in self.derivatives])

    def jacobian_at(self, values: dict, point: dict) -> np.ndarray:
        scope = {**values, **point, "t": 0.0}
        with np.errstate(all="ignore"):
            return np.array([[float(evaluate(tree, scope)) for tree in row]
                             for row in self.jacobian])

    def rest(self, values: dict, start: dict, iterations: int = 60) -> dict:
        """The fixed point Newton's method reaches from `start` (steps limited to 10 % of
        the state's size), or `start` itself when it does not converge."""
        x = np.array([start[n] for n in self.names], dtype=float)
        for _ in range(iterations):
            point = dict(zip(self.names, x))
            f = self.f(values, point)
            if not np.all(np.isfinite(f)):
                break
            if np.max(np.abs(f)) <= 1e-12 * max(1.0, np.max(np.abs(x))):
                return point
            try:
                step = np.linalg.solve(self.jacobian_at(values, point), f)
            except np.linalg.LinAlgError:
                break
            limit = 0.1 * max(1.0, float(np.max(np.abs(x))))
            size = float(np.max(np.abs(step)))
            if not np.isfinite(size):
                break
            x = x - step * min(1.0, limit / size) if size > 0 else x
        return dict(start)


def linearisation(neuron) -> Linearisation:
    from .modelcache import load_record, save_record
    key = neuron._key + "-linear"
    record = load_record(key)
    if record is None:
        record = linear_record(neuron.model)
        save_record(key, record)
    return from_record(record)


def from_record(record: dict) -> Linearisation:
    tuples = lambda v: tuple(tuples(x) for x in v) if isinstance(v, list) else v
    return Linearisation(tuple(record["names"]), tuples(record["f"]), tuples(record["J"]))


def initial_state(model) -> dict | None:
    """The `init` values with the default parameters (None if they draw random numbers)."""
    from ..functions import draw_kind, timed_symbol
    values = {p.name: p.value for p in model.parameters}
    values.update({f"sum({t})": 0.0 for t in model.inputs})
    values.update({timed_symbol(name).name: 0.0 for name in model.timed})
    pending = {s.name: s.init for s in model.state}
    if any(draw_kind(x) for e in pending.values() for x in e.free_symbols):
        return None
    state: dict = {}
    while pending:
        ready = [n for n, e in pending.items()
                 if all(x.name in values or x.name in state for x in e.free_symbols)]
        if not ready:
            return None
        for name in ready:
            with np.errstate(all="ignore"):
                state[name] = float(evaluate(to_tree(pending.pop(name)), {**values, **state}))
    return state


def linear_record(model) -> dict:
    import sympy

    from .regularise import guard_expression
    from ..functions import draw_kind, noise_name, symbol
    state = [symbol(n) for n in model.state_names]
    raw = []
    for variable in model.state:
        expr = model.inline_assignments(variable.derivative)
        expr = expr.xreplace({s: 0 for s in expr.free_symbols
                              if noise_name(s) or draw_kind(s)})
        raw.append(expr)
    jacobian = sympy.Matrix(raw).jacobian(state)
    guard = lambda e: to_tree(guard_expression(differentiated(e), state))
    return {"names": list(model.state_names), "f": [guard(e) for e in raw],
            "J": [[guard(jacobian[i, j]) for j in range(len(state))]
                  for i in range(len(state))]}


def differentiated(expr):
    """A derivative made evaluable: DiracDelta (of a step, heaviside or sign) is 0 where it
    is defined; a derivative SymPy leaves unevaluated is NaN (callers then difference f)."""
    import sympy
    if not isinstance(expr, sympy.Basic):       # a plain number
        return sympy.Float(expr)
    expr = expr.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))
    return expr.replace(lambda e: isinstance(e, (sympy.Derivative, sympy.Subs)),
                        lambda e: sympy.nan)
