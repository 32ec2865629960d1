"""Population (state and parameters as NumPy arrays) and Network (dt, t, run)."""
from __future__ import annotations

import math
import numbers
import threading
import weakref

import numpy as np

from .errors import SimulationError, did_you_mean
from .evaluate import evaluate
from .kernel_abi import (BLOCK, Layout, c_name, monitor_buffer, parameter_pointer,
                         state_pointer)
from .monitors import SpikeMonitor, StateMonitor
from .neuron import Neuron
from .runguard import DeferredInterrupt, exclusive
from .propagators import argument_name, coefficient_values, per_neuron


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


class Population:
    """N neurons of one model. Parameters and variables are attributes: `pop.I`, `pop.v`.

    A parameter holds one value for all neurons until it is given an array; state variables
    are initialised from their `init` flags, with the parameters as they are at first use.
    """

    _counter = 0

    def __init__(self, neuron: Neuron, n: int, name: str | None = None):
        if not isinstance(neuron, Neuron):
            raise TypeError(f"Population needs an eqneuro.Neuron, not {type(neuron).__name__}")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"the number of neurons must be an integer, not {type(n).__name__}")
        if n < 1:
            raise ValueError(f"a population needs at least one neuron (got {n})")
        if n >= 2 ** 31:
            raise ValueError("a population holds at most 2**31 - 1 neurons")
        Population._counter += 1
        info = neuron.info
        object.__setattr__(self, "_eq_neuron", neuron)
        object.__setattr__(self, "_eq_n", int(n))
        object.__setattr__(self, "_eq_name", name or f"{info.name}_{Population._counter}")
        object.__setattr__(self, "_eq_params", {p: value for p, value, _ in info.parameters})
        object.__setattr__(self, "_eq_shared", {p for p, _, shared in info.parameters if shared})
        object.__setattr__(self, "_eq_state", None)
        object.__setattr__(self, "_eq_refractory", np.zeros(int(n), dtype=np.int32))
        object.__setattr__(self, "_eq_time", 0.0)        # of the state, in ms
        object.__setattr__(self, "_eq_network", None)     # weakref to its latest Network
        object.__setattr__(self, "_eq_lock", threading.Lock())    # held while it runs
        names = [p for p, _, _ in info.parameters] + [v for v, _ in info.state] + \
            [a for a, _ in info.assignments]
        reserved = [n for n in names if n.startswith("_eq_")]
        if reserved:
            raise ValueError(f"the name '{reserved[0]}' cannot be used from Python: names "
                             "beginning with _eq_ are reserved for eqneuro's Population")
        object.__setattr__(self, "_eq_names", frozenset(names))

    # ---- attribute access -------------------------------------------------------------
    @property
    def neuron(self) -> Neuron:
        return self._eq_neuron

    @property
    def name(self) -> str:
        return self._eq_name

    def __len__(self) -> int:
        return self._eq_n

    @property
    def N(self) -> int:
        return self._eq_n

    @property
    def t(self) -> float:
        """The time of the population's state in ms (a new Network continues from it)."""
        return self._eq_time

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | self._eq_names)

    def layout(self, monitors=()) -> Layout:
        return self._eq_layout(monitors)

    def _eq_state_arrays(self) -> dict[str, np.ndarray]:
        if self._eq_state is None:
            object.__setattr__(self, "_eq_state", self._eq_initial_state())
        return self._eq_state

    def _eq_initial_state(self) -> dict[str, np.ndarray]:
        info = self._eq_neuron.info
        values: dict[str, object] = dict(self._eq_params)
        pending = dict(info.state)
        state: dict[str, np.ndarray] = {}
        from .evaluate import names_in
        while pending:
            for name, tree in list(pending.items()):
                if names_in(tree) & set(pending):
                    continue
                with np.errstate(all="ignore"):
                    value = np.asarray(evaluate(tree, values), dtype=np.float64)
                array = np.empty(self._eq_n, dtype=np.float64)
                array[:] = np.broadcast_to(value, (self._eq_n,))
                state[name] = values[name] = array
                del pending[name]
        return {name: state[name] for name, _ in info.state}

    def _eq_recordable(self) -> tuple[str, ...]:
        info = self._eq_neuron.info
        return tuple(n for n, _ in info.state) + tuple(n for n, _ in info.assignments) + \
            tuple(self._eq_params)

    # The model's names come first: a parameter called N, name or neuron, or _a, is read and
    # set as such. Internals all start with _eq_, a prefix model names may not use here.
    def __getattribute__(self, name: str):
        if not name.startswith(("_eq_", "__")):
            names = object.__getattribute__(self, "__dict__").get("_eq_names", ())
            if name in names:
                return object.__getattribute__(self, "_eq_value")(name)
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(self._eq_unknown(name))

    def _eq_value(self, name: str):
        params = self._eq_params
        if name in params:
            value = params[name]
            return value.copy() if isinstance(value, np.ndarray) else np.full(self._eq_n, value)
        if name in dict(self._eq_neuron.info.state):
            return self._eq_state_arrays()[name]
        return self._eq_derived(name)

    def _eq_derived(self, name: str) -> np.ndarray:
        from .evaluate import names_in
        assignments = self._eq_neuron.info.assignments
        needed = {name}
        for assigned, tree in reversed(assignments):
            if assigned in needed:
                needed |= names_in(tree)
        values: dict[str, object] = dict(self._eq_params)
        values.update(self._eq_state_arrays())
        values["t"] = self._eq_time       # the time of the current state
        if "dt" in needed:
            values["dt"] = self._eq_dt(name)
        for assigned, tree in assignments:
            if assigned in needed:
                with np.errstate(all="ignore"):
                    values[assigned] = evaluate(tree, values)
            if assigned == name:
                break
        out = np.empty(self._eq_n)
        out[:] = np.broadcast_to(np.asarray(values[name], dtype=float), (self._eq_n,))
        return out

    def _eq_dt(self, name: str) -> float:
        network = self._eq_network() if self._eq_network is not None else None
        if network is None:
            raise ValueError(f"{name} uses dt, which is known once {self._eq_name} is in a "
                             "Network: create the Network first (dt is the Network's)")
        return network.dt

    def _eq_unknown(self, name: str) -> str:
        known = list(self._eq_params) + list(self._eq_recordable())
        hint = did_you_mean(name, known)
        return (f"{self._eq_neuron.name} has no parameter or variable '{name}'"
                + (f"; {hint}" if hint else f" (known: {', '.join(known)})"))

    def __setattr__(self, name: str, value) -> None:
        if name not in self._eq_names:
            if name == "name":
                object.__setattr__(self, "_eq_name", str(value))
                return
            if name == "t":
                raise AttributeError(f"{self._eq_name}.t is the time of its state; it "
                                     "changes only by running a Network")
            raise AttributeError(self._eq_unknown(name))
        if name in self._eq_params:
            self._eq_params[name] = self._eq_parameter_value(name, value)
            return
        info = self._eq_neuron.info
        if name in dict(info.state):
            self._eq_state_arrays()[name][:] = self._eq_array(name, value)
            return
        if name in dict(info.assignments):
            raise AttributeError(f"'{name}' is a derived variable of {self._eq_neuron.name}: it "
                                 "follows the state and cannot be set")
        raise AttributeError(self._eq_unknown(name))

    def _eq_array(self, name: str, value, any_length: bool = False) -> np.ndarray:
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{name} must be a number or an array of numbers")
        if np.iscomplexobj(value):
            raise TypeError(f"{name} must be real: got complex values (take .real or abs() "
                            "explicitly)")
        if isinstance(value, np.ma.MaskedArray):
            if np.ma.getmaskarray(value).any():
                raise ValueError(f"{name}: the masked array has masked entries; fill them "
                                 "first (e.g. values.filled(0.0))")
            value = value.data
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number or an array of numbers, "
                            f"not {type(value).__name__}") from None
        if array.ndim == 0:
            return np.full(self._eq_n, float(array))
        if any_length:
            return array.ravel()
        if array.shape != (self._eq_n,):
            raise ValueError(f"{name} needs one value per neuron: length {self._eq_n}, "
                             f"got shape {array.shape}")
        return array

    def _eq_parameter_value(self, name: str, value):
        shared = name in self._eq_shared
        array = self._eq_array(name, value, any_length=shared)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"parameter {name} must be finite")
        if shared:      # an array of identical values is that value
            if array.size == 0 or np.any(array != array[0]):
                raise ValueError(f"parameter {name} is shared: it holds one value for the "
                                 "whole population; give it a single number, not one per "
                                 "neuron")
            return float(array[0])
        if np.ndim(value) == 0:
            return float(array[0])
        return np.ascontiguousarray(array)

    def _eq_layout(self, monitors=()) -> Layout:
        arrays = tuple(n for n, v in self._eq_params.items() if isinstance(v, np.ndarray))
        arrays += per_neuron(self._eq_neuron.info.propagators, arrays)
        return Layout(arrays, tuple(m.variables for m in monitors))

    def _eq_coefficients(self, dt: float) -> dict[str, float | np.ndarray]:
        """Coefficients of exact integration (matrix exponentials) for these parameters."""
        return coefficient_values(self._eq_neuron.info.propagators, self._eq_params, dt,
                                  self._eq_n)

    def __repr__(self) -> str:
        varying = [n for n, v in self._eq_params.items() if isinstance(v, np.ndarray)]
        return (f"<Population {self._eq_name}: {self._eq_n} x {self._eq_neuron.name} "
                f"(method {self._eq_neuron.method})"
                + (f", per-neuron: {', '.join(varying)}" if varying else "") + ">")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{n}</td><td>{'per neuron: ' + f'{v.min():g} .. {v.max():g}' if isinstance(v, np.ndarray) else f'{v:g}'}</td></tr>"
            for n, v in self._eq_params.items())
        return (f"<b>Population {self._eq_name}</b>: {self._eq_n} neurons, model "
                f"{self._eq_neuron.name}, method {self._eq_neuron.method}<table>{rows}</table>")


