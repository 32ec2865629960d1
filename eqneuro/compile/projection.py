"""One projection's part of a network kernel: the delivery of spikes (event transmission,
`on_pre`) and the sums over postsynaptic rows (continuous transmission, `psp`), as printed
statements for the template's loops (templates/projection.pyx.j2).

A synapse statement is a neuron statement with index maps: `g_exc` of the post neuron is
`p1_s_g_exc[_j]`, `w` of a synapse `j0_y_w[_k]`, `r_pre` (derived) a snapshot
`j0_snap_pre_r[_i]` taken at the start of the step: each a local copy of the _Net field of
that name (a restrict pointer, so that the loops keep values in registers). Spikes of a
step are delivered for each delay slot from the oldest emission to the newest, each in
neuron order, each neuron's synapses in synapse order: a fixed order, so threads never
change a float sum."""
from __future__ import annotations

import sympy

from ..functions import draw_kind, draw_order, input_target, symbol, timed_name
from .codegen import C_TYPES
from .kernel_abi import TIMED_FIELDS, timed_field
from .kernel import (DenseSum, Delivery, EveryStep, Field, PostEvents, ProjectionBlock,
                     RowSum, SynapseRecord)
from .kernel_abi import (c_name, field_name, input_pointer, monitor_buffer, parameter_pointer,
                         snapshot_pointer, state_pointer, synapse_pointer)
from .printer import CythonPrinter
from .structure import NetworkStructure, ProjectionPart
from .synapse_variables import ELAPSED, VariablePrinting, closed_form

INDEX = {"pre": "_i", "post": "_j", "synapse": "_k"}


