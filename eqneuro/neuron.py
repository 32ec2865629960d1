"""The public Neuron: model text -> checked model, chosen method, and compiled kernels."""
from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass

from .errors import ModelError, Source
from .parser import normalise

SECTION_ORDER = ("parameters", "functions", "equations", "spike", "reset", "refractory",
                 "method")


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


def _section_text(kind: str, value) -> str:
    if kind == "refractory" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{kind}: {float(value)!r}\n"
    if not isinstance(value, str):
        raise TypeError(f"Neuron({kind}=...) must be a string"
                        + (" or a number" if kind == "refractory" else "")
                        + f", not {type(value).__name__}")
    body = textwrap.dedent(value).strip("\n")
    if "\n" not in body.strip():
        return f"{kind}: {body.strip()}\n"
    return f"{kind}:\n" + textwrap.indent(body, "    ") + "\n"


def assemble(sections: dict[str, object], name: str | None) -> str:
    """The model text for the keyword form of Neuron(...)."""
    parts = [_section_text(kind, sections[kind]) for kind in SECTION_ORDER
             if sections.get(kind) is not None]
    if not parts:
        raise ValueError("Neuron() needs a model text or at least equations=...")
    if name is None:
        return "".join(parts)
    if not name.isidentifier():
        raise ValueError(f"Neuron name {name!r} must be an identifier")
    return f"neuron {name}:\n" + textwrap.indent("".join(parts), "    ")


class Neuron:
    """A neuron model written as text equations.

    `Neuron(text)` takes the sections of a model file (optionally under `neuron Name:`);
    `Neuron(parameters=..., equations=..., spike=..., reset=..., refractory=..., functions=...,
    method=..., name=...)` takes them one by one. Invalid text raises `eqneuro.ModelError`.
    """

    def __init__(self, text: str | None = None, *, parameters=None, equations=None,
                 functions=None, spike=None, reset=None, refractory=None, method=None,
                 name: str | None = None, file: str | None = None):
        keyword_sections = dict(parameters=parameters, equations=equations, functions=functions,
                                spike=spike, reset=reset, refractory=refractory)
        if text is not None and not isinstance(text, str):
            raise TypeError(f"Neuron(text) needs a string, not {type(text).__name__}")
        if method is not None and not isinstance(method, str):
            raise TypeError("method must be a string such as 'rk4'")
        if text is None:
            text = assemble(keyword_sections, name)
            selected = None
        else:
            given = [k for k, v in keyword_sections.items() if v is not None]
            if given:
                raise TypeError(f"give either a model text or sections as keywords, not both "
                                f"(got text and {', '.join(given)})")
            selected = name
        self._source = Source(normalise(text), file)
        self._selected = selected
        self._requested_method = method
        self._analysed = _analyse(self._source, selected, name, method)

    # ---- the stages, computed once per distinct text (functools.cache in _analyse) -----
    @property
    def model(self):
        """The checked NeuronModel (ODEs solved for d/dt, assignments ordered)."""
        return self._analysed.model

    @property
    def plan(self):
        return self._analysed.plan

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def method(self) -> str:
        """The integration method actually used."""
        return self.plan.method

    @property
    def text(self) -> str:
        return self._source.text

    @property
    def file(self) -> str | None:
        return self._source.file

    @property
    def parameters(self) -> dict[str, float]:
        return {p.name: p.value for p in self.model.parameters}

    @property
    def variables(self) -> tuple[str, ...]:
        return self.model.state_names

    @property
    def derived(self) -> tuple[str, ...]:
        return self.model.assignment_names

    @property
    def info(self) -> RuntimeInfo:
        return self._analysed.info

    def kernel(self, layout):
        """The compiled kernel module for a Layout (built or loaded from the cache)."""
        import dataclasses
        import time
        start = time.perf_counter()
        result = _kernel(self._analysed, layout)
        elapsed = time.perf_counter() - start
        if elapsed < result.seconds:      # served from this process's memory
            return dataclasses.replace(result, cache_hit=True, seconds=elapsed)
        return result

    def __str__(self) -> str:
        from .display import model_text
        return model_text(self.model, self.method)

    def __repr__(self) -> str:
        return (f"<Neuron {self.name}: {len(self.variables)} state variable(s) "
                f"{', '.join(self.variables)}; method {self.method}>")

    def _repr_latex_(self) -> str:
        from .display import model_latex
        return model_latex(self.model, self.method)

    def __eq__(self, other):
        return isinstance(other, Neuron) and self._analysed is other._analysed

    def __hash__(self):
        return hash(self._analysed)


@dataclass(frozen=True, eq=False)
class _Analysed:
    model: object
    numeric: object
    plan: object
    info: RuntimeInfo
    key: str


@functools.lru_cache(maxsize=256)
def _analyse(source: Source, selected: str | None, name: str | None, method: str | None):
    from .analysis import METHOD_NAMES, analyse_neuron, check_variants, find_neuron
    from .errors import did_you_mean
    from .evaluate import to_tree
    from .methods import Unsupported, plan
    from .regularise import regularise
    from .transform import to_ast

    if method is not None and method not in METHOD_NAMES:
        raise ValueError(f"unknown method {method!r}; "
                         + (did_you_mean(method, METHOD_NAMES) or "")
                         + f" (methods: {', '.join(METHOD_NAMES)})")
    tree = to_ast(source)
    check_variants(tree)
    decl = find_neuron(tree, selected)
    model = analyse_neuron(tree, decl, default_name=name or "Neuron")
    numeric = regularise(model)
    try:
        update = plan(numeric, method)
    except Unsupported as why:
        chosen = method or model.method
        raise ModelError(f"method '{chosen}' cannot integrate this model: {why}", source,
                         None, "choose another method, e.g. 'rk4' or 'euler'") from None
    info = RuntimeInfo(
        name=model.name, method=update.method,
        parameters=tuple((p.name, p.value, p.shared) for p in model.parameters),
        state=tuple((s.name, to_tree(s.init)) for s in numeric.state),
        assignments=tuple((a.name, to_tree(a.value)) for a in numeric.assignments),
        has_spike=model.spike is not None, has_refractory=model.refractory is not None)
    key = f"{source.text}\0{selected}\0{name}\0{method}"
    return _Analysed(model, numeric, update, info, key)


@functools.lru_cache(maxsize=256)
def _kernel(analysed: _Analysed, layout):
    from .build import build
    from .codegen import kernel_spec, render
    source = render(kernel_spec(analysed.numeric, analysed.plan, layout))
    return build(source)