class Network:
    """Populations and monitors simulated together with one time step `dt` (ms)."""

    def __init__(self, *objects, dt: float = 0.1, threads: int = 1):
        self._dt = _checked_dt(dt)
        self._threads = _checked_threads(threads)
        self._lock = threading.Lock()          # held while it runs
        populations: list[Population] = []
        monitors: list = []
        for obj in objects:
            if isinstance(obj, Population):
                if obj not in populations:
                    populations.append(obj)
            elif isinstance(obj, (SpikeMonitor, StateMonitor)):
                if not any(obj is m for m in monitors):     # given twice: record once
                    monitors.append(obj)
            else:
                raise TypeError(f"Network takes Populations and monitors, not "
                                f"{type(obj).__name__}")
        self._populations, self._monitors = tuple(populations), tuple(monitors)
        for monitor in self.monitors:
            if monitor.population not in self.populations:
                raise ValueError(f"{monitor!r} records {monitor.population._eq_name}, which is not "
                                 "in this Network; add the population too")
            if isinstance(monitor, SpikeMonitor) and not monitor.population._eq_neuron.info.has_spike:
                raise ValueError(f"{monitor.population._eq_neuron.name} has no spike condition; "
                                 "a SpikeMonitor would record nothing")
            if isinstance(monitor, StateMonitor):
                monitor._every(self.dt)
        self._step = _starting_step(self._populations, self._monitors, self._dt)
        self.build_seconds = 0.0
        self.cache_hits = 0
        self._kernels: dict[int, tuple[Layout, object]] = {}
        self._buffers: dict[tuple, tuple] = {}
        for population in self.populations:
            self._kernel(population)
        for population in self.populations:
            object.__setattr__(population, "_eq_network", weakref.ref(self))

    @property
    def t(self) -> float:
        """Simulated time in ms."""
        return self._step * self.dt

    @property
    def populations(self) -> tuple[Population, ...]:
        return self._populations

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
        monitors = [type(m).__name__ + f"({m.population._eq_name})" for m in self.monitors]
        return (f"<Network t = {self.t:g} ms, dt = {self.dt} ms, threads = {self.threads}: "
                + "; ".join(parts) + (f"; monitors: {', '.join(monitors)}" if monitors else "")
                + ">")

    def _repr_html_(self) -> str:
        rows = "".join(f"<li>{p._repr_html_()}</li>" for p in self.populations)
        return (f"<b>Network</b> at t = {self.t:g} ms (dt = {self.dt} ms, "
                f"{self.threads} thread(s))<ul>{rows}</ul>"
                + (f"{len(self.monitors)} monitor(s)" if self.monitors else ""))

    def _monitors_of(self, population, kind):
        return [m for m in self.monitors if isinstance(m, kind) and m.population is population]

    def _kernel(self, population):
        """The kernel for the population's current layout (rebuilt when a parameter became
        per-neuron since the last run)."""
        layout = population._eq_layout(self._monitors_of(population, StateMonitor))
        known = self._kernels.get(id(population))
        if known is not None and known[0] == layout:
            return known[1]
        result = population._eq_neuron.kernel(layout)
        self.build_seconds += result.seconds
        self.cache_hits += result.cache_hit
        self._kernels[id(population)] = (layout, result.module)
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
        claims = [(self._lock, "this Network")] + [
            (p._eq_lock, f"population {p._eq_name}") for p in self.populations]
        with exclusive(claims):
            self._check_clock()
            runs = [_Run(self, population, self._kernel(population))
                    for population in self.populations]
            for population in self.populations:
                object.__setattr__(population, "_eq_network", weakref.ref(self))
            try:
                for run in runs:
                    run.begin(self._step, steps)
                _Progress(self, steps, progress).drive(runs)
            finally:
                for run in runs:
                    run.end()

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


