"""neuron.check_dt: the observed order of convergence and spike-time drift when dt is
halved twice."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DtCheck:
    """neuron.check_dt's report: the runs at dt, dt/2 and dt/4 compared."""

    dt: float
    order: float                      # observed order of convergence (nan: not measurable,
                                      # e.g. an exact method, whose runs differ by rounding)
    errors: dict                      # variable -> (|x_dt - x_dt/2|, |x_dt/2 - x_dt/4|) (max)
    spikes: tuple                     # spike counts at dt, dt/2, dt/4
    spike_drift: float                # max |t_dt - t_dt/4| of matched spikes (ms), nan if none
    compared_until: float             # ms: the trajectories are compared up to here
    exact: bool = False               # the runs differ by rounding only
    diverged: bool = False            # the run at dt differs from dt/2 by more than the
                                      # values themselves: dt is unstable or far too large

    def __str__(self) -> str:
        if self.diverged:
            lines = [f"dt = {self.dt:g} ms: the run at dt differs from the one at dt/2 by "
                     "more than the values' size: dt is unstable or far too large for the "
                     "method (no order is measurable)"]
        elif self.exact:
            lines = [f"dt = {self.dt:g} ms: the runs differ by rounding only (the method is "
                     "exact for this model)"]
        else:
            lines = [f"dt = {self.dt:g} ms: observed order {self.order:.2f}"]
        for name, (coarse, fine) in self.errors.items():
            lines.append(f"  {name}: max difference dt vs dt/2 {coarse:.3g}, dt/2 vs dt/4 "
                         f"{fine:.3g} (until {self.compared_until:g} ms)")
        if any(self.spikes):
            lines.append(f"  spikes: {self.spikes[0]} / {self.spikes[1]} / {self.spikes[2]} "
                         f"(dt, dt/2, dt/4); largest spike-time drift {self.spike_drift:.3g} ms")
        return "\n".join(lines)

    @classmethod
    def measure(cls, neuron, dt: float, duration: float, **values) -> "DtCheck":
        """neuron.check_dt(dt, duration, **values)."""
        return check_dt(neuron, dt, duration, **values)


def check_dt(neuron, dt: float, duration: float, **values) -> DtCheck:
    """Simulate one neuron (its initial values; `values` set parameters) at dt, dt/2 and
    dt/4 for `duration` ms; the trajectories are compared at multiples of dt up to the first
    spike of any run (after it, the difference is that of spike times)."""
    from ..sim.monitors import SpikeMonitor, StateMonitor
    from ..sim.network import Network
    from ..sim.population import Population
    for label, value in (("dt", dt), ("duration", duration)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{label} must be a positive number of ms, got {value!r}")
    from ..functions import noise_name
    if any(noise_name(s) for v in neuron.model.state for s in v.derivative.free_symbols):
        raise ValueError(f"{neuron.name!r} has white noise: runs at dt, dt/2 and dt/4 draw "
                         "different noise, so their differences say nothing of dt")
    steps = int(round(duration / dt))
    if steps < 2 or abs(steps * dt - duration) > 1e-9 * duration:
        raise ValueError(f"duration {duration} ms must be a multiple of dt = {dt} ms (at least "
                         "2 steps)")
    traces, spike_times = [], []
    for factor in (1, 2, 4):
        pop = Population(neuron, 1)
        for name, value in values.items():
            if name not in neuron.parameters:
                raise ValueError(f"{name!r} is not a parameter of {neuron.name!r} "
                                 f"(parameters: {', '.join(neuron.parameters)})")
            setattr(pop, name, value)
        trace = StateMonitor(pop, list(neuron.variables), record=[0], dt=dt)
        objects = [pop, trace]
        spikes = None
        if neuron.info.has_spike:
            spikes = SpikeMonitor(pop)
            objects.append(spikes)
        Network(*objects, dt=dt / factor).run(steps * dt, progress=False)
        traces.append({n: np.asarray(getattr(trace, n))[:, 0] for n in neuron.variables})
        spike_times.append(np.asarray(spikes.t) if spikes is not None else np.array([]))
    first = min([t[0] for t in spike_times if t.size] + [math.inf])
    length = min(len(t[neuron.variables[0]]) for t in traces)
    times = np.arange(length) * dt
    keep = times < first
    errors, coarse_all, fine_all = {}, 0.0, 0.0
    for name in neuron.variables:
        a, b, c = (t[name][:length][keep] for t in traces)
        coarse = float(np.max(np.abs(a - b))) if a.size else math.nan
        fine = float(np.max(np.abs(b - c))) if a.size else math.nan
        errors[name] = (coarse, fine)
        scale = max(1.0, float(np.max(np.abs(c)))) if c.size else 1.0
        coarse_all, fine_all = max(coarse_all, coarse / scale), max(fine_all, fine / scale)
    rounding = coarse_all <= 1e-12 and fine_all <= 1e-12      # exact: no dt dependence
    order = math.log2(coarse_all / fine_all) if fine_all > 0 and coarse_all > 0 and \
        not rounding and coarse_all <= 1.0 else math.nan
    matched = min(len(spike_times[0]), len(spike_times[2]))
    drift = float(np.max(np.abs(spike_times[0][:matched] - spike_times[2][:matched]))) \
        if matched else math.nan
    compared = float(times[keep][-1]) if keep.any() else 0.0
    return DtCheck(float(dt), order, errors, tuple(len(t) for t in spike_times), drift,
                   compared, rounding, bool(coarse_all > 1.0 or not math.isfinite(coarse_all)))
