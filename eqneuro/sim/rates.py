"""Firing rates from recorded spikes.

Spike times are the ends of the steps in which the spike condition held, so a run of
`duration` ms has its spikes in (0, duration]; windows and bins here are closed on the right.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

_EPS = 1e-9     # relative slack for spike times computed as step * dt


def _check_time(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number of ms, not {value!r}")
    return float(value)


def check_ms(name: str, value, *, zero: bool = False, none: bool = False) -> float | None:
    """A positive (with `zero`: non-negative) finite number of ms (with `none`: or None)."""
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ValueError(f"{name} must be a {'non-negative' if zero else 'positive'} number "
                         f"of ms{' or None' if none else ''}, not {value!r}")
    return float(value)


def _check_spikes(spikes) -> None:
    """Anything with .i, .t and .population (a SpikeMonitor); not a StateMonitor."""
    if not all(hasattr(spikes, name) for name in ("i", "t", "population")):
        raise TypeError(f"this needs a SpikeMonitor, not {type(spikes).__name__}")


def firing_rates(spikes, duration: float, start: float = 0.0) -> np.ndarray:
    """Rate of each neuron in Hz, counting the spikes with start < t <= duration (ms).

    `duration` is the time the network was run to; `start` skips an initial transient.
    """
    _check_spikes(spikes)
    end, start = _check_time("duration", duration), _check_time("start", start)
    if end <= start:
        raise ValueError(f"duration ({end} ms) must be greater than start ({start} ms)")
    t, i = spikes.t, spikes.i
    slack = _EPS * max(1.0, end)
    inside = (t > start + slack) & (t <= end + slack)
    counts = np.bincount(i[inside], minlength=len(spikes.population))
    return counts / ((end - start) * 1e-3)


def population_rate(spikes, bin: float, duration: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean rate per neuron in Hz in bins of `bin` ms over (0, duration]: (bin centres, rates).

    Bins are (k*bin, (k+1)*bin]; a last, shorter bin covers the rest of `duration`.
    """
    bin = check_ms("bin", bin)
    _check_spikes(spikes)
    end = _check_time("duration", duration)
    if end == 0:
        raise ValueError("duration must be positive")
    if end / bin > 1e8:
        raise ValueError(f"{end / bin:.3g} bins of {bin} ms: choose a larger bin")
    edges = np.arange(math.ceil(end / bin - _EPS) + 1) * float(bin)
    edges[-1] = end
    t = spikes.t
    slack = _EPS * max(1.0, end)
    t = t[(t > slack) & (t <= end + slack)]
    index = np.clip(np.searchsorted(edges, t - slack, side="left") - 1, 0, len(edges) - 2)
    counts = np.bincount(index, minlength=len(edges) - 1)
    widths = np.diff(edges)
    return 0.5 * (edges[1:] + edges[:-1]), counts / (len(spikes.population) * widths * 1e-3)


def smooth_rate(rates: np.ndarray, bin: float, width: float) -> np.ndarray:
    """`rates` (equal bins of `bin` ms) convolved with a Gaussian of s.d. `width` ms.

    The kernel is renormalised at the edges, so a constant rate stays constant.
    """
    rates = np.asarray(rates, dtype=float)
    bin, width = check_ms("bin", bin), check_ms("width", width, zero=True)
    if width == 0 or len(rates) == 0:
        return rates.copy()
    half = int(math.ceil(4 * width / bin))
    offsets = np.arange(-half, half + 1) * bin
    kernel = np.exp(-0.5 * (offsets / width) ** 2)
    total = np.convolve(rates, kernel, mode="full")[half:half + len(rates)]
    weight = np.convolve(np.ones_like(rates), kernel, mode="full")[half:half + len(rates)]
    return total / weight
