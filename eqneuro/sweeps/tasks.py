"""One point of a sweep, as a worker runs it: the call, its result as named values, and any
error caught into the row (so that one failing point never stops the others)."""
from __future__ import annotations

import inspect
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .points import RESERVED


@dataclass(frozen=True)
class ModelRun:
    """A neuron model as a sweep's target: one neuron per point with the point's parameter
    values, simulated for `duration` ms; its rate (Hz), spike count and final state."""

    neuron: object
    duration: float = 1000.0
    dt: float = 0.1

    def __call__(self, seed: int, **point) -> dict:
        from ..sim.monitors import SpikeMonitor
        from ..sim.network import Network
        from ..sim.population import Population
        pop = Population(self.neuron, 1)
        for name, value in point.items():
            if name not in self.neuron.parameters:
                raise ValueError(f"{name!r} is not a parameter of {self.neuron.name!r} "
                                 f"(parameters: {', '.join(self.neuron.parameters)})")
            setattr(pop, name, value)
        objects = [pop]
        spikes = SpikeMonitor(pop) if self.neuron.info.has_spike else None
        if spikes is not None:
            objects.append(spikes)
        Network(*objects, dt=self.dt, seed=seed).run(self.duration, progress=False)
        out = {}
        if spikes is not None:
            out = {"rate": len(spikes.t) / self.duration * 1000.0, "spikes": len(spikes.t)}
        out.update({name: float(getattr(pop, name)[0])
                    for name in self.neuron.variables + self.neuron.derived})
        return out

    def check(self, names) -> None:
        """Before any point runs: the names are parameters, duration and dt make sense."""
        for label, value in (("duration", self.duration), ("dt", self.dt)):
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"{label} must be a positive number of ms, got {value!r}")
        for name in names:
            if name not in self.neuron.parameters:
                raise ValueError(f"{name!r} is not a parameter of {self.neuron.name!r} "
                                 f"(parameters: {', '.join(self.neuron.parameters)})")


def run_point(target, index: int, point: dict, seed: int) -> dict:
    """{"index", "values", "error", "seconds"} of one point; an exception becomes the row's
    error ("TypeName: message"), with no values."""
    start = time.perf_counter()
    try:
        values, error = named_values(call(target, point, seed), point), None
    except Exception as why:                    # reported in the row; KeyboardInterrupt is not
        values, error = {}, f"{type(why).__name__}: {why}"
    return {"index": index, "values": values, "error": error,
            "seconds": time.perf_counter() - start}


def call(target, point: dict, seed: int):
    if takes_seed(target):
        return target(**point, seed=seed)
    return target(**point)


def takes_seed(target) -> bool:
    """Whether `target` accepts seed= (a parameter named seed, or **kwargs)."""
    if isinstance(target, ModelRun):
        return True
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "seed" or p.kind is p.VAR_KEYWORD for p in parameters)


def named_values(result, point: dict) -> dict:
    """A run's result as {name: value}: a mapping as given (its names must be identifiers,
    distinct from the parameters and the reserved columns), anything else as "result"."""
    if not isinstance(result, Mapping):
        result = {"result": result}
    values = {}
    for name, value in result.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"result names must be identifiers, got {name!r}")
        if name in point or name in RESERVED:
            raise ValueError(f"the result {name!r} has the name of a parameter or of a column "
                             f"every sweep has ({', '.join(RESERVED)})")
        if isinstance(value, np.ndarray):
            value = value.copy()
        elif isinstance(value, np.generic):
            value = value.item()
        values[name] = value
    return values

