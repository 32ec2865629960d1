"""The cost of the experiment tools on the 4,000-neuron COBA network (N2 of BENCHMARK.md:
3,200 excitatory and 800 inhibitory conductance-based LIF neurons, p = 0.02, dt = 0.1 ms).

    python benchmarks/experiments.py [--duration 1000] [--repeats 5]

callbacks: net.run(duration) with no callback, then with net.every(period, f) for periods of
100, 10 and 1 ms, f doing nothing or reading the mean of pop.v; the overhead per call is
(run time with - without) / calls, best of --repeats each, alternated in one invocation.
store/restore: net.store() and net.restore() in memory, and to / from a file (.npz), after
one run (so the monitor holds its spikes); the size of the file; best of --repeats.
"""
import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import eqneuro as eq
from net_cases import COBA


def coba(seed: int = 1, *monitors_of):
    """The network, its population and a SpikeMonitor of it; `monitors_of(pop)` each add a
    monitor."""
    neuron = eq.Neuron(COBA)
    pop = eq.Population(neuron, 4000)
    rng = np.random.default_rng(seed)
    pop.v = rng.uniform(-60.0, -50.0, 4000)
    exc = eq.Projection(pop[:3200], pop, target="exc", w=0.6)
    inh = eq.Projection(pop[3200:], pop, target="inh", w=6.7)
    exc.connect(p=0.02, seed=seed)
    inh.connect(p=0.02, seed=seed + 1)
    spikes = eq.SpikeMonitor(pop)
    extra = [make(pop) for make in monitors_of]
    net = eq.Network(pop, exc, inh, spikes, *extra, dt=0.1, seed=seed)
    return net, pop, spikes


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def callbacks(duration: float, repeats: int) -> list[dict]:
    variants = [("none", None, None)]
    for period in (100.0, 10.0, 1.0):
        variants += [("nothing", period, lambda: None),
                     ("mean of pop.v", period, "mean")]
    nets = []
    for what, period, function in variants:
        net, pop, _ = coba()
        if function == "mean":
            values = []
            function = lambda pop=pop, values=values: values.append(float(pop.v.mean()))
        if period is not None:
            net.every(period, function)
        net.run(10.0, progress=False)               # built and warm
        nets.append((what, period, net))
    times = {k: [] for k in range(len(nets))}
    for _ in range(repeats):                      # alternated, so that drifts hit all alike
        for k, (_, _, net) in enumerate(nets):
            start = time.perf_counter()
            net.run(duration, progress=False)
            times[k].append(time.perf_counter() - start)
    base = min(times[0])
    rows = []
    for k, (what, period, _) in enumerate(nets):
        seconds = min(times[k])
        calls = 0 if period is None else int(duration / period)
        rows.append({"callback": what, "period_ms": period, "calls": calls,
                     "run_s": round(seconds, 4), "ratio": round(seconds / base, 3),
                     "per_call_ms": None if not calls else
                     round((seconds - base) / calls * 1e3, 3)})
    return rows


def store_restore(duration: float, repeats: int) -> dict:
    net, pop, spikes = coba()
    net.run(duration, progress=False)
    folder = Path(tempfile.mkdtemp())
    path = folder / "coba.npz"
    result = {"neurons": len(pop), "synapses": sum(len(p) for p in net.projections),
              "spikes_recorded": len(spikes),
              "store_s": best(net.store, repeats), "restore_s": best(net.restore, repeats),
              "store_file_s": best(lambda: net.store(path=path), repeats),
              "restore_file_s": best(lambda: net.restore(path=path), repeats)}
    result["file_bytes"] = os.path.getsize(path)
    result["bytes_per_synapse"] = round(result["file_bytes"] / result["synapses"], 2)
    for key in ("store_s", "restore_s", "store_file_s", "restore_file_s"):
        result[key] = round(result[key], 4)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for row in callbacks(args.duration, args.repeats):
        print(json.dumps(row))
    print(json.dumps(store_restore(args.duration, args.repeats)))


if __name__ == "__main__":
    main()
