"""NeuronModel + UpdatePlan + Layout -> PopulationBlock: one population's part of a network
kernel, as printed statements and expressions; the loops, the order of the phases and the
spike, reset and refractory logic are the template's (templates/network.pyx.j2)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..functions import (SCHEDULED, draw_kind, draw_order, input_symbol, input_target,
                         scheduled_symbol, symbol, timed_symbol)
from ..lang.model import NeuronModel
from .kernel_abi import (TIMED_FIELDS, Layout, c_name, field_name, input_local, input_pointer,
                         monitor_buffer, parameter_pointer, state_pointer, timed_field,
                         timed_read)
from .methods import ACTIVE, UpdatePlan
from .printer import CythonPrinter, cse_statements, internal_name
from .propagators import argument_name




@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    kind: str        # d: double*, i: int32*, l: int64*, b: uint8*, f: double, n: int64,
                     # u: uint64


C_TYPES = {"d": "dptr", "i": "iptr", "l": "lptr", "b": "bptr", "f": "double", "n": "int64_t",
           "u": "uint64_t"}


@dataclass(frozen=True, slots=True)
class StateRecord:
    """One state monitor of a population: its statements for neuron _i, and what it stores."""

    index: int
    lines: tuple[str, ...]                   # loads and derived values of neuron _i
    values: tuple[tuple[str, str], ...]      # (buffer, printed value)


@dataclass(frozen=True, slots=True)
class PopulationBlock:
    """One population's part of a network kernel: its fields (in the kernel's _Net struct,
    named prefix + argument) and, for the template's update loop (per neuron _i, in this
    order): loads, integration statements, bounds, then spike test, resets, refractory
    count-down and stores."""

    index: int
    prefix: str
    title: str
    update_arguments: tuple[Argument, ...]    # of its update function, restrict pointers
    other_arguments: tuple[Argument, ...]     # monitors, spike lists, sizes
    locals: tuple[str, ...]                   # of the update function
    record_locals: tuple[str, ...]            # of the state monitors' function
    invariants: tuple[str, ...]               # loop invariants _kv[k], once per run
    invariant_names: tuple[str, ...]          # their locals in the update function
    loads: tuple[str, ...]                    # neuron _i's state, parameters, inputs
    refractory: bool
    uses_active: bool                         # _active = 1.0 unless refractory
    statements: tuple[str, ...]               # integration: temporaries, then _new_<x>
    updated: tuple[tuple[str, str], ...]      # (local, state pointer) of integrated vars
    bounds: tuple[tuple[str, str, str], ...]  # (_new_<x>, eq_max | eq_min, bound)
    spike: str                                # the printed spike condition, or ""
    spike_statements: tuple[str, ...]         # derived values the spike and resets read
    resets: tuple[tuple[str, str], ...]       # (local, printed value)
    refractory_steps: str                     # refractory / dt, printed
    stored: tuple[str, ...]                   # every state pointer (non-finite search)
    records: tuple[StateRecord, ...]
    keeps_fired: bool                         # its step's spikes feed projections
    draws: bool = False                       # reads random draws (templates/random.h)
    draw_prepass: tuple[str, ...] = ()        # the draws into buffers _rb<k>, per neuron _i
    counts: bool = False                      # `spike` is a number of events (0, 1, 2...)

    def field(self, argument: str) -> str:
        return field_name(self.prefix, argument)


class _Hoister:
    """Moves sub-expressions that are the same for every neuron and step (of scalar
    parameters, dt and numbers) out of the loops: `dt*(I - v)/tau` -> `_k0*(I - v)` with
    `_k0 = dt/tau` computed once per run. Products and sums are regrouped to find them."""

    def __init__(self, invariant: set):
        self.invariant = invariant
        self.found: dict = {}

    def _is_invariant(self, expr) -> bool:
        return expr.free_symbols <= self.invariant

    def _name(self, expr):
        if expr.is_Atom or expr.is_Number:
            return expr
        if expr not in self.found:
            self.found[expr] = sympy.Symbol(f"$k{len(self.found)}", real=True)
        return self.found[expr]

    def __call__(self, expr):
        if not isinstance(expr, sympy.Basic) or expr.is_Atom:
            return expr
        if self._is_invariant(expr) and isinstance(expr, sympy.Expr):
            return self._name(expr)
        if expr.is_Mul or expr.is_Add:
            fixed = [a for a in expr.args if self._is_invariant(a)]
            varying = [self(a) for a in expr.args if not self._is_invariant(a)]
            if fixed:
                varying.append(self._name(expr.func(*fixed)))
            return expr.func(*varying, evaluate=False)
        args = [self(a) for a in expr.args]
        if all(new is old for new, old in zip(args, expr.args)):
            return expr                   # unchanged: rebuilding a long Or would sort it again
        return expr.func(*args)


class _Builder:
    def __init__(self, model: NeuronModel, plan: UpdatePlan, layout: Layout, index: int = 0):
        self.model, self.plan, self.layout, self.index = model, plan, layout, index
        self.inputs = model_inputs(model)
        self.locals: list[str] = []
        self.array_params = [p for p in model.parameter_names if p in layout.array_parameters]
        scalars = {symbol(p) for p in model.parameter_names if p not in self.array_params}
        self.coefficients = [s for p in plan.propagators for s in p.symbols]
        self.array_coefficients = [s for s in self.coefficients
                                   if s.name in layout.array_parameters]
        scalars |= set(self.coefficients) - set(self.array_coefficients)
        self.hoist = _Hoister(scalars | {symbol("dt")})
        self.draws = self._draws()

    def _draws(self) -> tuple[str, ...]:
        """The random calls of the update, spike test, resets and refractory period in the
        order of the model text, then the noises xi by name: the k-th is draw k of this
        population's stream."""
        exprs = [e for _, e in self.plan.statements] + [e for _, e in self.plan.updates]
        model = self.model
        exprs += [e for e in (model.spike, model.refractory) if e is not None]
        exprs += [r.value for r in model.reset]
        found = {s.name for e in exprs for s in e.free_symbols if draw_kind(s)}
        return tuple(sorted(found, key=draw_order))

    def lowered(self, expr):
        """`expr` as the kernel computes it: a Poisson count takes exp(-lam) as a third
        argument, which the hoister moves out of the loops when lam is the same for all."""
        from ..lang.special import PoissonCount
        if isinstance(expr, sympy.Basic) and expr.has(PoissonCount):
            expr = expr.replace(lambda e: isinstance(e, PoissonCount) and len(e.args) == 2,
                                lambda e: PoissonCount(*e.args, sympy.exp(-e.args[1])))
        return self.hoist(expr)

    def _draw_call(self, k: int, name: str) -> str:
        return f"eq_{draw_kind(name)}(_key0, _key1, {self.index}, {k}, _g, _i)"

    def prepass(self) -> bool:
        """A Poisson count's loops keep the update loop from vectorising: its draws then
        come first, into one buffer each, in a loop of their own that does (Philox on 4-8
        neurons at once). A loop that vectorises anyway is faster with its draws inside."""
        from ..lang.special import PoissonCount
        exprs = [e for _, e in self.plan.statements] + [e for _, e in self.plan.updates]
        exprs += [e for e in (self.model.spike, self.model.refractory) if e is not None]
        exprs += [r.value for r in self.model.reset]
        return bool(self.draws) and any(e.has(PoissonCount) for e in exprs)

    def draw_prepass(self) -> tuple[str, ...]:
        if not self.prepass():
            return ()
        return tuple(f"_rb{k}[_i - _b0] = {self._draw_call(k, name)}"
                     for k, name in enumerate(self.draws))

    def draw_lines(self) -> list[str]:
        if self.prepass():
            return [f"{self.local(f'_rnd{k}')} = _rb{k}[_i - _b0]"
                    for k in range(len(self.draws))]
        return [f"{self.local(f'_rnd{k}')} = {self._draw_call(k, name)}"
                for k, name in enumerate(self.draws)]

    def local(self, name: str) -> str:
        if name not in self.locals:
            self.locals.append(name)
        return name

    def printer(self, time: str) -> CythonPrinter:
        names = {s.name: argument_name(s.name, False) for s in self.coefficients}
        names.update({input_symbol(target).name: input_local(target) for target in self.inputs})
        names.update({name: f"_rnd{k}" for k, name in enumerate(self.draws)})
        names[SCHEDULED] = "eq_scheduled(_ev_next, _ev_row, _ev_step, _i, _g + 1)"
        for k, name in enumerate(self.model.timed):     # loaded at _t, read afresh at _tn
            names[timed_symbol(name).name] = f"_ta{k}" if time == "_t" else \
                timed_read(k, time)
        return CythonPrinter({"t": time, "dt": "_dt", **names})

    def scheduled(self) -> bool:
        """A SpikeSource: its events come from the given times (eq_scheduled)."""
        return self.model.spike is not None and self.model.spike.has(scheduled_symbol())

    def update_arguments(self) -> tuple[Argument, ...]:
        args = [Argument(state_pointer(s), "d") for s in self.model.state_names]
        for p in self.model.parameter_names:
            args.append(Argument(parameter_pointer(p), "d") if p in self.array_params
                         else Argument(c_name(p), "f"))
        for s in self.coefficients:
            per_neuron = s in self.array_coefficients
            args.append(Argument(argument_name(s.name, per_neuron), "d" if per_neuron else "f"))
        args += [Argument(input_pointer(target), "d") for target in self.inputs]
        for k in range(len(self.model.timed)):
            args += [Argument(timed_field(k, part), kind) for part, kind in TIMED_FIELDS]
        args.append(Argument("_ref", "i"))
        if self.draws:
            args += [Argument("_key0", "u"), Argument("_key1", "u")]
        if self.scheduled():
            args += [Argument("_ev_next", "l"), Argument("_ev_row", "l"),
                     Argument("_ev_step", "l")]
        return tuple(args)

    def other_arguments(self) -> tuple[Argument, ...]:
        args = [Argument("_n", "n"), Argument("_bstart", "n"), Argument("_bend", "n"),
                Argument("_record_spikes", "n"), Argument("_spike_index", "i"),
                Argument("_spike_step", "l"), Argument("_spike_count", "l"),
                Argument("_spike_capacity", "n"), Argument("_all_flags", "i"),
                Argument("_fired", "i")]
        if self.model.spike_counts:
            args.append(Argument("_most", "n"))
        for k, names in enumerate(self.layout.monitors):
            args += [Argument(f"_m{k}_idx", "l"), Argument(f"_m{k}_n", "n"),
                     Argument(f"_m{k}_every", "n"), Argument(f"_m{k}_count", "l")]
            args += [Argument(monitor_buffer(k, v), "d") for v in names]
        return tuple(args)

    def loads(self, state=True, params=True) -> list[str]:
        lines = []
        if state:
            lines += [f"{self.local(c_name(s))} = {state_pointer(s)}[_i]"
                      for s in self.model.state_names]
        if params:
            lines += [f"{self.local(c_name(p))} = {parameter_pointer(p)}[_i]"
                      for p in self.array_params]
            lines += [f"{self.local(input_local(target))} = {input_pointer(target)}[_i]"
                      for target in self.inputs]
            lines += [f"{self.local(argument_name(s.name, False))} = "
                      f"{argument_name(s.name, True)}[_i]" for s in self.array_coefficients]
            lines += [f"{self.local(f'_ta{k}')} = {timed_read(k, '_t')}"
                      for k in range(len(self.model.timed))]
        return lines

    def assignments_for(self, exprs, printer) -> list[str]:
        needed = set()
        for expr in exprs:
            needed |= {s.name for s in expr.free_symbols}
        lines = []
        for assignment in reversed(self.model.assignments):
            if assignment.name in needed:
                needed |= {s.name for s in assignment.value.free_symbols}
        for assignment in self.model.assignments:
            if assignment.name in needed:
                lines.append(f"{self.local(c_name(assignment.name))} = "
                             f"{printer.doprint(assignment.value)}")
        return lines

    def integration(self) -> dict:
        """The update loop's statements: integrate, then the bounds (which see the new state;
        the template tests for non-finite values before them, so that a bound cannot hide a
        blow-up, and a NaN bound makes the variable NaN for the next step's test)."""
        printer = self.printer("_t")
        loads = self.loads() + self.draw_lines()
        statements, updates = cse_statements(
            [(sym, self.lowered(expr)) for sym, expr in self.plan.statements],
            [(name, self.lowered(expr)) for name, expr in self.plan.updates])
        uses_active = any(e.has(ACTIVE) for _, e in list(statements) + list(updates))
        if uses_active:
            self.local("_active")
        lines = [f"{self.local(internal_name(sym))} = {printer.doprint(expr)}"
                 for sym, expr in statements]
        lines += [f"{self.local('_new_' + c_name(name))} = {printer.doprint(expr)}"
                  for name, expr in updates]
        new_state = {symbol(n): sympy.Symbol(f"$new_{c_name(n)}", real=True)
                     for n, _ in updates}
        bounds = []
        for variable in self.model.state:
            for bound, function in ((variable.lower, "eq_max"), (variable.upper, "eq_min")):
                if bound is not None:
                    value = self.printer("_tn").doprint(self.lowered(bound.xreplace(new_state)))
                    bounds.append(("_new_" + c_name(variable.name), function, value))
        return dict(loads=tuple(loads), uses_active=uses_active, statements=tuple(lines),
                    updated=tuple((c_name(n), state_pointer(n)) for n, _ in updates),
                    bounds=tuple(bounds))

    def spiking(self) -> dict:
        """The spike condition, resets and refractory period, printed at t + dt."""
        model = self.model
        if model.spike is None:
            return dict(spike="", spike_statements=(), resets=(), refractory_steps="")
        printer = self.printer("_tn")
        exprs = [model.spike] + [r.value for r in model.reset]
        if model.refractory is not None:
            exprs.append(model.refractory)
        steps = ""
        if model.refractory is not None:   # refractory/dt: once per run when a constant
            steps = printer.doprint(self.lowered(model.refractory / symbol("dt")))
        spike = model.spike.lhs if model.spike_counts else model.spike
        return dict(
            spike=printer.doprint(self.lowered(spike)),
            spike_statements=tuple(self.assignments_for(exprs, printer)),
            resets=tuple((c_name(r.target), printer.doprint(self.lowered(r.value)))
                         for r in model.reset),
            refractory_steps=steps)

    def records(self) -> tuple[StateRecord, ...]:
        printer = self.printer("_t")
        records = []
        for k, names in enumerate(self.layout.monitors):
            lines = self.loads() + self.assignments_for([symbol(n) for n in names], printer)
            values = tuple((monitor_buffer(k, n), _recorded_value(n)) for n in names)
            records.append(StateRecord(k, tuple(lines), values))
        return tuple(records)

    def block(self, index: int, keeps_fired: bool) -> PopulationBlock:
        integration = self.integration()
        spiking = self.spiking()
        invariant_names = tuple(self.local(internal_name(sym))
                                for sym in self.hoist.found.values())
        block_locals, self.locals = tuple(self.locals), []
        records = self.records()
        prelude = self.printer("_t")
        invariants = tuple(prelude.doprint(expr) for expr in self.hoist.found)
        return PopulationBlock(
            index=index, prefix=f"p{index}",
            title=f"{self.model.name}, method {self.plan.method}",
            update_arguments=self.update_arguments(), other_arguments=self.other_arguments(),
            locals=block_locals, record_locals=tuple(self.locals), invariants=invariants,
            invariant_names=invariant_names, refractory=self.model.refractory is not None,
            **integration, **spiking,
            stored=tuple(state_pointer(n) for n in self.model.state_names),
            records=records, keeps_fired=keeps_fired, draws=bool(self.draws),
            draw_prepass=self.draw_prepass(),
            counts=self.model.spike_counts)


def _recorded_value(name: str) -> str:
    target = input_target(name)
    if target is not None:
        return input_local(target)
    return "_t" if name == "t" else c_name(name)


def population_block(index: int, model: NeuronModel, plan: UpdatePlan, layout: Layout,
                     keeps_fired: bool = False) -> PopulationBlock:
    return _Builder(model, plan, layout, index).block(index, keeps_fired)


def model_inputs(model: NeuronModel) -> tuple[str, ...]:
    """The targets T of the model's sum(T) terms."""
    return tuple(model.inputs)
