"""Replay a recorded current into a population, store the state, run two trials from it and
compare them with Elephant.

1. Record: the synaptic current of a conductance-based neuron bombarded by 1,000 Poisson
   inputs, 1.2 s at 0.1 ms (a current recorded in a slice would come from a file instead:
   `np.loadtxt("cell3.txt")` — it only has to be samples at a fixed interval).
2. Replay it, `I = gain * recorded(t)` from a TimedArray, into 200 LIF neurons of different
   leak conductances, each with a little private noise; after a 200 ms transient, store.
3. Two trials of 1 s from the stored state: the current as recorded, then 20 % stronger.
4. Elephant on both (eqneuro's monitors export Neo objects): the ISI coefficient of
   variation, the Fano factor of the neurons' spike counts, the population histograms and
   their correlation, and the cross-correlogram of the two trials' pooled spikes: the
   recorded current, not the private noise, sets when the population fires.

Run: python examples/replay_recorded_current.py [out.png]   (needs eqneuro[neo])
"""
import sys
from pathlib import Path

import numpy as np

import eqneuro as eq

DT = 0.1
RECORDED_MS, TRANSIENT_MS, TRIAL_MS = 1200.0, 200.0, 1000.0

CONDUCTANCE_CELL = """
parameters:
    E_L = -70.0
    E_exc = 0.0
    E_inh = -80.0
    g_L = 0.05
    C = 1.0
equations:
    tau_exc = 5.0
    tau_inh = 10.0
    dg_exc/dt = -g_exc / tau_exc
    dg_inh/dt = -g_inh / tau_inh
    I_syn = g_exc * (E_exc - v) + g_inh * (E_inh - v)
    C * dv/dt = g_L * (E_L - v) + I_syn
spike: v > -50.0
reset: v = -60.0
refractory: 2.0
"""

REPLAY = """
parameters:
    E_L = -70.0
    g_L = 0.05
    C = 1.0
    gain = 1.0
    sigma = 0.5
equations:
    I = gain * recorded(t)
    C * dv/dt = g_L * (E_L - v) + I + sigma * xi
spike: v > -50.0
reset: v = -60.0
refractory: 2.0
"""


def record_current(seed: int = 1) -> eq.TimedArray:
    cell = eq.Population(eq.Neuron(CONDUCTANCE_CELL), 1)
    inputs = eq.PoissonGroup(1000, rate=5.0)
    exc = eq.Projection(inputs[:800], cell, target="exc", w=0.0012)
    inh = eq.Projection(inputs[800:], cell, target="inh", w=0.003)
    exc.connect(all_to_all=True)
    inh.connect(all_to_all=True)
    probe = eq.StateMonitor(cell, "I_syn", record=[0])
    eq.Network(cell, inputs, exc, inh, probe, dt=DT, seed=seed).run(RECORDED_MS)
    return eq.TimedArray(probe.I_syn[:, 0], dt=DT)


def replay(recorded: eq.TimedArray, seed: int = 2):
    neuron = eq.Neuron(REPLAY, timed_arrays={"recorded": recorded})
    pop = eq.Population(neuron, 200)
    pop.g_L = np.linspace(0.04, 0.06, 200)
    spikes = eq.SpikeMonitor(pop)
    net = eq.Network(pop, spikes, dt=DT, seed=seed)
    net.run(TRANSIENT_MS)
    net.store("transient")
    trials = {}
    for name, gain in (("as recorded", 1.0), ("20 % stronger", 1.2)):
        net.restore("transient")
        pop.gain = gain
        net.run(TRIAL_MS)
        trains = spikes.to_neo(t_start=TRANSIENT_MS)      # only this trial's spikes
        trials[name] = trains
    return trials


def analyse(trials: dict) -> dict:
    import neo
    import quantities as pq
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import cross_correlation_histogram
    from elephant.statistics import cv, fanofactor, isi, time_histogram

    summary, histograms = {}, {}
    for name, trains in trials.items():
        cvs = [cv(isi(train)) for train in trains if len(train) > 2]
        histograms[name] = time_histogram(trains, bin_size=5 * pq.ms,
                                          output="rate").rescale("Hz")
        summary[name] = {"spikes": sum(len(train) for train in trains),
                         "mean CV of ISIs": float(np.mean(cvs)),
                         "Fano factor of the neurons' counts": float(fanofactor(trains))}
    rates = [np.asarray(h.magnitude).ravel() for h in histograms.values()]
    summary["correlation of the population rates"] = float(np.corrcoef(*rates)[0, 1])
    # all spikes of a trial as one train: do the two trials fire at the same moments?
    pooled = [neo.SpikeTrain(np.sort(np.concatenate([train.magnitude for train in trains])),
                             units="ms", t_start=trains[0].t_start, t_stop=trains[0].t_stop)
              for trains in trials.values()]
    binned = [BinnedSpikeTrain(train, bin_size=1 * pq.ms) for train in pooled]
    correlogram, lags = cross_correlation_histogram(*binned, window=[-50, 50])
    counts = np.asarray(correlogram.magnitude).ravel()
    summary["cross-correlogram peak lag (ms)"] = int(lags[np.argmax(counts)])
    summary["cross-correlogram peak / mean"] = float(counts.max() / counts.mean())
    return summary, histograms


def plot(recorded: eq.TimedArray, histograms: dict, path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    times = np.arange(len(recorded.values)) * recorded.dt
    shown = times >= TRANSIENT_MS
    top.plot(times[shown], recorded.values[shown], lw=0.6)
    top.set(ylabel="recorded I_syn")
    for name, histogram in histograms.items():
        bottom.plot(histogram.times.rescale("ms").magnitude,
                    np.asarray(histogram.magnitude).ravel(), label=name)
    bottom.set(xlabel="t (ms)", ylabel="population rate (Hz)")
    bottom.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


recorded = record_current()
trials = replay(recorded)
summary, histograms = analyse(trials)
for key, value in summary.items():
    if isinstance(value, dict):
        value = ", ".join(f"{name} {number:.4g}" for name, number in value.items())
    print(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}")
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
plot(recorded, histograms, out)
print("wrote", out)
