"""The firing rate of a population, estimated by a histogram of its spikes.

1000 LIF neurons with different input currents (and random initial potentials) receive an
extra step of input between 200 and 400 ms. The raster shows 100 of them; below, the
population rate in 5 ms bins. Run: python examples/population_rate.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

rng = np.random.default_rng(1)
n = 1000
base = rng.normal(2.2, 0.3, n)            # around the threshold current 2.0

pop = eq.Population(eq.load("lif"), n)
pop.v = rng.uniform(-70.0, -50.0, n)      # desynchronise the start
spikes = eq.SpikeMonitor(pop)
net = eq.Network(pop, spikes, dt=0.1)
for extra in (0.0, 1.0, 0.0):             # 200 ms each: baseline, step, baseline
    pop.I = base + extra
    net.run(200.0)

centres, rate = spikes.rate(bin=5.0, duration=net.t)   # Hz per neuron

fig, (ax_r, ax_h) = plt.subplots(2, 1, sharex=True, figsize=(8, 5))
shown = spikes.i < 100
ax_r.plot(spikes.t[shown], spikes.i[shown], "|", markersize=3, color="k")
ax_r.set_ylabel("neuron")
ax_r.set_title(f"{n} LIF neurons; input step from 200 to 400 ms")
ax_h.bar(centres, rate, width=5.0, color="C0")
ax_h.set_xlabel("time (ms)")
ax_h.set_ylabel("population rate (Hz)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
