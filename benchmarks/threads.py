"""Network(..., threads=k) against one thread, on an idle machine and under load.

For each number of busy processes in --load (0 = idle; each busy process is
`python -c "while True: pass"`, started before and stopped after its table), each model
and each N, runs the same simulation with 1 and with k threads, alternating, and reports
the best of --repeats wall times and the ratio k threads / 1 thread measured in the same
conditions (< 1: faster with threads; <= 1.5 is the bar under load).

    python benchmarks/threads.py                               # N = 1e6, idle, all models
    python benchmarks/threads.py --models lif hh --n 1e3 1e4 1e5 --load 0 1 2
"""
import argparse
import contextlib
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eqneuro as eq  # noqa: E402
from models import MODELS  # noqa: E402

BUSY = "while True: pass"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--n", nargs="+", type=float, default=[1e6])
    parser.add_argument("--load", nargs="+", type=int, default=[0],
                        help="numbers of busy processes beside the run")
    parser.add_argument("--work", type=float, default=1e8,
                        help="neuron-steps per run (steps = work / N, at least 100)")
    parser.add_argument("--repeats", type=int, default=5)
    return parser.parse_args()


@contextlib.contextmanager
def busy_processes(count):
    procs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(count)]
    try:
        time.sleep(0.2 if procs else 0.0)     # let them reach their loop
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def simulate(case, n, steps, threads):
    """One fresh run; returns (seconds, outcome arrays)."""
    pop = eq.Population(eq.Neuron(case.text), n)
    pop.I = case.current(n)
    monitors = [eq.SpikeMonitor(pop)] if case.spiking else []
    net = eq.Network(pop, *monitors, dt=case.dt, threads=threads)
    start = time.perf_counter()
    net.run(steps * case.dt, progress=False)
    seconds = time.perf_counter() - start
    return seconds, ((monitors[0].i, monitors[0].t) if monitors else ()) + (pop.v,)


def compare(case, n, steps, threads, repeats):
    best = {1: float("inf"), threads: float("inf")}
    outcomes = {}
    for _ in range(repeats):
        for k in (1, threads):
            seconds, outcomes[k] = simulate(case, n, steps, k)
            best[k] = min(best[k], seconds)
    same = all(np.array_equal(a, b) for a, b in zip(outcomes[1], outcomes[threads]))
    return best[1], best[threads], same


def main():
    args = arguments()
    for name in args.models:                  # compile (or load) every kernel before timing
        simulate(MODELS[name], 2, 1, args.threads)
    for load in args.load:
        print(f"\nbusy processes: {load}, threads: {args.threads}, "
              f"best of {args.repeats}, {os.cpu_count()} cores\n")
        print(f"| model | N | steps | 1 thread ms | {args.threads} threads ms | ratio | "
              "results equal |")
        print("|---|---|---|---|---|---|---|")
        with busy_processes(load):
            for name in args.models:
                for n in map(int, args.n):
                    steps = max(100, round(args.work / n))
                    one, many, same = compare(MODELS[name], n, steps, args.threads,
                                              args.repeats)
                    print(f"| {name} | {n:.0e} | {steps} | {one * 1e3:.1f} | "
                          f"{many * 1e3:.1f} | {many / one:.2f} | {same} |", flush=True)


if __name__ == "__main__":
    main()
