"""AST -> NeuronModel: variants merged, ODEs solved for d/dt, assignments ordered, rules checked."""
from __future__ import annotations

import math

import sympy
from sympy.core.function import AppliedUndef

from . import checks
from . import syntax as ast
from ..errors import Source, Span, did_you_mean
from ..functions import (derivative_symbol, is_noise_name, noise_symbol, symbol, timed_name,
                         timed_symbol)
from .model import Assignment, NeuronModel, ParameterSpec, ResetAssignment, StateVariable
from .parameters import checked_parameters, constant_value, parameter_values, real_and_finite
from .tables import METHOD_NAMES, TIME_NAMES
from .variants import check_variants, find_neuron, merged_sections  # noqa: F401 (re-exported)


def analyse_file(model_file: ast.ModelFile) -> tuple[NeuronModel, ...]:
    """Every neuron of a file, in order."""
    return tuple(analyse_neuron(model_file, decl) for decl in model_file.neurons)


def analyse_neuron(model_file: ast.ModelFile, decl: ast.Declaration,
                   default_name: str = "Neuron", timed: tuple[str, ...] = ()) -> NeuronModel:
    """`timed`: the names of the TimedArrays given with the model (called as name(t))."""
    source = model_file.source
    sections = merged_sections(source, model_file, decl, (), "neuron")
    return _Analysis(source, sections, timed).run(decl.name or default_name)


def _inputs(sections: dict[str, tuple]) -> tuple[str, ...]:
    """The targets of every sum(T) of the merged sections, in the order of first use."""
    exprs = []
    for item in sections.get("equations", ()):
        exprs += [item.lhs, item.rhs]
    exprs += [s.value for s in sections.get("reset", ())]
    exprs += list(sections.get("spike", ())) + list(sections.get("refractory", ()))
    uses = sorted((use for expr in exprs for use in expr.inputs),
                  key=lambda use: (use.span.line, use.span.column))
    return tuple(dict.fromkeys(use.name for use in uses))


# ---- one neuron -----------------------------------------------------------------------

