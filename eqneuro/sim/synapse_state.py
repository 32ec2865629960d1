"""A projection's per-synapse variables between events (Brian2's "event-driven"): each is
stored with the time it was last brought up to date, and its closed form dx/dt = a*x + b
over the time since gives its value at any later time. The kernel brings a synapse up to
date at its events (compile/projection.py prints the same closed form); Python computes
the values at the projection's time when they are read, without storing them, so that
reading never changes what a run computes."""
from __future__ import annotations

import numpy as np

from ..evaluate import evaluate


def initial(info, values: dict, count: int) -> dict[str, np.ndarray]:
    """The `init` values of `count` new synapses (the synapse parameters' defaults)."""
    out = {}
    for name, tree in info.state:
        with np.errstate(all="ignore"):
            value = np.asarray(evaluate(tree, values), dtype=np.float64)
        out[name] = np.ascontiguousarray(np.broadcast_to(value, (count,)), dtype=np.float64)
    return out


def advanced(info, values: dict, last: np.ndarray, now: float) -> dict[str, np.ndarray]:
    """Each variable at time `now` (ms): x*exp(a*D) + b/a*expm1(a*D), or x + b*D when a is
    0, with D = now - last, then its bounds."""
    elapsed = now - last
    bounds = {name: (lower, upper) for name, lower, upper in info.bounds}
    out = {}
    with np.errstate(all="ignore"):
        for name, rate_tree, drive_tree in info.evolution:
            x = values[name]
            rate = np.asarray(evaluate(rate_tree, values), dtype=np.float64)
            drive = np.asarray(evaluate(drive_tree, values), dtype=np.float64)
            grown = np.expm1(rate * elapsed)
            value = np.where(rate == 0.0, x + drive * elapsed,
                             x * np.exp(rate * elapsed)
                             + drive / np.where(rate == 0.0, 1.0, rate) * grown)
            lower, upper = bounds.get(name, (None, None))
            if lower is not None:
                value = np.maximum(value, evaluate(lower, values))
            if upper is not None:
                value = np.minimum(value, evaluate(upper, values))
            out[name] = np.ascontiguousarray(value, dtype=np.float64)
    return out
