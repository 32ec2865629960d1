"""Binding a synapse to the neurons of a projection: which side each name of the synapse
means, and every mistake that only shows once the neurons are known. SymPy-free (a warm
start binds from cached records).

A name `x` written in a synapse is, in this order:
  1. `t` or `dt`: the simulation's time and step;
  2. a parameter of the synapse (w, and what its parameters section defines);
  3. a name of the post neuron (state variable, parameter or derived variable);
  4. `x_pre` / `x_post`: the variable x of the pre / post neuron.
A name written whole wins over the suffix: a synapse parameter `tau_pre` is the synapse's,
and a post variable literally called `v_pre` is the post neuron's (write the pre neuron's
`v` then through a synapse parameter or rename one of them).
"""
from __future__ import annotations

from dataclasses import dataclass

from .habits import hint as habit_hint
from .synapse_info import Statement, SynapseInfo
from .tables import POST_SUFFIX, PRE_SUFFIX, TIME_MEANINGS, TIME_NAMES, WEIGHT
from ..errors import ModelError, Source, Span, did_you_mean
from ..functions import input_name


@dataclass(frozen=True, slots=True)
class NeuronNames:
    """The names a synapse may use of one neuron model (from neuron.RuntimeInfo)."""

    name: str
    state: tuple[str, ...]
    parameters: tuple[tuple[str, bool], ...]      # name, shared
    derived: tuple[str, ...]
    inputs: tuple[str, ...] = ()                  # targets T of sum(T)
    has_spike: bool = False
    method: str = ""
    folded: tuple[str, ...] = ()   # parameters in the propagators of exact integration

    @property
    def names(self) -> tuple[str, ...]:
        return self.state + tuple(n for n, _ in self.parameters) + self.derived

    def kind_of(self, name: str) -> str | None:
        """"state", "parameter", "shared parameter", "derived", or None."""
        if name in self.state:
            return "state"
        for parameter, shared in self.parameters:
            if parameter == name:
                return "shared parameter" if shared else "parameter"
        return "derived" if name in self.derived else None


def names_of(info) -> NeuronNames:
    """NeuronNames of a neuron.RuntimeInfo (Neuron.info)."""
    folded = set().union(*(p.parameters for p in info.propagators))
    return NeuronNames(info.name, tuple(n for n, _ in info.state),
                       tuple((n, bool(s)) for n, _, s in info.parameters),
                       tuple(n for n, _ in info.assignments), tuple(info.inputs),
                       bool(info.has_spike), info.method,
                       tuple(n for n, _, _ in info.parameters if n in folded))


@dataclass(frozen=True, slots=True)
class SideName:
    """A name as written in the synapse, and what it means: `side` is "synapse", "pre",
    "post" or "time"; `name` is the name there (`v` for `v_pre`)."""

    written: str
    side: str
    name: str


@dataclass(frozen=True, slots=True)
class Binding:
    names: tuple[SideName, ...]       # every name used, once, in the order of first use
    assigned: tuple[SideName, ...]    # the targets of on_pre, in statement order
    target: str | None
    event: bool                       # runs on_pre at each presynaptic spike
    continuous: bool                  # adds psp into the post neuron's sum(target)
    assigned_post: tuple[SideName, ...] = ()   # the targets of on_post

    def of(self, written: str) -> SideName:
        return next(n for n in self.names if n.written == written)


def bind(synapse: SynapseInfo, pre: NeuronNames, post: NeuronNames,
         target: str | None) -> Binding:
    """Resolve every name of `synapse` between `pre` and `post`; ModelError (at the
    synapse's text) for on_pre from a pre neuron that never spikes, an unknown name, a name
    the neuron lacks, or an assignment that is not allowed; then ValueError for a psp
    without a target that the post neuron reads."""
    where = _Where(synapse.source)
    if synapse.event and not pre.has_spike:
        line, column = synapse.on_pre_span or (None, None)
        where.fail(line, column, len("on_pre"),
                   f"on_pre runs at each spike of the pre neuron, but '{pre.name}' has no "
                   "spike condition: the pre population never spikes",
                   "a rate-coded pre neuron transmits continuously: write "
                   "'psp: w * r_pre' (the default synapse of a rate-coded pre population)")
    own = {name: shared for name, _, shared in synapse.parameters}
    own.update({name: False for name in synapse.state_names})
    resolved: dict[str, SideName] = {}
    for written, line, column in synapse.reads:
        if written not in resolved:
            resolved[written] = _resolve(where, written, line, column, own, pre, post,
                                         synapse.name)
    assigned = tuple(_assignable(where, resolved[s.target], s, own, post)
                     for s in synapse.on_pre)
    _no_double_assignment(where, synapse.on_pre, assigned)
    assigned_post = tuple(_assignable(where, resolved[s.target], s, own, post, "on_post")
                          for s in synapse.on_post)
    if synapse.continuous:
        if target is None:
            raise ValueError(f"synapse '{synapse.name}' has a psp, which is added into the "
                             "post neuron's sum(T): give the projection a target=")
        check_target(post, target, event=False)
    return Binding(tuple(resolved.values()), assigned, target, synapse.event,
                   synapse.continuous, assigned_post)


