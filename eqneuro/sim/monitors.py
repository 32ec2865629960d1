"""SpikeMonitor and StateMonitor: recorded data as NumPy arrays, growing only with records.

Times are kept as step numbers with the dt they were recorded at (one segment per dt), so
that a Network whose dt changes between runs still reports every time correctly. A monitor
knows the time it has recorded until: a Network continues it only from there.
"""
from __future__ import annotations

import math
import numbers

import numpy as np


def _source(source):
    """(the Population, the view or None) of what a monitor records."""
    from .population import Population, PopulationView
    if isinstance(source, PopulationView):
        return (source.population, None) if source.whole else (source.population, source)
    if isinstance(source, Population):
        return source, None
    raise TypeError(f"a monitor records a Population or a view pop[...], not "
                    f"{type(source).__name__}")


def _join(parts: list[np.ndarray], empty: np.ndarray) -> np.ndarray:
    """One array from `parts`, kept as the only part: later reads are free."""
    if not parts:
        return empty
    if len(parts) > 1:
        parts[:] = [np.concatenate(parts)]
    return parts[0]


class SpikeRecord:
    """What recorded spikes offer, from a running SpikeMonitor or read back by `eq.read`:
    built on `.i`, `.t`, `.population` (its len) and the time recorded until."""

    _recorded_until: float | None

    @property
    def count(self) -> np.ndarray:
        """Number of spikes of each neuron."""
        return np.bincount(self.i, minlength=len(self.population)).astype(np.int64)

    @property
    def num_spikes(self) -> int:
        return len(self.i)

    def __len__(self) -> int:
        return self.num_spikes

    def spike_trains(self) -> dict[int, np.ndarray]:
        """Spike times of each neuron that fired."""
        i, t = self.i, self.t
        order = np.argsort(i, kind="stable")
        i, t = i[order], t[order]
        bounds = np.flatnonzero(np.diff(i)) + 1
        return {int(ii[0]): tt for ii, tt in zip(np.split(i, bounds), np.split(t, bounds))
                if len(ii)}

    def rate(self, bin: float = 1.0, duration: float | None = None):
        """Population firing rate in Hz per neuron, in bins of `bin` ms over (0, duration]
        (default: the time simulated so far): (bin centres, rates)."""
        from .rates import population_rate
        if duration is None:
            duration = self._recorded_until or 0.0
        return population_rate(self, bin, duration)

    def to_neo(self, t_start: float = 0.0, t_stop: float | None = None) -> list:
        """One `neo.SpikeTrain` (ms) per neuron, silent ones too, with the spikes in
        (t_start, t_stop]; t_stop defaults to the time recorded until. Needs eqneuro[neo]."""
        from .neo_export import spikes_to_neo
        return spikes_to_neo(self, t_start, t_stop)

    def to_dataframe(self):
        """A pandas DataFrame of the spikes in time order: columns `i` and `t` (ms)."""
        from .neo_export import spikes_to_dataframe
        return spikes_to_dataframe(self)


class TraceRecord:
    """What recorded traces offer, from a StateMonitor or read back by `eq.read`: built on
    `.t`, `.variables`, `.record` (indices within the recorded source) and `self[name]`."""

    def to_neo(self, variable: str | None = None, units: str = "dimensionless"):
        """A `neo.AnalogSignal` (samples x recorded neurons, times in ms) of `variable` (may
        be left out when only one is recorded), in `units`; an `IrregularlySampledSignal`
        when runs with different dt made the sampling uneven. Needs eqneuro[neo]."""
        from .neo_export import trace_to_neo
        return trace_to_neo(self, variable, units)

    def to_dataframe(self):
        """A pandas DataFrame with a row per sample and recorded neuron (or synapse): columns
        `t` (ms), `i` (index within the recorded source) and one per variable."""
        from .neo_export import trace_to_dataframe
        return trace_to_dataframe(self)


