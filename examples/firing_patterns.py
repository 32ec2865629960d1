"""Firing patterns of the Izhikevich (2003) and AdEx (Naud et al., 2008) neurons, side by side.

Each variant of models/izhikevich.eqn and models/adex.eqn gets a step current at t = 20 ms
(Izhikevich: I = 10; AdEx: the current of Naud et al.'s Table 1, each variant's default I).
Run: python examples/firing_patterns.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import eqneuro as eq


def response(model, variant, current, duration, peak):
    """v of one neuron: 20 ms at rest, then `current` for the rest of the run."""
    neuron = eq.load(model, variant=variant)
    pop = eq.Population(neuron, 1)
    step = pop.I[0] if current is None else current     # AdEx variants carry their own I
    trace, spikes = eq.StateMonitor(pop, "v"), eq.SpikeMonitor(pop)
    net = eq.Network(pop, trace, spikes, dt=0.1)
    pop.I = 0.0
    net.run(20.0)
    pop.I = step
    net.run(duration - 20.0)
    v = trace.v[:, 0].copy()
    v[(spikes.t / net.dt).round().astype(int) - 1] = peak   # draw each spike up to its peak
    return trace.t, v, step


izhikevich = eq.shipped_models()["izhikevich"][1:]   # the variants, without the base
adex = eq.shipped_models()["adex"][1:]
rows = max(len(izhikevich), len(adex))
fig, axes = plt.subplots(rows, 2, figsize=(11, 1.7 * rows), sharex="col")
for ax, variant in zip(axes[:, 0], izhikevich):
    t, v, step = response("izhikevich", variant, 10.0, 300.0, 30.0)
    ax.plot(t, v, lw=0.8)
    ax.set_title(f"Izhikevich {variant} (I = {step:g})", fontsize=9)
for ax, variant in zip(axes[:, 1], adex):
    t, v, step = response("adex", variant, None, 500.0, 0.0)
    ax.plot(t, v, lw=0.8, color="C1")
    ax.set_title(f"AdEx {variant} (I = {step:g} pA)", fontsize=9)
for ax in axes[len(izhikevich):, 0]:
    ax.axis("off")
for ax in axes[:, 0]:
    ax.set_ylabel("v (mV)", fontsize=8)
axes[len(izhikevich) - 1, 0].set_xlabel("time (ms)")
axes[len(izhikevich) - 1, 0].tick_params(labelbottom=True)
axes[-1, 1].set_xlabel("time (ms)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
