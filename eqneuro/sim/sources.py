"""Populations that only emit spikes: PoissonGroup (random events at given rates) and
SpikeSource (events at given times). Either may emit several events per neuron in one step;
each is delivered (and recorded) on its own."""
from __future__ import annotations

import dataclasses
import numpy as np

from .. import randomness
from ..evaluate import evaluate
from ..functions import scheduled_symbol
from ..neuron import Neuron
from .population import Population

_POISSON_TEXT = """neuron PoissonGroup:
    parameters:
        rate = 0.0
    spike: poisson(rate * dt / 1000.0) > 0
"""

_POISSON_RATE_TEXT = """neuron PoissonGroup:
    equations:
        rate = {rate}
    spike: poisson(rate * dt / 1000.0) > 0
"""

# The model of a SpikeSource has no names; its spike condition is replaced (_EventNeuron).
_SCHEDULE_TEXT = """neuron SpikeSource:
    spike: t < 0
"""


class _EventNeuron(Neuron):
    """The model of an event source: its spike condition `count > 0` emits `count` events
    (NeuronModel.spike_counts); a SpikeSource's count is the events given for the step."""

    def __init__(self, text: str, scheduled: bool = False, file: str | None = None):
        self._scheduled = scheduled
        self._counted = None
        super().__init__(text, file=file)
        self._key = f"{self._key}:{'scheduled' if scheduled else 'counted'}"

    def _analysis(self):
        if self._counted is None:
            analysed = super()._analysis()
            changes = dict(spike_counts=True)
            if self._scheduled:
                import sympy
                changes["spike"] = sympy.StrictGreaterThan(scheduled_symbol(), 0)
            self._counted = dataclasses.replace(
                analysed, model=dataclasses.replace(analysed.model, **changes),
                numeric=dataclasses.replace(analysed.numeric, **changes))
        return self._counted

    def __repr__(self) -> str:
        return f"<{self.name}: an event source>"


class PoissonGroup(Population):
    """n neurons that emit independent Poisson events at `rate` (Hz): one number, one per
    neuron, or (a string) an expression of t in ms such as "10 + 5*sin(t/20)".

    In each step of dt ms a neuron emits a Poisson count of events of mean rate*dt/1000,
    drawn from the Network's seed; several events in one step are all delivered (and
    recorded), so the count of events is Poisson for any rate*dt. `pop.rate` reads the rates
    and, for numbers, sets them between runs.
    """

    _eq_emits_only = True

    def __init__(self, n: int, rate, name: str | None = None):
        expression = isinstance(rate, str)
        if expression:
            text = _POISSON_RATE_TEXT.format(rate=rate.strip())
            neuron = _EventNeuron(text, file="PoissonGroup rate")
            if neuron.info.inputs:
                raise ValueError("the rate of a PoissonGroup is an expression of t; it has no "
                                 "inputs sum(T) (nothing can project onto it)")
        else:
            neuron = _EventNeuron(_POISSON_TEXT)
        super().__init__(neuron, n, name)
        if not expression:
            self.rate = rate

    def _eq_parameter_value(self, name: str, value):
        value = super()._eq_parameter_value(name, value)
        if np.any(np.asarray(value) < 0):
            raise ValueError(f"the rate of {self._eq_name} must be at least 0 Hz, not "
                             f"{np.min(value):g}")
        return value

    def _eq_rates(self, dt: float, start: int, steps: int) -> np.ndarray:
        """The rates the run uses: the parameter, or the expression at every step's end."""
        if "rate" in self._eq_params:
            return np.atleast_1d(np.asarray(self._eq_params["rate"], dtype=float))
        tree = dict(self._eq_neuron.info.assignments)["rate"]
        highest = 0.0
        for first in range(start, start + steps, CHUNK):
            times = (np.arange(first, min(first + CHUNK, start + steps)) + 1) * dt
            with np.errstate(all="ignore"):
                rates = np.broadcast_to(np.asarray(evaluate(tree, {"t": times, "dt": dt}),
                                                   dtype=float), times.shape)
            bad = ~(np.isfinite(rates) & (rates >= 0))
            if bad.any():
                where = int(np.flatnonzero(bad)[0])
                raise ValueError(f"the rate of {self._eq_name} is {rates[where]:g} Hz at t = "
                                 f"{times[where]:g} ms: a rate must be a finite number of "
                                 "Hz, at least 0")
            highest = max(highest, float(rates.max(initial=0.0)))
        return np.array([highest])

    def _eq_events_per_neuron(self, dt: float, start: int, steps: int) -> int:
        mean = float(self._eq_rates(dt, start, steps).max(initial=0.0)) * dt / 1000.0
        return randomness.most_events(mean)

    def __repr__(self) -> str:
        rate = self._eq_params.get("rate")
        if rate is None:
            what = "rate(t)"
        elif isinstance(rate, np.ndarray):
            what = f"rates {rate.min():g} .. {rate.max():g} Hz"
        else:
            what = f"rate {rate:g} Hz"
        return f"<PoissonGroup {self._eq_name}: {self._eq_n} neurons, {what}>"


