"""The AST: frozen dataclasses with positions, built by transform.py from the parse tree."""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from .errors import Source, Span


def is_condition(value) -> bool:
    """True for comparisons, and/or/not and true/false; a Symbol is not a condition."""
    from sympy.logic.boolalg import BooleanAtom, BooleanFunction
    return isinstance(value, (sympy.core.relational.Relational, BooleanFunction, BooleanAtom))


@dataclass(frozen=True, slots=True)
class NameUse:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class CallUse:
    name: str
    arity: int
    span: Span


@dataclass(frozen=True, slots=True)
class Expr:
    """A SymPy expression plus where each name, call and derivative was written."""

    value: sympy.Basic
    span: Span
    names: tuple[NameUse, ...] = ()
    calls: tuple[CallUse, ...] = ()
    derivatives: tuple[NameUse, ...] = ()   # the X of each dX/dt

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
