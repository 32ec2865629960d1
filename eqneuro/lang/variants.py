"""The declarations of one file: finding one by name, and merging a variant (`neuron RS
extends Izhikevich:`, `synapse Strong extends Exc:`) with the declaration it extends.
Works on the AST; no SymPy work."""
from __future__ import annotations

import sympy

from . import checks
from . import syntax as ast
from .tables import BY_NAME
from ..errors import ModelError, Source, did_you_mean


def check_variants(model_file: ast.ModelFile) -> None:
    """Every `extends` in the file names a declaration of the file of the same kind, without
    cycles, and no two declarations share a name (cheap: no SymPy)."""
    source = model_file.source
    by_name: dict[str, ast.Declaration] = {}
    for decl in model_file.declarations:
        if decl.name in by_name:
            checks.fail(source, decl.span, f"{decl.kind} '{decl.name}' is defined twice",
                        f"the first definition is on line {by_name[decl.name].span.line}")
        if decl.name:
            by_name[decl.name] = decl
    for decl in model_file.declarations:
        seen: tuple[str, ...] = ()
        current = decl
        while current.base is not None:
            base = _base_of(source, by_name, current)
            if base.name in seen + (current.name,):
                checks.fail(source, current.base.span,
                            f"circular variants: '{current.name}' extends itself through "
                            f"'{base.name}'")
            seen += (current.name,)
            current = base


def _base_of(source: Source, by_name: dict[str, ast.Declaration],
             decl: ast.Declaration) -> ast.Declaration:
    """The declaration `decl` extends: one of the file, and of the same kind."""
    kind = decl.kind
    base = by_name.get(decl.base.name)
    if base is None:
        same_kind = [name for name, d in by_name.items() if d.kind == kind]
        checks.fail(source, decl.base.span, f"unknown {kind} '{decl.base.name}' to extend",
                    did_you_mean(decl.base.name, same_kind, f"{kind}s in this file"))
    if base.kind != kind:
        checks.fail(source, decl.base.span, f"{kind} '{decl.name}' cannot extend "
                    f"'{base.name}', which is a {base.kind}", f"a {kind} extends a {kind}")
    return base


def find_declaration(model_file: ast.ModelFile, name: str | None,
                     kind: str) -> ast.Declaration:
    """The `kind` ("neuron" or "synapse") named `name` (case and underscores ignored), or
    the first one (or the sections without a header) when `name` is None."""
    decls = model_file.neurons if kind == "neuron" else model_file.synapses
    others = [d for d in model_file.declarations if d.kind not in (kind, None)]
    if name is None:
        if decls:
            return decls[0]
        raise ModelError(f"this model declares no {kind}", model_file.source, others[0].span,
                         f"it declares {others[0].kind} '{others[0].name}': "
                         + _loader_hint(others[0]))
    wanted = _normal(name)
    for matches in (lambda d: d.name == name, lambda d: d.name and _normal(d.name) == wanted):
        found = next((d for d in decls if matches(d)), None)
        if found is not None:
            return found
        other = next((d for d in others if matches(d)), None)
        if other is not None:
            raise ModelError(f"'{other.name}' is a {other.kind}, not a {kind}",
                             model_file.source, other.span, _loader_hint(other))
    names = [d.name for d in decls if d.name]
    raise ModelError(f"no {kind} named '{name}' in this model", model_file.source, None,
                     did_you_mean(name, names, f"{kind}s"))


def _loader_hint(decl: ast.Declaration) -> str:
    kind = "Neuron" if decl.kind == "neuron" else "Synapse"
    return f"load it with eq.{kind}(text, name='{decl.name}') or eq.load"


def find_neuron(model_file: ast.ModelFile, name: str | None) -> ast.Declaration:
    return find_declaration(model_file, name, "neuron")


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


def merged_sections(source: Source, model_file: ast.ModelFile, decl: ast.Declaration,
                    chain: tuple[str, ...], owner: str = "neuron") -> dict[str, tuple]:
    """The sections of `decl` (a declaration of kind `owner`, or sections without a
    header read as one), with those of the declaration it extends underneath."""
    checks.no_duplicate_sections(source, decl)
    checks.sections_belong(source, decl, owner)
    own = {section.kind: section.items for section in decl.sections}
    if decl.base is None:
        return own
    by_name = {d.name: d for d in model_file.declarations if d.name}
    base = _base_of(source, by_name, decl)
    if base.name in chain + (decl.name,):
        checks.fail(source, decl.base.span,
                    f"circular variants: '{decl.name}' extends itself through '{base.name}'")
    merged = dict(merged_sections(source, model_file, base, chain + (decl.name,), owner))
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
