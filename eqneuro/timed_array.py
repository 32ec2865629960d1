"""TimedArray: an input that follows given values in time, read by name in model equations
(`I = stim(t)`) and evaluated inside the kernel.

Values are held, not interpolated: values[k] holds from t = k*dt to (k+1)*dt (ms). Before 0
the first value holds, after the end the last. A 2-D array (time x neuron) gives neuron i its
column i. The index of time t is floor(t / dt + 1e-6), in the kernel and here alike, so that
a step that begins on a sample's start (up to rounding of t = step * dt) reads that sample.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

SLACK = 1e-6        # in samples: t = step * dt slightly below k * dt still reads sample k


class TimedArray:
    """Values in time: `TimedArray(values, dt)` with values 1-D (one per sample) or 2-D
    (samples x neurons), dt in ms. Give it to a model, `eq.Neuron(text,
    timed_arrays={"stim": stim})`, and call it there by name: `I = stim(t)`."""

    def __init__(self, values, dt):
        if isinstance(values, (str, bytes)) or values is None:
            raise TypeError("TimedArray needs an array of numbers, not "
                            f"{type(values).__name__}")
        if np.iscomplexobj(values):
            raise TypeError("TimedArray values must be real")
        array = np.asarray(values)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"TimedArray values must be numbers, not {array.dtype}")
        if array.ndim not in (1, 2):
            raise ValueError("TimedArray values must be 1-D (samples) or 2-D (samples x "
                             f"neurons), not {array.ndim}-D")
        if array.shape[0] == 0 or (array.ndim == 2 and array.shape[1] == 0):
            raise ValueError("TimedArray needs at least one sample (and one neuron)")
        if not np.all(np.isfinite(array)):
            bad = np.argwhere(~np.isfinite(array))[0]
            raise ValueError(f"TimedArray values must be finite: sample {bad[0]}"
                             + (f", neuron {bad[1]}" if array.ndim == 2 else "")
                             + f" is {array[tuple(bad)]}")
        if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not math.isfinite(dt) \
                or dt <= 0:
            raise ValueError(f"TimedArray dt must be a positive number of ms, not {dt!r}")
        self._values = np.array(array, dtype=np.float64, order="C")
        self._values.flags.writeable = False
        self._dt = float(dt)

    @property
    def values(self) -> np.ndarray:
        """The samples (read-only): shape (samples,) or (samples, neurons)."""
        return self._values

    @property
    def dt(self) -> float:
        """The time between samples, ms."""
        return self._dt

    @property
    def neurons(self) -> int | None:
        """The number of columns of a 2-D array (one per neuron); None when 1-D."""
        return self._values.shape[1] if self._values.ndim == 2 else None

    @property
    def duration(self) -> float:
        """The time the samples cover, ms (the last value holds after it)."""
        return self._values.shape[0] * self._dt

    def index(self, t) -> np.ndarray:
        """The sample read at time(s) t (ms)."""
        t = np.asarray(t, dtype=np.float64)
        k = np.floor(t / self._dt + SLACK)
        return np.clip(k, 0, self._values.shape[0] - 1).astype(np.int64)

    def __call__(self, t) -> np.ndarray:
        """The values at time(s) t (ms), as the kernel reads them: for a 2-D array one row
        (all neurons) per time."""
        return self._values[self.index(t)]

    def kernel_arguments(self) -> tuple[np.ndarray, int, int, int, float]:
        """(values, samples, row length, column step, dt): neuron i at sample k reads
        values[k * row length + column step * i]."""
        rows = self._values.shape[0]
        columns = 1 if self._values.ndim == 1 else self._values.shape[1]
        return self._values, rows, columns, int(self._values.ndim == 2), self._dt

    def __repr__(self) -> str:
        shape = f"{self._values.shape[0]} samples" + (
            f" x {self.neurons} neurons" if self.neurons is not None else "")
        return f"<TimedArray {shape}, dt = {self._dt:g} ms>"


def checked_timed_arrays(timed_arrays, owner: str) -> dict[str, TimedArray]:
    """The `timed_arrays=` of Neuron(...) / Synapse(...): names to TimedArrays."""
    from .functions import BUILTINS, INPUT_FUNCTION
    if timed_arrays is None:
        return {}
    if not isinstance(timed_arrays, dict):
        raise TypeError(f"{owner}(timed_arrays=...) must be a dict of names to "
                        f"eq.TimedArray, not {type(timed_arrays).__name__}")
    checked = {}
    for name, value in timed_arrays.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"a TimedArray's name must be an identifier, not {name!r}")
        if name in BUILTINS or name in (INPUT_FUNCTION, "t", "dt") or name.startswith("_"):
            raise ValueError(f"'{name}' cannot name a TimedArray: it is reserved"
                             + (" (a built-in function)" if name in BUILTINS else ""))
        if not isinstance(value, TimedArray):
            raise TypeError(f"timed_arrays[{name!r}] must be an eq.TimedArray, not "
                            f"{type(value).__name__}")
        checked[name] = value
    return checked


def unused_message(given: dict, called: tuple[str, ...], kind: str) -> None:
    """A TimedArray given but never called is a mistake (a typo in the text or the name)."""
    unused = sorted(set(given) - set(called))
    if unused:
        raise ValueError(f"the {kind} model never calls the TimedArray "
                         f"{', '.join(repr(n) for n in unused)}: call it in the text as "
                         f"{unused[0]}(t)" + (f" (it calls {', '.join(called)})" if called else ""))


class TimedArrays(Mapping):
    """The TimedArrays of a model by name. A name keeps its place in the model; its array may
    be replaced by another between runs (a 2-D one must fit the populations it drives)."""

    def __init__(self, arrays: dict[str, TimedArray]):
        self._arrays = dict(arrays)

    def __getitem__(self, name: str) -> TimedArray:
        return self._arrays[name]

    def __setitem__(self, name: str, value) -> None:
        if name not in self._arrays:
            raise KeyError(f"the model calls no TimedArray {name!r}; it calls "
                           f"{', '.join(self._arrays) or 'none'} (a new name needs a new model)")
        if not isinstance(value, TimedArray):
            raise TypeError(f"timed_arrays[{name!r}] must be an eq.TimedArray, not "
                            f"{type(value).__name__}")
        self._arrays[name] = value

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{n!r}: {a!r}" for n, a in self._arrays.items()) + "}"
