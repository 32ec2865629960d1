"""Leaky integrate-and-fire traces for three currents: below, just above and well above
the threshold current g_L (V_T - V_L) = 2. Run: python examples/lif_traces.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

neuron = eq.load("lif")              # C dv/dt = -g_L (v - V_L) + I, spike at v > V_T
currents = np.array([1.5, 2.5, 4.0])

pop = eq.Population(neuron, len(currents))
pop.I = currents                     # one current per neuron
trace = eq.StateMonitor(pop, "v")
spikes = eq.SpikeMonitor(pop)
eq.Network(pop, trace, spikes, dt=0.1).run(100.0)

fig, axes = plt.subplots(len(currents), 1, sharex=True, sharey=True, figsize=(7, 6))
for k, (ax, current) in enumerate(zip(axes, currents)):
    ax.plot(trace.t, trace.v[:, k], color=f"C{k}")
    ax.vlines(spikes.t[spikes.i == k], neuron.parameters["V_T"], 0.0, color=f"C{k}")  # spikes
    ax.axhline(neuron.parameters["V_T"], color="gray", linestyle="--", lw=0.8)
    ax.set_ylabel("v (mV)")
    ax.set_title(f"I = {current}: {np.count_nonzero(spikes.i == k)} spikes", fontsize=10)
axes[0].text(1.0, neuron.parameters["V_T"] + 2.0, "threshold V_T", color="gray", fontsize=8)
axes[-1].set_xlabel("time (ms)")
fig.suptitle("Leaky integrate-and-fire (Lapicque, 1907)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
