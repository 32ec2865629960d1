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
    arguments: tuple = ()                # the arguments' SymPy values


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
    inputs: tuple[NameUse, ...] = ()        # each sum(T): the target T, the span of the call

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
class Statement:
    """`target op value` of a reset, on_pre or on_post; `span` is the target's."""

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
    """One section as written; `kind` is its keyword (parameters, equations, on_pre, ...:
    lang/tables.py SECTIONS); `span` is the keyword's position."""

    kind: str
    items: tuple
    span: Span


@dataclass(frozen=True, slots=True)
class Declaration:
    """`neuron Name:` or `synapse Name:` with its sections; `kind` is None for sections
    written without a header (a Neuron or a Synapse, as the reader asks)."""

    kind: str | None
    name: str | None
    base: NameUse | None      # `neuron RS extends Izhikevich:`
    sections: tuple[Section, ...]
    span: Span

    @property
    def what(self) -> str:
        return self.kind or "model"


@dataclass(frozen=True, slots=True)
class ModelFile:
    declarations: tuple[Declaration, ...]
    source: Source

    @property
    def neurons(self) -> tuple[Declaration, ...]:
        """The neurons, or the one model written without a header."""
        return tuple(d for d in self.declarations if d.kind in ("neuron", None))

    @property
    def synapses(self) -> tuple[Declaration, ...]:
        """The synapses, or the one model written without a header."""
        return tuple(d for d in self.declarations if d.kind in ("synapse", None))
