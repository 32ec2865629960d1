"""Network (dt, t, run): populations, projections and monitors advanced together by one
kernel, chunk by chunk."""
from __future__ import annotations

import math
import numbers
import threading
import weakref

import numpy as np

from ..compile.stability import DEFAULT_DT
from .stability_check import check_network
from ..assemble import network_kernel
from ..compile.kernel_abi import (BLOCK, TIMED_FIELDS, c_name, field_name, input_pointer,
                                  monitor_buffer, parameter_pointer, state_pointer,
                                  synapse_pointer, timed_field)
from ..compile.propagators import argument_name
from ..compile.structure import NetworkStructure, PopulationPart, ProjectionPart
from ..errors import SimulationError
from ..synapse import one_dimensional
from ..lang.tables import FALLBACK_METHODS
from ..randomness import check_seed, fresh_seed, key_of
from . import callbacks, snapshot
from .monitors import SpikeMonitor, StateMonitor
from .population import Population
from .projection import Projection
from .runguard import DeferredInterrupt, exclusive


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


class Network:
    """Populations and monitors simulated together with one time step `dt` (ms)."""

    def __init__(self, *objects, dt: float = DEFAULT_DT, threads: int = 1, seed=None):
        self._dt = _checked_dt(dt)
        self._threads = _checked_threads(threads)
        self._seed = fresh_seed() if seed is None else check_seed(seed)
        self._lock = threading.Lock()          # held while it runs
        populations: list[Population] = []
        monitors: list = []
        projections: list[Projection] = []
        for obj in objects:
            if isinstance(obj, Population):
                if obj not in populations:
                    populations.append(obj)
            elif isinstance(obj, (SpikeMonitor, StateMonitor)):
                if not any(obj is m for m in monitors):     # given twice: record once
                    monitors.append(obj)
            elif isinstance(obj, Projection):
                if not any(obj is p for p in projections):
                    projections.append(obj)
            else:
                raise TypeError(f"Network takes Populations, Projections and monitors, not "
                                f"{type(obj).__name__}")
        self._populations, self._monitors = tuple(populations), tuple(monitors)
        self._projections = tuple(projections)
        for projection in self._projections:
            for view in (projection._pre, projection._post):
                if view.population not in self._populations:
                    raise ValueError(f"{projection!r} connects {view.population._eq_name}, "
                                     "which is not in this Network; add the population too")
        for monitor in self.monitors:
            if isinstance(monitor._population, Projection):
                if not any(monitor._population is p for p in self._projections):
                    raise ValueError(f"{monitor!r} records projection "
                                     f"{monitor._population.name}, which is not in this "
                                     "Network; add the projection too")
            elif monitor._population not in self.populations:
                raise ValueError(f"{monitor!r} records {monitor._population._eq_name}, which is "
                                 "not in this Network; add the population too")
            if isinstance(monitor, SpikeMonitor) and not monitor._population._eq_neuron.info.has_spike:
                raise ValueError(f"{monitor._population._eq_neuron.name} has no spike condition; "
                                 "a SpikeMonitor would record nothing")
            if isinstance(monitor, StateMonitor):
                monitor._every(self.dt)
        for stream, population in enumerate(self._populations):
            population._eq_initialise(self._seed, stream)
        for stream, projection in enumerate(self._projections):
            projection._eq_realise(self._seed, stream)
        check_network(self._populations, self._dt)
        self._step = _starting_step(self._populations, self._monitors, self._dt)
        self.build_seconds = 0.0
        self.cache_hits = 0
        self._built: tuple[NetworkStructure, object] | None = None
        self._buffers: dict[tuple, tuple] = {}
        self._callbacks: list[callbacks.Every] = []
        self._stored: dict[str, object] = {}
        self._kernel()
        for population in self.populations:
            object.__setattr__(population, "_eq_network", weakref.ref(self))

    @property
    def t(self) -> float:
        """Simulated time in ms."""
        return self._step * self.dt

    @property
    def seed(self) -> int:
        """The seed of every random draw of this network (drawn afresh when seed=None): the
        same seed gives the same numbers whatever `threads` is and however runs are split."""
        return self._seed

    @property
    def populations(self) -> tuple[Population, ...]:
        return self._populations

    @property
    def projections(self) -> tuple[Projection, ...]:
        return self._projections

    @property
    def monitors(self) -> tuple:
        return self._monitors

    @property
    def dt(self) -> float:
        """The time step in ms. It may change between runs when `t` is a multiple of the
        new value; the time and everything recorded keep their values."""
        return self._dt

    @dt.setter
    def dt(self, value) -> None:
        dt = _checked_dt(value)
        with exclusive([(self._lock, "this Network")]):
            step = round(self.t / dt)
            if abs(step * dt - self.t) > 1e-6 * dt:
                raise ValueError(f"the Network is at t = {self.t:g} ms, which is not a "
                                 f"multiple of dt = {dt} ms: it cannot continue with that dt")
            for monitor in self.monitors:
                if isinstance(monitor, StateMonitor):
                    monitor._every(dt)
            self._dt, self._step = dt, step
        check_network(self._populations, dt)

    @property
    def threads(self) -> int:
        """OpenMP threads per population step."""
        return self._threads

    @threads.setter
    def threads(self, value) -> None:
        threads = _checked_threads(value)
        with exclusive([(self._lock, "this Network")]):
            self._threads = threads

    def __repr__(self) -> str:
        parts = [f"{p._eq_name} ({len(p)} x {p._eq_neuron.name}, {p._eq_neuron.method})"
                 for p in self.populations]
        monitors = [repr(m) for m in self.monitors]
        return (f"<Network t = {self.t:g} ms, dt = {self.dt} ms, threads = {self.threads}: "
                + "; ".join(parts) + (f"; monitors: {', '.join(monitors)}" if monitors else "")
                + ">")

    def _repr_html_(self) -> str:
        rows = "".join(f"<li>{p._repr_html_()}</li>" for p in self.populations)
        return (f"<b>Network</b> at t = {self.t:g} ms (dt = {self.dt} ms, "
                f"{self.threads} thread(s))<ul>{rows}</ul>"
                + (f"{len(self.monitors)} monitor(s)" if self.monitors else ""))

    def _monitors_of(self, population, kind):
        return [m for m in self.monitors if isinstance(m, kind) and m._population is population]

    def _structure(self) -> NetworkStructure:
        for projection in self.projections:
            projection._eq_store_written()
        index = {id(p): k for k, p in enumerate(self.populations)}
        fire = {index[id(p._pre.population)] for p in self.projections if p.event}
        fire |= {index[id(p._post.population)] for p in self.projections
                 if p._info.on_post}          # their spikes run on_post
        parts = []
        for k, population in enumerate(self.populations):
            layout = population._eq_layout(self._monitors_of(population, StateMonitor))
            parts.append(PopulationPart(population._eq_neuron._key, layout, k in fire))
        projections = tuple(
            ProjectionPart(p._eq_synapse_key(), index[id(p._pre.population)],
                           index[id(p._post.population)], p._eq_names(), p.target or "",
                           p.event, p.continuous, p._eq_delay_steps(self.dt)[0],
                           p._eq_array_parameters(),
                           tuple(m.variables for m in self._monitors_of(p, StateMonitor)),
                           p._eq_storage())
            for p in self.projections)
        return NetworkStructure(tuple(parts), projections)

    def _kernel(self):
        """The network's kernel for its current structure (rebuilt when, say, a parameter
        became per-neuron since the last run; loaded from the cache when known)."""
        structure = self._structure()
        if self._built is not None and self._built[0] == structure:
            return self._built[1]
        result = network_kernel(structure, tuple(p._eq_neuron for p in self.populations),
                                tuple(p._synapse for p in self.projections))
        self.build_seconds += result.seconds
        self.cache_hits += result.cache_hit
        self._built = (structure, result.module)
        return result.module

    def run(self, duration: float, progress: bool | None = None) -> None:
        """Advance every population by `duration` ms, continuing from `net.t`.

        `progress`: True shows a progress bar, False never; None (default) shows one when the
        run is expected to take more than PROGRESS_AFTER seconds. The kernels run in chunks
        of about CHUNK_SECONDS each, so the bar costs nothing measurable.
        """
        if isinstance(duration, bool) or not isinstance(duration, numbers.Real) \
                or not math.isfinite(duration) or duration < 0:
            raise ValueError(f"duration must be a non-negative number of ms, not {duration!r}")
        steps = int(round(duration / self.dt))
        if abs(steps * self.dt - duration) > 1e-6 * self.dt:
            raise ValueError(f"duration {duration} ms is not a multiple of dt = {self.dt} ms")
        with exclusive([(self._lock, "this Network")]):
            for callback in self._callbacks:
                callback.steps(self.dt)           # every period fits dt, before any step
            bar = _Progress(self, steps, progress)
            end = self._step + steps
            try:
                while self._step < end:
                    for callback in callbacks.due(self._callbacks, self._step, self.dt):
                        callback.call(self.t)
                    self._segment(callbacks.next_stop(self._callbacks, self._step, end,
                                                      self.dt) - self._step, bar)
            finally:
                bar.close()

    def _segment(self, steps: int, bar: "_Progress") -> None:
        """`steps` steps in kernel calls, with no Python between them but the progress bar.
        (Between segments the callbacks may change any value: each segment takes the
        network's values, and its kernel, afresh.)"""
        claims = [(p._eq_lock, f"population {p._eq_name}") for p in self.populations] + [
            (p._lock, f"projection {p.name}") for p in self.projections]
        with exclusive(claims):
            self._check_clock()
            run = _Run(self, self._kernel(), self._step, steps)
            for population in self.populations:
                object.__setattr__(population, "_eq_network", weakref.ref(self))
            try:
                run.begin(self._step, steps)
                bar.drive(run, steps)
            finally:
                run.end()

    def store(self, name: str = "default", path=None) -> None:
        """Keep the state of the whole network under `name`: time, dt and seed (so the
        random streams' position), every population's state, parameters, refractory
        counters and inputs, every projection's synapses, values and spikes in flight, and
        what each monitor has recorded. With `path`, write it to that file (several names
        may share a file); restoring then needs a network built the same way."""
        name = _checked_name(name)
        with exclusive(self._claims()):
            taken = snapshot.take(self)
            if path is None:
                self._stored[name] = taken
            else:
                snapshot.write(path, name, taken)

    def restore(self, name: str = "default", path=None) -> None:
        """Put everything back as `store(name)` (or `store(name, path=path)`) kept it: running
        on from there gives the same numbers, bit for bit, as the first time."""
        name = _checked_name(name)
        if path is None:
            if name not in self._stored:
                known = ", ".join(repr(n) for n in self._stored) or "none"
                raise KeyError(f"this Network has stored no state {name!r} (stored: {known}); "
                               "net.store(name) first, or give path= for a file")
            taken, what = self._stored[name], f"state {name!r}"
        else:
            taken, what = snapshot.read(path, name), f"state {name!r} in {path}"
        with exclusive(self._claims()):
            snapshot.check_structure(self, taken, what)
            snapshot.put(self, taken)
        check_network(self._populations, self._dt)

    def _claims(self):
        return [(self._lock, "this Network")] + [
            (p._eq_lock, f"population {p._eq_name}") for p in self.populations] + [
            (p._lock, f"projection {p.name}") for p in self.projections]

    def every(self, period: float, function=None):
        """Call `function` at every t = k * period ms (k = 0, 1, 2, ...) that a run passes
        through, before the step from t: `function(t)`, or `function()` when it takes no
        argument. It may read and change population and projection values; the kernel runs
        uninterrupted from one call to the next. The period must be a multiple of dt.

        As a decorator: `@net.every(100.0)` above `def record(t): ...`. Returns the function.
        """
        if function is None:
            return lambda f: self.every(period, f)
        callback = callbacks.every(period, function)
        with exclusive([(self._lock, "this Network")]):
            self._callbacks.append(callback)
        return function

    def _check_clock(self) -> None:
        """Every object must be where this Network left it (another may have moved it)."""
        for population in self.populations:
            if not _same_time(population._eq_time, self.t, self.dt):
                raise RuntimeError(
                    f"{population._eq_name} is at t = {population._eq_time:g} ms but this "
                    f"Network is at t = {self.t:g} ms: the population was advanced without "
                    "this Network (by another Network, or in a run stopped by an error). "
                    "Continue it in a new Network, which starts from its time")
        for monitor in self.monitors:
            until = monitor._recorded_until
            if until is not None and not _same_time(until, self.t, self.dt):
                raise RuntimeError(f"{monitor!r} has recorded until t = {until:g} ms, but this "
                                   f"Network is at t = {self.t:g} ms")