class _Sides(VariablePrinting):
    """C spellings of the names a synapse uses, and the inlining of derived variables. Every
    _Net field a spelling reads is noted (with its kind) for the function's loads."""

    def __init__(self, index: int, part: ProjectionPart, structure: NetworkStructure,
                 synapse_model, models: dict[str, object]):
        self.prefix = f"j{index}"
        self.part, self.structure, self.models = part, structure, models
        self.synapse_model = synapse_model
        self.population = {"pre": part.pre, "post": part.post}
        self.snapshots: list[tuple[str, str]] = []         # (side, derived name)
        self.used: dict[str, str] = {}                     # field -> kind
        self.gathered: dict[str, None] = {}                # per-synapse arrays read at [_k]
        self.decays: list[str] = []                        # locals exp(a*D) per synapse
        self.constants: list[tuple[str, str]] = []         # (local, printed value)
        found = {x.name for st in synapse_model.on_pre for x in st.value.free_symbols
                 if draw_kind(x)}
        continuous = {x.name for x in getattr(synapse_model.psp, "free_symbols", ())
                      if draw_kind(x)}
        # on_pre's random calls, then the psp's: draw k of the projection's stream
        after = {x.name for st in synapse_model.on_post for x in st.value.free_symbols
                 if draw_kind(x)}
        self.event_draws = tuple(sorted(found, key=draw_order))
        self.psp_draws = tuple(sorted(continuous, key=draw_order))
        self.post_draws = tuple(sorted(after, key=draw_order))
        self.draws = self.event_draws + self.psp_draws + self.post_draws
        targets = {st.target for st in synapse_model.on_pre + synapse_model.on_post}
        # per-synapse values that events or every-step updates change: a psp reads them
        # where they are (through _cperm), not from the per-run copies in post order
        self.changed = {name for written, side, name in part.names
                        if side == "synapse" and written in targets}
        self.changed |= set(synapse_model.every_step)

    def field(self, argument: str) -> str:
        return field_name(self.prefix, argument)

    def use(self, field: str, kind: str) -> str:
        """The local copy of _Net field `field`."""
        self.used[field] = kind
        return field

    def loads(self) -> tuple[str, ...]:
        """The locals used since the last call, in first-use order, then the constants of
        the function (computed once per call from them); `gathered` and `decays` start
        again too."""
        lines = tuple(f"cdef {C_TYPES[kind]} {name} = _net.{name}"
                      for name, kind in self.used.items())
        lines += tuple(f"cdef double {name} = {value}" for name, value in self.constants)
        self.used, self.constants, self.gathered, self.decays = {}, [], {}, []
        return lines

    def per_synapse(self, field: str) -> str:
        """Element _k of the per-synapse array `field`."""
        self.gathered[field] = None
        return f"{self.use(field, 'd')}[_k]"

    def own(self, name: str) -> str:
        if name in self.part.array_parameters:
            return self.per_synapse(self.field(synapse_pointer(name)))
        return self.use(self.field(c_name(name)), "f")

    def neuron(self, side: str, name: str) -> str:
        k = self.population[side]
        prefix, model = f"p{k}", self.models[side]
        index = INDEX[side]
        layout = self.structure.populations[k].layout
        if name in model.state_names:
            return f"{self.use(field_name(prefix, state_pointer(name)), 'd')}[{index}]"
        if name in model.parameter_names:
            if name in layout.array_parameters:
                return f"{self.use(field_name(prefix, parameter_pointer(name)), 'd')}[{index}]"
            return self.use(field_name(prefix, c_name(name)), "f")
        raise KeyError(name)

    def inputs(self, side: str, target: str) -> str:
        """The local of a population's sum(target) array."""
        return self.use(field_name(f"p{self.population[side]}", input_pointer(target)), "d")

    def snapshot(self, side: str, name: str) -> str:
        return self.use(self.field(snapshot_pointer(side, name)), "d")

    def draw_number(self, name: str) -> int:
        return self.draws.index(name)

    def repeats(self) -> bool:
        """The pre population may emit several events per neuron and step (an event
        source): they are adjacent in the spike list, and each has its own draws."""
        return self.models["pre"].spike_counts

    def draw_lines(self) -> tuple[str, ...]:
        """on_pre's draws, per synapse _k (in the kernel's presynaptic order) and delivery
        step: this projection's stream is 2^31 + its index (populations have their index);
        the r-th event of a neuron in one step (r = _rep) takes draws r*len + k."""
        if not self.event_draws:
            return ()
        k0, k1 = self.use(self.field("_key0"), "u"), self.use(self.field("_key1"), "u")
        repeat = f" + _rep * {len(self.event_draws)}" if self.repeats() else ""
        return tuple(f"_rnd{k} = eq_{draw_kind(name)}({k0}, {k1}, {self.stream()}, "
                     f"{k}{repeat}, _g, _k)" for k, name in enumerate(self.event_draws))

    def psp_draws_printed(self) -> tuple[tuple[str, str], ...]:
        """(local, draw) of the psp's draws, per synapse _k (in the postsynaptic order of the
        rows) and step, numbered after on_pre's."""
        if not self.psp_draws:
            return ()
        k0, k1 = self.use(self.field("_key0"), "u"), self.use(self.field("_key1"), "u")
        first = len(self.event_draws)
        return tuple((f"_rnd{first + k}", f"eq_{draw_kind(name)}({k0}, {k1}, {self.stream()}, "
                      f"{first + k}, _g, _k)") for k, name in enumerate(self.psp_draws))

    def post_draw_lines(self) -> tuple[str, ...]:
        """on_post's draws, per synapse _k and step, numbered after the psp's."""
        if not self.post_draws:
            return ()
        k0, k1 = self.use(self.field("_key0"), "u"), self.use(self.field("_key1"), "u")
        first = len(self.event_draws) + len(self.psp_draws)
        return tuple(f"_rnd{first + k} = eq_{draw_kind(name)}({k0}, {k1}, {self.stream()}, "
                     f"{first + k}, _g, _k)" for k, name in enumerate(self.post_draws))

    def stream(self) -> int:
        return (1 << 31) + int(self.prefix[1:])

    def expression(self, expr, snapshot: bool) -> sympy.Expr:
        """`expr` over side-qualified symbols `side:name` (derived variables inlined or, in
        sums, read from snapshots)."""
        replacements = {}
        for written, side, name in self.part.names:
            if side == "time":                    # t and dt: the printer's own names
                continue
            if side == "synapse":
                replacements[symbol(written)] = sympy.Symbol(f"synapse:{name}", real=True)
                continue
            model = self.models[side]
            if name in model.assignment_names:
                if snapshot and side == "pre":
                    if (side, name) not in self.snapshots:
                        self.snapshots.append((side, name))
                    replacements[symbol(written)] = sympy.Symbol(f"snap:{name}", real=True)
                else:
                    replacements[symbol(written)] = self.qualified(
                        side, model.inline_assignments(symbol(name)))
            else:
                replacements[symbol(written)] = sympy.Symbol(f"{side}:{name}", real=True)
        return expr.xreplace(replacements)

    def qualified(self, side: str, expr):
        model = self.models[side]
        return expr.xreplace({s: sympy.Symbol(f"{side}:{s.name}", real=True)
                              for s in expr.free_symbols
                              if s.name in model.state_names + model.parameter_names
                              or input_target(s) is not None})

    def printer(self, time: str, weights_by_post: bool = False,
                elapsed: str = "_D") -> CythonPrinter:
        """Prints side-qualified symbols (weights_by_post: synapse arrays in the postsynaptic
        order of the continuous rows; elapsed: the spelling of the time since a synapse's
        variables were last brought up to date)."""
        return CythonPrinter(_Spellings(self, time, weights_by_post, elapsed))