class _Analysis:
    def __init__(self, source: Source, sections: dict[str, tuple], timed: tuple[str, ...] = ()):
        self.source = source
        self.sections = sections
        self.timed = tuple(timed)

    def run(self, name: str) -> NeuronModel:
        parameters = self.parameters()
        values = self._parameter_values(parameters)
        self.floats = {symbol(p.name): v for p, v, _ in values}
        self.values = {name: sympy.Float(v) for name, v in self.floats.items()}
        functions = self.functions(parameters)
        odes, assignments = self.equations(parameters)
        param_names = [p.name for p in parameters]
        state_names = [name for name, _, _ in odes]
        assigned = [a.lhs.value.name for a in assignments]
        checks.no_duplicate_names(
            self.source,
            [(p.name, p.span) for p in self._items("parameters")]
            + [(n, eq.span) for n, eq, _ in odes]
            + [(a.lhs.value.name, a.span) for a in assignments], "name")
        self.timed_names_free(
            [(p.name, p.span) for p in self._items("parameters")]
            + [(n, eq.span) for n, eq, _ in odes]
            + [(a.lhs.value.name, a.span) for a in assignments]
            + [(f.name, f.span) for f in self._items("functions")])
        every = param_names + state_names + assigned + list(TIME_NAMES)
        resolve = _FunctionInliner(self.source, functions, every, self.timed)
        self.flag_scope = param_names + state_names     # init/min/max: no derived variables

        state = tuple(self.state_variable(var, equation, solved, resolve, every)
                      for var, equation, solved in odes)
        ordered = self.ordered_assignments(assignments, resolve, every)
        spike = self.spike(resolve, every)
        reset = self.reset(resolve, every, state_names, assigned, param_names)
        refractory = self.refractory(resolve, every)
        method = self.method()
        hold_targets = {r.target for r in reset if r.operator == "="}
        state = tuple(_with_hold(s, hold_targets, self._equation_flags(s.name, odes))
                      for s in state)
        self.check_inits(state)
        exprs = [s.derivative for s in state] + [a.value for a in ordered] + \
            [r.value for r in reset] + [e for e in (spike, refractory) if e is not None]
        timed = sorted({timed_name(x) for e in exprs for x in e.free_symbols if timed_name(x)})
        return NeuronModel(name, tuple(ParameterSpec(p.name, v, s) for p, v, s in values),
                           state, ordered, spike, reset, refractory, method,
                           _inputs(self.sections), timed=tuple(timed))

    def timed_names_free(self, named) -> None:
        """A TimedArray's name may not also name something in the model text."""
        for name, span in named:
            if name in self.timed:
                checks.fail(self.source, span, f"'{name}' is the name of a TimedArray given "
                            "with the model (timed_arrays=...)",
                            "rename it in the text, or give the TimedArray another name")

    def real_and_finite(self, value, span, where: str) -> None:
        real_and_finite(self.source, value, span, where, self.values)

    def constant(self, value) -> float | None:
        return constant_value(value, self.values)

    def _items(self, kind: str) -> tuple:
        return self.sections.get(kind, ())

    # parameters
    def parameters(self) -> tuple[ast.Parameter, ...]:
        return checked_parameters(self.source, self._items("parameters"))

    def _parameter_values(self, params):
        return parameter_values(self.source, params)

    # functions
    def functions(self, parameters) -> dict[str, ast.FunctionDef]:
        defs = self._items("functions")
        checks.no_duplicate_names(self.source, ((f.name, f.span) for f in defs), "function")
        known: dict[str, ast.FunctionDef] = {}
        param_names = [p.name for p in parameters]
        for definition in defs:
            checks.not_builtin_function(self.source, definition)
            checks.no_duplicate_names(self.source, ((a.name, a.span) for a in definition.args),
                                      "argument")
            for arg in definition.args:
                checks.not_reserved(self.source, arg.name, arg.span)
            checks.no_derivatives(self.source, definition.body, "a function")
            checks.no_inputs(self.source, definition.body, "a function body")
            checks.no_draws(self.source, definition.body, "a function body",
                            "pass the draw to the function as an argument: f(uniform())")
            checks.is_number(self.source, definition.body, "a function's value")
            scope = [a.name for a in definition.args] + param_names + list(TIME_NAMES)
            checks.calls_known(self.source, definition.body, known, scope, self.timed)
            checks.names_known(self.source, definition.body, scope,
                               f"function '{definition.name}'")
            checks.constants_finite(self.source, definition.body, self.floats)
            known[definition.name] = definition
        return known

    # equations
    def equations(self, parameters):
        """Split equations into ODEs (var, equation, solved d/dt) and assignments."""
        param_names = {p.name for p in parameters}
        odes: list[tuple[str, ast.Equation, sympy.Expr]] = []
        assignments: list[ast.Equation] = []
        seen_odes: dict[str, ast.Equation] = {}
        for equation in self._items("equations"):
            derivatives = equation.lhs.derivatives + equation.rhs.derivatives
            if len(derivatives) > 1:
                second = derivatives[1]
                checks.fail(self.source, _derivative_span(second),
                            "an equation may contain only one derivative",
                            "write one equation per state variable")
            if not derivatives:
                assignments.append(self.assignment(equation, param_names))
                continue
            var = derivatives[0]
            checks.not_reserved(self.source, var.name, var.span)
            if var.name in param_names:
                checks.fail(self.source, _derivative_span(var),
                            f"'{var.name}' is a parameter; it cannot have a derivative",
                            f"remove '{var.name}' from the parameters to make it a state variable")
            if var.name in seen_odes:
                checks.fail(self.source, _derivative_span(var),
                            f"a second differential equation for '{var.name}'",
                            f"the first is on line {seen_odes[var.name].span.line}")
            seen_odes[var.name] = equation
            checks.is_number(self.source, equation.lhs, "each side of an equation")
            checks.is_number(self.source, equation.rhs, "each side of an equation")
            for side in (equation.lhs, equation.rhs):      # before SymPy folds log(0) away
                checks.constants_finite(self.source, side, self.floats)
            odes.append((var.name, equation, self.solve(var, equation)))
        return odes, assignments

    def solve(self, var: ast.NameUse, equation: ast.Equation) -> sympy.Expr:
        d = derivative_symbol(var.name)
        difference = equation.lhs.value - equation.rhs.value
        coefficient = sympy.diff(difference, d)
        if coefficient.has(d) or difference.has(sympy.Piecewise) and \
                any(p.has(d) for p in difference.atoms(sympy.Piecewise)):
            checks.fail(self.source, _derivative_span(var),
                        f"the equation is not linear in d{var.name}/dt",
                        "write it so that the derivative appears only multiplied by factors, "
                        "e.g. 'tau*dv/dt = ...'")
        if coefficient == 0:
            checks.fail(self.source, _derivative_span(var),
                        f"d{var.name}/dt cancels out of this equation")
        rest = difference.xreplace({d: sympy.S.Zero})
        return sympy.together(-rest / coefficient) if coefficient != 1 else -rest

    def assignment(self, equation: ast.Equation, param_names) -> ast.Equation:
        if equation.lhs.inputs and equation.lhs.value.is_Symbol:
            checks.fail(self.source, equation.lhs.span,
                        f"{equation.lhs.value.name} cannot be assigned: it is the input that "
                        "projections deliver", "write 'name = expression' with a new name")
        if not isinstance(equation.lhs.value, sympy.Symbol):
            checks.fail(self.source, equation.lhs.span,
                        "this equation has no derivative, so its left side must be a single "
                        "name", "write 'name = expression' or put dX/dt in an ODE")
        name = equation.lhs.value.name
        checks.not_reserved(self.source, name, equation.lhs.span)
        if name in param_names:
            checks.fail(self.source, equation.lhs.span,
                        f"'{name}' is a parameter; it cannot also be assigned an equation",
                        "rename the derived variable or remove the parameter")
        checks.known_flags(self.source, equation.flags, (), (), "a derived variable")
        checks.is_number(self.source, equation.rhs, "the value of a derived variable")
        checks.no_draws(self.source, equation.rhs, "a derived variable (it would change at "
                        "every reading)", "make it a state variable, or write the draw "
                        "where the value is used")
        return equation

    def _equation_flags(self, name, odes) -> tuple[ast.Flag, ...]:
        return next(eq.flags for var, eq, _ in odes if var == name)

    def state_variable(self, var, equation, solved, resolve, every) -> StateVariable:
        checks.no_duplicate_flags(self.source, equation.flags)
        checks.known_flags(self.source, equation.flags, checks.EQUATION_VALUE_FLAGS,
                           checks.EQUATION_BARE_FLAGS, "a differential equation")
        noises = {u.name: u for side in (equation.lhs, equation.rhs) for u in side.names
                  if is_noise_name(u.name) and u.name not in every}
        for side in (equation.lhs, equation.rhs):
            resolve.check(side)
            checks.names_known(self.source, side, list(every) + list(noises), "this equation")
        derivative = resolve.inline(solved).xreplace(
            {symbol(name): noise_symbol(name) for name in noises})
        for name, use in noises.items():
            xi = noise_symbol(name)
            slope = sympy.diff(derivative, xi)
            if slope == 0 or slope.has(*[noise_symbol(n) for n in noises]) \
                    or slope.has(sympy.nan, sympy.zoo):
                checks.fail(self.source, use.span, f"the noise {name} must enter d{var}/dt "
                            "linearly", f"write it as a term: d{var}/dt = ... + sigma*{name} "
                            "(sigma may depend on the state)")
        side = equation.lhs if equation.lhs.value.has(sympy.I, sympy.zoo, sympy.nan) \
            else equation.rhs
        self.real_and_finite(derivative, side.span, "this equation")
        bounds = {}
        for flag in equation.flags:
            if flag.value is None:
                continue
            checks.no_derivatives(self.source, flag.value, f"the '{flag.name}' flag")
            checks.no_inputs(self.source, flag.value, f"the '{flag.name}' flag")
            checks.no_timed(self.source, flag.value, self.timed, f"the '{flag.name}' flag")
            if flag.name != "init":
                checks.no_draws(self.source, flag.value, f"the '{flag.name}' flag",
                                checks.DRAWS_WHERE + ", and in 'init' flags")
            checks.is_number(self.source, flag.value, f"the '{flag.name}' flag")
            allowed = self.flag_scope + ([] if flag.name == "init" else ["t"])
            derived = [u for u in flag.value.names if u.name in every and u.name not in allowed]
            if derived:
                checks.fail(self.source, derived[0].span,
                            f"the '{flag.name}' flag cannot use '{derived[0].name}'",
                            f"'{flag.name}' may use parameters and state variables"
                            + ("" if flag.name == "init" else " and t"))
            resolve.check(flag.value)
            checks.names_known(self.source, flag.value, allowed, f"the '{flag.name}' flag")
            checks.constants_finite(self.source, flag.value, self.floats)
            bounds[flag.name] = resolve.inline(flag.value.value)
            self.real_and_finite(bounds[flag.name], flag.value.span,
                           f"the '{flag.name}' flag")
        self.consistent_flags(equation.flags, bounds)
        return StateVariable(var, derivative, bounds.get("init", sympy.Float(0.0)),
                             bounds.get("min"), bounds.get("max"))

    def consistent_flags(self, flags, bounds) -> None:
        """`: unless_refractory, evolve_refractory` or `: min = 2, max = 1`."""
        by_name = {f.name: f for f in flags}
        if "unless_refractory" in by_name and "evolve_refractory" in by_name:
            checks.fail(self.source, by_name["evolve_refractory"].span,
                        "'unless_refractory' and 'evolve_refractory' contradict each other",
                        "keep one of them")
        lower, upper = (self.constant(bounds[k]) if k in bounds else None for k in ("min", "max"))
        if lower is not None and upper is not None and lower > upper:
            checks.fail(self.source, by_name["min"].value.span,
                        f"min = {lower:g} is above max = {upper:g}"
                        + ("" if bounds["min"].is_number and bounds["max"].is_number
                           else " with the parameters' values"))

    def ordered_assignments(self, equations, resolve, every) -> tuple[Assignment, ...]:
        for equation in equations:
            resolve.check(equation.rhs)
            checks.names_known(self.source, equation.rhs, every, "this equation")
            checks.constants_finite(self.source, equation.rhs, self.floats)
        names = {eq.lhs.value.name: eq for eq in equations}
        order: list[Assignment] = []
        state: dict[str, str] = {}

        def visit(name: str, path: tuple[str, ...]):
            if state.get(name) == "done":
                return
            equation = names[name]
            if state.get(name) == "visiting":
                cycle = " -> ".join(path[path.index(name):] + (name,))
                checks.fail(self.source, equation.lhs.span,
                            f"circular definition of derived variables: {cycle}",
                            "one of them must be a state variable (an ODE) or a parameter")
            state[name] = "visiting"
            for use in equation.rhs.names:
                if use.name in names:
                    visit(use.name, path + (name,))
            state[name] = "done"
            value = resolve.inline(equation.rhs.value)
            self.real_and_finite(value, equation.rhs.span, "this equation")
            order.append(Assignment(name, value))

        for name in names:
            visit(name, ())
        return tuple(order)

    def spike(self, resolve, every):
        items = self._items("spike")
        if not items:
            return None
        condition = items[0]
        checks.no_derivatives(self.source, condition, "the spike condition")
        checks.is_condition(self.source, condition, "spike condition")
        resolve.check(condition)
        checks.names_known(self.source, condition, every, "the spike condition")
        checks.constants_finite(self.source, condition, self.floats)
        value = resolve.inline(condition.value)
        self.real_and_finite(value, condition.span, "the spike condition")
        return value

    def reset(self, resolve, every, state_names, assigned, param_names):
        out = []
        seen: dict[str, Span] = {}
        for stmt in self._items("reset"):
            target = stmt.target
            if target in seen:
                checks.fail(self.source, stmt.span, f"'{target}' is reset twice",
                            f"combine the statements (first on line {seen[target].line})")
            seen[target] = stmt.span
            if target not in state_names:
                if target in assigned:
                    why, hint = "is a derived variable (it follows the state)", \
                        "reset the state variables it depends on"
                elif target in param_names:
                    why, hint = "is a parameter", "only state variables (with dX/dt) can be reset"
                elif target in TIME_NAMES:
                    why, hint = "is reserved", "only state variables can be reset"
                else:
                    why, hint = "is not a state variable", did_you_mean(
                        target, state_names, "state variables")
                checks.fail(self.source, Span(stmt.span.line, stmt.span.column, len(target)),
                            f"cannot reset '{target}': it {why}", hint)
            checks.no_derivatives(self.source, stmt.value, "a reset")
            checks.is_number(self.source, stmt.value, "a reset value")
            resolve.check(stmt.value)
            checks.names_known(self.source, stmt.value, every, "the reset")
            checks.constants_finite(self.source, stmt.value, self.floats)
            value = resolve.inline(stmt.value.value)
            current = symbol(target)
            new = {"=": value, "+=": current + value, "-=": current - value,
                   "*=": current * value, "/=": current / value}[stmt.operator]
            self.real_and_finite(new, stmt.value.span, "the reset")
            out.append(ResetAssignment(target, new, stmt.operator))
        return tuple(out)

    def refractory(self, resolve, every):
        items = self._items("refractory")
        if not items:
            return None
        value = items[0]
        checks.no_derivatives(self.source, value, "the refractory period")
        checks.is_number(self.source, value, "the refractory period")
        resolve.check(value)
        checks.names_known(self.source, value, [n for n in every if n != "t"],
                           "the refractory period")
        checks.constants_finite(self.source, value, self.floats)
        self.real_and_finite(value.value, value.span, "the refractory period")
        period = self.constant(resolve.inline(value.value))
        if period is not None and not math.isfinite(period):
            checks.fail(self.source, value.span,
                        f"the refractory period is {period} with the parameters' values",
                        "it must be a finite number of ms")
        if period is not None and period < 0:
            checks.fail(self.source, value.span,
                        f"the refractory period cannot be negative ({period:g} ms)")
        if not self._items("spike"):
            checks.fail(self.source, value.span, "a refractory period needs a spike condition",
                        "add 'spike: ...' or remove 'refractory:'")
        return resolve.inline(value.value)

    def method(self):
        items = self._items("method")
        if not items:
            return None
        method = items[0]
        if method.name not in METHOD_NAMES:
            checks.fail(self.source, method.span, f"unknown integration method '{method.name}'",
                        did_you_mean(method.name, METHOD_NAMES, "methods") + " (methods: "
                        + ", ".join(METHOD_NAMES) + ")"
                        if did_you_mean(method.name, METHOD_NAMES) else
                        "methods: " + ", ".join(METHOD_NAMES))
        return method.name

    def check_inits(self, state) -> None:
        depends = {s.name: {str(x) for x in s.init.free_symbols} & {v.name for v in state}
                   for s in state}
        done: set[str] = set()

        def visit(name, path):
            if name in done:
                return
            if name in path:
                cycle = " -> ".join(path[path.index(name):] + (name,))
                checks.fail(self.source, None, f"circular initial values: {cycle}")
            for other in depends[name]:
                visit(other, path + (name,))
            done.add(name)

        for s in state:
            visit(s.name, ())


