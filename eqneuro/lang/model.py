"""The semantic IR: a checked neuron model with its ODEs solved for d/dt."""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..functions import symbol


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    name: str
    value: float
    shared: bool = False


@dataclass(frozen=True, slots=True)
class StateVariable:
    name: str
    derivative: sympy.Expr           # dX/dt, may read assignments (not inlined)
    init: sympy.Expr                 # of parameters and other state variables
    lower: sympy.Expr | None = None
    upper: sympy.Expr | None = None
    hold_when_refractory: bool = False


@dataclass(frozen=True, slots=True)
class Assignment:
    name: str
    value: sympy.Expr


@dataclass(frozen=True, slots=True)
class ResetAssignment:
    target: str
    value: sympy.Expr                # the new value (u += d is stored as u + d)
    operator: str = "="


@dataclass(frozen=True, slots=True)
class NeuronModel:
    name: str
    parameters: tuple[ParameterSpec, ...]
    state: tuple[StateVariable, ...]
    assignments: tuple[Assignment, ...]      # in dependency order
    spike: sympy.Basic | None = None
    reset: tuple[ResetAssignment, ...] = ()
    refractory: sympy.Expr | None = None
    method: str | None = None                # as requested; None = automatic

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.state)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def assignment_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.assignments)

    def inline_assignments(self, expr: sympy.Basic) -> sympy.Basic:
        """Replace derived variables by their definitions (in reverse dependency order)."""
        for assignment in reversed(self.assignments):
            expr = expr.xreplace({symbol(assignment.name): assignment.value})
        return expr

    def inlined_derivatives(self) -> dict[str, sympy.Expr]:
        return {s.name: self.inline_assignments(s.derivative) for s in self.state}
