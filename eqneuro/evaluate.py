"""Expressions as plain op-trees (tuples) and their evaluation on NumPy arrays.

Initial values and derived variables (`pop.r`) are evaluated in Python from these trees; the
trees are JSON-serialisable so that a warm start needs neither SymPy nor any code execution.
Built-in functions come from the one table in functions.py; NaN propagates as in NumPy, and
agrees with the kernel (the printer) node for node.
"""
from __future__ import annotations

import numpy as np

from .functions import NUMPY

_BINARY_BOOL = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
                "eq": np.equal, "ne": np.not_equal}
_RELATIONS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}
_FOLDS = {"add": np.add, "mul": np.multiply, "and": np.logical_and, "or": np.logical_or,
          "xor": np.logical_xor}


def to_tree(expr) -> tuple:
    """SymPy expression -> op-tree (nested tuples of str/float)."""
    import sympy

    from .functions import node_table
    if expr.is_Symbol:
        return ("sym", expr.name)
    if expr in (sympy.true, sympy.false):
        return ("num", 1.0 if expr == sympy.true else 0.0)
    if expr is sympy.zoo:
        return ("num", float("nan"))       # 1/0 in SymPy: no real value (printer: NaN)
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        return ("num", float(expr))
    if isinstance(expr, sympy.Piecewise):
        return ("piecewise",) + tuple(to_tree(v) for pair in expr.args for v in pair)
    children = tuple(to_tree(a) for a in expr.args)
    row = node_table().get(type(expr))
    if row is not None:
        return ("call", row.name) + children
    return (_operator(expr),) + children


def _operator(expr) -> str:
    import sympy
    if isinstance(expr, sympy.core.relational.Relational):
        return _RELATIONS[expr.rel_op]
    kinds = ((sympy.Add, "add"), (sympy.Mul, "mul"), (sympy.Pow, "pow"), (sympy.And, "and"),
             (sympy.Or, "or"), (sympy.Xor, "xor"), (sympy.Not, "not"), (sympy.ITE, "ite"))
    for kind, name in kinds:
        if isinstance(expr, kind):
            return name
    raise TypeError(f"eqneuro cannot evaluate {type(expr).__name__} numerically: {expr}")


def evaluate(tree: tuple, values: dict[str, object]):
    """Evaluate an op-tree with NumPy; `values` maps names to floats or arrays."""
    op = tree[0]
    if op == "num":
        return tree[1]
    if op == "sym":
        return values[tree[1]]
    if op == "call":
        return _call(tree[1], [evaluate(a, values) for a in tree[2:]])
    if op == "piecewise":
        pairs = tree[1:]
        result = evaluate(pairs[-2], values)
        for i in range(len(pairs) - 4, -1, -2):
            result = np.where(evaluate(pairs[i + 1], values), evaluate(pairs[i], values), result)
        return result
    args = [evaluate(a, values) for a in tree[1:]]
    if op in _FOLDS:
        return _fold(_FOLDS[op], args)
    if op == "pow":
        return np.power(np.asarray(args[0], dtype=float), args[1])
    if op == "not":
        return np.logical_not(args[0])
    if op == "ite":
        return np.where(args[0], args[1], args[2])
    return _BINARY_BOOL[op](*args)


def _call(name: str, args: list):
    function = NUMPY[name]
    if name in ("min", "max") and len(args) > 2:
        return _fold(function, args)
    return function(*[np.asarray(a, dtype=float) for a in args])


def _fold(function, args):
    result = args[0]
    for arg in args[1:]:
        result = function(result, arg)
    return result


def names_in(tree: tuple) -> set[str]:
    if tree[0] == "sym":
        return {tree[1]}
    if tree[0] in ("num",):
        return set()
    start = 2 if tree[0] == "call" else 1
    out: set[str] = set()
    for child in tree[start:]:
        out |= names_in(child)
    return out
