"""AST -> SynapseModel and SynapseInfo: a synapse's parameters (always with the weight w),
its on_pre statements and its psp, checked on their own. Which neuron each name belongs to
is decided when a projection binds the synapse to its pre and post neurons (binding.py)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from . import checks
from . import syntax as ast
from .model import ParameterSpec, ResetAssignment, StateVariable, SynapseModel
from .parameters import checked_parameters, parameter_values, real_and_finite
from .synapse_info import Statement, SynapseInfo, Use
from .tables import DEFAULT_WEIGHT, TIME_MEANINGS, TIME_NAMES, WEIGHT
from .variants import merged_sections
from ..errors import Source, Span
from ..evaluate import to_tree
from ..functions import derivative_symbol, input_name, symbol, timed_name, timed_symbol


@dataclass(frozen=True, eq=False)
class AnalysedSynapse:
    model: SynapseModel
    info: SynapseInfo


def analyse_synapse(model_file: ast.ModelFile, decl: ast.Declaration,
                    default_name: str = "Synapse", timed: tuple[str, ...] = ()) -> AnalysedSynapse:
    """`timed`: the names of the TimedArrays given with the synapse, called as name(t) in
    on_pre, on_post and psp."""
    source = model_file.source
    sections = merged_sections(source, model_file, decl, (), "synapse")
    name = decl.name or default_name
    specs = _parameters(source, sections.get("parameters", ()))
    values = {symbol(p.name): sympy.Float(p.value) for p in specs}
    on_pre_items, psp_items = sections.get("on_pre", ()), sections.get("psp", ())
    if not on_pre_items and not psp_items:
        checks.fail(source, Span(decl.span.line, decl.span.column, len(name) if decl.name
                                 else 1),
                    f"synapse '{name}' transmits nothing: it has neither 'on_pre:' nor 'psp:'",
                    "write 'on_pre: g_exc += w' (at each presynaptic spike) or "
                    "'psp: w * r_pre' (every step, into sum(T))")
    on_post_items = sections.get("on_post", ())
    for item in sections.get("equations", ()):
        for expr in (item.lhs, item.rhs) + tuple(f.value for f in item.flags if f.value):
            checks.no_timed(source, expr, timed, "a synapse's equations",
                            "a TimedArray may appear in on_pre, on_post and psp")
    state, every_step = _equations(source, sections.get("equations", ()), specs, values)
    state_names = {v.name for v in state}
    scope = {p.name for p in specs} | state_names | {
        use.name for item in tuple(on_pre_items) + tuple(on_post_items)
        for use in item.value.names}
    on_pre = _statements(source, on_pre_items, specs, values, scope, "on_pre", timed)
    on_post = _statements(source, on_post_items, specs, values, scope, "on_post", timed)
    psp = _psp(source, psp_items[0], values, scope, timed) if psp_items else None
    if psp_items:
        _psp_reads_current(source, psp_items[0], state_names - set(every_step))
    exprs = [r.value for r in on_pre + on_post] + ([psp] if psp is not None else [])
    called = tuple(sorted({timed_name(x) for e in exprs for x in e.free_symbols
                           if timed_name(x)}))
    model = SynapseModel(name, specs, on_pre, psp, state, on_post, every_step, called)
    closed = [v for v in state if v.name not in every_step]
    headers = _headers(model_file, decl)
    info = SynapseInfo(
        name=name, parameters=tuple((p.name, p.value, p.shared) for p in specs),
        on_pre=tuple(Statement(item.target, item.operator, _tree(source, new.value, item.span),
                               (item.span.line, item.span.column), _uses(item.value.names))
                     for item, new in zip(on_pre_items, on_pre)),
        psp=_tree(source, psp, psp_items[0].span) if psp is not None else None,
        reads=_reads(tuple(on_pre_items) + tuple(on_post_items), psp_items,
                     sections.get("equations", ())), source=source,
        psp_reads=_uses(psp_items[0].names) if psp_items else (),
        on_pre_span=headers.get("on_pre"), psp_span=headers.get("psp"),
        state=tuple((v.name, to_tree(v.init)) for v in state),
        on_post=tuple(Statement(item.target, item.operator, _tree(source, new.value, item.span),
                                (item.span.line, item.span.column), _uses(item.value.names))
                      for item, new in zip(on_post_items, on_post)),
        evolution=tuple((v.name, to_tree(rate), to_tree(drive))
                        for v, (rate, drive) in zip(closed, map(_linear_parts, closed))),
        bounds=tuple((v.name, None if v.lower is None else to_tree(v.lower),
                      None if v.upper is None else to_tree(v.upper)) for v in closed),
        on_post_span=headers.get("on_post"), every_step=every_step, timed=called)
    return AnalysedSynapse(model, info)


def _linear_parts(variable: StateVariable) -> tuple[sympy.Expr, sympy.Expr]:
    """(a, b) of dx/dt = a*x + b."""
    x = symbol(variable.name)
    rate = sympy.diff(variable.derivative, x)
    return rate, sympy.simplify(variable.derivative - rate * x)


def _equations(source: Source, items, specs, values
               ) -> tuple[tuple[StateVariable, ...], tuple[str, ...]]:
    """A synapse's per-synapse variables: ODEs that are integrated between events in closed
    form, so each must be dx/dt = a*x + b with a and b of the synapse's parameters; or,
    flagged `every_step`, any ODE, integrated every step (forward Euler). Returns the
    variables and the names of the every-step ones."""
    parameters = {symbol(p.name) for p in specs}
    out: list[StateVariable] = []
    every_step: list[str] = []
    for equation in items:
        derivatives = equation.lhs.derivatives + equation.rhs.derivatives
        if not derivatives:
            checks.fail(source, equation.lhs.span,
                        "a synapse's equations are differential equations (its per-synapse "
                        "variables); a derived variable is not supported in a synapse",
                        "write the expression where it is used (in on_pre, on_post or psp)")
        if len(derivatives) > 1:
            checks.fail(source, derivatives[1].span, "an equation may contain only one "
                        "derivative", "write one equation per variable")
        var = derivatives[0]
        span = Span(var.span.line, var.span.column - 1, len(var.name) + 4)
        if var.name in {p.name for p in specs} or var.name in TIME_NAMES:
            checks.fail(source, span, f"'{var.name}' is a parameter or reserved; it cannot "
                        "have a derivative", "rename the variable")
        if var.name in {v.name for v in out}:
            checks.fail(source, span, f"a second differential equation for '{var.name}'")
        for side in (equation.lhs, equation.rhs):
            checks.is_number(source, side, "each side of an equation")
            checks.no_draws(source, side, "a synapse's equations (they are integrated "
                            "between events, in closed form)", "draw in on_pre or on_post")
            checks.constants_finite(source, side, {s: float(v) for s, v in values.items()})
        d = derivative_symbol(var.name)
        difference = equation.lhs.value - equation.rhs.value
        coefficient = sympy.diff(difference, d)
        if coefficient.has(d) or coefficient == 0:
            checks.fail(source, span, f"the equation is not linear in d{var.name}/dt",
                        "write it as 'tau * dx/dt = -x'")
        derivative = sympy.together(-difference.xreplace({d: sympy.S.Zero}) / coefficient)
        x = symbol(var.name)
        rate = sympy.diff(derivative, x)
        drive = sympy.simplify(derivative - rate * x)
        other = [u for side in (equation.lhs, equation.rhs) for u in side.names
                 if u.name != var.name and symbol(u.name) not in parameters]
        clock = any(f.name == EVERY_STEP for f in equation.flags)
        if clock:
            every_step.append(var.name)
            closed_form = [u for side in (equation.lhs, equation.rhs) for u in side.names
                           if u.name in {v.name for v in out} - set(every_step)]
            if closed_form:
                checks.fail(source, closed_form[0].span, f"'{closed_form[0].name}' is "
                            "integrated between events, so its stored value is not its value "
                            "now: an every-step equation cannot read it",
                            f"flag '{closed_form[0].name}' ': {EVERY_STEP}' too")
        elif other or rate.has(x) or not (rate.free_symbols | drive.free_symbols) <= parameters:
            where = other[0].span if other else span
            what = f"'{other[0].name}'" if other else f"d{var.name}/dt"
            checks.fail(source, where,
                        f"{what}: a synapse's variable is integrated between events in "
                        f"closed form, so d{var.name}/dt must be a*{var.name} + b with a and b "
                        "made of the synapse's parameters and numbers (not of t, other "
                        "variables or the neurons' names)",
                        f"flag it ': {EVERY_STEP}' to integrate it every step (forward "
                        "Euler, a cost per synapse and step), or change values in on_pre and "
                        "on_post, which run at the events")
        flags = _flags(source, equation, parameters, values)
        out.append(StateVariable(var.name, derivative if clock else
                                 sympy.expand(rate * x + drive),
                                 flags.get("init", sympy.Float(0.0)), flags.get("min"),
                                 flags.get("max")))
    return tuple(out), tuple(every_step)


EVERY_STEP = "every_step"     # the flag of a synapse variable integrated every step


def _flags(source: Source, equation, parameters, values) -> dict[str, sympy.Expr]:
    checks.no_duplicate_flags(source, equation.flags)
    checks.known_flags(source, equation.flags, ("init", "min", "max"), (EVERY_STEP,),
                       "a synapse's differential equation")
    out = {}
    for flag in equation.flags:
        if flag.value is None:
            continue
        checks.is_number(source, flag.value, f"the '{flag.name}' flag")
        checks.no_draws(source, flag.value, f"the '{flag.name}' flag of a synapse's variable",
                        "set random values from Python (proj.x = array) after connect()")
        outside = [u for u in flag.value.names if symbol(u.name) not in parameters]
        if outside:
            checks.fail(source, outside[0].span, f"the '{flag.name}' flag of a synapse's "
                        f"variable cannot use '{outside[0].name}'",
                        "it may use the synapse's parameters and numbers")
        checks.constants_finite(source, flag.value, {s: float(v) for s, v in values.items()})
        out[flag.name] = flag.value.value
    return out


def _psp_reads_current(source: Source, psp: ast.Expr, closed: set) -> None:
    """A variable integrated between events is stored as of its last event: the psp,
    summed every step, cannot read it."""
    for use in psp.names:
        if use.name in closed:
            checks.fail(source, use.span, f"the psp reads '{use.name}', which is integrated "
                        "between events: its stored value is not its value now",
                        f"flag it ': every_step' to read it in the psp")


def _parameters(source: Source, items) -> tuple[ParameterSpec, ...]:
    """The written parameters; the weight w first, with its default, unless written."""
    specs = tuple(ParameterSpec(p.name, value, shared) for p, value, shared in
                  parameter_values(source, checked_parameters(source, items)))
    if any(p.name == WEIGHT for p in specs):
        return specs
    return (ParameterSpec(WEIGHT, DEFAULT_WEIGHT, False),) + specs


def _timed_values(value, timed):
    """TimedArray calls `stim(t)` replaced by their values (functions.timed_symbol)."""
    calls = {c: timed_symbol(c.func.__name__) for c in value.atoms(AppliedUndef)
             if c.func.__name__ in timed}
    return value.xreplace(calls) if calls else value


def _expression(source: Source, expr: ast.Expr, where: str, values: dict, scope,
                timed: tuple[str, ...] = ()) -> None:
    """The rules of one synapse expression that need no neuron."""
    checks.no_derivatives(source, expr, where)
    if expr.inputs:
        use = expr.inputs[0]
        checks.fail(source, use.span, f"{input_name(use.name)} cannot appear in a synapse",
                    "sum(T) is a neuron's input; a synapse reads the neurons' variables as "
                    "x_pre and x_post (or as the post neuron's own names)")
    checks.is_number(source, expr, f"the value in {where}")
    checks.calls_known(source, expr, {}, scope, timed)
    checks.constants_finite(source, expr, {s: float(v) for s, v in values.items()})


def _statements(source: Source, items, specs, values: dict, scope, where: str = "on_pre",
                timed: tuple[str, ...] = ()) -> tuple[ResetAssignment, ...]:
    shared = {p.name for p in specs if p.shared}
    seen: dict[str, Span] = {}
    out = []
    for item in items:
        target = item.target
        span = Span(item.span.line, item.span.column, len(target))
        if target in TIME_NAMES:
            checks.fail(source, span, f"cannot assign '{target}': it is reserved (the "
                        f"simulation's {TIME_MEANINGS[target]})",
                        "on_pre changes variables of the post neuron or of the synapse")
        if target in shared:
            checks.fail(source, span, f"cannot assign '{target}': it is a parameter shared "
                        "by the whole projection", "remove ': shared' to give every synapse "
                        "its own value")
        if target in seen:
            checks.fail(source, span, f"'{target}' is assigned twice in {where}",
                        f"combine the statements (first on line {seen[target].line})")
        seen[target] = span
        _expression(source, item.value, where, values, scope, timed)
        current, value = symbol(target), _timed_values(item.value.value, timed)
        new = {"=": value, "+=": current + value, "-=": current - value,
               "*=": current * value, "/=": current / value}[item.operator]
        real_and_finite(source, new, item.value.span, where, values)
        out.append(ResetAssignment(target, new, item.operator))
    return tuple(out)


def _psp(source: Source, expr: ast.Expr, values: dict, scope,
         timed: tuple[str, ...] = ()) -> sympy.Expr:
    _expression(source, expr, "psp", values, scope, timed)
    value = _timed_values(expr.value, timed)
    real_and_finite(source, value, expr.span, "psp", values)
    return value


def _tree(source: Source, value, span: Span) -> tuple:
    try:
        return to_tree(value)
    except TypeError as error:
        checks.fail(source, span, f"this expression cannot be used in a synapse: {error}")


def _uses(names) -> tuple[Use, ...]:
    return tuple((use.name, use.span.line, use.span.column) for use in names)


def _reads(on_pre_items, psp_items, equations=()) -> tuple[Use, ...]:
    """Every name read or written, in text order."""
    uses = [(item.target, item.span.line, item.span.column) for item in on_pre_items]
    for equation in equations:
        uses += [use for side in (equation.lhs, equation.rhs) for use in _uses(side.names)]
        uses += [use for flag in equation.flags if flag.value is not None
                 for use in _uses(flag.value.names)]
    uses += [use for item in on_pre_items for use in _uses(item.value.names)]
    uses += [use for item in psp_items for use in _uses(item.names)]
    return tuple(sorted(uses, key=lambda use: (use[1], use[2])))


def _headers(model_file: ast.ModelFile, decl: ast.Declaration) -> dict[str, tuple[int, int]]:
    """Where each section that the merged synapse uses was written: in `decl`, or in the
    declaration it extends (on_pre and psp are replaced whole by a variant)."""
    by_name = {d.name: d for d in model_file.declarations if d.name}
    found: dict[str, tuple[int, int]] = {}
    current = decl
    while current is not None:
        for section in current.sections:
            found.setdefault(section.kind, (section.span.line, section.span.column))
        current = by_name.get(current.base.name) if current.base is not None else None
    return found