class _Spellings(dict):
    """The printer's name table, filled on lookup so that only names read become loads."""

    def __init__(self, sides: _Sides, time: str, weights_by_post: bool, elapsed: str = "_D"):
        super().__init__(t=time, dt="_dt")
        self[ELAPSED.name] = elapsed
        self.sides, self.weights_by_post = sides, weights_by_post

    def __missing__(self, key: str) -> str:
        sides = self.sides
        where, _, name = key.partition(":")
        if where == "synapse":
            if self.weights_by_post and name in sides.changed:
                return (f"{sides.use(sides.field(synapse_pointer(name)), 'd')}"
                        f"[{sides.use(sides.field('_cperm'), 'l')}[_k]]")
            if self.weights_by_post and name in sides.part.array_parameters:
                return f"{sides.use(sides.field(synapse_pointer('c_' + name)), 'd')}[_k]"
            return sides.own(name)
        if where == "snap":
            return f"{sides.snapshot('pre', name)}[_i]"
        if where == "const":
            return name
        if draw_kind(key):
            return f"_rnd{sides.draw_number(key)}"
        if timed_name(key) is not None:      # 1-D: the same for every synapse
            k = sides.synapse_model.timed.index(timed_name(key))
            args = ", ".join(sides.use(sides.field(timed_field(k, part)), kind)
                             for part, kind in TIMED_FIELDS)
            return f"eq_timed({args}, {self['t']}, 0)"
        if where in ("pre", "post"):
            target = input_target(name)
            if target is not None:
                return f"{sides.inputs(where, target)}[{INDEX[where]}]"
            return sides.neuron(where, name)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