def _with_hold(variable: StateVariable, hold_targets: set[str], flags) -> StateVariable:
    names = {f.name for f in flags}
    hold = (variable.name in hold_targets or "unless_refractory" in names) \
        and "evolve_refractory" not in names
    return StateVariable(variable.name, variable.derivative, variable.init, variable.lower,
                         variable.upper, hold)


def _derivative_span(use: ast.NameUse) -> Span:
    return Span(use.span.line, use.span.column - 1, len(use.name) + 4)


class _FunctionInliner:
    """Checks calls against user functions and replaces each call by the function's body."""

    def __init__(self, source: Source, functions: dict[str, ast.FunctionDef], values,
                 timed: tuple[str, ...] = ()):
        self.source = source
        self.functions = functions
        self.values = list(values)
        self.timed = tuple(timed)

    def check(self, expr: ast.Expr) -> None:
        checks.calls_known(self.source, expr, self.functions, self.values, self.timed)

    def inline(self, value: sympy.Basic) -> sympy.Basic:
        """User functions replaced by their bodies; TimedArray calls `stim(t)` by their
        values in the step (functions.timed_symbol)."""
        for _ in range(len(self.functions) + 1):
            calls = [c for c in value.atoms(AppliedUndef) if c.func.__name__ in self.functions]
            if not calls:
                timed = {c: timed_symbol(c.func.__name__) for c in value.atoms(AppliedUndef)
                         if c.func.__name__ in self.timed}
                return value.xreplace(timed) if timed else value
            replacements = {}
            for call in calls:
                definition = self.functions[call.func.__name__]
                mapping = {symbol(a.name): v for a, v in zip(definition.args, call.args)}
                replacements[call] = definition.body.value.xreplace(mapping)
            value = value.xreplace(replacements)
        return value