class SpikeMonitor(SpikeRecord):
    """Every spike of a population or of a view `pop[a:b]`: `.i` (neuron index, within the
    view), `.t` (ms), `.count` (per neuron)."""

    def __init__(self, population):
        self._population, self._view = _source(population)
        self.population = population
        self._segments: list[tuple[float, list[np.ndarray], list[np.ndarray]]] = []
        self._recorded_until: float | None = None     # None: it has never been run

    def _append(self, indices: np.ndarray, steps: np.ndarray, dt: float,
                until: float) -> None:
        self._recorded_until = until
        if self._view is not None and len(indices):
            local = self._view.local(indices)
            keep = local >= 0
            indices, steps = local[keep].astype(np.int32), steps[keep]
        if not len(indices):
            return
        if not self._segments or self._segments[-1][0] != dt:
            self._segments.append((dt, [], []))
        _, index_parts, step_parts = self._segments[-1]
        index_parts.append(indices.copy())
        narrow = steps[-1] < np.iinfo(np.int32).max      # steps grow: the last is largest
        step_parts.append(steps.astype(np.int32) if narrow else steps.copy())

    @property
    def i(self) -> np.ndarray:
        """Index of the neuron of each spike, in time order."""
        empty = np.zeros(0, np.int32)
        parts = [_join(indices, empty) for _, indices, _ in self._segments]
        return parts[0] if len(parts) == 1 else np.concatenate([empty] + parts)

    @property
    def t(self) -> np.ndarray:
        """Time of each spike in ms: the end of the step in which the condition held."""
        empty = np.zeros(0, np.int64)
        parts = [_join(steps, empty) * dt for dt, _, steps in self._segments]
        return parts[0] if len(parts) == 1 else np.concatenate([np.zeros(0)] + parts)

    @property
    def num_spikes(self) -> int:
        return int(sum(len(c) for _, parts, _ in self._segments for c in parts))

    def __repr__(self) -> str:
        return f"<SpikeMonitor of {_label(self)}: {self.num_spikes} spikes>"


class StateMonitor(TraceRecord):
    """Variables of chosen neurons over time: `.t` (samples,), `.v` (samples, neurons).

    Each run records into one buffer per variable, allocated for the whole run, which the
    kernel writes directly: after one run `trace.v` is that buffer (no copy); after several,
    the first read joins them once.
    """

    def __init__(self, population, variables, record=True, dt: float | None = None):
        from .projection import Projection
        if isinstance(population, Projection):
            self._population, self._view = population, None
            names = _synapse_variable_names(population, variables)
        else:
            self._population, self._view = _source(population)
            names = _variable_names(self._population, variables)
        self.population = population
        self.variables = names
        local = _record_indices(record, len(population))
        self.indices = local if self._view is None else self._view.neurons[local]
        self.record = local
        if dt is not None and (isinstance(dt, bool) or not isinstance(dt, numbers.Real)
                               or not math.isfinite(dt) or dt <= 0):
            raise ValueError(f"the sampling period dt must be a positive number of ms, "
                             f"not {dt!r}")
        self.period = None if dt is None else float(dt)
        self._data: dict[str, list[np.ndarray]] = {n: [] for n in names}
        self._times: list[np.ndarray] = []
        self._runs: list[tuple[float, int]] = []    # (dt, samples) of each run, in order
        self._open: list | None = None           # the run being recorded
        self._recorded_until: float | None = None

    def _every(self, dt: float) -> int:
        if self.period is None:
            return 1
        every = int(round(self.period / dt))
        if every < 1 or abs(every * dt - self.period) > 1e-9 * max(1.0, self.period):
            raise ValueError(f"the sampling period {self.period} ms is not a multiple of "
                             f"dt = {dt} ms")
        return every

    def _begin(self, steps: np.ndarray, dt: float) -> dict[str, np.ndarray]:
        """Buffers for the samples at `steps` of one run (the kernel fills them in order)."""
        shape = (len(steps), len(self.indices))
        try:
            buffers = {v: np.empty(shape) for v in self.variables}
        except MemoryError:
            gigabytes = len(self.variables) * shape[0] * shape[1] * 8 / 1e9
            raise MemoryError(
                f"recording {', '.join(self.variables)} of {shape[1]} neuron(s) for "
                f"{shape[0]} samples needs {gigabytes:.3g} GB: record fewer neurons, sample "
                "less often (StateMonitor(..., dt=...)) or run in shorter pieces") from None
        self._open = [buffers, steps, dt, 0]
        return buffers

    def _record(self, taken: int, until: float) -> None:
        """The open run has `taken` samples now, up to time `until`."""
        self._open[3] = taken
        self._recorded_until = until

    def _end(self) -> None:
        if self._open is None:
            return
        buffers, steps, dt, taken = self._open
        self._open = None
        if taken:
            for name, buffer in buffers.items():
                self._data[name].append(buffer[:taken])
            self._times.append(steps[:taken] * dt)
            self._runs.append((dt, taken))

    def _run_lengths(self) -> list[tuple[float, int]]:
        """(dt, samples) of each run recorded, the one running included."""
        if self._open is None:
            return list(self._runs)
        _, _, dt, taken = self._open
        return self._runs + [(dt, taken)]

    def _parts(self, name: str) -> list[np.ndarray]:
        if self._open is None:
            return self._data[name]
        buffers, _, _, taken = self._open
        return self._data[name] + [buffers[name][:taken]]

    @property
    def t(self) -> np.ndarray:
        """Sample times in ms: the start of each sampled step."""
        empty = np.zeros(0)
        if self._open is not None:
            _, steps, dt, taken = self._open
            return np.concatenate(self._times + [steps[:taken] * dt])
        return _join(self._times, empty).copy()

    def __getitem__(self, name: str) -> np.ndarray:
        """A recorded variable by name, also one that is not an identifier: trace["sum(exc)"]."""
        if name not in self.__dict__.get("_data", {}):
            raise KeyError(f"StateMonitor records {', '.join(self.variables)}; not {name!r}")
        return self.__getattr__(name)

    def __getattr__(self, name: str):
        data = self.__dict__.get("_data", {})
        if name in data:
            empty = np.zeros((0, len(self.indices)))
            if self._open is not None:         # read while running: a copy, nothing kept
                return np.concatenate([empty] + self._parts(name))
            return _join(data[name], empty)
        raise AttributeError(f"StateMonitor records {', '.join(data) or 'nothing'}; "
                             f"it has no '{name}'")

    def __repr__(self) -> str:
        what = "synapse(s)" if self._population is self.population and \
            not hasattr(self.population, "_eq_name") else "neuron(s)"
        return (f"<StateMonitor of {_label(self)}: {', '.join(self.variables)} for "
                f"{len(self.indices)} {what}, {len(self.t)} samples>")