class _Where:
    """ModelErrors at a position of the synapse's text."""

    def __init__(self, source: Source):
        self.source = source

    def fail(self, line, column, length, message, hint=None):
        span = Span(line, column, max(1, length)) if line is not None else None
        raise ModelError(message, self.source, span, hint)


def _resolve(where: _Where, written: str, line: int, column: int, own: dict[str, bool],
             pre: NeuronNames, post: NeuronNames, synapse: str) -> SideName:
    if written in TIME_NAMES:
        return SideName(written, "time", written)
    if written in own:
        return SideName(written, "synapse", written)
    if post.kind_of(written) is not None:
        return SideName(written, "post", written)
    for suffix, side, neuron in ((PRE_SUFFIX, "pre", pre), (POST_SUFFIX, "post", post)):
        base = written.removesuffix(suffix)
        if base == written or not base:
            continue
        if neuron.kind_of(base) is not None:
            return SideName(written, side, base)
        where.fail(line, column, len(written),
                   f"the {side} neuron '{neuron.name}' has no variable '{base}'",
                   f"'{neuron.name}' has: " + (", ".join(neuron.names) or "no variables")
                   + (f" ({did_you_mean(base, neuron.names)})"
                      if did_you_mean(base, neuron.names) else ""))
    known = list(own) + list(post.names) + list(TIME_NAMES) + \
        [n + PRE_SUFFIX for n in pre.names] + [n + POST_SUFFIX for n in post.names]
    where.fail(line, column, len(written),
               f"unknown name '{written}': neither a parameter of synapse '{synapse}' nor a "
               f"name of the post neuron '{post.name}'",
               habit_hint("name", written) or did_you_mean(written, known) or
               "the pre neuron's variables are written x_pre (e.g. v_pre), the post "
               f"neuron's x or x_post; known here: {', '.join(sorted(set(known)))}")


def _assignable(where: _Where, name: SideName, statement: Statement, own: dict[str, bool],
                post: NeuronNames, section: str = "on_pre") -> SideName:
    """`v_pre += w`, `t = 0`, a shared parameter, a derived variable: not assignable; on_post
    changes the synapse's own values only."""
    line, column = statement.span
    written = statement.target
    problem = None
    if section == "on_post" and name.side in ("pre", "post"):
        problem = ("on_post changes the synapse's own values",
                   "on_post runs at each spike of the post neuron for each of its synapses: "
                   "change w or the synapse's variables there (the post neuron's own reset "
                   "changes the neuron)")
    elif name.side == "time":
        problem = (f"it is reserved (the simulation's {TIME_MEANINGS[written]})",
                   "on_pre changes variables of the post neuron or of the synapse")
    elif name.side == "pre":
        problem = ("a synapse cannot change its presynaptic neuron",
                   "on_pre changes the post neuron (g_exc += w, v_post += w) or the "
                   "synapse's own per-synapse parameters")
    elif name.side == "synapse" and own[name.name]:
        problem = ("it is a parameter shared by the whole projection",
                   "remove ': shared' to give every synapse its own value")
    elif name.side == "post" and post.kind_of(name.name) == "shared parameter":
        problem = (f"it is a parameter of '{post.name}' shared by the whole post population",
                   "remove ': shared' from it in the neuron to give each neuron its own value")
    elif name.side == "post" and post.kind_of(name.name) == "derived":
        problem = (f"it is a derived variable of '{post.name}' (it follows the state)",
                   "change the state variables it depends on")
    elif name.side == "post" and name.name in post.folded:
        problem = (f"'{post.name}' integrates with method {post.method}, whose propagator "
                   f"(a matrix exponential computed once per run) holds {name.name} "
                   "constant over a run",
                   f"make {name.name} a state variable of '{post.name}' (say "
                   f"'d{name.name}/dt = 0', or a decay), or choose another method")
    if problem is not None:
        where.fail(line, column, len(written), f"cannot assign '{written}': {problem[0]}",
                   problem[1])
    return name


