"""Speed-up of Network(..., threads=2) over one thread at N = 1e6, 100 steps (BENCHMARK.md
models and currents). Usage: python benchmarks/threads.py [--threads 2]"""
import argparse
import time

import numpy as np

import eqneuro as eq
from models import MODELS

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--n", type=int, default=1_000_000)
parser.add_argument("--steps", type=int, default=100)
args = parser.parse_args()

print(f"| model | 1 thread ns | {args.threads} threads ns | speed-up | spikes equal |")
print("|---|---|---|---|---|")
for name, case in MODELS.items():
    results = {}
    for threads in (1, args.threads):
        best, spikes = float("inf"), None
        for _ in range(3):
            pop = eq.Population(eq.Neuron(case.text), args.n)
            pop.I = case.current(args.n)
            monitors = [eq.SpikeMonitor(pop)] if case.spiking else []
            net = eq.Network(pop, *monitors, dt=case.dt, threads=threads)
            start = time.perf_counter()
            net.run(args.steps * case.dt)
            best = min(best, time.perf_counter() - start)
            spikes = (monitors[0].i, monitors[0].t) if monitors else (pop.v,)
        results[threads] = (best / (args.n * args.steps) * 1e9, spikes)
    (one, a), (many, b) = results[1], results[args.threads]
    same = all(np.array_equal(x, y) for x, y in zip(a, b))
    print(f"| {name} | {one:.2f} | {many:.2f} | {one / many:.2f} | {same} |")
