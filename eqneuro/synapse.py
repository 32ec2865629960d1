"""The public Synapse: synapse text -> checked model, and the SymPy-free SynapseInfo that a
projection binds to its neurons (lang/binding.py)."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from .compile.modelcache import load_record, model_key, save_record
from .errors import Source
from .lang.parser import normalise
from .lang.synapse_info import SynapseInfo, info_from_record, info_record
from .neuron import model_text
from .timed_array import TimedArrays, checked_timed_arrays, unused_message


def one_dimensional(name: str, array) -> None:
    """A synapse reads a TimedArray as one value for the whole projection."""
    if array.neurons is not None:
        raise ValueError(f"the TimedArray {name!r} of a synapse must be 1-D (one value for "
                         f"every synapse), not {array.values.shape[0]} x {array.neurons}")


def synapse_key(text: str, selected: str | None, name: str | None,
                timed: tuple[str, ...] = ()) -> str:
    """The model-cache key of a synapse (never the key of a neuron of the same text)."""
    neuron_key = model_key(text, selected, name, None, timed)
    return hashlib.sha256(f"synapse\0{neuron_key}".encode()).hexdigest()[:32]


class Synapse:
    """A synapse model written as text: what a projection does with each presynaptic spike
    (`on_pre`) or every step (`psp`, into the post neuron's sum(T)).

    `Synapse(text)` takes the sections of a synapse (optionally under `synapse Name:`, or
    a file's text with `name=` selecting one); `Synapse(parameters=..., equations=...,
    on_pre=..., on_post=..., psp=..., name=...)` takes them one by one. Per-synapse
    variables (`equations:`) and `on_post` make it plastic. Every synapse has the weight parameter `w`
    (default 1.0). Invalid text raises `eqneuro.ModelError`. `timed_arrays={"gate":
    eq.TimedArray(values, dt)}` (1-D) lets on_pre, on_post and psp call `gate(t)`.
    """

    def __init__(self, text: str | None = None, *, parameters=None, equations=None,
                 on_pre=None, on_post=None, psp=None, name: str | None = None,
                 file: str | None = None, timed_arrays=None):
        keyword_sections = dict(parameters=parameters, equations=equations, on_pre=on_pre,
                                on_post=on_post, psp=psp)
        text, selected = model_text(text, keyword_sections, name, "synapse")
        timed = checked_timed_arrays(timed_arrays, "Synapse")
        for array_name, array in timed.items():
            one_dimensional(array_name, array)
        self._source = Source(normalise(text), file)
        self._selected = selected
        self._name_given = name
        self._timed_names = tuple(sorted(timed))
        self._key = synapse_key(self._source.text, selected, name, self._timed_names)
        record = load_record(self._key)
        if record is None or record.get("kind") != "synapse":
            record = _record_of(self._analysis())
            save_record(self._key, record)
        self._record = record
        self._info = info_from_record(record["info"], self._source)
        unused_message(timed, self._info.timed, "synapse")
        self._timed = TimedArrays(timed)

    @property
    def timed_arrays(self) -> TimedArrays:
        """The TimedArrays the synapse calls, by name (replaceable, as for a Neuron)."""
        return self._timed

    @classmethod
    def _from_info(cls, info: SynapseInfo) -> "Synapse":
        """The Synapse of a SynapseInfo built without SymPy (lang.binding's defaults): the
        same object as Synapse(info.source.text, name=info.name), made without analysing
        the text until its model or printed form is asked for."""
        synapse = cls.__new__(cls)
        synapse._source = info.source
        synapse._selected = synapse._name_given = info.name
        synapse._key = synapse_key(info.source.text, info.name, info.name)
        synapse._record = load_record(synapse._key) or {"kind": "synapse"}
        synapse._info = info
        synapse._timed_names, synapse._timed = (), TimedArrays({})
        return synapse

    def _analysis(self):
        """The full analysis (SymPy); skipped on a warm start until something needs it."""
        return _analyse(self._source, self._selected, self._name_given, self._timed_names)

    @property
    def model(self):
        """The checked SynapseModel (SymPy expressions over the names as written)."""
        return self._analysis().model

    @property
    def info(self) -> SynapseInfo:
        return self._info

    @property
    def name(self) -> str:
        return self._info.name

    @property
    def parameters(self) -> dict[str, float]:
        return {name: value for name, value, _ in self._info.parameters}

    @property
    def shared(self) -> tuple[str, ...]:
        """The parameters with one value for the whole projection."""
        return self._info.shared

    @property
    def text(self) -> str:
        return self._source.text

    @property
    def file(self) -> str | None:
        return self._source.file

    def __str__(self) -> str:
        if "text" not in self._record:
            self._record = _record_of(self._analysis())
        return self._record["text"]

    def __repr__(self) -> str:
        kinds = [k for k, on in (("on_pre", self._info.event), ("on_post", self._info.on_post),
                                 ("psp", self._info.continuous)) if on]
        if self._info.state:
            kinds.insert(0, "variables " + ", ".join(self._info.state_names))
        return (f"<Synapse {self.name}: {' and '.join(kinds)}; "
                f"parameters {', '.join(self.parameters)}>")

    def __eq__(self, other):
        return isinstance(other, Synapse) and self._key == other._key

    def __hash__(self):
        return hash(self._key)


@functools.lru_cache(maxsize=256)
def _analyse(source: Source, selected: str | None, name: str | None,
             timed: tuple[str, ...] = ()):
    from .lang.synapse_analysis import analyse_synapse
    from .lang.transform import to_ast
    from .lang.variants import check_variants, find_declaration

    tree = to_ast(source)
    check_variants(tree)
    if all(d.name is None for d in tree.declarations):
        selected = None             # sections without `synapse X:`: name= names the synapse
    decl = find_declaration(tree, selected, "synapse")
    analysed = analyse_synapse(tree, decl, default_name=name or "Synapse", timed=timed)
    return _Analysed(analysed.model, analysed.info, decl.name)


@dataclass(frozen=True, eq=False)
class _Analysed:
    model: object
    info: SynapseInfo
    declaration: str | None       # the name the text gives the synapse, if any


def _record_of(analysed: _Analysed) -> dict:
    from .lang.display import synapse_text, written_synapse
    written = written_synapse(analysed.info.source, analysed.declaration)
    return {"kind": "synapse", "info": info_record(analysed.info),
            "text": synapse_text(analysed.model, written)}
