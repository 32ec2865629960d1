"""SpikeMonitor and StateMonitor: recorded data as NumPy arrays, growing only with records."""
from __future__ import annotations

import numpy as np


def _check_population(population) -> None:
    from .runtime import Population
    if not isinstance(population, Population):
        raise TypeError(f"a monitor records a Population, not {type(population).__name__}")


class SpikeMonitor:
    """Every spike of a population: `.i` (neuron index), `.t` (ms), `.count` (per neuron)."""

    def __init__(self, population):
        _check_population(population)
        self.population = population
        self._indices: list[np.ndarray] = []
        self._steps: list[np.ndarray] = []
        self._dt: float | None = None
        self._joined: tuple[np.ndarray, np.ndarray] | None = None
        self._recorded_until = 0.0

    def _append(self, indices: np.ndarray, steps: np.ndarray, dt: float,
                until: float | None = None) -> None:
        if until is not None:
            self._recorded_until = until
        if len(indices):
            self._indices.append(indices.copy())
            narrow = steps[-1] < np.iinfo(np.int32).max      # steps grow: the last is largest
            self._steps.append(steps.astype(np.int32) if narrow else steps.copy())
            self._joined = None
        self._dt = dt

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._joined is None:
            i = np.concatenate(self._indices) if self._indices else np.zeros(0, np.int32)
            s = np.concatenate(self._steps) if self._steps else np.zeros(0, np.int64)
            self._indices, self._steps = [i], [s]     # keep one copy, not chunks and a join
            self._joined = (i, s)
        return self._joined

    @property
    def i(self) -> np.ndarray:
        """Index of the neuron of each spike, in time order."""
        return self._arrays()[0]

    @property
    def t(self) -> np.ndarray:
        """Time of each spike in ms: the end of the step in which the condition held."""
        steps = self._arrays()[1]
        return steps * (self._dt or 0.0)

    @property
    def count(self) -> np.ndarray:
        """Number of spikes of each neuron."""
        return np.bincount(self.i, minlength=len(self.population)).astype(np.int64)

    @property
    def num_spikes(self) -> int:
        return int(sum(len(c) for c in self._indices))

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
            duration = self._recorded_until
        return population_rate(self, bin, duration)

    def __repr__(self) -> str:
        return f"<SpikeMonitor of {self.population._eq_name}: {self.num_spikes} spikes>"


class StateMonitor:
    """Variables of chosen neurons over time: `.t` (samples,), `.v` (samples, neurons)."""

    def __init__(self, population, variables, record=True, dt: float | None = None):
        _check_population(population)
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
                from .errors import did_you_mean
                raise ValueError(f"{population._eq_name} has no variable '{name}' to record"
                                 + (f"; {did_you_mean(name, known)}" if did_you_mean(
                                     name, known) else f" (recordable: {', '.join(known)})"))
        if len(set(names)) != len(names):
            raise ValueError("a variable is named twice in StateMonitor")
        self.population = population
        self.variables = names
        self.indices = _record_indices(record, len(population))
        if dt is not None and (not isinstance(dt, (int, float)) or dt <= 0):
            raise ValueError("the sampling period dt must be a positive number of ms")
        self.period = dt
        self._chunks: dict[str, list[np.ndarray]] = {n: [] for n in names}
        self._steps: list[np.ndarray] = []
        self._dt: float | None = None

    def _every(self, dt: float) -> int:
        if self.period is None:
            return 1
        every = int(round(self.period / dt))
        if every < 1 or abs(every * dt - self.period) > 1e-9 * max(1.0, self.period):
            raise ValueError(f"the sampling period {self.period} ms is not a multiple of "
                             f"dt = {dt} ms")
        return every

    def _append(self, buffers: dict[str, np.ndarray], steps: np.ndarray, dt: float) -> None:
        for name, data in buffers.items():
            self._chunks[name].append(data)
        self._steps.append(steps)
        self._dt = dt

    @property
    def t(self) -> np.ndarray:
        steps = np.concatenate(self._steps) if self._steps else np.zeros(0, np.int64)
        return steps * (self._dt or 0.0)

    def __getattr__(self, name: str):
        chunks = self.__dict__.get("_chunks", {})
        if name in chunks:
            parts = chunks[name]
            if not parts:
                return np.zeros((0, len(self.indices)))
            if len(parts) > 1:
                chunks[name] = [np.concatenate(parts)]
            return chunks[name][0]
        raise AttributeError(f"StateMonitor records {', '.join(chunks) or 'nothing'}; "
                             f"it has no '{name}'")

    def __repr__(self) -> str:
        return (f"<StateMonitor of {self.population._eq_name}: {', '.join(self.variables)} for "
                f"{len(self.indices)} neuron(s), {len(self.t)} samples>")


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
