"""Throughput of the connectivity patterns (eqneuro/sim/connectors.py): synapses per second
(best of 3) and peak memory (tracemalloc, a separate 4th call) per pattern and size.
Recurrent cases (a population onto itself) leave out self pairs, as connect() does by default.
Usage: python benchmarks/connectors.py [--quick]   (--quick skips the 400,000-neuron cases)"""
import importlib.util
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np


def load_connectors():
    path = Path(__file__).resolve().parent.parent / "eqneuro" / "sim" / "connectors.py"
    spec = importlib.util.spec_from_file_location("_connectors_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


connectors = load_connectors()


def side(n, population_id=0):
    return connectors.Side(np.arange(n), population_id)


def measure(label, make, repeats=3):
    best, synapses = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        synapses = len(make())
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    make()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<44} {synapses:>11,} synapses  {best:7.3f} s  "
          f"{synapses / best / 1e6:7.1f} M synapses/s  peak {peak / 2**20:7.0f} MiB "
          f"({peak / max(synapses, 1):5.1f} B/synapse)", flush=True)


def main(quick):
    sizes = (4_000, 40_000) if quick else (4_000, 40_000, 400_000)
    probabilities = ((40_000, 0.002),) if quick else ((40_000, 0.002), (400_000, 2e-4))
    for n, p in probabilities:
        measure(f"p={p} recurrent, N={n:,}",
                lambda: connectors.connect(side(n), side(n), p=p, seed=1))
    for n in sizes:
        measure(f"in_degree=80 recurrent, N={n:,}",
                lambda: connectors.connect(side(n), side(n), in_degree=80, seed=1))
    measure("all_to_all 4,000 x 4,000 (two populations)",
            lambda: connectors.connect(side(4000), side(4000, 1), all_to_all=True))
    measure("all_to_all 4,000 recurrent (no self pairs)",
            lambda: connectors.connect(side(4000), side(4000), all_to_all=True))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
