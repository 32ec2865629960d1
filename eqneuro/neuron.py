"""The public Neuron: model text -> checked model, chosen method, and compiled kernels."""
from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass

from .errors import ModelError, Source
from .compile.modelcache import load_record, model_key, save_record
from .lang.parser import normalise
from .lang.tables import METHOD_NAMES, sections_of
from .compile.propagators import PropagatorInfo
from .timed_array import TimedArrays, checked_timed_arrays, unused_message


@dataclass(frozen=True, slots=True)
class RuntimeInfo:
    """What a Population needs at run time, with expressions as op-trees (no SymPy)."""

    name: str
    method: str
    parameters: tuple[tuple[str, float, bool], ...]      # name, default, shared
    state: tuple[tuple[str, tuple], ...]                  # name, init tree
    assignments: tuple[tuple[str, tuple], ...]            # name, value tree (ordered)
    has_spike: bool
    has_refractory: bool
    propagators: tuple[PropagatorInfo, ...] = ()         # exact integration: expm per run
    inputs: tuple[str, ...] = ()     # targets T of sum(T), first use first; each is read as
                                     # the name functions.input_name(T) in the op-trees
    timed: tuple[str, ...] = ()      # TimedArrays called, name(t): read as the name
                                     # functions.timed_symbol(name) in the op-trees


def _section_text(kind: str, value, owner: str = "Neuron") -> str:
    if kind == "refractory" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{kind}: {float(value)!r}\n"
    if not isinstance(value, str):
        raise TypeError(f"{owner}({kind}=...) must be a string"
                        + (" or a number" if kind == "refractory" else "")
                        + f", not {type(value).__name__}")
    body = textwrap.dedent(value).strip("\n")
    if "\n" not in body.strip():
        return f"{kind}: {body.strip()}\n"
    return f"{kind}:\n" + textwrap.indent(body, "    ") + "\n"


_NEEDS = {"neuron": "equations=...", "synapse": "on_pre=... or psp=..."}


def assemble(sections: dict[str, object], name: str | None, kind: str = "neuron") -> str:
    """The model text for the keyword form of Neuron(...) (or Synapse(...): kind="synapse")."""
    owner = kind.capitalize()
    parts = [_section_text(section, sections[section], owner) for section in sections_of(kind)
             if sections.get(section) is not None]
    if not parts:
        raise ValueError(f"{owner}() needs a model text or at least {_NEEDS[kind]}")
    if name is None:
        return "".join(parts)
    if not name.isidentifier():
        raise ValueError(f"{owner} name {name!r} must be an identifier")
    return f"{kind} {name}:\n" + textwrap.indent("".join(parts), "    ")


def model_text(text, keyword_sections: dict[str, object], name, kind: str = "neuron"):
    """(text, selected name) of Neuron(...) / Synapse(...): the text as given, with `name`
    selecting one model of it, or the text assembled from the keyword sections."""
    owner = kind.capitalize()
    if text is not None and not isinstance(text, str):
        raise TypeError(f"{owner}(text) needs a string, not {type(text).__name__}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, not {type(name).__name__}")
    if text is None:
        return assemble(keyword_sections, name, kind), None
    given = [k for k, v in keyword_sections.items() if v is not None]
    if given:
        raise TypeError(f"give either a {kind} text or sections as keywords, not both "
                        f"(got text and {', '.join(given)})")
    return text, name


class Neuron:
    """A neuron model written as text equations.

    `Neuron(text)` takes the sections of a model file (optionally under `neuron Name:`);
    `Neuron(parameters=..., equations=..., spike=..., reset=..., refractory=..., functions=...,
    method=..., name=...)` takes them one by one. Invalid text raises `eqneuro.ModelError`.
    `timed_arrays={"stim": eq.TimedArray(values, dt)}` lets the text call `stim(t)`.
    """

    def __init__(self, text: str | None = None, *, parameters=None, equations=None,
                 functions=None, spike=None, reset=None, refractory=None, method=None,
                 name: str | None = None, file: str | None = None, timed_arrays=None):
        keyword_sections = dict(parameters=parameters, equations=equations, functions=functions,
                                spike=spike, reset=reset, refractory=refractory)
        if method is not None and not isinstance(method, str):
            raise TypeError("method must be a string such as 'rk4'")
        text, selected = model_text(text, keyword_sections, name)
        timed = checked_timed_arrays(timed_arrays, "Neuron")
        self._source = Source(normalise(text), file)
        self._selected = selected
        self._name_given = name
        self._requested_method = method
        self._timed_names = tuple(sorted(timed))
        self._key = model_key(self._source.text, selected, name, method, self._timed_names)
        record = load_record(self._key)
        if record is None:
            record = _record_of(self._analysis())
            save_record(self._key, record)
        self._record = record
        self._info = _info_of(record)
        unused_message(timed, self._info.timed, "neuron")
        self._timed = TimedArrays(timed)

    def _analysis(self) -> "_Analysed":
        """The full analysis (SymPy); skipped on a warm start until something needs it."""
        return _analyse(self._source, self._selected, self._name_given, self._requested_method,
                        self._timed_names)

    @property
    def timed_arrays(self) -> "TimedArrays":
        """The TimedArrays the model calls, by name; one may be replaced by another
        (`neuron.timed_arrays["stim"] = eq.TimedArray(...)`) between runs."""
        return self._timed

    @property
    def model(self):
        """The checked NeuronModel (ODEs solved for d/dt, assignments ordered)."""
        return self._analysis().model

    @property
    def plan(self):
        """The UpdatePlan: the integration method's statements for one step."""
        return self._analysis().plan

    @property
    def name(self) -> str:
        return self._info.name

    @property
    def method(self) -> str:
        """The integration method actually used."""
        return self._info.method

    @property
    def usable_methods(self) -> tuple[str, ...]:
        """Every integration method that can integrate this model (analysed on demand)."""
        numeric = self._analysis().numeric
        return tuple(m for m in METHOD_NAMES if _integrates(numeric, m))

    @property
    def text(self) -> str:
        return self._source.text

    @property
    def file(self) -> str | None:
        return self._source.file

    @property
    def parameters(self) -> dict[str, float]:
        return {name: value for name, value, _ in self._info.parameters}

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._info.state)

    @property
    def derived(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._info.assignments)

    @property
    def info(self) -> RuntimeInfo:
        return self._info

    def check_dt(self, dt: float, duration: float, **values):
        """Simulate the neuron at dt, dt/2 and dt/4 for `duration` ms (`values` set
        parameters) and report the observed order of convergence and the spike-time drift
        (an eq.DtCheck; print it)."""
        import eqneuro      # the simulations use the public API (eq.Network, eq.Population)
        return eqneuro.DtCheck.measure(self, dt, duration, **values)

    def __str__(self) -> str:
        return self._record["text"]

    def __repr__(self) -> str:
        return (f"<Neuron {self.name}: {len(self.variables)} state variable(s) "
                f"{', '.join(self.variables)}; method {self.method}>")

    def _repr_latex_(self) -> str:
        return self._record["latex"]

    def __eq__(self, other):
        return isinstance(other, Neuron) and self._key == other._key

    def __hash__(self):
        return hash(self._key)


