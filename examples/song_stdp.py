"""Song, Miller & Abbott (2000): STDP makes the weights of 1000 Poisson inputs onto one
neuron bimodal, and the neuron's output rate settles.

Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through spike-timing-
dependent synaptic plasticity. Nat. Neurosci. 3:919-926; with the parameters of Brian2's
version of it (examples/frompapers/Song_Miller_Abbott_2000): 1000 excitatory inputs, each
an independent 15 Hz Poisson train, onto one integrate-and-fire neuron (tau_m = 10 ms,
E_L = -74 mV, threshold -54 mV, reset -60 mV; the input g_exc*(E_e - V_r) with E_e = 0 mV,
a conductance decaying in 5 ms with a fixed driving force, as in Brian2's version). Every synapse is the shipped STDP rule (models/plasticity.eqn:
traces of 20 ms, A_plus = 0.01, A_minus = 1.05*A_plus, in units of w_max = 0.01), its
weight drawn uniformly in [0, w_max]. Within 100 s the weights leave the middle for the
two bounds (the inputs compete: those that take part in firing the neuron grow, the
others shrink), and the output rate falls to a steady value. dt = 0.1 ms.
The figure shows the weights before and after, and the output rate over time.
Run: python examples/song_stdp.py [out.png] [--duration MS]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

duration = 100_000.0
if "--duration" in sys.argv:
    at = sys.argv.index("--duration")
    duration = float(sys.argv.pop(at + 1))
    sys.argv.pop(at)

neuron = eq.Neuron("""
neuron SongLIF:
    parameters:
        tau_m = 10.0 : shared      # membrane time constant (ms)
        E_L = -74.0 : shared       # leak reversal (mV)
        E_e = 0.0 : shared         # excitatory reversal (mV)
        V_t = -54.0 : shared       # threshold (mV)
        V_r = -60.0 : shared       # reset (mV)
        tau_e = 5.0 : shared       # conductance decay (ms)
    equations:
        tau_m * dv/dt = g_exc * (E_e - V_r) + E_L - v   : init = V_r
        tau_e * dg_exc/dt = -g_exc
    spike: v > V_t
    reset: v = V_r
    method: euler
""")

n, w_max = 1000, 0.01
inputs = eq.PoissonGroup(n, 15.0)
cell = eq.Population(neuron, 1)
stdp = eq.Projection(inputs, cell, synapse=eq.load("stdp"))
stdp.connect(all_to_all=True)
stdp.w_max, stdp.A_plus, stdp.A_minus = w_max, 0.01, 0.0105
stdp.w = np.random.default_rng(1).uniform(0.0, w_max, n)
before = stdp.w
output = eq.SpikeMonitor(cell)
eq.Network(inputs, cell, stdp, output, dt=0.1, seed=2000).run(duration)

after = stdp.w
edges = np.linspace(0.0, w_max, 21)
at_bounds = np.mean((after < 0.1 * w_max) | (after > 0.9 * w_max))
window = min(10_000.0, duration / 4)
early = np.sum(output.t < window) / (window / 1000.0)
late = np.sum(output.t >= duration - window) / (window / 1000.0)
print(f"{output.t.size} output spikes in {duration / 1000:g} s; rate {early:.1f} Hz in the "
      f"first {window / 1000:g} s, {late:.1f} Hz in the last")
print(f"weights within 10% of a bound: {at_bounds:.2f} (before: "
      f"{np.mean((before < 0.1 * w_max) | (before > 0.9 * w_max)):.2f}); mean "
      f"{after.mean() / w_max:.3f} w_max; {np.mean(after > 0.5 * w_max):.2f} above w_max/2")

fig, (ax_w, ax_r) = plt.subplots(1, 2, figsize=(10, 3.8))
ax_w.hist(before / w_max, bins=edges / w_max, alpha=0.5, label="before")
ax_w.hist(after / w_max, bins=edges / w_max, alpha=0.7, label=f"after {duration / 1000:g} s")
ax_w.set_xlabel("w / w_max")
ax_w.set_ylabel("synapses")
ax_w.legend()
ax_w.set_title("Song et al. (2000): 1000 Poisson inputs with STDP")
bins = np.arange(0.0, duration + 1.0, duration / 50)
ax_r.plot(bins[:-1] / 1000.0, np.histogram(output.t, bins)[0] / (np.diff(bins) / 1000.0))
ax_r.set_xlabel("time (s)")
ax_r.set_ylabel("output rate (Hz)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
