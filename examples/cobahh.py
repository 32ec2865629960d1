"""A random network of 4000 Hodgkin-Huxley neurons with exponential synaptic conductances.

Brette et al. (2007), benchmark 3 (COBAHH), as in Brian2's examples/COBAHH.py: Traub-Miles
sodium and potassium currents (threshold parameter VT = -63 mV), 3200 excitatory and 800
inhibitory neurons, each pair connected with probability 0.02; a spike adds we = 6 nS to
g_exc or wi = 67 nS to g_inh of its targets. No external input: the initial conductances
start the activity. A spike is v crossing -20 mV, counted once per action potential
(refractory 3 ms, nothing held). Exponential Euler (as in Brian2), dt = 0.1 ms, 1 s.

Numbers carry no units in eqneuro; this model uses ms, mV, nS, pF and pA throughout
(nS * mV = pA and pA / pF = mV/ms, so `Cm * dv/dt` balances the currents). Brian2's values
for a membrane patch of 20000 um^2: Cm = 1 uF/cm^2 -> 200 pF, gl = 5e-5 S/cm^2 -> 10 nS,
g_na = 100 mS/cm^2 -> 20000 nS, g_kd = 30 mS/cm^2 -> 6000 nS; the rates alpha and beta are
in 1/ms. Initial values as in Brian2: v ~ N(-65, 5), g_exc ~ N(40, 15), g_inh ~ N(200, 120)
(nS, not clipped), gates m = n = h = 0.
The figure shows the spikes of the first 400 neurons, the population rate and the
membrane potential of three neurons (Brian2's example plots these three).
Run: python examples/cobahh.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

cobahh = eq.Neuron("""
neuron COBAHH:
    parameters:
        Cm = 200.0 : shared        # membrane capacitance (pF)
        gl = 10.0 : shared         # leak conductance (nS)
        El = -60.0 : shared        # leak reversal potential (mV)
        EK = -90.0 : shared        # potassium reversal potential (mV)
        ENa = 50.0 : shared        # sodium reversal potential (mV)
        g_na = 20000.0 : shared    # maximal sodium conductance (nS)
        g_kd = 6000.0 : shared     # maximal potassium conductance (nS)
        VT = -63.0 : shared        # sets the voltage dependence of the gates (mV)
        taue = 5.0 : shared        # excitatory conductance time constant (ms)
        taui = 10.0 : shared       # inhibitory conductance time constant (ms)
        Ee = 0.0 : shared          # excitatory reversal potential (mV)
        Ei = -80.0 : shared        # inhibitory reversal potential (mV)
    equations:
        alpha_m = 0.32 * (13 - v + VT) / (exp((13 - v + VT) / 4) - 1)
        beta_m = 0.28 * (v - VT - 40) / (exp((v - VT - 40) / 5) - 1)
        alpha_h = 0.128 * exp((17 - v + VT) / 18)
        beta_h = 4 / (1 + exp((40 - v + VT) / 5))
        alpha_n = 0.032 * (15 - v + VT) / (exp((15 - v + VT) / 5) - 1)
        beta_n = 0.5 * exp((10 - v + VT) / 40)
        I_na = g_na * m^3 * h * (v - ENa)      # sodium current (pA)
        I_kd = g_kd * n^4 * (v - EK)           # potassium (delayed rectifier) current
        Cm * dv/dt = gl * (El - v) + g_exc * (Ee - v) + g_inh * (Ei - v) - I_na - I_kd
        dm/dt = alpha_m * (1 - m) - beta_m * m
        dn/dt = alpha_n * (1 - n) - beta_n * n
        dh/dt = alpha_h * (1 - h) - beta_h * h
        taue * dg_exc/dt = -g_exc
        taui * dg_inh/dt = -g_inh
    spike: v > -20.0
    refractory: 3.0
    method: exponential
""")

n, n_exc, duration = 4000, 3200, 1000.0
rng = np.random.default_rng(1)
pop = eq.Population(cobahh, n)
pop.v = -60.0 + rng.normal(0.0, 1.0, n) * 5.0 - 5.0       # El + (randn() * 5 - 5) mV
pop.g_exc = (rng.normal(0.0, 1.0, n) * 1.5 + 4.0) * 10.0  # (randn() * 1.5 + 4) * 10 nS
pop.g_inh = (rng.normal(0.0, 1.0, n) * 12.0 + 20.0) * 10.0
exc = eq.Projection(pop[:n_exc], pop, target="exc", w=6.0)   # spike: g_exc += 6 nS
inh = eq.Projection(pop[n_exc:], pop, target="inh", w=67.0)  # spike: g_inh += 67 nS
exc.connect(p=0.02, allow_self=True, seed=1)                   # Brian2 allows i == j too
inh.connect(p=0.02, allow_self=True, seed=2)
spikes = eq.SpikeMonitor(pop)
shown_neurons = [1, 10, 100]
trace = eq.StateMonitor(pop, "v", record=shown_neurons)
net = eq.Network(pop, exc, inh, spikes, trace, dt=0.1)
net.run(duration)

counts = np.bincount(spikes.i, minlength=n)
mean_rate = counts.mean() / (duration / 1000.0)                 # Hz per neuron
active = np.count_nonzero(counts)
print(f"{len(exc) + len(inh)} synapses; {len(spikes.i)} spikes in {duration:g} ms")
print(f"mean rate {mean_rate:.2f} Hz; {active} of {n} neurons fired; "
      f"v between {trace.v.min():.1f} and {trace.v.max():.1f} mV")

fig, (ax_r, ax_h, ax_v) = plt.subplots(3, 1, sharex=True, figsize=(8, 6.5),
                                       gridspec_kw={"height_ratios": [2, 1, 1.2]})
shown = spikes.i < 400
ax_r.plot(spikes.t[shown], spikes.i[shown], ",k")
ax_r.set_ylim(-0.5, 399.5)
ax_r.set_ylabel("neuron")
ax_r.set_title(f"COBAHH (Brette et al. 2007): {n} Hodgkin-Huxley neurons, "
               f"mean rate {mean_rate:.1f} Hz")
eq.plot.rate(spikes, bin=1.0, smooth=5.0, ax=ax_h, duration=duration)
centres, rate = spikes.rate(bin=1.0, duration=duration)
ax_h.set_ylim(0.0, 1.6 * rate.max())                   # room for the legend
ax_h.set_xlabel("")
for k, neuron in enumerate(shown_neurons):
    ax_v.plot(trace.t, trace.v[:, k], lw=0.6, label=f"neuron {neuron}")
ax_v.set_ylabel("v (mV)")
ax_v.set_xlabel("time (ms)")
ax_v.legend(fontsize="small", loc="upper right", frameon=False, ncol=3)
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
