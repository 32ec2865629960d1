"""Rate-coded neurons follow a step of input with the speed set by their time constant:
v(t) = I (1 - exp(-t/tau)). Run: python examples/rate_step_response.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

neuron = eq.load("rate")              # tau dv/dt + v = I ; r = max(0, v)
taus = np.array([5.0, 10.0, 20.0, 30.0])

pop = eq.Population(neuron, len(taus))
pop.tau = taus                        # one time constant per neuron
trace = eq.StateMonitor(pop, "v")
net = eq.Network(pop, trace, dt=0.1)
net.run(10.0)                         # no input
pop.I = 1.0                           # a step at t = 10 ms
net.run(100.0)
pop.I = 0.0                           # and back at t = 110 ms
net.run(90.0)

fig, ax = plt.subplots(figsize=(7, 4))
for k, tau in enumerate(taus):
    ax.plot(trace.t, trace.v[:, k], label=f"tau = {tau:g} ms")
ax.plot(trace.t, np.where((trace.t >= 10) & (trace.t < 110), 1.0, 0.0), "k--", lw=0.8,
        label="input I")
ax.set_xlabel("time (ms)")
ax.set_ylabel("v")
ax.set_title("Rate-coded neuron: step responses")
ax.legend()
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
