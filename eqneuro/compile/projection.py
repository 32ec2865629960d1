"""One projection's part of a network kernel: the delivery of spikes (event transmission,
`on_pre`) and the sums over postsynaptic rows (continuous transmission, `psp`).

A synapse statement is a neuron statement with index maps: `g_exc` of the post neuron is
`_net.p1_s_g_exc[_j]`, `w` of a synapse `_net.j0_y_w[_k]`, `r_pre` (derived) a snapshot
`_net.j0_snap_r[_i]` taken at the start of the step. Spikes of a step are delivered for
each delay slot from the oldest emission to the newest, each in neuron order, each neuron's
synapses in synapse order: a fixed order, so threads never change a float sum."""
from __future__ import annotations

import sympy

from ..functions import input_symbol, input_target, symbol
from .kernel import Field, ProjectionBlock
from .kernel_abi import (c_name, field_name, input_pointer, monitor_buffer, parameter_pointer,
                         snapshot_pointer, state_pointer, synapse_pointer)
from .printer import CythonPrinter
from .structure import NetworkStructure, ProjectionPart

INDEX = {"pre": "_i", "post": "_j", "synapse": "_k"}


class _Sides:
    """C spellings of the names a synapse uses, and the inlining of derived variables."""

    def __init__(self, index: int, part: ProjectionPart, structure: NetworkStructure,
                 synapse_model, models: dict[str, object]):
        self.prefix = f"j{index}"
        self.part, self.structure, self.models = part, structure, models
        self.synapse_model = synapse_model
        self.population = {"pre": part.pre, "post": part.post}
        self.snapshots: list[tuple[str, str]] = []         # (side, derived name)

    def field(self, argument: str) -> str:
        return field_name(self.prefix, argument)

    def own(self, name: str) -> str:
        if name in self.part.array_parameters:
            return f"_net.{self.field(synapse_pointer(name))}[_k]"
        return f"_net.{self.field(c_name(name))}"

    def neuron(self, side: str, name: str, snapshot: bool) -> str:
        k = self.population[side]
        prefix, model = f"p{k}", self.models[side]
        index = INDEX[side]
        layout = self.structure.populations[k].layout
        if name in model.state_names:
            return f"_net.{field_name(prefix, state_pointer(name))}[{index}]"
        if name in model.parameter_names:
            if name in layout.array_parameters:
                return f"_net.{field_name(prefix, parameter_pointer(name))}[{index}]"
            return f"_net.{field_name(prefix, c_name(name))}"
        raise KeyError(name)

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

    def printer(self, time: str) -> CythonPrinter:
        names = {"t": time, "dt": "_dt"}
        for written, side, name in self.part.names:
            if side == "synapse":
                names[f"synapse:{name}"] = self.own(name)
        for side in ("pre", "post"):
            model = self.models[side]
            k = self.population[side]
            for name in model.state_names + model.parameter_names:
                names[f"{side}:{name}"] = self.neuron(side, name, False)
            for target in model.inputs:
                names[f"{side}:{input_symbol(target).name}"] = \
                    f"_net.{field_name(f'p{k}', input_pointer(target))}[{INDEX[side]}]"
        for side, name in self.snapshots:
            names[f"snap:{name}"] = f"_net.{self.field(snapshot_pointer(side, name))}[_i]"
        return CythonPrinter(names)


def projection_block(index: int, part: ProjectionPart, structure: NetworkStructure,
                     synapse_model, pre_model, post_model) -> ProjectionBlock:
    sides = _Sides(index, part, structure, synapse_model, {"pre": pre_model, "post": post_model})
    fields: list[Field] = []
    for p in synapse_model.parameters:
        if p.name in part.array_parameters:
            fields.append(Field(sides.field(synapse_pointer(p.name)), "d"))
        else:
            fields.append(Field(sides.field(c_name(p.name)), "f"))
    functions, input_calls, deliver_calls = [], [], []
    if part.event:
        fields += [Field(sides.field("_row"), "l"), Field(sides.field("_post"), "i")]
        if part.delay != "none":
            fields += [Field(sides.field("_ring"), "i"), Field(sides.field("_ring_count"), "l"),
                       Field(sides.field("_depth"), "n"), Field(sides.field("_delay"), "n")]
        functions.append(_deliver_function(sides, synapse_model))
        deliver_calls.append(f"_deliver_{sides.prefix}(_net, _g)")
    if part.continuous and part.storage == "dense":
        function = _dense_sum_function(sides, synapse_model)
        fields += [Field(sides.field(snapshot_pointer("pre", "_factor")), "d")]
        functions.append(function)
        input_calls.append(f"_sum_{sides.prefix}(_net, _g)")
    elif part.continuous:
        fields += [Field(sides.field("_crow"), "l"), Field(sides.field("_cpre"), "i")]
        fields += [Field(sides.field(synapse_pointer("c_" + p.name)), "d")
                   for p in synapse_model.parameters if p.name in part.array_parameters]
        function = _sum_function(sides, synapse_model)
        fields += [Field(sides.field(snapshot_pointer(side, name)), "d")
                   for side, name in sides.snapshots]
        functions.append(function)
        input_calls.append(f"_sum_{sides.prefix}(_net, _g)")
    record_calls = []
    if part.monitors:
        for k, names in enumerate(part.monitors):
            fields += [Field(sides.field(f"_m{k}_idx"), "l"), Field(sides.field(f"_m{k}_n"), "n"),
                       Field(sides.field(f"_m{k}_every"), "n"),
                       Field(sides.field(f"_m{k}_count"), "l")]
            fields += [Field(sides.field(monitor_buffer(k, n)), "d") for n in names]
        functions.append(_record_function(sides))
        record_calls.append(f"_record_{sides.prefix}(_net, _g)")
    title = (f"{synapse_model.name} from population {part.pre} to {part.post}"
             + (f", target {part.target}" if part.target else "")
             + f", {'events' if part.event else ''}{' + ' if part.event and part.continuous else ''}"
             + f"{'continuous' if part.continuous else ''}, delay {part.delay}")
    return ProjectionBlock(index, sides.prefix, title, tuple(fields), tuple(functions),
                           tuple(input_calls), tuple(deliver_calls), tuple(record_calls),
                           blas=part.continuous and part.storage == "dense"
                           and "w" in part.array_parameters)


