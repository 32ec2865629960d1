"""A random network of 4000 conductance-based integrate-and-fire neurons.

Brette et al. (2007), benchmark 1 (COBA), after Vogels & Abbott (2005), as in ANNarchy's
COBA benchmark: 3200 excitatory and 800 inhibitory neurons, each pair connected with
probability 0.02. A spike opens the conductance g_exc of its targets by 0.6 or g_inh by 6.7
(in units of the leak conductance, so that the leak term is El - v); the conductances
drive v towards the reversal potentials Ee = 0 and Ei = -80 mV. A constant current I = 20
keeps the network active. Forward Euler, dt = 0.1 ms, 1 s; initial values v ~ N(-55, 5),
g_exc ~ N(4, 1.5), g_inh ~ N(20, 12), the conductances clipped at 0. The figure shows the
spikes of the first 400 neurons and the population rate.
Run: python examples/coba.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

coba = eq.Neuron("""
neuron COBA:
    parameters:
        El = -60.0 : shared       # leak reversal potential (mV)
        Ee = 0.0 : shared         # excitatory reversal potential (mV)
        Ei = -80.0 : shared       # inhibitory reversal potential (mV)
        tau = 20.0 : shared       # membrane time constant (ms)
        tau_exc = 5.0 : shared    # excitatory conductance time constant (ms)
        tau_inh = 10.0 : shared   # inhibitory conductance time constant (ms)
        I = 20.0 : shared         # constant input (mV)
        Vt = -50.0 : shared       # threshold (mV)
        Vr = -60.0 : shared       # reset (mV)
    equations:
        tau * dv/dt = (El - v) + g_exc * (Ee - v) + g_inh * (Ei - v) + I
        tau_exc * dg_exc/dt = -g_exc
        tau_inh * dg_inh/dt = -g_inh
    spike: v > Vt
    reset: v = Vr
    refractory: 5.0
    method: euler
""")

n, n_exc, duration = 4000, 3200, 1000.0
rng = np.random.default_rng(1)
pop = eq.Population(coba, n)
pop.v = rng.normal(-55.0, 5.0, n)
pop.g_exc = np.clip(rng.normal(4.0, 1.5, n), 0.0, None)
pop.g_inh = np.clip(rng.normal(20.0, 12.0, n), 0.0, None)
exc = eq.Projection(pop[:n_exc], pop, target="exc", w=0.6)   # spike: g_exc += 0.6
inh = eq.Projection(pop[n_exc:], pop, target="inh", w=6.7)   # spike: g_inh += 6.7
exc.connect(p=0.02, allow_self=True, seed=1)
inh.connect(p=0.02, allow_self=True, seed=2)
spikes = eq.SpikeMonitor(pop)
trace = eq.StateMonitor(pop, ["v", "g_exc", "g_inh"], record=[0])
net = eq.Network(pop, exc, inh, spikes, trace, dt=0.1)
net.run(duration)

counts = np.bincount(spikes.i, minlength=n)
mean_rate = counts.mean() / (duration / 1000.0)                 # Hz per neuron
late = trace.t >= 200.0
print(f"{len(exc) + len(inh)} synapses; {len(spikes.i)} spikes in {duration:g} ms")
print(f"mean rate {mean_rate:.2f} Hz (excitatory {counts[:n_exc].mean():.2f}, "
      f"inhibitory {counts[n_exc:].mean():.2f} Hz)")
print(f"neuron 0 after 200 ms: mean g_exc {trace.g_exc[late, 0].mean():.2f}, "
      f"mean g_inh {trace.g_inh[late, 0].mean():.2f}")

fig, (ax_r, ax_h, ax_v) = plt.subplots(3, 1, sharex=True, figsize=(8, 6.5),
                                       gridspec_kw={"height_ratios": [2, 1, 1]})
shown = spikes.i < 400
ax_r.plot(spikes.t[shown], spikes.i[shown], ",k")
ax_r.set_ylim(-0.5, 399.5)
ax_r.set_ylabel("neuron")
ax_r.set_title(f"COBA (Brette et al. 2007): {n} conductance-based neurons, "
               f"mean rate {mean_rate:.1f} Hz")
eq.plot.rate(spikes, bin=1.0, smooth=5.0, ax=ax_h, duration=duration)
centres, rate = spikes.rate(bin=1.0, duration=duration)
ax_h.set_ylim(0.0, 1.6 * rate[centres > 20.0].max())   # the first step's burst: off the scale
ax_h.set_xlabel("")
ax_v.plot(trace.t, trace.v[:, 0], lw=0.7)
ax_v.set_ylabel("v of neuron 0 (mV)")
ax_v.set_xlabel("time (ms)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