def _label(monitor) -> str:
    source = monitor.population
    return getattr(source, "label", None) or getattr(source, "_eq_name", None) or \
        getattr(source, "name", "?")


def _synapse_variable_names(projection, variables) -> tuple[str, ...]:
    names = (variables,) if isinstance(variables, str) else tuple(variables) \
        if isinstance(variables, (list, tuple)) else None
    if names is None:
        raise TypeError("variables must be a name or a list of names, not "
                        f"{type(variables).__name__}")
    if not names:
        raise ValueError("StateMonitor needs at least one variable")
    known = tuple(projection._values)
    for name in names:
        if name not in known:
            from ..errors import did_you_mean
            hint = did_you_mean(str(name), known)
            raise ValueError(f"projection {projection.name} has no synapse value '{name}' to "
                             "record" + (f"; {hint}" if hint else f" (recordable: {', '.join(known)})"))
    if len(set(names)) != len(names):
        raise ValueError("a variable is named twice in StateMonitor")
    return names


def _variable_names(population, variables) -> tuple[str, ...]:
    if isinstance(variables, str):
        names = (variables,)
    elif isinstance(variables, (list, tuple)):
        names = tuple(variables)
    else:
        raise TypeError("variables must be a name or a list of names, not "
                        f"{type(variables).__name__}")
    if not names:
        raise ValueError("StateMonitor needs at least one variable")
    known = population._eq_recordable()
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"variable names must be strings, not {type(name).__name__}")
        if name not in known:
            from ..errors import did_you_mean
            hint = did_you_mean(name, known)
            if not known:
                raise ValueError(f"{population._eq_name} has no variables to record; record "
                                 "its spikes with a SpikeMonitor")
            raise ValueError(f"{population._eq_name} has no variable '{name}' to record"
                             + (f"; {hint}" if hint else f" (recordable: {', '.join(known)})"))
    if len(set(names)) != len(names):
        raise ValueError("a variable is named twice in StateMonitor")
    return names


def _record_indices(record, n: int) -> np.ndarray:
    if record is True:
        return np.arange(n, dtype=np.int64)
    if record is False or record is None:
        raise ValueError("record must be True, an index or a list of indices")
    if isinstance(record, (int, np.integer)) and not isinstance(record, bool):
        record = [record]
    indices = np.asarray(record)
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
        if indices.size == 0:
            raise ValueError("record must name at least one neuron")
        raise TypeError("record must be True, an index or a list of integer indices")
    if indices.size == 0:
        raise ValueError("record must name at least one neuron")
    if indices.min() < 0 or indices.max() >= n:
        raise ValueError(f"record indices must be in 0..{n - 1}")
    return indices.astype(np.int64)