def _dense_sum_function(sides: _Sides, synapse_model) -> str:
    """All pairs, psp = w * f(pre): sum(T) += W f with W[post, pre] the weights themselves
    (kept in presynaptic order, they are W in column-major order): one BLAS dgemv."""
    f = sides.field
    post, pre = f"p{sides.part.post}", f"p{sides.part.pre}"
    weight = sympy.Symbol("synapse:w", real=True)
    factor = sympy.simplify(sides.expression(synapse_model.psp, snapshot=False) / weight)
    snapshot = f"_net.{f(snapshot_pointer('pre', '_factor'))}"
    inputs = f"_net.{field_name(post, input_pointer(sides.part.target))}"
    out = (f"cdef void _sum_{sides.prefix}(_Net *_net, int64_t _g) noexcept nogil:\n"
           f'    """sum({sides.part.target}) of population {sides.part.post} += W f(pre)."""\n'
           "    cdef Py_ssize_t _i, _j\n"
           "    cdef double _dt = _net._dt\n"
           "    cdef double _t = _g * _dt\n"
           "    cdef double _total = 0.0, _one = 1.0\n"
           "    cdef int _m, _n, _inc = 1\n"
           "    cdef char _trans = 78\n"                     # 'N'
           f"    for _i in range(_net.{pre}_n):\n"
           f"        {snapshot}[_i] = {sides.printer('_t').doprint(factor)}\n")
    if "w" in sides.part.array_parameters:
        return out + (
            f"    _m = <int>_net.{post}_n\n"
            f"    _n = <int>_net.{pre}_n\n"
            f"    dgemv(&_trans, &_m, &_n, &_one, _net.{f(synapse_pointer('w'))}, &_m, "
            f"{snapshot}, &_inc, &_one, {inputs}, &_inc)\n")
    return out + (                               # one weight: w * (sum of f) for every post
        f"    for _i in range(_net.{pre}_n):\n"
        f"        _total = _total + {snapshot}[_i]\n"
        f"    _total = _total * _net.{f(c_name('w'))}\n"
        f"    for _j in range(_net.{post}_n):\n"
        f"        {inputs}[_j] += _total\n")


def _record_function(sides: _Sides) -> str:
    """State monitors of synapse values sample them at the start of step _g."""
    f = sides.field
    lines = [f"cdef void _record_{sides.prefix}(_Net *_net, int64_t _g) noexcept nogil:",
             "    cdef Py_ssize_t _j, _k"]
    for k, names in enumerate(sides.part.monitors):
        lines += [f"    if _g % _net.{f(f'_m{k}_every')} == 0:",
                  f"        for _j in range(_net.{f(f'_m{k}_n')}):",
                  f"            _k = _net.{f(f'_m{k}_idx')}[_j]"]
        row = f"_net.{f(f'_m{k}_count')}[0] * _net.{f(f'_m{k}_n')} + _j"
        lines += [f"            _net.{f(monitor_buffer(k, n))}[{row}] = {sides.own(n)}"
                  for n in names]
        lines.append(f"        _net.{f(f'_m{k}_count')}[0] += 1")
    return "\n".join(lines) + "\n"


def _statement_lines(sides: _Sides, synapse_model) -> list[str]:
    printer = sides.printer("_t")
    lines = []
    names = {written: (side, name) for written, side, name in sides.part.names}
    for statement in synapse_model.on_pre:
        side, name = names[statement.target]
        value = printer.doprint(sides.expression(statement.value, snapshot=False))
        if side == "synapse":
            target = sides.own(name)
        else:
            target = sides.neuron(side, name, False)
        lines.append(f"{target} = {value}")
    return lines


