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


# A projection's functions, each rendered by the template macro of its kind. `loads` are
# the _Net fields it reads, copied to restrict locals of the same names; the printed
# statements use those locals and the indices _i (pre), _j (post), _k (synapse).

@dataclass(frozen=True, slots=True)
class Delivery:
    """on_pre for every spike whose delay ends at t+dt (3. of the step)."""

    pre: str                    # the presynaptic population's prefix
    delay: str                  # none | uniform | per-synapse
    loads: tuple[str, ...]
    lines: tuple[str, ...]      # on_pre, for synapse _k of spike _i onto _j
    prefetch: str               # the post array on_pre updates first (prefetched), or ""
    draws: tuple[str, ...] = ()  # per synapse and event, before the lines: _rnd<k> = ...
    repeats: bool = False       # counts _rep, the event's number among its neuron's in the step
    decays: tuple[str, ...] = ()  # locals exp(a*D) of the closed forms, per synapse


@dataclass(frozen=True, slots=True)
class RowSum:
    """sum(T) += psp over each postsynaptic neuron's synapse row (1. of the step)."""

    pre: str
    post: str
    target: str
    loads: tuple[str, ...]
    snapshot_lines: tuple[str, ...]    # derived values of pre neurons _i, at the step's t
    psp: str
    inputs: str                        # the local of the post population's sum(T) array
    draws: tuple[tuple[str, str], ...] = ()   # (local, draw) per synapse _k and step


@dataclass(frozen=True, slots=True)
class DenseSum:
    """All pairs with psp = w*f(pre): sum(T) += W f, one BLAS dgemv (or w*sum(f))."""

    pre: str
    post: str
    target: str
    loads: tuple[str, ...]
    factor: str                 # f(pre) of neuron _i
    snapshot: str               # the local of the array that holds f(pre)
    inputs: str
    weights: str                # the local of the weight matrix, or "" for one weight
    weight: str                 # the local of the one weight


@dataclass(frozen=True, slots=True)
class SynapseRecord:
    """State monitors of synapse values, sampled at the start of the step."""

    loads: tuple[str, ...]
    monitors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (prefix, (buffer, value))


@dataclass(frozen=True, slots=True)
class PostEvents:
    """on_post for the synapses of every post neuron that fired in this step (4. of the
    step), each brought up to date first."""

    post: str                   # the postsynaptic population's prefix
    loads: tuple[str, ...]
    lines: tuple[str, ...]      # for synapse _k of pre neuron _i onto the fired _j
    draw_locals: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()  # the per-synapse arrays the lines read at [_k]
    decays: tuple[str, ...] = ()    # locals exp(a*D) of the closed forms, per synapse


@dataclass(frozen=True, slots=True)
class EveryStep:
    """The every-step synapse variables, forward Euler from t to t+dt for every synapse
    (1b. of the step, from the state at t)."""

    loads: tuple[str, ...]
    lines: tuple[str, ...]      # for synapse _k of row _r (pre _i) onto _j
    count: int                  # the derivatives _f0.. computed first


@dataclass(frozen=True, slots=True)
class ProjectionBlock:
    """One projection's part of a network kernel: its fields and functions."""

    index: int
    prefix: str
    title: str
    fields: tuple[Field, ...]
    delivery: Delivery | None = None
    row_sum: RowSum | None = None
    dense_sum: DenseSum | None = None
    record: SynapseRecord | None = None
    post_events: PostEvents | None = None
    every_step: EveryStep | None = None

    @property
    def blas(self) -> bool:                    # calls scipy.linalg.cython_blas
        return self.dense_sum is not None and bool(self.dense_sum.weights)


def population_fields(block: PopulationBlock) -> list[Field]:
    fields = [Field(block.field(a.name), a.kind, True, C_TYPES[a.kind])
              for a in block.update_arguments + block.other_arguments]
    fields.append(Field(block.field("_kv"), "f", False, f"double[{max(1, len(block.invariants))}]"))
    fields.append(Field(block.field("_nfired"), "n", False, "int64_t"))
    return fields


def population_view(block: PopulationBlock) -> dict:
    """What the template needs of a population, with its argument lists spelt out."""
    arguments = block.update_arguments
    return dict(
        block=block, index=block.index, prefix=block.prefix,
        update_parameters=", ".join(f"{C_TYPES[a.kind]} {a.name}" for a in arguments),
        update_arguments=", ".join(f"_net.{block.field(a.name)}" for a in arguments),
        field_loads=[f"cdef {C_TYPES[a.kind]} {a.name} = _net.{block.field(a.name)}"
                     for a in arguments + block.other_arguments],
        scalar_loads=[f"cdef double {a.name} = _net.{block.field(a.name)}"
                      for a in arguments if a.kind == "f"])


def network_source(populations: tuple[PopulationBlock, ...],
                   projections: tuple[ProjectionBlock, ...] = (),
                   cleared_inputs: tuple[str, ...] = ()) -> str:
    """cleared_inputs: the _Net fields of the sum(T) arrays that projections feed, each
    given as (field, population prefix), zeroed at the start of the input phase."""
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
        draws=any(b.draws for b in populations)
        or any(b.delivery is not None and b.delivery.draws for b in projections)
        or any(b.row_sum is not None and b.row_sum.draws for b in projections)
        or any(b.post_events is not None and b.post_events.draw_locals for b in projections),
        blas=any(b.blas for b in projections),
        fields=[dict(name=f.name, kind=f.kind, slot=f.slot, ctype=f.ctype, decl=_declaration(f))
                for f in fields],
        populations=[population_view(b) for b in populations],
        projections=projections, cleared_inputs=cleared_inputs)


def _declaration(field: Field) -> str:
    if field.ctype.endswith("]"):              # double[4] -> double name[4]
        base, _, size = field.ctype.partition("[")
        return f"{base} {field.name}[{size}"
    return f"{field.ctype} {field.name}"


def slot_names(source_fields) -> tuple[str, ...]:
    return GLOBAL_SLOTS + tuple(name for name, _ in source_fields)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def _template() -> jinja2.Template:
    return _environment().get_template("network.pyx.j2")


def generator_module():
    """The kernels' random generator (templates/random.h) compiled alone, for tests:
    philox(counter, key) and draws(out, kind, k0, k1, obj, draw, step)."""
    from .build import build
    return build(_environment().get_template("random_probe.pyx.j2").render()).module


