"""Phase planes of the Izhikevich and AdEx firing patterns, in the style of Naud, Marcille,
Clopath & Gerstner (2008, Biol. Cybern. 99:335-347, Fig. 4): for each pattern the (v, w)
plane (Izhikevich: (v, u)) at the pattern's step current, with both nullclines from the
equations, the fixed points marked by kind (none above the rheobase), and the trajectory
of 300 ms from rest with its reset jumps dashed. The printed table gives each pattern's
fixed points at zero input and its rheobase with the method that found it.
Run: python examples/phase_planes.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import eqneuro as eq

PANELS = [   # model, axes, window, the pattern's step current
    ("izhikevich:regular_spiking", ("v", "u"), (-80, 35), (-16, 6), 10.0),
    ("izhikevich:intrinsically_bursting", ("v", "u"), (-80, 35), (-16, 6), 10.0),
    ("izhikevich:chattering", ("v", "u"), (-80, 35), (-16, 6), 10.0),
    ("adex:tonic", ("v", "w"), (-72, -40), (-20, 600), None),
    ("adex:adapting", ("v", "w"), (-72, -40), (-20, 650), None),
    ("adex:initial_burst", ("v", "w"), (-72, -40), (-20, 500), None),
    ("adex:regular_bursting", ("v", "w"), (-72, -40), (-20, 350), None),
    ("adex:delayed_accelerating", ("v", "w"), (-72, -40), (-150, 450), None),
    ("adex:transient", ("v", "w"), (-72, -40), (-20, 350), None),
]

figure, axes = plt.subplots(3, 3, figsize=(14, 12))
print(f"{'pattern':36s} {'fixed points at I = 0':48s} rheobase")
for ax, (name, (x, y), xlim, ylim, current) in zip(axes.flat, PANELS):
    neuron = eq.load(name)
    step = current if current is not None else neuron.parameters["I"]
    rest = eq.fixed_points(neuron, I=0.0)
    stable = [p for p in rest if p.stable]
    start = stable[0].state if stable else None
    eq.plot.phase_plane(neuron, x, y, ax=ax, xlim=xlim, ylim=ylim, trajectory=300.0,
                        start=start, I=step)
    ax.set_title(f"{name}, I = {step:g}")
    found = eq.rheobase(neuron, tolerance=1e-2)
    kinds = ", ".join(f"{p.kind} at {p.state[x]:.1f}" for p in rest)
    print(f"{name:36s} {kinds:48s} {float(found):.4g} ({found.method})")
figure.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
figure.savefig(out, dpi=80)
print("wrote", out)
