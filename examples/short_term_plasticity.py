"""Short-term plasticity: Tsodyks-Markram depressing and facilitating synapses.

Tsodyks M, Pawelzik K, Markram H (1998) Neural networks with dynamic synapses. Neural
Comput. 10:821-835; Markram H, Wang Y, Tsodyks M (1998) Differential signaling via the
same axonal terminal. PNAS 95:5323-5328. One presynaptic neuron fires a 20 Hz train of 8
spikes and, 500 ms later, one more; it drives two passive postsynaptic membranes through
the shipped TsodyksMarkram synapse (models/plasticity.eqn), once with depressing
parameters (U = 0.5, tau_d = 800 ms, tau_f = 10 ms: each spike uses half of the remaining
resources) and once with facilitating ones (U = 0.1, tau_d = 100 ms, tau_f = 1000 ms: the
utilisation builds up). The membranes: tau_s dg/dt = -g (5 ms) and tau_m dv/dt = -v + g
(20 ms); the synapses' variables are integrated between spikes in closed form.
The figure shows both postsynaptic potentials and the synapses' u and x.
Run: python examples/short_term_plasticity.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

membrane = eq.Neuron("""
neuron Passive:
    parameters:
        tau_m = 20.0 : shared     # membrane time constant (ms)
        tau_s = 5.0 : shared      # synaptic current decay (ms)
    equations:
        tau_m * dv/dt = -v + g_exc
        tau_s * dg_exc/dt = -g_exc
""")

train = np.append(100.0 + 50.0 * np.arange(8), 950.0)
source = eq.SpikeSource(1, i=np.zeros(train.size, dtype=int), t=train)
cells = eq.Population(membrane, 2)                   # 0: depressing, 1: facilitating
kinds = {"depressing": dict(U=0.5, tau_d=800.0, tau_f=10.0),
         "facilitating": dict(U=0.1, tau_d=100.0, tau_f=1000.0)}
projections, traces = {}, []
for k, (kind, values) in enumerate(kinds.items()):
    proj = eq.Projection(source, cells[k:k + 1], synapse=eq.load("tsodyks_markram"),
                         w=10.0 / values["U"], name=kind)    # the first response alike
    proj.connect(one_to_one=True)
    for name, value in values.items():
        setattr(proj, name, value)
    projections[kind] = proj
    traces.append(eq.StateMonitor(proj, ["u", "x"], record=[0]))
voltage = eq.StateMonitor(cells, "v")
eq.Network(source, cells, *projections.values(), *traces, voltage, dt=0.1).run(1100.0)

peaks = {}
for k, kind in enumerate(kinds):
    v = voltage.v[:, k]
    peaks[kind] = np.array([v[(voltage.t > t) & (voltage.t < t + 20.0)].max() -
                            v[np.searchsorted(voltage.t, t)] for t in train])
    print(f"{kind}: PSP increments {np.array2string(peaks[kind], precision=2)} mV; "
          f"8th / 1st = {peaks[kind][7] / peaks[kind][0]:.2f}; after 500 ms: "
          f"{peaks[kind][8] / peaks[kind][0]:.2f}")

fig, axes = plt.subplots(2, 2, figsize=(10, 5.5), sharex=True,
                         gridspec_kw={"height_ratios": [2, 1]})
for k, kind in enumerate(kinds):
    axes[0, k].plot(voltage.t, voltage.v[:, k], lw=0.8)
    axes[0, k].set_title(f"{kind}: U = {kinds[kind]['U']:g}, tau_d = "
                         f"{kinds[kind]['tau_d']:g} ms, tau_f = {kinds[kind]['tau_f']:g} ms")
    axes[0, k].set_ylabel("v (mV)")
    axes[1, k].plot(traces[k].t, traces[k].u[:, 0], label="u (utilisation)")
    axes[1, k].plot(traces[k].t, traces[k].x[:, 0], label="x (resources)")
    axes[1, k].set_xlabel("time (ms)")
    axes[1, k].legend(loc="lower right", fontsize=8)
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
