"""The closed table of built-in functions: name -> SymPy constructor, arity, NumPy callable.

Model text reaches SymPy only through this table and `symbol()`; nothing is sympified.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy


def symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol of a user name: always a plain real Symbol (never sympy.I, E, S, N...)."""
    return sympy.Symbol(name, real=True)


DERIVATIVE_SUFFIX = "/dt"


def derivative_symbol(variable: str) -> sympy.Symbol:
    """The placeholder for `dX/dt`; its name cannot be written as a user name."""
    return sympy.Symbol(f"d{variable}{DERIVATIVE_SUFFIX}", real=True)




def _heaviside(x):
    return sympy.Piecewise((sympy.Float(1.0), x > 0), (sympy.Float(0.0), True))


def _logistic(x):
    return 1 / (1 + sympy.exp(-x))


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    build: Callable[..., sympy.Expr]
    min_args: int
    max_args: int
    summary: str

    def arity_text(self) -> str:
        if self.min_args == self.max_args:
            n = self.min_args
            return f"{n} argument" + ("" if n == 1 else "s")
        if self.max_args > 99:
            return f"at least {self.min_args} arguments"
        return f"{self.min_args} to {self.max_args} arguments"


def _table(*rows: Builtin) -> dict[str, Builtin]:
    return {row.name: row for row in rows}


MANY = 1000

BUILTINS: dict[str, Builtin] = _table(
    Builtin("exp", sympy.exp, 1, 1, "exponential"),
    Builtin("log", sympy.log, 1, 1, "natural logarithm"),
    Builtin("sqrt", sympy.sqrt, 1, 1, "square root"),
    Builtin("abs", sympy.Abs, 1, 1, "absolute value"),
    Builtin("sin", sympy.sin, 1, 1, "sine"),
    Builtin("cos", sympy.cos, 1, 1, "cosine"),
    Builtin("tan", sympy.tan, 1, 1, "tangent"),
    Builtin("tanh", sympy.tanh, 1, 1, "hyperbolic tangent"),
    Builtin("sinh", sympy.sinh, 1, 1, "hyperbolic sine"),
    Builtin("cosh", sympy.cosh, 1, 1, "hyperbolic cosine"),
    Builtin("pow", sympy.Pow, 2, 2, "pow(x, y) = x^y"),
    Builtin("min", sympy.Min, 2, MANY, "smallest argument"),
    Builtin("max", sympy.Max, 2, MANY, "largest argument"),
    Builtin("clip", lambda x, lo, hi: sympy.Min(sympy.Max(x, lo), hi), 3, 3,
            "clip(x, lo, hi) = min(max(x, lo), hi)"),
    Builtin("pos", lambda x: sympy.Max(x, 0), 1, 1, "rectifier, max(x, 0)"),
    Builtin("sigmoid", _logistic, 1, 1, "logistic 1/(1 + exp(-x))"),
    Builtin("logistic", _logistic, 1, 1, "logistic 1/(1 + exp(-x))"),
    Builtin("heaviside", _heaviside, 1, 1, "1 if x > 0 else 0"),
    Builtin("sign", sympy.sign, 1, 1, "-1, 0 or 1"),
    Builtin("floor", sympy.floor, 1, 1, "round down"),
    Builtin("ceil", sympy.ceiling, 1, 1, "round up"),
)

RESERVED_NAMES = frozenset({"t", "dt"})
