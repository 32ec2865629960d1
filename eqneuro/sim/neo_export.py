"""Recorded spikes and traces as Neo objects (for Elephant) and as pandas DataFrames.

Neo and quantities are optional (`pip install 'eqneuro[neo]'`) and imported on first use.
Times are in ms, as everywhere in eqneuro. A spike window is (t_start, t_stop], as for
`firing_rates`: a spike at exactly t_start belongs to the window before.
"""
from __future__ import annotations

import importlib

import numpy as np

from .rates import _EPS, check_ms

EXTRA = "pip install 'eqneuro[neo]'"


def require(module: str, purpose: str):
    """Import an optional dependency, or say which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{purpose} needs the package '{module.split('.')[0]}', which is "
                          f"not installed: {EXTRA}") from None


def _label(record) -> str:
    source = record.population
    return str(getattr(source, "label", None) or getattr(source, "_eq_name", None)
               or getattr(source, "name", "?"))


def spike_window(record, t_start, t_stop) -> tuple[float, float]:
    """The checked window (t_start, t_stop] in ms; t_stop defaults to the time recorded."""
    t_start = check_ms("t_start", t_start, zero=True)
    if t_stop is None:
        if record._recorded_until is None:
            raise ValueError("this SpikeMonitor has not recorded yet: run the network first "
                             "or give t_stop=")
        t_stop = record._recorded_until
    t_stop = check_ms("t_stop", t_stop)
    if t_stop <= t_start:
        raise ValueError(f"t_stop ({t_stop} ms) must be later than t_start ({t_start} ms)")
    return t_start, t_stop


def spikes_to_neo(record, t_start=0.0, t_stop=None) -> list:
    """One neo.SpikeTrain per neuron of the record, in neuron order, silent ones included."""
    neo = require("neo", "SpikeMonitor.to_neo()")
    t_start, t_stop = spike_window(record, t_start, t_stop)
    i, t = record.i, record.t
    slack = _EPS * max(1.0, t_stop)
    inside = (t > t_start + slack) & (t <= t_stop + slack)
    i, t = i[inside], np.minimum(t[inside], t_stop)
    order = np.argsort(i, kind="stable")
    size = len(record.population)
    bounds = np.cumsum(np.bincount(i, minlength=size))
    times = np.split(t[order], bounds[:-1])
    label = _label(record)
    return [neo.SpikeTrain(times[k], units="ms", t_start=t_start, t_stop=t_stop,
                           name=f"{label}[{k}]", index=k, population=label)
            for k in range(size)]


def _sampling(record, t: np.ndarray) -> float | None:
    """The sampling period in ms if the samples are evenly spaced, else None."""
    if len(t) > 1:
        steps = np.diff(t)
        return float(steps[0]) if np.allclose(steps, steps[0], rtol=1e-9, atol=0) else None
    dt, _ = record._run_lengths()[0]
    return record.period or dt


def trace_to_neo(record, variable=None, units="dimensionless"):
    """A neo.AnalogSignal of one recorded variable; IrregularlySampledSignal if uneven."""
    neo = require("neo", "StateMonitor.to_neo()")
    pq = require("quantities", "StateMonitor.to_neo()")
    names = tuple(record.variables)
    if variable is None:
        if len(names) != 1:
            raise ValueError(f"this StateMonitor records {', '.join(names)}: name the one to "
                             f"export, trace.to_neo({names[0]!r})")
        variable = names[0]
    elif variable not in names:
        raise ValueError(f"this StateMonitor records {', '.join(names)}; not {variable!r}")
    if not isinstance(units, str):
        raise TypeError(f"units must be a string such as 'mV', not {type(units).__name__}")
    try:
        pq.Quantity(1.0, units)
    except (LookupError, ValueError, TypeError, AttributeError, SyntaxError, NameError):
        raise ValueError(f"unknown unit {units!r}: give one that the package quantities "
                         "knows, such as 'mV', 'nA' or 'dimensionless'") from None
    t = record.t
    if not len(t):
        raise ValueError("this StateMonitor has no samples yet: run the network first")
    values, label = record[variable], _label(record)
    annotations = {"index": np.asarray(record.record)}
    period = _sampling(record, t)
    if period is None:
        return neo.IrregularlySampledSignal(t, values, units=units, time_units="ms",
                                            name=variable, population=label,
                                            array_annotations=annotations)
    return neo.AnalogSignal(values, units=units, t_start=t[0] * pq.ms,
                            sampling_period=period * pq.ms, name=variable,
                            population=label, array_annotations=annotations)


def spikes_to_dataframe(record):
    import pandas as pd
    return pd.DataFrame({"i": record.i, "t": record.t})


def trace_to_dataframe(record):
    import pandas as pd
    t, index = record.t, np.asarray(record.record)
    columns = {"t": np.repeat(t, len(index)), "i": np.tile(index, len(t))}
    for name in record.variables:
        columns[name] = np.asarray(record[name]).reshape(-1)
    return pd.DataFrame(columns)