def _checked_dt(dt) -> float:
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not dt > 0 \
            or not math.isfinite(dt):
        raise ValueError(f"dt must be a positive number of ms, not {dt!r}")
    return float(dt)


def _checked_name(name) -> str:
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"a stored state's name must be a non-empty string without '/', "
                         f"not {name!r}")
    return name


def _checked_threads(threads) -> int:
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads must be an integer, not {type(threads).__name__}")
    if threads < 1:
        raise ValueError(f"threads must be at least 1 (got {threads})")
    if threads > MAX_THREADS:
        raise ValueError(f"threads must be at most {MAX_THREADS} (got {threads})")
    return int(threads)


MAX_THREADS = 1024


def _same_time(a: float, b: float, dt: float) -> bool:
    return abs(a - b) <= 1e-6 * dt


def _starting_step(populations, monitors, dt: float) -> int:
    """A new Network continues from the time of its objects (0 for new ones), which must
    agree and be a multiple of dt."""
    t0 = populations[0]._eq_time if populations else 0.0
    for population in populations:
        if not _same_time(population._eq_time, t0, dt):
            raise ValueError(
                f"{populations[0]._eq_name} is at t = {t0:g} ms but {population._eq_name} "
                f"at t = {population._eq_time:g} ms: the populations of a Network must be at "
                "the same time")
    for monitor in monitors:
        until = monitor._recorded_until
        if until is not None and not _same_time(until, t0, dt):
            raise ValueError(
                f"{monitor!r} has recorded until t = {until:g} ms but its population is at "
                f"t = {t0:g} ms: a monitor continues only from where it stopped (record "
                "with a new monitor)")
    step = round(t0 / dt)
    if not _same_time(step * dt, t0, dt):
        raise ValueError(f"the populations are at t = {t0:g} ms, which is not a multiple of "
                         f"dt = {dt} ms")
    return step


