"""Expressions as plain op-trees (tuples) and their evaluation on NumPy arrays.

Initial values and derived variables (`pop.r`) are evaluated in Python from these trees; the
trees are JSON-serialisable so that a warm start needs neither SymPy nor any code execution.
"""
from __future__ import annotations

import numpy as np

_BINARY_BOOL = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
                "eq": np.equal, "ne": np.not_equal}
_FUNCTIONS = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "Abs": np.abs, "sin": np.sin,
              "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh,
              "sign": np.sign, "floor": np.floor, "ceiling": np.ceil}


def to_tree(expr) -> tuple:
    """SymPy expression -> op-tree (nested tuples of str/float)."""
    import sympy

    from .methods import Phi1
    if expr.is_Symbol:
        return ("sym", expr.name)
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        return ("num", float(expr))
    if expr in (sympy.true, sympy.false):
        return ("num", 1.0 if expr == sympy.true else 0.0)
    if isinstance(expr, sympy.Piecewise):
        return ("piecewise",) + tuple(to_tree(v) for pair in expr.args for v in pair)
    children = tuple(to_tree(a) for a in expr.args)
    if expr.is_Add:
        return ("add",) + children
    if expr.is_Mul:
        return ("mul",) + children
    if expr.is_Pow:
        return ("pow",) + children
    if isinstance(expr, sympy.Max):
        return ("max",) + children
    if isinstance(expr, sympy.Min):
        return ("min",) + children
    if isinstance(expr, sympy.And):
        return ("and",) + children
    if isinstance(expr, sympy.Or):
        return ("or",) + children
    if isinstance(expr, sympy.Not):
        return ("not",) + children
    if isinstance(expr, sympy.core.relational.Relational):
        op = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}[expr.rel_op]
        return (op,) + children
    if isinstance(expr, Phi1):
        return ("phi1",) + children
    name = type(expr).__name__
    if name in _FUNCTIONS:
        return ("call", name) + children
    raise ValueError(f"cannot evaluate {name} numerically")


def evaluate(tree: tuple, values: dict[str, object]):
    """Evaluate an op-tree with NumPy; `values` maps names to floats or arrays."""
    op = tree[0]
    if op == "num":
        return tree[1]
    if op == "sym":
        return values[tree[1]]
    if op == "call":
        return _FUNCTIONS[tree[1]](*[evaluate(a, values) for a in tree[2:]])
    if op == "piecewise":
        pairs = tree[1:]
        result = evaluate(pairs[-2], values)
        for i in range(len(pairs) - 4, -1, -2):
            result = np.where(evaluate(pairs[i + 1], values), evaluate(pairs[i], values), result)
        return result
    args = [evaluate(a, values) for a in tree[1:]]
    if op == "add":
        return _fold(np.add, args)
    if op == "mul":
        return _fold(np.multiply, args)
    if op == "pow":
        return np.power(np.asarray(args[0], dtype=float), args[1])
    if op == "max":
        return _fold(np.maximum, args)
    if op == "min":
        return _fold(np.minimum, args)
    if op == "and":
        return _fold(np.logical_and, args)
    if op == "or":
        return _fold(np.logical_or, args)
    if op == "not":
        return np.logical_not(args[0])
    if op == "phi1":
        z = np.asarray(args[0], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(z == 0.0, 1.0, np.expm1(z) / np.where(z == 0.0, 1.0, z))
    return _BINARY_BOOL[op](*args)


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