CHUNK = 1 << 20        # steps of a rate expression evaluated at once


class SpikeSource(Population):
    """n neurons that emit the events given: neuron i[k] at time t[k] (ms). Times are
    rounded to the nearest step end (k*dt); events of one neuron in one step are all
    delivered. A time must round to a step after the start (t >= dt/2)."""

    _eq_emits_only = True

    def __init__(self, n: int, i, t, name: str | None = None):
        super().__init__(_EventNeuron(_SCHEDULE_TEXT, scheduled=True), n, name)
        indices, times = _events(i, t, self._eq_n)
        order = np.lexsort((times, indices))
        object.__setattr__(self, "_eq_indices", indices[order])
        object.__setattr__(self, "_eq_times", times[order])
        object.__setattr__(self, "_eq_schedule", None)       # (dt, row, steps)

    @property
    def indices(self) -> np.ndarray:
        """The neuron of each event (sorted by neuron, then time)."""
        return self._eq_indices.copy()

    @property
    def times(self) -> np.ndarray:
        """The time of each event in ms, as given (in the order of `indices`)."""
        return self._eq_times.copy()

    def _eq_steps(self, dt: float):
        """(row, steps): neuron i's events are steps[row[i]:row[i+1]], sorted."""
        if self._eq_schedule is None or self._eq_schedule[0] != dt:
            steps = np.floor(self._eq_times / dt + 0.5).astype(np.int64)
            if steps.size and steps.min() < 1:
                k = int(np.argmin(steps))
                raise ValueError(
                    f"{self._eq_name}: the event of neuron {self._eq_indices[k]} at t = "
                    f"{self._eq_times[k]:g} ms rounds to t = 0, before the first step ends; "
                    f"events are emitted at the ends of steps, from t = dt = {dt:g} ms on")
            order = np.lexsort((steps, self._eq_indices))
            steps = np.ascontiguousarray(steps[order])
            row = np.zeros(self._eq_n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self._eq_indices, minlength=self._eq_n), out=row[1:])
            object.__setattr__(self, "_eq_schedule", (dt, row, steps))
        return self._eq_schedule[1], self._eq_schedule[2]

    def _eq_events_per_neuron(self, dt: float, start: int, steps: int) -> int:
        row, event_steps = self._eq_steps(dt)
        if event_steps.size == 0:
            return 1
        key = np.repeat(np.arange(self._eq_n, dtype=np.int64), np.diff(row))
        _, repeats = np.unique(np.stack([key, event_steps]), axis=1, return_counts=True)
        return int(max(1, repeats.max()))

    def _eq_source_arrays(self, dt: float, step: int) -> dict[str, np.ndarray]:
        """The kernel's schedule from step `step` on: next[i] is neuron i's first event
        after it."""
        row, event_steps = self._eq_steps(dt)
        neuron = np.repeat(np.arange(self._eq_n, dtype=np.int64), np.diff(row))
        later = row[:-1] + np.bincount(neuron[event_steps <= step], minlength=self._eq_n)
        return {"_ev_next": later, "_ev_row": row, "_ev_step": event_steps}

    def __repr__(self) -> str:
        return f"<SpikeSource {self._eq_name}: {self._eq_n} neurons, {self._eq_times.size} events>"


def _events(i, t, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The events given to SpikeSource, checked: (neuron indices, times in ms)."""
    for label, value in (("i", i), ("t", t)):
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"SpikeSource({label}=...) must be an array of numbers")
    times = np.atleast_1d(np.asarray(t))
    indices = np.atleast_1d(np.asarray(i))
    if times.ndim != 1 or indices.ndim != 1:
        raise ValueError("SpikeSource takes one-dimensional i= and t=")
    if indices.size == 1 and times.size > 1:
        indices = np.full(times.size, indices[0])
    if indices.size != times.size:
        raise ValueError(f"SpikeSource needs one neuron index per time: got {indices.size} "
                         f"indices and {times.size} times")
    if indices.size and indices.dtype.kind not in "iu":
        raise TypeError(f"SpikeSource(i=...) must hold integer neuron indices, not "
                        f"{indices.dtype}")
    if times.size and times.dtype.kind not in "iuf":
        raise TypeError(f"SpikeSource(t=...) must hold times in ms, not {times.dtype}")
    times = times.astype(np.float64)
    if not np.all(np.isfinite(times)):
        raise ValueError("SpikeSource(t=...) must hold finite times")
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        bad = indices[(indices < 0) | (indices >= n)][0]
        raise IndexError(f"SpikeSource: neuron index {bad} is out of range for {n} neurons")
    return indices.astype(np.int64), times