@dataclass(frozen=True, eq=False)
class _Analysed:
    model: object
    numeric: object
    plan: object
    written: object = None


@functools.lru_cache(maxsize=256)
def _analyse(source: Source, selected: str | None, name: str | None, method: str | None,
             timed: tuple[str, ...] = ()):
    from .lang.analysis import analyse_neuron, check_variants, find_neuron
    from .errors import did_you_mean
    from .compile.methods import Unsupported, plan
    from .compile.regularise import regularise
    from .lang.transform import to_ast

    if method is not None and method not in METHOD_NAMES:
        close = did_you_mean(method, METHOD_NAMES)
        raise ValueError(f"unknown method {method!r}" + (f"; {close}" if close else "")
                         + f" (methods: {', '.join(METHOD_NAMES)})")
    tree = to_ast(source)
    check_variants(tree)
    if all(d.name is None for d in tree.neurons):
        selected = None             # sections without `neuron X:`: name= names the neuron
    decl = find_neuron(tree, selected)
    model = analyse_neuron(tree, decl, default_name=name or "Neuron", timed=timed)
    numeric = regularise(model)
    try:
        update = plan(numeric, method)
        if method is None and model.method is None and update.method == "rk4":
            from .compile.stability import automatic_method
            stiff = automatic_method(numeric, lambda m: _integrates(numeric, m))
            update = plan(numeric, stiff) if stiff else update
    except Unsupported as why:
        chosen = method or model.method
        working = [m for m in METHOD_NAMES if m != chosen and _integrates(numeric, m)]
        raise ModelError(f"method '{chosen}' cannot integrate this model: {why}", source,
                         _method_span(decl, source),
                         "methods that can: " + ", ".join(repr(m) for m in working)) from None
    from .lang.display import written_of
    return _Analysed(model, numeric, update,
                     written_of(source, decl.name))


def _integrates(model, method: str) -> bool:
    from .compile.methods import Unsupported, plan
    try:
        plan(model, method)
    except Unsupported:
        return False
    return True


def _method_span(decl, source):
    """Where the method was asked for in the text (None when given as method=)."""
    for section in decl.sections:
        if section.kind == "method":
            return section.items[0].span
    return None


def _record_of(analysed: _Analysed) -> dict:
    """What the model cache stores: the runtime info and the printed forms (JSON)."""
    from .lang.display import model_latex, model_text
    from .evaluate import to_tree
    model, numeric, plan = analysed.model, analysed.numeric, analysed.plan
    return {
        "name": model.name, "method": plan.method,
        "parameters": [[p.name, p.value, p.shared] for p in model.parameters],
        "state": [[s.name, to_tree(s.init)] for s in numeric.state],
        "assignments": [[a.name, to_tree(a.value)] for a in numeric.assignments],
        "has_spike": model.spike is not None, "has_refractory": model.refractory is not None,
        "inputs": list(model.inputs), "timed": list(model.timed),
        "propagators": [[[[to_tree(entry) for entry in row] for row in p.matrix],
                         [[i, j, symbol.name] for i, j, symbol in p.outputs], p.kind]
                        for p in plan.propagators],
        "text": model_text(model, plan.method, analysed.written),
        "latex": model_latex(model, plan.method, analysed.written)}


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _info_of(record: dict) -> RuntimeInfo:
    return RuntimeInfo(
        name=record["name"], method=record["method"],
        parameters=tuple((n, float(v), bool(s)) for n, v, s in record["parameters"]),
        state=tuple((n, _tuples(t)) for n, t in record["state"]),
        assignments=tuple((n, _tuples(t)) for n, t in record["assignments"]),
        has_spike=record["has_spike"], has_refractory=record["has_refractory"],
        propagators=tuple(PropagatorInfo(_tuples(matrix), tuple((i, j, n) for i, j, n in outputs),
                                         kind)
                          for matrix, outputs, kind in record["propagators"]),
        inputs=tuple(record["inputs"]), timed=tuple(record["timed"]))
