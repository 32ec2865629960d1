"""Fixed costs: the Python overhead of one net.run() call (one step of one neuron), and the
warm start (a new process: import eqneuro + model + cached kernel + a tiny run).
Usage: python benchmarks/overhead.py"""
import os
import subprocess
import sys
import time

import numpy as np

import eqneuro as eq

lif = eq.load("lif")
for label, monitors in (("no monitor", False), ("spike + state monitor", True)):
    pop = eq.Population(lif, 1)
    objects = [eq.SpikeMonitor(pop), eq.StateMonitor(pop, "v")] if monitors else []
    net = eq.Network(pop, *objects, dt=0.1)
    net.run(0.1)
    times = []
    for _ in range(3000):
        start = time.perf_counter()
        net.run(0.1)
        times.append(time.perf_counter() - start)
    print(f"net.run() of one step of one neuron, {label}: {np.median(times) * 1e6:.1f} µs "
          "(median of 3000)")

warm = """
import time; start = time.perf_counter()
import sys, eqneuro as eq
pop = eq.Population(eq.load("lif"), 10); pop.I = 3.0
eq.Network(pop, eq.SpikeMonitor(pop), dt=0.1).run(1.0)
print(time.perf_counter() - start, "sympy" in sys.modules)
"""
subprocess.run([sys.executable, "-c", warm], check=True, capture_output=True)   # fill the cache
runs = []
for _ in range(5):
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", warm], check=True, capture_output=True,
                         text=True, env=dict(os.environ)).stdout.split()
    runs.append((time.perf_counter() - start, float(out[0]), out[1]))
best = min(runs)
print(f"warm start, whole process: {best[0]:.3f} s (inside Python: {best[1]:.3f} s; "
      f"SymPy imported: {best[2]})")
