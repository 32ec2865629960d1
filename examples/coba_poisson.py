"""COBA driven by Poisson input: external spikes switch a silent network into its
self-sustained state.

The COBA network of examples/coba.py (Brette et al. 2007, after Vogels & Abbott 2005:
3200 excitatory and 800 inhibitory conductance-based neurons, p = 0.02, g_exc += 0.6 and
g_inh += 6.7), without its constant current (I = 0) and started at rest: it stays silent.
From 200 to 700 ms every neuron receives its own Poisson input of 1 kHz (say 100 afferents
at 10 Hz) onto g_exc with weight 0.3: one PoissonGroup whose rate is an expression of t,
connected one to one. The input drives the network into asynchronous irregular activity;
once it stops, the recurrent excitation keeps the activity going on its own (Vogels &
Abbott's self-sustained state), at a lower rate. Everything random (the input and the
connectivity) comes from the Network's seed. dt = 0.1 ms, 1 s.
Run: python examples/coba_poisson.py [out.png]
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
        Vt = -50.0 : shared       # threshold (mV)
        Vr = -60.0 : shared       # reset (mV)
    equations:
        tau * dv/dt = (El - v) + g_exc * (Ee - v) + g_inh * (Ei - v)   : init = El
        tau_exc * dg_exc/dt = -g_exc
        tau_inh * dg_inh/dt = -g_inh
    spike: v > Vt
    reset: v = Vr
    refractory: 5.0
    method: euler
""")

n, n_exc, duration = 4000, 3200, 1000.0
on, off, rate_ext = 200.0, 700.0, 1000.0
pop = eq.Population(coba, n)
drive = eq.PoissonGroup(n, f"{rate_ext} if t > {on} and t <= {off} else 0")
external = eq.Projection(drive, pop, target="exc", w=0.3)
external.connect(one_to_one=True)
exc = eq.Projection(pop[:n_exc], pop, target="exc", w=0.6)
inh = eq.Projection(pop[n_exc:], pop, target="inh", w=6.7)
exc.connect(p=0.02, allow_self=True)        # no seed=: drawn from the Network's seed
inh.connect(p=0.02, allow_self=True)
spikes = eq.SpikeMonitor(pop)
inputs = eq.SpikeMonitor(drive)
net = eq.Network(pop, drive, external, exc, inh, spikes, inputs, dt=0.1, seed=3)
net.run(duration)


def rate(start: float, stop: float) -> float:
    inside = (spikes.t > start) & (spikes.t <= stop)
    return inside.sum() / n / ((stop - start) / 1000.0)


def cv_of_intervals(start: float, stop: float) -> float:
    inside = (spikes.t > start) & (spikes.t <= stop)
    t, i = spikes.t[inside], spikes.i[inside]
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    intervals, owner = np.diff(t)[same], i[1:][same]
    counts = np.bincount(owner, minlength=n)
    enough = counts >= 4
    mean = np.bincount(owner, intervals, minlength=n)[enough] / counts[enough]
    square = np.bincount(owner, intervals ** 2, minlength=n)[enough] / counts[enough]
    return float(np.median(np.sqrt(np.maximum(square - mean ** 2, 0.0)) / mean))


external_rate = inputs.t.size / n / ((off - on) / 1000.0)
print(f"input: {inputs.t.size} Poisson events, {external_rate:.0f} Hz per neuron while on")
print(f"before the input: {rate(0.0, on):.2f} Hz; with the input: {rate(on, off):.1f} Hz "
      f"(CV of ISI {cv_of_intervals(on, off):.2f}); after it: "
      f"{rate(off + 50.0, duration):.1f} Hz (CV of ISI {cv_of_intervals(off + 50.0, duration):.2f})")

fig, (ax_r, ax_h) = plt.subplots(2, 1, sharex=True, figsize=(8, 5.5),
                                 gridspec_kw={"height_ratios": [2, 1]})
shown = spikes.i < 400
ax_r.plot(spikes.t[shown], spikes.i[shown], ",k")
ax_r.axvspan(on, off, color="tab:orange", alpha=0.12, lw=0)
ax_r.set_ylim(-0.5, 399.5)
ax_r.set_ylabel("neuron")
ax_r.set_title("COBA with I = 0, Poisson input of 1 kHz per neuron from 200 to 700 ms")
eq.plot.rate(spikes, bin=1.0, smooth=5.0, ax=ax_h, duration=duration)
ax_h.axvspan(on, off, color="tab:orange", alpha=0.12, lw=0, label="Poisson input on")
ax_h.legend(loc="upper right")
ax_h.set_xlabel("time (ms)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