def _no_double_assignment(where: _Where, statements, assigned) -> None:
    """`g_exc += w; g_exc_post += w`: two statements change one variable."""
    seen: dict[tuple[str, str], Statement] = {}
    for statement, name in zip(statements, assigned):
        key = (name.side, name.name)
        if key in seen:
            first = seen[key]
            where.fail(*statement.span, len(statement.target),
                       f"'{statement.target}' and '{first.target}' are the same variable, "
                       "assigned twice in on_pre",
                       f"combine the statements (first on line {first.span[0]})")
        seen[key] = statement


# ---- targets and default synapses -----------------------------------------------------

def event_variable(target: str) -> str:
    """The post neuron's variable that the default event synapse of `target` changes."""
    return f"g_{target}"


def check_target(post: NeuronNames, target: str, event: bool) -> None:
    """A projection onto `target` needs the post neuron to use it: a variable g_T that
    spikes change (`event`), or sum(T) for continuous transmission. ValueError naming the
    names looked for."""
    if not isinstance(target, str) or not target.isidentifier():
        raise ValueError(f"target must be a name such as 'exc', not {target!r}")
    variable, total = event_variable(target), input_name(target)
    kind = post.kind_of(variable)
    if event and kind in ("state", "parameter"):
        return
    if not event and target in post.inputs:
        return
    has = [input_name(t) for t in post.inputs] + [
        n for n in post.names if n.startswith("g_") and post.kind_of(n) in ("state", "parameter")]
    if event:
        why = {"derived": f"'{variable}' is a derived variable, which spikes cannot change",
               "shared parameter": f"'{variable}' is a shared parameter, which spikes "
                                   "cannot change"}.get(kind, f"it has no variable '{variable}'")
        also = (f"; it reads {total}, which takes continuous transmission (a rate-coded "
                "pre population, or a synapse with psp)" if target in post.inputs else "")
    else:
        why = f"it never reads {total}"
        also = (f"; it has '{variable}', which the spikes of a spiking pre population change"
                if kind is not None else "")
    raise ValueError(f"post neuron '{post.name}' does not use target '{target}': {why}{also} "
                     f"(looked for {variable} and {total}; it has "
                     + (", ".join(has) if has else "no inputs and no g_ variables") + ")")


def default_event_text(target: str) -> str:
    return f"on_pre: {event_variable(target)} += {WEIGHT}\n"


def default_continuous_text() -> str:
    return f"psp: {WEIGHT} * r{PRE_SUFFIX}\n"


DEFAULT_EVENT_NAME = "DefaultEvent"
DEFAULT_CONTINUOUS_NAME = "DefaultContinuous"


def default_event_synapse(target: str) -> SynapseInfo:
    """`on_pre: g_T += w`: the synapse of Projection(pre, post, target=T) when pre spikes.
    Built without SymPy; equal to Synapse(default_event_text(T), name="DefaultEvent").info."""
    if not isinstance(target, str) or not target.isidentifier():
        raise ValueError(f"target must be a name such as 'exc', not {target!r}")
    variable = event_variable(target)
    text = default_event_text(target)
    column = text.index(variable) + 1
    weight = (WEIGHT, 1, text.index(WEIGHT, column) + 1)
    statement = Statement(variable, "+=", ("add", ("sym", variable), ("sym", WEIGHT)),
                          (1, column), (weight,))
    return SynapseInfo(DEFAULT_EVENT_NAME, ((WEIGHT, 1.0, False),), (statement,), None,
                       ((variable, 1, column), weight), Source(text),
                       on_pre_span=(1, 1))


def default_continuous_synapse() -> SynapseInfo:
    """`psp: w * r_pre`: the synapse of Projection(pre, post, target=T) when pre is
    rate-coded (no spike condition). Equal to
    Synapse(default_continuous_text(), name="DefaultContinuous").info."""
    text = default_continuous_text()
    rate = "r" + PRE_SUFFIX
    reads = ((WEIGHT, 1, text.index(WEIGHT) + 1), (rate, 1, text.index(rate) + 1))
    return SynapseInfo(DEFAULT_CONTINUOUS_NAME, ((WEIGHT, 1.0, False),), (),
                       ("mul", ("sym", rate), ("sym", WEIGHT)), reads, Source(text),
                       psp_reads=reads, psp_span=(1, 1))
