"""eq.sweep on local processes: the per-point overhead, and the speed-up from 1 to 2 workers.

    python benchmarks/sweeps.py [--points 400] [--work-points 8] [--repeats 2]

overhead: a sweep of a function that returns its argument, on a LocalCluster started
beforehand (its start-up is reported apart): (sweep time) / points.
speed-up: a sweep of CPU-bound points (a 2000-neuron HH population, 200 ms each) on a
LocalCluster of 1 worker, then of 2, in the same invocation, best of --repeats. Point 0
runs in the calling process first (it builds or finds the kernel, which is then shipped to
the workers), so with 2 workers the ideal speed-up of n points is n / (1 + (n - 1) / 2).
"""
import argparse
import json
import logging
import time

import numpy as np

import eqneuro as eq

HH = eq.load("hh")


def identity(x):
    return {"y": x}


def hh_point(I, seed):
    pop = eq.Population(HH, 2000)
    pop.I = I + np.linspace(0.0, 5.0, 2000)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=0.01, seed=seed).run(200.0, progress=False)
    return {"spikes": len(spikes.t)}


def timed_sweep(function, grid, workers):
    from distributed import Client, LocalCluster
    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(workers)
        started = time.perf_counter() - start
        begin = time.perf_counter()
        table = eq.sweep(function, grid, client=client, progress=False)
        elapsed = time.perf_counter() - begin
    assert table.error.isna().all() or all(e is None for e in table.error)
    return started, elapsed, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--work-points", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    hh_point(0.0, 1)                                   # the kernel, built once
    started, elapsed, _ = timed_sweep(identity, {"x": list(range(args.points))}, 2)
    overhead = {"case": "overhead", "workers": 2, "points": args.points,
                "cluster_start_s": round(started, 3), "sweep_s": round(elapsed, 3),
                "ms_per_point": round(1e3 * elapsed / args.points, 3)}
    print(json.dumps(overhead))
    grid = {"I": list(np.linspace(2.0, 12.0, args.work_points))}
    best = {}
    for _ in range(args.repeats):
        for workers in (1, 2):
            _, elapsed, table = timed_sweep(hh_point, grid, workers)
            best[workers] = min(best.get(workers, np.inf), elapsed)
            print(json.dumps({"case": "hh", "workers": workers, "points": args.work_points,
                              "sweep_s": round(elapsed, 3),
                              "point_s_mean": round(float(table.seconds.mean()), 3)}))
    n = args.work_points
    print(json.dumps({"case": "speed-up", "one_worker_s": round(best[1], 3),
                      "two_workers_s": round(best[2], 3),
                      "speed_up": round(best[1] / best[2], 3),
                      "ideal_with_point_0_first": round(n / (1 + (n - 1) / 2), 3)}))


if __name__ == "__main__":
    main()
