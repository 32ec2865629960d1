"""The activation functions r = f(v) of the rate-coded neuron's variants (models/rate.eqn):
rectifier, logistic and tanh. r is a derived variable, so it can be read without a run.
Run: python examples/activation_functions.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

v = np.linspace(-5.0, 5.0, 201)
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharex=True)
for ax, variant in zip(axes, ["Rectifier", "Logistic", "Tanh"]):
    pop = eq.Population(eq.load("rate", variant=variant), len(v))
    pop.v = v                          # one membrane potential per neuron
    ax.plot(v, pop.r)                  # r follows v at once
    ax.axhline(0.0, color="gray", lw=0.5)
    ax.axvline(0.0, color="gray", lw=0.5)
    ax.set_title(variant)
    ax.set_xlabel("v")
axes[0].set_ylabel("r = f(v)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
