"""The AST: frozen dataclasses with positions, built by transform.py from the parse tree."""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.logic.boolalg import BooleanAtom, BooleanFunction

from ..errors import Source, Span

_CONDITIONS = (sympy.core.relational.Relational, BooleanFunction, BooleanAtom)


def is_condition(value) -> bool:
    """True for comparisons, and/or/not and true/false; a Symbol is not a condition."""
    return isinstance(value, _CONDITIONS)


@dataclass(frozen=True, slots=True)
class NameUse:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class CallUse:
    name: str
    arity: int
    span: Span
    condition_arg: Span | None = None    # the first argument written as a condition, if any


@dataclass(frozen=True, slots=True)
class Operation:
    """A division, built-in call or power as written, before SymPy folds it (`z/z` is 1).

    `value` is the divisor (kind "divide"), the call's value ("call") or the power's
    value ("power"); `name` is the function called. `guards` are the tests of the
    conditionals around it, with the outcome that selects its branch: `(1/a if a != 0
    else 0)` divides only when `a != 0` is True.
    """

    kind: str
    value: sympy.Basic
    span: Span
    name: str = ""
    guards: tuple[tuple[sympy.Basic, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class Expr:
    """A SymPy expression plus where each name, call, derivative and operation was written."""

    value: sympy.Basic
    span: Span
    names: tuple[NameUse, ...] = ()
    calls: tuple[CallUse, ...] = ()
    derivatives: tuple[NameUse, ...] = ()   # the X of each dX/dt
    operations: tuple[Operation, ...] = ()

    def is_condition(self) -> bool:
        return is_condition(self.value)


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    value: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: Expr
    flags: tuple[Flag, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Equation:
    lhs: Expr
    rhs: Expr
    flags: tuple[Flag, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FunctionDef:
    name: str
    args: tuple[NameUse, ...]
    body: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class ResetStatement:
    target: str
    operator: str          # one of = += -= *= /=
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class MethodName:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Section:
    """One section as written; `kind` is parameters/equations/functions/spike/reset/refractory/method."""

    kind: str
    items: tuple
    span: Span


@dataclass(frozen=True, slots=True)
class NeuronDecl:
    name: str | None
    base: NameUse | None      # `neuron RS extends Izhikevich:`
    sections: tuple[Section, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ModelFile:
    neurons: tuple[NeuronDecl, ...]
    source: Source
