"""AST -> SynapseModel and SynapseInfo: a synapse's parameters (always with the weight w),
its on_pre statements and its psp, checked on their own. Which neuron each name belongs to
is decided when a projection binds the synapse to its pre and post neurons (binding.py)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy

from . import checks
from . import syntax as ast
from .model import ParameterSpec, ResetAssignment, SynapseModel
from .parameters import checked_parameters, parameter_values, real_and_finite
from .synapse_info import Statement, SynapseInfo, Use
from .tables import DEFAULT_WEIGHT, TIME_MEANINGS, TIME_NAMES, WEIGHT
from .variants import merged_sections
from ..errors import Source, Span
from ..evaluate import to_tree
from ..functions import input_name, symbol


@dataclass(frozen=True, eq=False)
class AnalysedSynapse:
    model: SynapseModel
    info: SynapseInfo


def analyse_synapse(model_file: ast.ModelFile, decl: ast.Declaration,
                    default_name: str = "Synapse") -> AnalysedSynapse:
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
    scope = {p.name for p in specs} | {use.name for item in on_pre_items
                                       for use in item.value.names}
    on_pre = _statements(source, on_pre_items, specs, values, scope)
    psp = _psp(source, psp_items[0], values, scope) if psp_items else None
    model = SynapseModel(name, specs, on_pre, psp)
    headers = _headers(model_file, decl)
    info = SynapseInfo(
        name=name, parameters=tuple((p.name, p.value, p.shared) for p in specs),
        on_pre=tuple(Statement(item.target, item.operator, _tree(source, new.value, item.span),
                               (item.span.line, item.span.column), _uses(item.value.names))
                     for item, new in zip(on_pre_items, on_pre)),
        psp=_tree(source, psp, psp_items[0].span) if psp is not None else None,
        reads=_reads(on_pre_items, psp_items), source=source,
        psp_reads=_uses(psp_items[0].names) if psp_items else (),
        on_pre_span=headers.get("on_pre"), psp_span=headers.get("psp"))
    return AnalysedSynapse(model, info)


def _parameters(source: Source, items) -> tuple[ParameterSpec, ...]:
    """The written parameters; the weight w first, with its default, unless written."""
    specs = tuple(ParameterSpec(p.name, value, shared) for p, value, shared in
                  parameter_values(source, checked_parameters(source, items)))
    if any(p.name == WEIGHT for p in specs):
        return specs
    return (ParameterSpec(WEIGHT, DEFAULT_WEIGHT, False),) + specs


def _expression(source: Source, expr: ast.Expr, where: str, values: dict, scope) -> None:
    """The rules of one synapse expression that need no neuron."""
    checks.no_derivatives(source, expr, where)
    if expr.inputs:
        use = expr.inputs[0]
        checks.fail(source, use.span, f"{input_name(use.name)} cannot appear in a synapse",
                    "sum(T) is a neuron's input; a synapse reads the neurons' variables as "
                    "x_pre and x_post (or as the post neuron's own names)")
    checks.is_number(source, expr, f"the value in {where}")
    checks.calls_known(source, expr, {}, scope)
    checks.constants_finite(source, expr, {s: float(v) for s, v in values.items()})


def _statements(source: Source, items, specs, values: dict, scope
                ) -> tuple[ResetAssignment, ...]:
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
            checks.fail(source, span, f"'{target}' is assigned twice in on_pre",
                        f"combine the statements (first on line {seen[target].line})")
        seen[target] = span
        _expression(source, item.value, "on_pre", values, scope)
        current, value = symbol(target), item.value.value
        new = {"=": value, "+=": current + value, "-=": current - value,
               "*=": current * value, "/=": current / value}[item.operator]
        real_and_finite(source, new, item.value.span, "on_pre", values)
        out.append(ResetAssignment(target, new, item.operator))
    return tuple(out)


def _psp(source: Source, expr: ast.Expr, values: dict, scope) -> sympy.Expr:
    _expression(source, expr, "psp", values, scope)
    real_and_finite(source, expr.value, expr.span, "psp", values)
    return expr.value


def _tree(source: Source, value, span: Span) -> tuple:
    try:
        return to_tree(value)
    except TypeError as error:
        checks.fail(source, span, f"this expression cannot be used in a synapse: {error}")


def _uses(names) -> tuple[Use, ...]:
    return tuple((use.name, use.span.line, use.span.column) for use in names)


def _reads(on_pre_items, psp_items) -> tuple[Use, ...]:
    """Every name read or written, in text order."""
    uses = [(item.target, item.span.line, item.span.column) for item in on_pre_items]
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