PROGRESS_AFTER = 2.0
CHUNK_SECONDS = 0.25


class _Progress:
    """Runs all populations chunk by chunk, with a progress bar for long runs."""

    def __init__(self, network: Network, steps: int, wanted: bool | None):
        self.net, self.steps, self.wanted = network, steps, wanted
        self.bar = None
        self.seconds, self.done = 0.0, 0        # in the kernels (not building, not callbacks)
        self.chunk = max(1, min(steps, steps // 100 or 1))

    def drive(self, run, steps: int) -> None:
        """`steps` steps of `run`, in chunks of about CHUNK_SECONDS."""
        import time
        start = time.perf_counter() - self.seconds
        last = self.done + steps
        # Ctrl-C waits for the end of the chunk: then time, state and monitors agree.
        with DeferredInterrupt() as interrupt:
            while self.done < last:
                count = min(self.chunk, last - self.done)
                step0 = self.net._step
                run.advance(step0, count)
                self.net._step = step0 + count
                self.done += count
                interrupt.deliver()
                elapsed = max(time.perf_counter() - start, 1e-9)
                self.seconds = elapsed
                self.chunk = max(1, int(self.done / elapsed * CHUNK_SECONDS))
                self._show(self.done, elapsed)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _show(self, done: int, elapsed: float) -> None:
        if self.wanted is False or done >= self.steps and self.bar is None:
            return
        if self.bar is None:
            expected = elapsed / done * self.steps
            # judge from at least a quarter second of running, not from the first step
            if not (self.wanted or elapsed > CHUNK_SECONDS and expected > PROGRESS_AFTER):
                return
            from tqdm.auto import tqdm
            self.bar = tqdm(total=round(self.steps * self.net.dt, 6), unit="ms",
                            desc="simulating", leave=False, dynamic_ncols=True,
                            bar_format=_BAR_FORMAT)
        self.bar.n = round(done * self.net.dt, 6)
        # one rate: simulated ms per second of the whole run so far (tqdm's own is not shown)
        self.bar.set_postfix_str(f"{done * self.net.dt / elapsed:.4g} ms/s", refresh=False)
        self.bar.refresh()


_BAR_FORMAT = ("{desc}: {percentage:3.0f}%|{bar}| {n:g}/{total:g} ms "
               "[{elapsed}<{remaining}{postfix}]")


class _Run:
    """The network advanced by `steps` steps, in calls to its kernel."""

    def __init__(self, network: Network, kernel, start: int, steps: int):
        self.net, self.kernel = network, kernel
        self.parts = [_PopulationRun(network, k, p, start, steps)
                      for k, p in enumerate(network.populations)]
        self.error = np.full(3, -1, dtype=np.int64)
        start = 0
        for part in self.parts:
            part.bstart, start = start, start + part.nblocks
        self.nblocks = start
        self.block_events = np.zeros(max(self.nblocks, 1), dtype=np.uint8)
        most = {id(part.pop): part.most for part in self.parts}
        self.projections = [_ProjectionRun(network, m, p, most[id(p._pre.population)])
                            for m, p in enumerate(network.projections)]

    def begin(self, start: int, steps: int) -> None:
        for part in self.parts + self.projections:
            part.begin(start, steps)

    def end(self) -> None:
        for part in self.parts + self.projections:
            part.end()

    def advance(self, step0: int, steps: int) -> None:
        """Run steps step0 .. step0+steps-1; on a blow-up, stop the network there."""
        fields = {}
        for part in self.parts:
            fields.update(part.fields())
        for part in self.projections:
            fields.update(part.fields(self.kernel.FIELDS))
        names = [name for name, _ in self.kernel.FIELDS]
        objects = [fields[name] for name in names]
        done = 0
        while done < steps:
            values = [steps - done, step0 + done, self.net.threads, self.nblocks, self.net.dt,
                      _address(self.error), _address(self.block_events)] + objects
            advanced = self.kernel.run(values)
            done += advanced
            self._flush(step0 + done)
            if self.error[0] >= 0:
                self.net._step = step0 + done
                raise self._blow_up()

    def _flush(self, end: int) -> None:
        for part in self.parts:
            part.flush(end)
        for part in self.projections:
            part.flush(end)

    def _blow_up(self) -> SimulationError:
        step, neuron, index = (int(x) for x in self.error)
        pop = self.parts[index].pop
        state = pop._eq_state_arrays()
        bad = [name for name in pop._eq_neuron.variables if not np.isfinite(state[name][neuron])]
        what = (f"{bad[0]} of neuron {neuron} became {state[bad[0]][neuron]}" if bad else
                f"a variable of neuron {neuron} became non-finite (and was then reset)")
        method = pop._eq_neuron.method
        usable = pop._eq_neuron.usable_methods
        others = [m for m in FALLBACK_METHODS if m != method and m in usable]
        return SimulationError(
            f"{pop._eq_name}: {what} at t = "
            f"{(step + 1) * self.net.dt:g} ms ({method}, dt = {self.net.dt} ms). "
            "The simulation stopped there. Check the parameters, or try a smaller dt or "
            f"another method (e.g. {' or '.join(repr(m) for m in others[:2])}).")


class _PopulationRun:
    """One population's arrays for a run: its fields of the kernel's _Net struct."""

    def __init__(self, network: Network, index: int, population: Population, start: int,
                 steps: int):
        self.net, self.index, self.pop = network, index, population
        self.prefix = f"p{index}"
        self.spike_monitors = network._monitors_of(population, SpikeMonitor)
        self.state_monitors = network._monitors_of(population, StateMonitor)
        self.coefficients = population._eq_coefficients(network.dt)    # once per run()
        n = len(population)
        self.most = population._eq_events_per_neuron(network.dt, start, steps)
        self.nblocks = -(-n // BLOCK)
        self.capacity = max(2 * n * self.most, 1 << 16) if self.spike_monitors else 1 << 62
        key = (id(population), bool(self.spike_monitors), self.most)
        if key not in network._buffers:         # reused by every run of this network
            # one entry more than the events: an event source writes one ahead
            size = (self.capacity if self.spike_monitors else 0) + 1
            network._buffers[key] = (
                np.empty(size, dtype=np.int32), np.empty(size, dtype=np.int64),
                np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int32),
                np.zeros(n * self.most + 1, dtype=np.int32))
        (self.spike_index, self.spike_step, self.spike_count, self.all_flags,
         self.fired) = network._buffers[key]
        self.spike_count[0] = 0

    def begin(self, start: int, steps: int) -> None:
        """One buffer per recorded variable for the whole run, written by the kernel (each
        kernel call continues at the sample count it is given)."""
        self.recordings = []
        for monitor in self.state_monitors:
            every = monitor._every(self.net.dt)
            first = -(-start // every) * every
            sample_steps = np.arange(first, start + steps, every, dtype=np.int64)
            buffers = monitor._begin(sample_steps, self.net.dt)
            self.recordings.append((buffers, every, np.zeros(1, dtype=np.int64)))

    def end(self) -> None:
        for monitor in self.state_monitors:
            monitor._end()

    def fields(self) -> dict[str, object]:
        pop = self.pop
        args: dict[str, object] = {
            "_n": len(pop), "_bstart": self.bstart, "_bend": self.bstart + self.nblocks,
            "_ref": _address(pop._eq_refractory), "_record_spikes": int(bool(self.spike_monitors)),
            "_spike_index": _address(self.spike_index), "_spike_step": _address(self.spike_step),
            "_spike_count": _address(self.spike_count), "_spike_capacity": self.capacity,
            "_all_flags": _address(self.all_flags), "_fired": _address(self.fired),
            "_most": self.most}
        self.source_arrays = pop._eq_source_arrays(self.net.dt, self.net._step)
        for name, array in self.source_arrays.items():
            args[name] = _address(array)
        for name, array in pop._eq_state_arrays().items():
            args[state_pointer(name)] = _address(array)
        for target, array in pop._eq_inputs().items():
            args[input_pointer(target)] = _address(array)
        for k, name in enumerate(pop._eq_neuron.info.timed):
            array = pop._eq_timed_arrays()[name]
            values, *sizes = array.kernel_arguments()
            for (part, _), value in zip(TIMED_FIELDS, [_address(values)] + sizes):
                args[timed_field(k, part)] = value
        args["_key0"], args["_key1"] = key_of(self.net.seed)
        for name, value in self.coefficients.items():
            per = isinstance(value, np.ndarray)
            args[argument_name(name, per)] = _address(value) if per else value
        for name, value in pop._eq_params.items():
            if isinstance(value, np.ndarray):
                args[parameter_pointer(name)] = _address(value)
            else:
                args[c_name(name)] = value
        for k, (monitor, (buffers, every, count)) in enumerate(
                zip(self.state_monitors, self.recordings)):
            args[f"_m{k}_idx"] = _address(monitor.indices)
            args[f"_m{k}_n"] = len(monitor.indices)
            args[f"_m{k}_every"] = every
            args[f"_m{k}_count"] = _address(count)
            for variable, buffer in buffers.items():
                args[monitor_buffer(k, variable)] = _address(buffer)
        return {field_name(self.prefix, name): value for name, value in args.items()}

    def flush(self, end: int) -> None:
        """The kernel has run up to step `end`: hand spikes and samples to the monitors."""
        count = int(self.spike_count[0])
        until = end * self.net.dt
        for monitor in self.spike_monitors:
            monitor._append(self.spike_index[:count], self.spike_step[:count], self.net.dt, until)
        self.spike_count[0] = 0
        for monitor, (_, _, taken) in zip(self.state_monitors, self.recordings):
            monitor._record(int(taken[0]), until)
        object.__setattr__(self.pop, "_eq_time", until)


LAST = "_last"          # the writeback of the synapses' update times (not a synapse value)


def _post_rows(proj: Projection, order) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """on_post's rows: for each post neuron its synapses (kernel positions, in kernel
    order) and their pre neurons."""
    post = proj._post_index if order is None else proj._post_index[order]
    pre = proj._pre_of_synapses() if order is None else proj._pre_of_synapses()[order]
    by_post = np.argsort(post, kind="stable")
    n_post = len(proj._post.population)
    prow = np.zeros(n_post + 1, dtype=np.int64)
    np.cumsum(np.bincount(post, minlength=n_post), out=prow[1:])
    return prow, by_post.astype(np.int64), pre[by_post].astype(np.int32)


class _ProjectionRun:
    """One projection's arrays for a run: CSR rows in the order the kernel reads them."""

    def __init__(self, network: Network, index: int, projection: Projection, pre_most: int):
        self.net, self.proj = network, projection
        self.pre_most = pre_most          # events per presynaptic neuron and step, at most
        self.prefix = f"j{index}"
        self.kind, self.steps = projection._eq_delay_steps(network.dt)
        self.writeback: list[tuple[str, np.ndarray, np.ndarray]] = []
        self.arrays: dict[str, object] = {}
        self.order = None              # kernel position of each synapse, when reordered
        self.state_monitors = network._monitors_of(projection, StateMonitor)
        self._prepare()

    def _prepare(self) -> None:
        proj, a = self.proj, self.arrays
        proj._eq_state_ready()
        values = proj._values
        n_pre = len(proj._pre.population)
        order = None
        if proj.event:
            if self.kind == "per-synapse":
                depth = int(self.steps.max()) + 1
                pre = proj._pre_of_synapses()
                key = pre * depth + self.steps
                order = np.argsort(key, kind="stable")
                self.order = np.empty_like(order)
                self.order[order] = np.arange(len(order))
                row = np.zeros(n_pre * depth + 1, dtype=np.int64)
                np.cumsum(np.bincount(key, minlength=n_pre * depth), out=row[1:])
                a["_row"], a["_post"] = row, np.ascontiguousarray(proj._post_index[order])
            else:
                depth = self.steps + 1
                a["_row"], a["_post"] = proj._row, proj._post_index
            if self.kind != "none":
                ring = proj._eq_ring(depth, n_pre * self.pre_most, self.net._step)
                a["_ring"], a["_ring_count"] = ring[:2]
                a["_depth"], a["_delay"] = depth, (self.steps if self.kind == "uniform" else 0)
                a["_stride"] = ring[2]
        for name, value in values.items():
            if isinstance(value, np.ndarray):
                if order is not None:
                    copy = np.ascontiguousarray(value[order])
                    self.writeback.append((name, copy, order))
                    a[synapse_pointer(name)] = copy
                else:
                    a[synapse_pointer(name)] = value
            else:
                a[c_name(name)] = value
        if proj._info.every_step:          # every synapse, by rows of the kernel's order
            if "_row" not in a:
                a["_row"], a["_post"] = proj._row, proj._post_index
            a["_nrows"] = len(a["_row"]) - 1
            a["_rowmul"] = (len(a["_row"]) - 1) // n_pre
        if proj._info.evolution:
            if order is not None:
                copy = np.ascontiguousarray(proj._last[order])
                self.writeback.append((LAST, copy, order))
                a["_last"] = copy
            else:
                a["_last"] = proj._last
        if proj._info.on_post:
            a["_prow"], a["_psyn"], a["_ppre"] = proj._eq_cached(
                "post rows", (self.kind, self.net.dt),     # the delays in steps: the order
                lambda: _post_rows(proj, order))
        if proj.continuous and proj._eq_storage() == "csr":
            by_post = np.argsort(proj._post_index, kind="stable")
            n_post = len(proj._post.population)
            crow = np.zeros(n_post + 1, dtype=np.int64)
            np.cumsum(np.bincount(proj._post_index, minlength=n_post), out=crow[1:])
            a["_crow"] = crow
            a["_cpre"] = proj._pre_of_synapses()[by_post].astype(np.int32)
            a["_cperm"] = by_post if self.order is None else self.order[by_post]
            for name, value in values.items():
                if isinstance(value, np.ndarray):
                    a[synapse_pointer("c_" + name)] = np.ascontiguousarray(value[by_post])

    def begin(self, start: int, steps: int) -> None:
        """Buffers of the synapse-value monitors for the whole run (as for populations)."""
        self.recordings = []
        for k, monitor in enumerate(self.state_monitors):
            every = monitor._every(self.net.dt)
            first = -(-start // every) * every
            buffers = monitor._begin(np.arange(first, start + steps, every, dtype=np.int64),
                                     self.net.dt)
            if monitor.indices.size and monitor.indices.max() >= len(self.proj):
                raise ValueError(f"{monitor!r} records synapse {monitor.indices.max()}, but "
                                 f"projection {self.proj.name} has {len(self.proj)} synapses")
            indices = monitor.indices if self.order is None else self.order[monitor.indices]
            count = np.zeros(1, dtype=np.int64)
            self.recordings.append((buffers, count))
            self.arrays[f"_m{k}_idx"] = np.ascontiguousarray(indices, dtype=np.int64)
            self.arrays[f"_m{k}_n"] = len(indices)
            self.arrays[f"_m{k}_every"] = every
            self.arrays[f"_m{k}_count"] = count
            for name, buffer in buffers.items():
                self.arrays[monitor_buffer(k, name)] = buffer

    def end(self) -> None:
        for monitor in self.state_monitors:
            monitor._end()

    def fields(self, kernel_fields) -> dict[str, object]:
        key0, key1 = key_of(self.net.seed)
        out = {field_name(self.prefix, "_key0"): key0, field_name(self.prefix, "_key1"): key1}
        for name, value in self.arrays.items():
            out[field_name(self.prefix, name)] = _address(value) if isinstance(value, np.ndarray) \
                else value
        arrays = self.proj._synapse.timed_arrays
        for k, name in enumerate(self.proj._info.timed):
            one_dimensional(name, arrays[name])
            values, *sizes = arrays[name].kernel_arguments()
            for (part, _), value in zip(TIMED_FIELDS, [_address(values)] + sizes):
                out[field_name(self.prefix, timed_field(k, part))] = value
        snapshot = field_name(self.prefix, "_snap_")
        n_pre = len(self.proj._pre.population)
        for name, _ in kernel_fields:
            if name.startswith(snapshot) and name not in out:
                array = self.arrays.setdefault(name, np.zeros(n_pre))
                out[name] = _address(array)
        return out

    def flush(self, end: int) -> None:
        """Synapse values the kernel changed in its own order go back to the projection;
        the monitors learn how far they have recorded."""
        for name, copy, order in self.writeback:
            (self.proj._last if name == LAST else self.proj._values[name])[order] = copy
        for monitor, (_, count) in zip(self.state_monitors, self.recordings):
            monitor._record(int(count[0]), end * self.net.dt)
