"""The McCulloch & Pitts neuron: its net activation is a line that splits the input plane.

The lecture "Neuron models" (the McCulloch & Pitts neuron; artificial neurons and
hyperplanes): y = f(w1 x1 + w2 x2 + b) with the step function f. The net activation
w1 x1 + w2 x2 + b = 0 is the line x2 = -(w1/w2) x1 - b/w2; the weight vector (w1, w2) is
orthogonal to it and points to the side where y = 1.

Here the artificial neuron is fed by an input population: each input neuron's rate r
follows its parameter x (set from Python), and a projection with the weights w1, w2 sums
them into sum(in); the artificial neuron adds its bias. One artificial neuron per point of
a grid over the input plane (and per logic function) reads its own two input neurons, so
one step of the network computes y over the whole plane. The weights and biases are those
of the shipped model models/mcculloch_pitts.eqn (AND, its variant OR, and the same model
with w2 = -1, b = -0.5: x1 AND NOT x2), whose y (x1 and x2 are its parameters there, no
network) must agree at every point.
Run: python examples/mcculloch_pitts.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

source = eq.Neuron("""
neuron Input:
    parameters: x = 0.0          # the input value, one per input neuron
    equations: r = x
""")
artificial = eq.Neuron("""
neuron Artificial:
    parameters: b = 0.0          # bias
    equations:
        a = sum(in) + b          # net activation: w1 x1 + w2 x2 + b
        y = heaviside(a)         # 1 above the line, 0 on it and below
""")
and_, or_ = eq.load("mcculloch_pitts"), eq.load("mcculloch_pitts", variant="Or")
functions = {"AND": (and_, {}), "OR": (or_, {}),                 # (model, changed parameters)
             "x1 AND NOT x2": (and_, {"w2": -1.0, "b": -0.5})}
parameters = {name: {**model.parameters, **changes}
              for name, (model, changes) in functions.items()}

side = np.linspace(-0.49, 1.51, 80)     # no grid point on any of the lines: no ties at a = 0
corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
x1, x2 = (np.append(grid.ravel(), c) for grid, c in zip(np.meshgrid(side, side), corners.T))
points, cells = len(x1), len(side) ** 2     # the grid, then the four corners

inputs = eq.Population(source, 2 * points)     # neuron 2k holds x1, neuron 2k+1 holds x2
inputs.x = np.column_stack([x1, x2]).ravel()
units = eq.Population(artificial, len(functions) * points)   # function f: units f*points + k
feed = eq.Projection(inputs, units, target="in")  # psp: w * r_pre into sum(in)
for f in range(len(functions)):                    # unit k of each function reads inputs 2k, 2k+1
    feed.connect(i=np.arange(2 * points), j=f * points + np.repeat(np.arange(points), 2))
weights = np.array([[p["w1"], p["w2"]] for p in parameters.values()])
feed.w = weights[feed.j // points, feed.i % 2]    # (synapses are kept in presynaptic order)
units.b = np.repeat([p["b"] for p in parameters.values()], points)
eq.Network(inputs, units, feed, dt=1.0).run(1.0)   # sum(in) from the inputs set above

fig, axes = plt.subplots(1, len(functions), figsize=(13.5, 4.8))
for f, (ax, (name, (model, changes))) in enumerate(zip(axes, functions.items())):
    w1, w2, b = (parameters[name][key] for key in ("w1", "w2", "b"))
    a, y = (values[f * points:(f + 1) * points] for values in (units.a, units.y))

    reference = eq.Population(model, points)           # the shipped model, no network
    for key, value in {**changes, "x1": x1, "x2": x2}.items():
        setattr(reference, key, value)
    truth = ", ".join(f"{int(c[0])}{int(c[1])}->{int(out)}" for c, out in zip(corners, y[cells:]))
    print(f"{name}: w = ({w1:g}, {w2:g}), b = {b:g}; truth table {truth}; "
          f"a = w.x + b at all {points} points: {np.allclose(a, w1 * x1 + w2 * x2 + b)}; "
          f"y equals the shipped model's: {np.array_equal(reference.y, y)}")

    limit = np.abs(a[:cells]).max()
    ax.pcolormesh(side, side, a[:cells].reshape(len(side), len(side)), cmap="RdBu_r",
                  vmin=-limit, vmax=limit, shading="nearest", alpha=0.6)
    ax.plot(side, -(w1 / w2) * side - b / w2, "k", lw=1.5,
            label=f"{w1:g} x1 {'+-'[w2 < 0]} {abs(w2):g} x2 {'+-'[b < 0]} {abs(b):g} = 0")
    unit = np.array([w1, w2]) / np.hypot(w1, w2)
    centre = np.array([0.5, 0.5])
    foot = centre - (unit @ centre + b / np.hypot(w1, w2)) * unit   # line point nearest it
    ax.annotate("", xy=foot + 0.25 * unit, xytext=foot, arrowprops=dict(arrowstyle="->", lw=1.5))
    ax.text(*(foot + 0.2 * unit + 0.07 * unit[::-1] * [-1, 1]), "w", fontsize=11)
    for c, fired in zip(corners, y[cells:]):
        ax.plot(*c, "o", ms=10, mfc="k" if fired else "w", mec="k")
    ax.set_xlim(side[0], side[-1])
    ax.set_ylim(side[0], side[-1])
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(name)
    ax.legend(loc="lower left", fontsize="small")
fig.suptitle("McCulloch & Pitts neuron y = heaviside(w1 x1 + w2 x2 + b) fed by two inputs: "
             "colour = net activation (red > 0), filled dots: y = 1", fontsize="medium")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