def _checked_threads(threads) -> int:
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads must be an integer, not {type(threads).__name__}")
    if threads < 1:
        raise ValueError(f"threads must be at least 1 (got {threads})")
    return int(threads)


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

    def drive(self, runs) -> None:
        import time
        start = time.perf_counter()
        done, chunk = 0, max(1, min(self.steps, self.steps // 100 or 1))
        # Ctrl-C waits for the end of the chunk: then time, state and monitors agree.
        with DeferredInterrupt() as interrupt:
            try:
                while done < self.steps:
                    count = min(chunk, self.steps - done)
                    step0 = self.net._step
                    for run in runs:
                        run.advance(step0, count)
                    self.net._step = step0 + count
                    done += count
                    interrupt.deliver()
                    elapsed = max(time.perf_counter() - start, 1e-9)
                    chunk = max(1, int(done / elapsed * CHUNK_SECONDS))
                    self._show(done, elapsed)
            finally:
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


_BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n:g}/{total:g} ms [{elapsed}<{remaining}{postfix}]"


class _Run:
    """One population advanced by `steps` steps, in calls to its kernel."""

    def __init__(self, network: Network, population: Population, kernel):
        self.net, self.pop, self.kernel = network, population, kernel
        self.spike_monitors = network._monitors_of(population, SpikeMonitor)
        self.state_monitors = network._monitors_of(population, StateMonitor)
        self.coefficients = population._eq_coefficients(network.dt)    # once per run()
        n = len(population)
        self.capacity = max(2 * n, 1 << 16) if self.spike_monitors else 1 << 62
        key = (id(population), bool(self.spike_monitors), network.threads > 1)
        if key not in network._buffers:         # reused by every run of this network
            size = self.capacity if self.spike_monitors else 1
            threaded = network.threads > 1
            network._buffers[key] = (
                np.empty(size, dtype=np.int32), np.empty(size, dtype=np.int64),
                np.zeros(1, dtype=np.int64), np.full(3, -1, dtype=np.int64),
                np.zeros(n if threaded else 1, dtype=np.uint8),
                np.zeros(-(-n // BLOCK) if threaded else 1, dtype=np.uint8))
        (self.spike_index, self.spike_step, self.spike_count, self.error, self.all_flags,
         self.block_events) = network._buffers[key]
        self.spike_count[0] = 0
        self.error[:] = -1

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

    def advance(self, step0: int, steps: int) -> None:
        """Run steps step0 .. step0+steps-1; on a blow-up, stop the network there."""
        done = 0
        while done < steps:
            args = self._arguments(step0 + done, steps - done)
            advanced = self.kernel.run(*[args[name] for name in self.kernel.ARGUMENTS])
            done += advanced
            self._flush(step0 + done)
            if self.error[0] >= 0:
                self.net._step = step0 + done
                raise self._blow_up()

    def _arguments(self, start: int, steps: int) -> dict[str, object]:
        pop = self.pop
        args: dict[str, object] = {
            "_n": len(pop), "_nsteps": steps, "_step0": start, "_dt": self.net.dt,
            "_ref": _address(pop._eq_refractory), "_record_spikes": int(bool(self.spike_monitors)),
            "_spike_index": _address(self.spike_index), "_spike_step": _address(self.spike_step),
            "_spike_count": _address(self.spike_count), "_spike_capacity": self.capacity,
            "_err": _address(self.error), "_threads": self.net.threads,
            "_all_flags": _address(self.all_flags),
            "_block_events": _address(self.block_events)}
        for name, array in pop._eq_state_arrays().items():
            args[state_pointer(name)] = _address(array)
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
        return args

    def _flush(self, end: int) -> None:
        """The kernel has run up to step `end`: hand spikes and samples to the monitors."""
        count = int(self.spike_count[0])
        until = end * self.net.dt
        for monitor in self.spike_monitors:
            monitor._append(self.spike_index[:count], self.spike_step[:count], self.net.dt, until)
        self.spike_count[0] = 0
        for monitor, (_, _, taken) in zip(self.state_monitors, self.recordings):
            monitor._record(int(taken[0]), until)
        object.__setattr__(self.pop, "_eq_time", until)

    def _blow_up(self) -> SimulationError:
        step, neuron, _ = (int(x) for x in self.error)
        state = self.pop._eq_state_arrays()
        bad = [name for name in self.pop._eq_neuron.variables if not np.isfinite(state[name][neuron])]
        what = (f"{bad[0]} of neuron {neuron} became {state[bad[0]][neuron]}" if bad else
                f"a variable of neuron {neuron} became non-finite (and was then reset)")
        method = self.pop._eq_neuron.method
        others = [m for m in ("rk4", "exponential", "implicit") if m != method]
        return SimulationError(
            f"{self.pop._eq_name}: {what} at t = "
            f"{(step + 1) * self.net.dt:g} ms ({method}, dt = {self.net.dt} ms). "
            "The simulation stopped there. Check the parameters, or try a smaller dt or "
            f"another method (e.g. {' or '.join(repr(m) for m in others[:2])}).")
