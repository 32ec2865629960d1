"""A Hodgkin-Huxley action potential: the membrane potential and the gates n, m, h.

A 1 ms current pulse at t = 10 ms triggers one action potential; a weaker pulse at 40 ms
does not (the all-or-none threshold). Run: python examples/hh_action_potential.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import eqneuro as eq

neuron = eq.load("hh", method="rk4")     # Hodgkin & Huxley (1952), rest at -70 mV
print(neuron)

pop = eq.Population(neuron, 1)
trace = eq.StateMonitor(pop, ["v", "n", "m", "h"])
net = eq.Network(pop, trace, dt=0.01)

for current, duration in [(0.0, 10.0), (20.0, 1.0), (0.0, 29.0), (3.0, 1.0), (0.0, 29.0)]:
    pop.I = current                       # a step of injected current (uA/cm^2)
    net.run(duration)

fig, (ax_v, ax_g) = plt.subplots(2, 1, sharex=True, figsize=(7, 5))
ax_v.plot(trace.t, trace.v[:, 0])
ax_v.set_ylabel("v (mV)")
ax_v.set_title("Hodgkin-Huxley: a pulse of 20 fires, a pulse of 3 does not")
ax_g.plot(trace.t, trace.n[:, 0], label="n (K activation)")
ax_g.plot(trace.t, trace.m[:, 0], label="m (Na activation)")
ax_g.plot(trace.t, trace.h[:, 0], label="h (Na inactivation)")
ax_g.set_xlabel("time (ms)")
ax_g.set_ylabel("gate")
ax_g.legend()
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
