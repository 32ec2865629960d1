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
    # The targets T of sum(T), in order of first use. Each is the symbol
    # functions.input_symbol(T): constant over a step, like a per-neuron parameter.
    inputs: tuple[str, ...] = ()
    # Event sources (PoissonGroup, SpikeSource): the spike condition is `count > 0` and a
    # neuron emits `count` events in the step, each delivered. Not in the model language.
    spike_counts: bool = False
    # The TimedArrays the model calls, `name(t)`, by name (sorted). Each is the symbol
    # functions.timed_symbol(name): held over a step, like an input sum(T).
    timed: tuple[str, ...] = ()

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


@dataclass(frozen=True, slots=True)
class SynapseModel:
    """A checked synapse. Names are as written (`g_exc`, `v_post`, `r_pre`, `w`): which side
    each one means is decided when a projection binds the synapse to its neurons
    (lang/binding.py)."""

    name: str
    parameters: tuple[ParameterSpec, ...]            # always holds the weight w
    on_pre: tuple[ResetAssignment, ...] = ()         # new values (g += w is stored as g + w)
    psp: sympy.Expr | None = None                    # continuous transmission into sum(T)
    # Plasticity: per-synapse state and on_post. The variables named in `every_step` are
    # integrated every step (forward Euler); the others between events, in closed form.
    state: tuple[StateVariable, ...] = ()
    on_post: tuple[ResetAssignment, ...] = ()
    every_step: tuple[str, ...] = ()
    timed: tuple[str, ...] = ()      # the TimedArrays called, name(t), as for NeuronModel

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)
