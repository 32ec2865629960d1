"""f-I curves: the firing rate of a neuron model as a function of a constant input current."""
from __future__ import annotations

import numpy as np

from .sim.rates import _check_time, check_ms, firing_rates, population_rate, smooth_rate  # noqa: F401


def fi_curve(neuron, currents, duration: float = 1000.0, dt: float = 0.1, current: str = "I",
             transient: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Simulate one neuron per current and return (currents, firing rates in Hz).

    `neuron` is an eqneuro.Neuron or a shipped model name. The network runs
    `transient + duration` ms; rates count the spikes of the last `duration` ms.
    """
    from .library import load
    from .sim.monitors import SpikeMonitor
    from .neuron import Neuron
    from .sim.network import Network, Population

    if not isinstance(neuron, Neuron):
        neuron = load(neuron)
    if not neuron.info.has_spike:
        raise ValueError(f"{neuron.name} has no spike condition, so it has no firing rate")
    if current not in neuron.parameters:
        from .errors import did_you_mean
        hint = did_you_mean(current, neuron.parameters)
        raise ValueError(f"{neuron.name} has no parameter '{current}'"
                         + (f"; {hint}" if hint else
                            f" (parameters: {', '.join(neuron.parameters)})"))
    values = np.atleast_1d(np.asarray(currents, dtype=float))
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("currents must be a non-empty 1-d sequence of numbers")
    duration, transient = _check_time("duration", duration), _check_time("transient", transient)
    population = Population(neuron, len(values))
    setattr(population, current, values)
    spikes = SpikeMonitor(population)
    network = Network(population, spikes, dt=dt)
    network.run(transient + duration)
    return values, firing_rates(spikes, transient + duration, start=transient)
