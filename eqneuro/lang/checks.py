"""Semantic rules, one small function each. Each raises ModelError on the first violation."""
from __future__ import annotations

import math
from collections.abc import Iterable

from sympy.core.function import AppliedUndef

from . import habits
from . import syntax as ast
from ..errors import ModelError, Source, Span, did_you_mean
from .tables import BY_NAME, TIME_MEANINGS, TIME_NAMES, sections_of
from ..functions import BUILTINS, INPUT_FUNCTION, input_name, is_noise_name

PARAMETER_FLAGS = ("shared",)
EQUATION_VALUE_FLAGS = ("init", "min", "max")
EQUATION_BARE_FLAGS = ("unless_refractory", "evolve_refractory")


def fail(source: Source, span: Span | None, message: str, hint: str | None = None):
    raise ModelError(message, source, span, hint)


def no_duplicate_sections(source: Source, decl: ast.Declaration) -> None:
    """`spike: v > 1` twice in one neuron."""
    seen: dict[str, ast.Section] = {}
    for section in decl.sections:
        if section.kind in seen:
            first = seen[section.kind].span.line
            fail(source, section.span, f"section '{section.kind}' appears twice in this "
                 f"{decl.kind or 'model'}", f"merge it with the one on line {first}")
        seen[section.kind] = section


# Why a neuron's section has no place in a synapse, where more can be said than the list.
_NOT_IN_SYNAPSE = {
    "spike": "on_pre runs when the pre neuron spikes (by its own spike condition)",
    "reset": "a synapse changes the post neuron in 'on_pre:', e.g. 'on_pre: g_exc += w'",
}


def sections_belong(source: Source, decl: ast.Declaration, owner: str) -> None:
    """`psp:` in a neuron, `spike:` in a synapse; a synapse's `equations:` and `on_post:`
    parse but come with plasticity."""
    for section in decl.sections:
        kind = BY_NAME[section.kind]
        if owner in kind.owners:
            continue
        span = Span(section.span.line, section.span.column, len(section.kind))
        if owner in kind.reserved:
            fail(source, span, f"a synapse's '{section.kind}' section comes with plasticity, "
                 "which eqneuro does not have yet",
                 "a synapse has the sections " + ", ".join(sections_of("synapse"))
                 + " for now")
        if owner == "neuron":
            fail(source, span, f"section '{section.kind}' belongs to synapses, not to neurons",
                 "declare it under 'synapse Name:' (eq.Synapse); a neuron reads its inputs "
                 "as sum(T) or as a variable g_T that its synapses change")
        fail(source, span, f"section '{section.kind}' belongs to neurons, not to synapses",
             _NOT_IN_SYNAPSE.get(section.kind, "a synapse has the sections "
                                 + ", ".join(sections_of("synapse"))))


def no_inputs(source: Source, expr: ast.Expr, where: str) -> None:
    """`tau = sum(exc)` or `: init = sum(exc)`: an input exists only while the network runs,
    and a function body cannot read one."""
    if expr.inputs:
        use = expr.inputs[0]
        fail(source, use.span, f"{input_name(use.name)} cannot appear in {where}",
             "sum(T) may appear in equations, the spike condition, the reset and the "
             "refractory period" + (" (pass it to the function as an argument)"
                                    if "function" in where else ""))


def no_draws(source: Source, expr: ast.Expr, where: str, hint: str) -> None:
    """`uniform()` / `normal()` where a value must not change from one reading to the next."""
    for call in expr.calls:
        builtin = BUILTINS.get(call.name)
        if builtin is not None and builtin.draws:
            fail(source, call.span, f"{call.name}() cannot appear in {where}", hint)


DRAWS_WHERE = ("random draws may appear in differential equations, the spike condition, "
               "the reset and the refractory period (one new value per neuron and step)")


def no_duplicate_names(source: Source, named: Iterable[tuple[str, Span]], what: str) -> None:
    """`a = 1` and `a = 2` in one parameters section."""
    seen: dict[str, Span] = {}
    for name, span in named:
        if name in seen:
            fail(source, span, f"{what} '{name}' is defined twice",
                 f"the first definition is on line {seen[name].line}")
        seen[name] = span


def not_reserved(source: Source, name: str, span: Span) -> None:
    """`t = 3`: t and dt are the simulation's time and step."""
    if name in TIME_NAMES:
        fail(source, span, f"'{name}' is reserved (the simulation's "
             f"{TIME_MEANINGS[name]}) and cannot be defined",
             "choose another name")


