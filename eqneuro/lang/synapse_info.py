"""What a projection needs of a synapse, with expressions as op-trees and positions as
written: SymPy-free, stored in the model cache so that a warm start needs no SymPy."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Source

Use = tuple[str, int, int]          # a name as written, its line and column


@dataclass(frozen=True, slots=True)
class Statement:
    """`target op value` of on_pre (and of on_post, with plasticity). `value` is the op-tree
    (evaluate.to_tree) of the NEW value: `g_exc += w` is stored as the tree of g_exc + w."""

    target: str                      # as written: g_exc, v_post, x
    operator: str                    # = += -= *= /=
    value: tuple
    span: tuple[int, int]            # line, column of the target
    reads: tuple[Use, ...] = ()      # the names the written value reads, in text order


@dataclass(frozen=True, slots=True)
class SynapseInfo:
    name: str
    parameters: tuple[tuple[str, float, bool], ...]    # name, default, shared; holds "w"
    on_pre: tuple[Statement, ...]
    psp: tuple | None                                  # op-tree
    reads: tuple[Use, ...]          # every name read or written, in text order
    source: Source
    psp_reads: tuple[Use, ...] = ()
    on_pre_span: tuple[int, int] | None = None         # the section headers
    psp_span: tuple[int, int] | None = None
    # Plasticity: per-synapse state (name, init tree), each variable's evolution between
    # events dx/dt = a*x + b as (name, tree of a, tree of b) over the synapse's parameters,
    # its bounds (name, min tree or None, max tree or None), and on_post.
    state: tuple[tuple[str, tuple], ...] = ()
    on_post: tuple[Statement, ...] = ()
    evolution: tuple[tuple[str, tuple, tuple], ...] = ()
    bounds: tuple[tuple[str, tuple | None, tuple | None], ...] = ()
    on_post_span: tuple[int, int] | None = None
    every_step: tuple[str, ...] = ()        # variables integrated every step (not in evolution)
    timed: tuple[str, ...] = ()             # TimedArrays called, read as functions.timed_symbol

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.parameters)

    @property
    def shared(self) -> tuple[str, ...]:
        return tuple(name for name, _, shared in self.parameters if shared)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.state)

    @property
    def plastic(self) -> bool:
        """Has per-synapse state or on_post."""
        return bool(self.state or self.on_post)

    @property
    def event(self) -> bool:
        """Transmits spikes: runs on_pre for each presynaptic spike."""
        return bool(self.on_pre)

    @property
    def continuous(self) -> bool:
        """Transmits every step: adds its psp into the post neuron's sum(T)."""
        return self.psp is not None


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _pair(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _uses(rows) -> tuple[Use, ...]:
    return tuple((str(name), int(line), int(column)) for name, line, column in rows)


def _statement_record(statement: Statement) -> list:
    return [statement.target, statement.operator, statement.value, list(statement.span),
            [list(use) for use in statement.reads]]


def _statement(row) -> Statement:
    target, operator, value, span, reads = row
    return Statement(target, operator, _tuples(value), _pair(span), _uses(reads))


def info_record(info: SynapseInfo) -> dict:
    """The JSON form of a SynapseInfo (without its source: the façade holds the text)."""
    return {"name": info.name, "parameters": [list(p) for p in info.parameters],
            "on_pre": [_statement_record(s) for s in info.on_pre], "psp": info.psp,
            "reads": [list(use) for use in info.reads],
            "psp_reads": [list(use) for use in info.psp_reads],
            "on_pre_span": info.on_pre_span and list(info.on_pre_span),
            "psp_span": info.psp_span and list(info.psp_span),
            "state": [[name, tree] for name, tree in info.state],
            "on_post": [_statement_record(s) for s in info.on_post],
            "evolution": [list(row) for row in info.evolution],
            "bounds": [list(row) for row in info.bounds],
            "on_post_span": info.on_post_span and list(info.on_post_span),
            "every_step": list(info.every_step), "timed": list(info.timed)}


def info_from_record(record: dict, source: Source) -> SynapseInfo:
    return SynapseInfo(
        name=record["name"],
        parameters=tuple((n, float(v), bool(s)) for n, v, s in record["parameters"]),
        on_pre=tuple(_statement(row) for row in record["on_pre"]),
        psp=_tuples(record["psp"]), reads=_uses(record["reads"]), source=source,
        psp_reads=_uses(record["psp_reads"]), on_pre_span=_pair(record["on_pre_span"]),
        psp_span=_pair(record["psp_span"]),
        state=tuple((n, _tuples(t)) for n, t in record["state"]),
        on_post=tuple(_statement(row) for row in record["on_post"]),
        evolution=tuple((n, _tuples(a), _tuples(b)) for n, a, b in record["evolution"]),
        bounds=tuple((n, _tuples(lo), _tuples(hi)) for n, lo, hi in record["bounds"]),
        on_post_span=_pair(record["on_post_span"]),
        every_step=tuple(record.get("every_step", ())), timed=tuple(record.get("timed", ())))