def projection_block(index: int, part: ProjectionPart, structure: NetworkStructure,
                     synapse_model, pre_model, post_model) -> ProjectionBlock:
    sides = _Sides(index, part, structure, synapse_model, {"pre": pre_model, "post": post_model})
    fields: list[Field] = []
    for p in synapse_model.parameters:
        if p.name in part.array_parameters:
            fields.append(Field(sides.field(synapse_pointer(p.name)), "d"))
        else:
            fields.append(Field(sides.field(c_name(p.name)), "f"))
    fields += [Field(sides.field(synapse_pointer(v.name)), "d") for v in synapse_model.state]
    for k in range(len(synapse_model.timed)):
        fields += [Field(sides.field(timed_field(k, part)), kind) for part, kind in TIMED_FIELDS]
    delivery = row_sum = dense_sum = record = None
    if sides.draws:
        fields += [Field(sides.field("_key0"), "u"), Field(sides.field("_key1"), "u")]
    if closed_form(synapse_model):
        fields.append(Field(sides.field("_last"), "d"))
    if part.event or synapse_model.every_step:
        fields += [Field(sides.field("_row"), "l"), Field(sides.field("_post"), "i")]
    stepped = None
    if synapse_model.every_step:
        fields += [Field(sides.field("_nrows"), "n"), Field(sides.field("_rowmul"), "n")]
        lines = sides.every_step(synapse_model)
        stepped = EveryStep(sides.loads(), lines, len(synapse_model.every_step))
    if part.event:
        if part.delay != "none":
            fields += [Field(sides.field("_ring"), "i"), Field(sides.field("_ring_count"), "l"),
                       Field(sides.field("_depth"), "n"), Field(sides.field("_delay"), "n"),
                       Field(sides.field("_stride"), "n")]
        delivery = _delivery(sides, synapse_model)
    post_events = None
    if synapse_model.on_post:
        fields += [Field(sides.field("_prow"), "l"), Field(sides.field("_psyn"), "l"),
                   Field(sides.field("_ppre"), "i")]
        post_events = _post_events(sides, synapse_model)
    if part.continuous and part.storage == "dense":
        fields += [Field(sides.field(snapshot_pointer("pre", "_factor")), "d")]
        dense_sum = _dense_sum(sides, synapse_model)
    elif part.continuous:
        fields += [Field(sides.field("_crow"), "l"), Field(sides.field("_cpre"), "i"),
                   Field(sides.field("_cperm"), "l")]
        fields += [Field(sides.field(synapse_pointer("c_" + p.name)), "d")
                   for p in synapse_model.parameters if p.name in part.array_parameters]
        row_sum = _row_sum(sides, synapse_model)
        fields += [Field(sides.field(snapshot_pointer(side, name)), "d")
                   for side, name in sides.snapshots]
    if part.monitors:
        for k, names in enumerate(part.monitors):
            fields += [Field(sides.field(f"_m{k}_idx"), "l"), Field(sides.field(f"_m{k}_n"), "n"),
                       Field(sides.field(f"_m{k}_every"), "n"),
                       Field(sides.field(f"_m{k}_count"), "l")]
            fields += [Field(sides.field(monitor_buffer(k, n)), "d") for n in names]
        record = _record(sides, synapse_model)
    title = (f"{synapse_model.name} from population {part.pre} to {part.post}"
             + (f", target {part.target}" if part.target else "")
             + f", {'events' if part.event else ''}{' + ' if part.event and part.continuous else ''}"
             + f"{'continuous' if part.continuous else ''}, delay {part.delay}")
    return ProjectionBlock(index, sides.prefix, title, tuple(fields), delivery, row_sum,
                           dense_sum, record, post_events, stepped)


def _delivery(sides: _Sides, synapse_model) -> Delivery:
    printer = sides.printer("_t")
    names = {written: (side, name) for written, side, name in sides.part.names}
    lines, prefetch = sides.bring_up_to_date(synapse_model), ""
    for statement in synapse_model.on_pre:
        side, name = names[statement.target]
        value = printer.doprint(sides.expression(statement.value, snapshot=False))
        target = sides.own(name) if side == "synapse" else sides.neuron(side, name)
        if side == "post" and not prefetch and target.endswith("[_j]"):
            prefetch = target[:-len("[_j]")]
        lines.append(f"{target} = {value}")
    lines += sides.settle(synapse_model)
    draws, decays = sides.draw_lines(), tuple(sides.decays)
    return Delivery(f"p{sides.part.pre}", sides.part.delay, sides.loads(), tuple(lines),
                    prefetch, draws, sides.repeats() and bool(draws), decays)


