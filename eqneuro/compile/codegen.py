"""NeuronModel + UpdatePlan + Layout -> PopulationBlock: one population's part of a network
kernel, as pre-printed lines per phase (kernel.py assembles the blocks)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..functions import input_symbol, input_target, symbol
from ..lang.model import NeuronModel
from .kernel_abi import (Layout, c_name, field_name, input_local, input_pointer, monitor_buffer,
                         parameter_pointer, state_pointer)
from .methods import ACTIVE, UpdatePlan
from .printer import CythonPrinter, cse_statements, internal_name
from .propagators import argument_name




@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    kind: str        # d: double*, i: int32*, l: int64*, b: uint8*, f: double, n: int64


C_TYPES = {"d": "dptr", "i": "iptr", "l": "lptr", "b": "bptr", "f": "double", "n": "int64_t"}


@dataclass(frozen=True, slots=True)
class PopulationBlock:
    """One population's part of a network kernel: its fields (in the kernel's _Net struct,
    named prefix + argument) and its printed lines per phase."""

    index: int
    prefix: str
    title: str
    update_arguments: tuple[Argument, ...]    # of its update function, restrict pointers
    other_arguments: tuple[Argument, ...]     # monitors, spike lists, sizes
    locals: tuple[str, ...]                   # of the update function
    record_locals: tuple[str, ...]            # of the state monitors' function
    prelude_lines: tuple[str, ...]
    invariant_lines: tuple[str, ...]
    update_lines: tuple[str, ...]
    record_lines: tuple[str, ...]
    has_spike: bool
    keeps_fired: bool                         # its step's spikes feed projections
    nonfinite_test: str
    invariants: int

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
    def __init__(self, model: NeuronModel, plan: UpdatePlan, layout: Layout):
        self.model, self.plan, self.layout = model, plan, layout
        self.inputs = model_inputs(model)
        self.locals: list[str] = []
        self.array_params = [p for p in model.parameter_names if p in layout.array_parameters]
        scalars = {symbol(p) for p in model.parameter_names if p not in self.array_params}
        self.coefficients = [s for p in plan.propagators for s in p.symbols]
        self.array_coefficients = [s for s in self.coefficients
                                   if s.name in layout.array_parameters]
        scalars |= set(self.coefficients) - set(self.array_coefficients)
        self.hoist = _Hoister(scalars | {symbol("dt")})

    def local(self, name: str) -> str:
        if name not in self.locals:
            self.locals.append(name)
        return name

    def printer(self, time: str) -> CythonPrinter:
        names = {s.name: argument_name(s.name, False) for s in self.coefficients}
        names.update({input_symbol(target).name: input_local(target) for target in self.inputs})
        return CythonPrinter({"t": time, "dt": "_dt", **names})

    def update_arguments(self) -> tuple[Argument, ...]:
        args = [Argument(state_pointer(s), "d") for s in self.model.state_names]
        for p in self.model.parameter_names:
            args.append(Argument(parameter_pointer(p), "d") if p in self.array_params
                         else Argument(c_name(p), "f"))
        for s in self.coefficients:
            per_neuron = s in self.array_coefficients
            args.append(Argument(argument_name(s.name, per_neuron), "d" if per_neuron else "f"))
        args += [Argument(input_pointer(target), "d") for target in self.inputs]
        args.append(Argument("_ref", "i"))
        return tuple(args)

    def other_arguments(self) -> tuple[Argument, ...]:
        args = [Argument("_n", "n"), Argument("_bstart", "n"), Argument("_bend", "n"),
                Argument("_record_spikes", "n"), Argument("_spike_index", "i"),
                Argument("_spike_step", "l"), Argument("_spike_count", "l"),
                Argument("_spike_capacity", "n"), Argument("_all_flags", "i"),
                Argument("_fired", "i")]
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

    def update_lines(self) -> list[str]:
        """One vectorisable pass per neuron: integrate, clip, flag non-finite values, test
        the spike condition, reset with selects, count down the refractory period."""
        model = self.model
        printer = self.printer("_t")
        lines = self.loads()
        statements, updates = cse_statements(
            [(sym, self.hoist(expr)) for sym, expr in self.plan.statements],
            [(name, self.hoist(expr)) for name, expr in self.plan.updates])
        if model.refractory is not None:
            lines.append("_r = _ref[_i]")
        if any(e.has(ACTIVE) for _, e in list(statements) + list(updates)):
            lines.append(f"{self.local('_active')} = <double>(_r == 0)")
        for sym, expr in statements:
            lines.append(f"{self.local(internal_name(sym))} = {printer.doprint(expr)}")
        for name, expr in updates:
            lines.append(f"{self.local('_new_' + c_name(name))} = {printer.doprint(expr)}")
        # Bounds see the new state; the non-finite test comes first so that a bound cannot
        # hide a blow-up. A NaN bound makes the variable NaN (eq_max propagates it), which
        # the next step's test reports.
        new_state = {symbol(n): sympy.Symbol(f"$new_{c_name(n)}", real=True)
                     for n, _ in updates}
        bounded = []
        for variable in model.state:
            new = "_new_" + c_name(variable.name)
            for bound, function in ((variable.lower, "eq_max"), (variable.upper, "eq_min")):
                if bound is not None:
                    value = self.printer("_tn").doprint(self.hoist(bound.xreplace(new_state)))
                    bounded.append(f"{new} = {new} if _bad else {function}({new}, {value})")
        # One test for all variables: a sum is non-finite when any term is (or when finite
        # values near 1e308 overflow it, which is a blow-up too); runtime names the variable.
        total = " + ".join(f"_new_{c_name(n)}" for n, _ in updates)
        lines.append(f"_bad = eq_not_finite({total})" if updates else "_bad = 0")
        lines += bounded
        lines += [f"{c_name(n)} = _new_{c_name(n)}" for n, _ in updates]
        lines += self.spike_lines()
        lines += [f"{state_pointer(n)}[_i] = {c_name(n)}" for n, _ in updates]
        return lines

    def spike_lines(self) -> list[str]:
        model = self.model
        if model.spike is None:
            return ["_flag = _bad << 1"]
        printer = self.printer("_tn")
        exprs = [model.spike] + [r.value for r in model.reset]
        if model.refractory is not None:
            exprs.append(model.refractory)
        lines = self.assignments_for(exprs, printer)
        # A neuron whose state blew up neither spikes nor resets: the error shows the value.
        condition = f"<int32_t>{printer.doprint(self.hoist(model.spike))} & (_bad ^ 1)"
        if model.refractory is not None:
            condition = f"<int32_t>(_r == 0) & {condition}"
        lines.append(f"_fire = {condition}")
        for reset in model.reset:
            target = c_name(reset.target)
            lines.append(f"{target} = {printer.doprint(self.hoist(reset.value))} if _fire "
                         f"else {target}")
        if model.refractory is not None:
            # the period in steps, refractory/dt, is computed once per run when it is a constant
            steps = printer.doprint(self.hoist(model.refractory / symbol("dt")))
            period = f"<int32_t>(fmax({steps}, 0.0) + 0.5)"   # negative or NaN: none
            lines.append(f"_ref[_i] = {period} if _fire else _r - <int32_t>(_r > 0)")
        lines.append("_flag = _fire | (_bad << 1)")
        return lines

    def record_lines(self) -> list[str]:
        printer = self.printer("_t")
        lines = []
        for k, names in enumerate(self.layout.monitors):
            syms = [symbol(n) for n in names]
            inner = self.loads() + self.assignments_for(syms, printer)
            inner += [f"{monitor_buffer(k, n)}[_m{k}_count[0] * _m{k}_n + _j] = "
                      f"{_recorded_value(n)}" for n in names]
            lines += [f"if _g % _m{k}_every == 0:", f"    for _j in range(_m{k}_n):",
                      f"        _i = _m{k}_idx[_j]"]
            lines += ["        " + line for line in inner]
            lines.append(f"    _m{k}_count[0] += 1")
        return lines

    def prelude_lines(self) -> list[str]:
        """Loop invariants, computed once per run into _kv (the block function reads them)."""
        printer = self.printer("_t")
        return [f"_kv[{k}] = {printer.doprint(expr)}"
                for k, expr in enumerate(self.hoist.found)]

    def invariant_loads(self) -> list[str]:
        return [f"{self.local(internal_name(sym))} = _kv[{k}]"
                for k, sym in enumerate(self.hoist.found.values())]

    def block(self, index: int, keeps_fired: bool) -> PopulationBlock:
        update = tuple(self.update_lines())
        invariants = tuple(self.invariant_loads())
        block_locals, self.locals = tuple(self.locals), []
        record = tuple(self.record_lines())
        prelude = tuple(self.prelude_lines())
        stored = " + ".join(f"{state_pointer(n)}[_i]" for n in self.model.state_names)
        return PopulationBlock(
            index=index, prefix=f"p{index}",
            title=f"{self.model.name}, method {self.plan.method}",
            update_arguments=self.update_arguments(), other_arguments=self.other_arguments(),
            locals=block_locals, record_locals=tuple(self.locals), prelude_lines=prelude,
            invariant_lines=invariants, update_lines=update, record_lines=record,
            has_spike=self.model.spike is not None, keeps_fired=keeps_fired,
            nonfinite_test=f"eq_not_finite({stored})" if stored else "0",
            invariants=max(1, len(prelude)))


def _recorded_value(name: str) -> str:
    target = input_target(name)
    if target is not None:
        return input_local(target)
    return "_t" if name == "t" else c_name(name)


def population_block(index: int, model: NeuronModel, plan: UpdatePlan, layout: Layout,
                     keeps_fired: bool = False) -> PopulationBlock:
    return _Builder(model, plan, layout).block(index, keeps_fired)


def model_inputs(model: NeuronModel) -> tuple[str, ...]:
    """The targets T of the model's sum(T) terms."""
    return tuple(model.inputs)