def known_flags(source: Source, flags: tuple[ast.Flag, ...], valued: tuple[str, ...],
                bare: tuple[str, ...], where: str) -> None:
    """`x = 1 : inti = 2`: only known flags are accepted."""
    for flag in flags:
        if flag.value is not None and flag.name in valued:
            continue
        if flag.value is None and flag.name in bare:
            continue
        if flag.name in valued:
            fail(source, flag.span, f"flag '{flag.name}' needs a value", f"write '{flag.name} = ...'")
        if flag.name in bare:
            fail(source, flag.span, f"flag '{flag.name}' takes no value", f"write just '{flag.name}'")
        known = valued + bare
        hint = habits.hint("flag", flag.name) or did_you_mean(flag.name, known) or (
            "valid flags here: " + ", ".join(known) if known else "no flags are valid here")
        fail(source, flag.span, f"unknown flag '{flag.name}' on {where}", hint)


def no_duplicate_flags(source: Source, flags: tuple[ast.Flag, ...]) -> None:
    """`: init = 1, init = 2`."""
    no_duplicate_names(source, ((f.name, f.span) for f in flags), "flag")


def no_derivatives(source: Source, expr: ast.Expr, where: str) -> None:
    """`spike: dv/dt > 0`: a derivative appears only in equations."""
    if expr.derivatives:
        use = expr.derivatives[0]
        fail(source, Span(use.span.line, use.span.column - 1, len(use.name) + 4),
             f"a derivative d{use.name}/dt cannot appear in {where}",
             "derivatives are only allowed in 'equations'")


def names_known(source: Source, expr: ast.Expr, known: Iterable[str], where: str) -> None:
    """`dv/dt = -v/tua`: every name must be defined."""
    known = set(known)
    for use in expr.names:
        if use.name not in known:
            noise = is_noise_name(use.name) and ("white noise xi (and xi_<name>) may appear "
                                                 "only in differential equations: "
                                                 "dv/dt = ... + sigma*xi")
            fail(source, use.span, f"unknown name '{use.name}' in {where}",
                 noise or habits.hint("name", use.name)
                 or did_you_mean(use.name, known, "names"))


def calls_known(source: Source, expr: ast.Expr, user_functions: dict[str, ast.FunctionDef],
                values: Iterable[str], timed: Iterable[str] = ()) -> None:
    """`r = sigmod(v)`, `r = f(v, w)` when f takes one argument, or `r = f(v > 0)`.
    `timed`: the names of the TimedArrays given with the model, each called as `name(t)`.

    Run it before names_known: `foo(x)` is reported as an unknown function, not as an
    unknown name x."""
    values = set(values)
    timed = set(timed)
    for call in expr.calls:
        if call.name in BUILTINS:
            continue
        if call.name in timed:
            timed_call(source, call)
            continue
        definition = user_functions.get(call.name)
        if definition is None:
            if call.name in values:
                fail(source, call.span, f"'{call.name}' is a variable, not a function",
                     "remove the parentheses, or multiply with '*'")
            fail(source, call.span, f"unknown function '{call.name}'",
                 habits.hint("function", call.name) or did_you_mean(
                     call.name, list(BUILTINS) + list(user_functions) + sorted(timed), "functions"))
        if len(definition.args) != call.arity:
            fail(source, call.span, f"{call.name}() takes {len(definition.args)} argument"
                 f"{'' if len(definition.args) == 1 else 's'}, not {call.arity}",
                 f"defined on line {definition.span.line}")
        if call.condition_arg is not None:
            fail(source, call.condition_arg, f"the arguments of {call.name}() must be numbers",
                 "write '1 if cond else 0' or use heaviside(x)")


def timed_call(source: Source, call: ast.CallUse) -> None:
    """`stim(t)`: a TimedArray is read at the current time (and held over the step)."""
    import sympy
    if call.arity != 1 or call.arguments[0] != sympy.Symbol("t", real=True):
        fail(source, call.span, f"{call.name}() is a TimedArray: it takes the time, "
             f"{call.name}(t)" + ("" if call.arity == 1 else f", not {call.arity} arguments"),
             "a TimedArray is read at the current time; to shift or stretch the input in time, "
             "change its values (eq.TimedArray(values, dt))")


def no_timed(source: Source, expr: ast.Expr, timed: Iterable[str], where: str,
             hint: str = "a TimedArray may appear in equations, derived variables, the spike "
                         "condition, resets and the refractory period") -> None:
    """`init = stim(t)`: values computed before the run cannot read a TimedArray."""
    timed = set(timed)
    for call in expr.calls:
        if call.name in timed:
            fail(source, call.span, f"the TimedArray {call.name} cannot be used in {where}",
                 hint)