def _post_events(sides: _Sides, synapse_model) -> PostEvents:
    """on_post of every synapse of each post neuron that fired in this step: its rows by
    post neuron give the synapse _k and its pre neuron _i."""
    printer = sides.printer("_t")
    names = {written: (side, name) for written, side, name in sides.part.names}
    lines = sides.bring_up_to_date(synapse_model) + list(sides.post_draw_lines())
    for statement in synapse_model.on_post:
        _, name = names[statement.target]
        value = printer.doprint(sides.expression(statement.value, snapshot=False))
        lines.append(f"{sides.own(name)} = {value}")
    lines += sides.settle(synapse_model)
    gathered, decays = tuple(sides.gathered), tuple(sides.decays)
    return PostEvents(f"p{sides.part.post}", sides.loads(), tuple(lines),
                      tuple(f"_rnd{len(sides.event_draws) + len(sides.psp_draws) + k}"
                            for k in range(len(sides.post_draws))), gathered, decays)


def _dense_sum(sides: _Sides, synapse_model) -> DenseSum:
    """All pairs, psp = w * f(pre): sum(T) += W f with W[post, pre] the weights themselves
    (kept in presynaptic order, they are W in column-major order): one BLAS dgemv."""
    weight = sympy.Symbol("synapse:w", real=True)
    factor = sympy.simplify(sides.expression(synapse_model.psp, snapshot=False) / weight)
    printed = sides.printer("_t").doprint(factor)
    snapshot = sides.snapshot("pre", "_factor")
    inputs = sides.inputs("post", sides.part.target)
    many = "w" in sides.part.array_parameters
    weights = sides.use(sides.field(synapse_pointer("w")), "d") if many else ""
    one = "" if many else sides.use(sides.field(c_name("w")), "f")
    return DenseSum(f"p{sides.part.pre}", f"p{sides.part.post}", sides.part.target,
                    sides.loads(), printed, snapshot, inputs, weights, one)


def _row_sum(sides: _Sides, synapse_model) -> RowSum:
    """sum(target) of the post population += this projection's psp, row by row."""
    psp = sides.expression(synapse_model.psp, snapshot=True)
    value = sides.printer("_t", weights_by_post=True).doprint(psp)
    draws = sides.psp_draws_printed()
    pre_printer = sides.printer("_t")
    snapshot_lines = []
    for side, name in sides.snapshots:
        expr = sides.qualified(side, sides.models[side].inline_assignments(symbol(name)))
        snapshot_lines.append(f"{sides.snapshot(side, name)}[_i] = "
                              f"{pre_printer.doprint(expr)}")
    inputs = sides.inputs("post", sides.part.target)
    return RowSum(f"p{sides.part.pre}", f"p{sides.part.post}", sides.part.target,
                  sides.loads(), tuple(snapshot_lines), value, inputs, draws)


def _record(sides: _Sides, synapse_model) -> SynapseRecord:
    """State monitors of synapse values sample them at the start of step _g."""
    monitors = []
    state = {v.name: v for v in closed_form(synapse_model)}
    for k, names in enumerate(sides.part.monitors):
        values = []
        for n in names:
            if n in state:      # at the sample's time, not stored
                printer = sides.printer("_t", elapsed=f"(_t - {sides.last()})")
                value = sides.bounded(state[n], printer.doprint(sides.evolved(state[n])))
            else:
                value = sides.own(n)
            values.append((sides.field(monitor_buffer(k, n)), value))
        monitors.append((sides.field(f"_m{k}"), tuple(values)))
    return SynapseRecord(sides.loads(), tuple(monitors))


def cleared_inputs(structure: NetworkStructure) -> tuple[tuple[str, str], ...]:
    """Every sum(T) array that a projection feeds, as (field, population prefix): zeroed at
    the start of the input phase (the projections' sums then add to them)."""
    cleared = []
    for part in structure.projections:
        entry = (field_name(f"p{part.post}", input_pointer(part.target)), f"p{part.post}")
        if part.continuous and entry not in cleared:
            cleared.append(entry)
    return tuple(cleared)
