"""Neurons of one file: finding one by name, and merging a variant (`neuron RS extends
Izhikevich:`) with the neuron it extends. Works on the AST; no SymPy work."""
from __future__ import annotations

import sympy

from . import checks
from . import syntax as ast
from .tables import BY_NAME
from ..errors import ModelError, Source, did_you_mean


def check_variants(model_file: ast.ModelFile) -> None:
    """Every `extends` in the file names a neuron of the file, without cycles (cheap: no SymPy)."""
    by_name = {d.name: d for d in model_file.neurons if d.name}
    checks.no_duplicate_names(model_file.source, ((d.name, d.span) for d in model_file.neurons
                                                  if d.name), "neuron")
    for decl in model_file.neurons:
        seen: tuple[str, ...] = ()
        current = decl
        while current.base is not None:
            base = by_name.get(current.base.name)
            if base is None:
                checks.fail(model_file.source, current.base.span,
                            f"unknown neuron '{current.base.name}' to extend",
                            did_you_mean(current.base.name, by_name, "neurons in this file"))
            if base.name in seen + (current.name,):
                checks.fail(model_file.source, current.base.span,
                            f"circular variants: '{current.name}' extends itself through "
                            f"'{base.name}'")
            seen += (current.name,)
            current = base


def find_neuron(model_file: ast.ModelFile, name: str | None) -> ast.NeuronDecl:
    decls = model_file.neurons
    if name is None:
        return decls[0]
    for decl in decls:
        if decl.name == name:
            return decl
    wanted = _normal(name)
    for decl in decls:
        if decl.name and _normal(decl.name) == wanted:
            return decl
    names = [d.name for d in decls if d.name]
    raise ModelError(f"no neuron named '{name}' in this model", model_file.source, None,
                     did_you_mean(name, names, "neurons"))


def _normal(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _equation_target(equation: ast.Equation) -> str | None:
    derivatives = equation.lhs.derivatives + equation.rhs.derivatives
    if derivatives:
        return "d/dt " + derivatives[0].name
    if isinstance(equation.lhs.value, sympy.Symbol):
        return equation.lhs.value.name
    return None


_MERGE_KEYS = {"name": lambda item: item.name, "equation": _equation_target}


def _item_key(kind: str):
    """How a variant's items of section `kind` replace the base's (None: all at once)."""
    section = BY_NAME.get(kind)
    return _MERGE_KEYS.get(section.merged_by) if section is not None else None


def merged_sections(source: Source, model_file: ast.ModelFile, decl: ast.NeuronDecl,
                     chain: tuple[str, ...]) -> dict[str, tuple]:
    """The sections of `decl`, with those of the neuron it extends underneath."""
    checks.no_duplicate_sections(source, decl)
    own = {section.kind: section.items for section in decl.sections}
    if decl.base is None:
        return own
    by_name = {d.name: d for d in model_file.neurons if d.name}
    base = by_name.get(decl.base.name)
    if base is None:
        checks.fail(source, decl.base.span, f"unknown neuron '{decl.base.name}' to extend",
                    did_you_mean(decl.base.name, by_name, "neurons in this file"))
    if base.name in chain + (decl.name,):
        checks.fail(source, decl.base.span,
                    f"circular variants: '{decl.name}' extends itself through '{base.name}'")
    merged = dict(merged_sections(source, model_file, base, chain + (decl.name,)))
    for kind, items in own.items():
        key = _item_key(kind)
        if key is None or kind not in merged:
            merged[kind] = items
            continue
        replaced = {key(item): item for item in items if key(item) is not None}
        kept = [replaced.pop(key(old), old) if key(old) in replaced else old
                for old in merged[kind]]
        merged[kind] = tuple(kept) + tuple(i for i in items if key(i) is None or key(i) in replaced)
    return merged