def not_builtin_function(source: Source, definition: ast.FunctionDef) -> None:
    """`functions: exp(x) = x`: built-in functions cannot be redefined."""
    if definition.name in BUILTINS:
        fail(source, definition.span, f"'{definition.name}' is a built-in function and "
             "cannot be redefined", "give your function another name")
    if definition.name == INPUT_FUNCTION:
        fail(source, definition.span, f"'{INPUT_FUNCTION}' is the input of a target, "
             "sum(T), and cannot be redefined", "give your function another name")


def is_condition(source: Source, expr: ast.Expr, where: str) -> None:
    """`spike: v - 30`: the spike condition must be a comparison."""
    if not expr.is_condition():
        fail(source, expr.span, f"the {where} is not a condition",
             "write a comparison such as 'v > V_T'")


def is_number(source: Source, expr: ast.Expr, where: str) -> None:
    """`refractory: v > 1`: a value, not a condition."""
    if expr.is_condition():
        fail(source, expr.span, f"{where} must be a number, not a condition")


def is_real(source: Source, value, span: Span | None, where: str) -> None:
    """`dv/dt = log(-1)`: constants must be real and finite (SymPy folds them to I*pi)."""
    import sympy
    if value.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        fail(source, span, f"{where} contains a constant that is not a finite real number",
             "check logarithms and square roots of negative numbers, and divisions by zero")


def constants_finite(source: Source, expr: ast.Expr, values: dict) -> None:
    """`dv/dt = -v + exp(1000)`, `x/z` with z = 0, `log(a)` with a = -1.

    Every division, built-in call and power as written (before SymPy folds `z/z` to 1) whose
    names are all in `values` (parameter Symbol -> float) is evaluated once in double
    precision, as the kernel would: a divisor of 0, or a result that is infinite or not a
    real number, is an error at that operation."""
    known = set(values)
    by_name = {symbol.name: value for symbol, value in values.items()}
    for operation in expr.operations:
        free = operation.value.free_symbols
        if not free <= known or operation.value.has(AppliedUndef) or \
                not _may_run(operation, known, by_name):
            continue
        result = _double(operation.value, by_name)
        if result is None or (math.isfinite(result) and not (
                operation.kind == "divide" and result == 0)):
            continue
        where = "".join(f"{', ' if i else ' with '}{s.name} = {values[s]:g}"
                        for i, s in enumerate(sorted(free, key=lambda s: s.name)))
        fail(source, operation.span, *_not_finite(operation, result, where))


def _may_run(operation: ast.Operation, known: set, values: dict[str, float]) -> bool:
    """False if a constant test of a conditional around the operation selects the other
    branch."""
    for test, outcome in operation.guards:
        if test.free_symbols <= known and not test.has(AppliedUndef):
            result = _double(test, values)
            if result is not None and bool(result) != outcome:
                return False
    return True


def _double(value, values: dict[str, float]) -> float | None:
    """`value` in double precision (NumPy, as the kernel); NaN if it is not real, None if
    it cannot be evaluated here."""
    import numpy as np
    import sympy

    from ..evaluate import evaluate, to_tree
    if value.has(sympy.I):
        return math.nan
    try:
        tree = to_tree(value)
        with np.errstate(all="ignore"):
            return float(evaluate(tree, values))
    except (TypeError, ValueError, KeyError, OverflowError):
        return None


def _not_finite(operation: ast.Operation, result: float, where: str) -> tuple[str, str]:
    what = {"divide": "the divisor", "call": f"{operation.name}()",
            "power": "this power"}[operation.kind]
    if operation.kind == "divide" and result == 0:
        return f"division by zero: the divisor is 0{where}", \
            "check the parameter values, or guard the division with 'a if c else b'"
    if math.isnan(result):
        return f"{what} is not a real number{where}", \
            "log and sqrt need arguments >= 0, and a negative number to a fractional " \
            "power is not real"
    if operation.name.startswith("log"):
        hint = "the logarithm of 0 is minus infinity: keep its argument above 0"
    elif operation.kind == "power":
        hint = "0 to a negative power is infinite, and large powers overflow double precision"
    else:
        hint = "the value is beyond double precision (about 1.8e308); exp(x) overflows " \
            "for x > 709"
    return f"{what} is infinite{where}", hint
