"""A random network of 4000 integrate-and-fire neurons with exponential synaptic currents.

Brette et al. (2007), "Simulation of networks of spiking neurons: a review of tools and
strategies", benchmark 2 (CUBA), as in Brian2's examples/CUBA.py: 3200 excitatory and 800
inhibitory neurons, each pair connected with probability 0.02; a spike adds we = 1.62 mV
to g_exc or wi = -9 mV to g_inh of its targets (the "conductances" are currents in mV
here). The network sustains itself: no external input, only initial potentials drawn
uniformly between reset and threshold. Exact integration, dt = 0.1 ms, 1 s. The figure
shows the spikes of the first 400 neurons and the population rate.
Run: python examples/cuba.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

cuba = eq.Neuron("""
neuron CUBA:
    parameters:
        taum = 20.0 : shared     # membrane time constant (ms)
        taue = 5.0 : shared      # excitatory synaptic time constant (ms)
        taui = 10.0 : shared     # inhibitory synaptic time constant (ms)
        Vt = -50.0 : shared      # threshold (mV)
        Vr = -60.0 : shared      # reset (mV)
        El = -49.0 : shared      # resting potential, above threshold (mV)
    equations:
        dv/dt = (g_exc + g_inh - (v - El)) / taum : init = -60.0
        dg_exc/dt = -g_exc / taue
        dg_inh/dt = -g_inh / taui
    spike: v > Vt
    reset: v = Vr
    refractory: 5.0
    method: exact
""")

n, n_exc, duration = 4000, 3200, 1000.0
pop = eq.Population(cuba, n)
pop.v = np.random.default_rng(1).uniform(-60.0, -50.0, n)     # Vr + rand() * (Vt - Vr)
exc = eq.Projection(pop[:n_exc], pop, target="exc", w=1.62)   # spike: g_exc += 1.62
inh = eq.Projection(pop[n_exc:], pop, target="inh", w=-9.0)   # spike: g_inh += -9
exc.connect(p=0.02, allow_self=True, seed=1)                   # Brian2 allows i == j too
inh.connect(p=0.02, allow_self=True, seed=2)
spikes = eq.SpikeMonitor(pop)
net = eq.Network(pop, exc, inh, spikes, dt=0.1)
net.run(duration)

counts = np.bincount(spikes.i, minlength=n)
mean_rate = counts.mean() / (duration / 1000.0)                 # Hz per neuron
print(f"{len(exc) + len(inh)} synapses; {len(spikes.i)} spikes in {duration:g} ms")
print(f"mean rate {mean_rate:.2f} Hz (excitatory {counts[:n_exc].mean():.2f}, "
      f"inhibitory {counts[n_exc:].mean():.2f} Hz)")

fig, (ax_r, ax_h) = plt.subplots(2, 1, sharex=True, figsize=(8, 5),
                                 gridspec_kw={"height_ratios": [2, 1]})
shown = spikes.i < 400
ax_r.plot(spikes.t[shown], spikes.i[shown], ",k")
ax_r.set_ylim(-0.5, 399.5)
ax_r.set_ylabel("neuron")
ax_r.set_title(f"CUBA (Brette et al. 2007): {n} LIF neurons, mean rate {mean_rate:.1f} Hz")
eq.plot.rate(spikes, bin=1.0, smooth=5.0, ax=ax_h, duration=duration)
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