def _deliver_function(sides: _Sides, synapse_model) -> str:
    pre = f"p{sides.part.pre}"
    f = sides.field
    body = ["_j = _net.{post}[_k]".format(post=f("_post"))] + _statement_lines(sides, synapse_model)
    inner = "\n".join("            " + line for line in body)
    head = (f"cdef void _deliver_{sides.prefix}(_Net *_net, int64_t _g) noexcept nogil:\n"
            f'    """Spikes of population {sides.part.pre} whose delay ends at t+dt: on_pre."""\n'
            "    cdef Py_ssize_t _s, _k, _i, _j, _a, _slot, _base\n"
            "    cdef int64_t _e = _g + 1\n"
            "    cdef double _dt = _net._dt\n"
            "    cdef double _t = _e * _dt\n")
    if sides.part.delay == "none":
        return head + (
            f"    for _s in range(_net.{pre}_nfired):\n"
            f"        _i = _net.{pre}_fired[_s]\n"
            f"        for _k in range(_net.{f('_row')}[_i], _net.{f('_row')}[_i + 1]):\n"
            f"{inner}\n")
    push = (f"    _slot = _e % _net.{f('_depth')}\n"
            f"    _base = _slot * _net.{pre}_n\n"
            f"    for _s in range(_net.{pre}_nfired):\n"
            f"        _net.{f('_ring')}[_base + _s] = _net.{pre}_fired[_s]\n"
            f"    _net.{f('_ring_count')}[_slot] = _net.{pre}_nfired\n")
    if sides.part.delay == "uniform":
        return head + push + (
            f"    _slot = (_e + _net.{f('_depth')} - _net.{f('_delay')}) % _net.{f('_depth')}\n"
            f"    _base = _slot * _net.{pre}_n\n"
            f"    for _s in range(_net.{f('_ring_count')}[_slot]):\n"
            f"        _i = _net.{f('_ring')}[_base + _s]\n"
            f"        for _k in range(_net.{f('_row')}[_i], _net.{f('_row')}[_i + 1]):\n"
            f"{inner}\n")
    inner = "\n".join("                " + line for line in body)
    return head + push + (            # per-synapse delays: rows grouped by (pre, delay)
        f"    for _a in range(_net.{f('_depth')} - 1, -1, -1):\n"
        f"        _slot = (_e + _net.{f('_depth')} - _a) % _net.{f('_depth')}\n"
        f"        _base = _slot * _net.{pre}_n\n"
        f"        for _s in range(_net.{f('_ring_count')}[_slot]):\n"
        f"            _i = _net.{f('_ring')}[_base + _s] * _net.{f('_depth')} + _a\n"
        f"            for _k in range(_net.{f('_row')}[_i], _net.{f('_row')}[_i + 1]):\n"
        f"{inner}\n")


def _sum_function(sides: _Sides, synapse_model) -> str:
    """sum(target) of the post population += this projection's psp, row by row."""
    f = sides.field
    post = f"p{sides.part.post}"
    pre = f"p{sides.part.pre}"
    psp = sides.expression(synapse_model.psp, snapshot=True)
    names = dict(sides.printer("_t").names)
    for p in synapse_model.parameters:          # weights in post order
        if p.name in sides.part.array_parameters:
            names[f"synapse:{p.name}"] = f"_net.{f(synapse_pointer('c_' + p.name))}[_k]"
    printer = CythonPrinter(names)
    value = printer.doprint(psp)
    snapshot_lines = []
    pre_printer = sides.printer("_t")
    for side, name in sides.snapshots:
        expr = sides.qualified(side, sides.models[side].inline_assignments(symbol(name)))
        snapshot_lines.append(f"        _net.{f(snapshot_pointer(side, name))}[_i] = "
                              f"{pre_printer.doprint(expr)}")
    out = (f"cdef void _sum_{sides.prefix}(_Net *_net, int64_t _g) noexcept nogil:\n"
           f'    """sum({sides.part.target}) of population {sides.part.post} += psp over its rows."""\n'
           "    cdef Py_ssize_t _i, _j, _k\n"
           "    cdef double _acc\n"
           "    cdef double _dt = _net._dt\n"
           "    cdef double _t = _g * _dt\n")
    if snapshot_lines:
        out += f"    for _i in range(_net.{pre}_n):\n" + "\n".join(snapshot_lines) + "\n"
    inputs = f"_net.{field_name(post, input_pointer(sides.part.target))}"
    out += (f"    for _j in range(_net.{post}_n):\n"
            "        _acc = 0.0\n"
            f"        for _k in range(_net.{f('_crow')}[_j], _net.{f('_crow')}[_j + 1]):\n"
            f"            _i = _net.{f('_cpre')}[_k]\n"
            f"            _acc = _acc + {value}\n"
            f"        {inputs}[_j] += _acc\n")
    return out


def input_calls(structure: NetworkStructure) -> tuple[str, ...]:
    """Zero every sum(T) that a projection feeds (the projections' calls then add to them)."""
    calls = []
    seen = set()
    for part in structure.projections:
        if part.continuous and (part.post, part.target) not in seen:
            seen.add((part.post, part.target))
            array = f"_net.{field_name(f'p{part.post}', input_pointer(part.target))}"
            calls.append(f"memset({array}, 0, _net.p{part.post}_n * sizeof(double))")
    return tuple(calls)
