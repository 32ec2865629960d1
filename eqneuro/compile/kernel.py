"""A network's blocks -> one Cython kernel source. The step order is the template's, written
once; this module only lays out the _Net struct (every object's fields, in slot order) and
hands each block's printed lines to the template."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2

from .. import __version__
from ..resources import resource_dir
from .codegen import C_TYPES, PopulationBlock
from .kernel_abi import BLOCK

# The leading values of run(values), before the objects' fields (see the template).
GLOBAL_SLOTS = ("_nsteps", "_step0", "_threads", "_nblocks", "_dt", "_err", "_block_events")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str            # as Argument.kind
    slot: bool = True    # given by run(values); False: the kernel's own (counters, invariants)
    ctype: str = ""


@dataclass(frozen=True, slots=True)
class ProjectionBlock:
    """One projection's part of a network kernel: fields, functions, and its calls in the
    input phase and the delivery phase."""

    index: int
    prefix: str
    title: str
    fields: tuple[Field, ...]
    functions: tuple[str, ...]
    input_calls: tuple[str, ...]
    deliver_calls: tuple[str, ...]
    record_calls: tuple[str, ...] = ()
    blas: bool = False                         # calls scipy.linalg.cython_blas


def population_fields(block: PopulationBlock) -> list[Field]:
    fields = [Field(block.field(a.name), a.kind, True, C_TYPES[a.kind])
              for a in block.update_arguments + block.other_arguments]
    fields.append(Field(block.field("_kv"), "f", False, f"double[{block.invariants}]"))
    fields.append(Field(block.field("_nfired"), "n", False, "int64_t"))
    return fields


def population_view(block: PopulationBlock) -> dict:
    """What the template needs of a population, with its argument lists spelt out."""
    arguments = block.update_arguments
    loads = [f"cdef {C_TYPES[a.kind]} {a.name} = _net.{block.field(a.name)}"
             for a in arguments + block.other_arguments]
    return dict(
        index=block.index, prefix=block.prefix, title=block.title,
        update_parameters=", ".join(f"{C_TYPES[a.kind]} {a.name}" for a in arguments),
        update_arguments=", ".join(f"_net.{block.field(a.name)}" for a in arguments),
        loads=loads, locals=block.locals, record_locals=block.record_locals,
        prelude_lines=block.prelude_lines, invariant_lines=block.invariant_lines,
        update_lines=block.update_lines, record_lines=block.record_lines,
        has_spike=block.has_spike, keeps_fired=block.keeps_fired,
        nonfinite_test=block.nonfinite_test)


def network_source(populations: tuple[PopulationBlock, ...],
                   projections: tuple[ProjectionBlock, ...] = (),
                   input_calls: tuple[str, ...] = ()) -> str:
    fields: list[Field] = []
    for block in populations:
        fields += population_fields(block)
    for block in projections:
        fields += [f if f.ctype else Field(f.name, f.kind, f.slot, C_TYPES[f.kind])
                   for f in block.fields]
    names = [f.name for f in fields]
    assert len(set(names)) == len(names), "kernel field names collide"
    summary = "; ".join(b.title for b in populations + projections) or "empty"
    return _template().render(
        summary=summary, version=__version__, block=BLOCK,
        blas=any(b.blas for b in projections),
        fields=[dict(name=f.name, kind=f.kind, slot=f.slot, ctype=f.ctype, decl=_declaration(f))
                for f in fields],
        populations=[population_view(b) for b in populations],
        projections=[dict(index=b.index, title=b.title, functions=b.functions)
                     for b in projections],
        input_calls=list(input_calls) + [c for b in projections for c in b.input_calls],
        deliver_calls=[call for b in projections for call in b.deliver_calls],
        record_calls=[call for b in projections for call in b.record_calls])


def _declaration(field: Field) -> str:
    if field.ctype.endswith("]"):              # double[4] -> double name[4]
        base, _, size = field.ctype.partition("[")
        return f"{base} {field.name}[{size}"
    return f"{field.ctype} {field.name}"


def slot_names(source_fields) -> tuple[str, ...]:
    return GLOBAL_SLOTS + tuple(name for name, _ in source_fields)


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    return env.get_template("network.pyx.j2")


