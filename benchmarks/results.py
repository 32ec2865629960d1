"""Results in the field's formats on the 4,000-neuron COBA network (N2 of BENCHMARK.md), and
eqneuro's rate functions side by side with Elephant's.

    python benchmarks/results.py [--duration 1000] [--repeats 5]

After one run of --duration ms (a SpikeMonitor of all 4,000 neurons, a StateMonitor of v for
100 of them): the time of spikes.to_neo(), trace.to_neo(), the DataFrames, eq.save (and the
file's size) and eq.read. Then each statistic both ways on the same spikes: eqneuro's
function on the monitor, Elephant's on the exported trains (the export not counted):
firing rates per neuron (firing_rates / mean_firing_rate), the population rate in 1 ms bins
(population_rate / time_histogram), and that rate smoothed by a Gaussian of 5 ms
(smooth_rate of the histogram / instantaneous_rate of the trains, averaged). Best of
--repeats each.
"""
import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import eqneuro as eq
from eqneuro.rates import smooth_rate
from experiments import best, coba


def run(duration: float):
    traces = []
    net, pop, spikes = coba(1, lambda pop: traces.append(
        eq.StateMonitor(pop, "v", record=np.arange(0, 4000, 40))) or traces[-1])
    net.run(duration)
    return spikes, traces[0]


def formats(spikes, trace, repeats: int) -> list[dict]:
    rows = []
    for name, function in [("spikes.to_neo()", spikes.to_neo),
                           ("trace.to_neo()", trace.to_neo),
                           ("spikes.to_dataframe()", spikes.to_dataframe),
                           ("trace.to_dataframe()", trace.to_dataframe)]:
        rows.append({"what": name, "seconds": best(function, repeats)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coba.nwb"
        rows.append({"what": "eq.save(path, spikes, trace)",
                     "seconds": best(lambda: eq.save(path, spikes, trace), repeats),
                     "bytes": os.path.getsize(path)})
        rows.append({"what": "eq.read(path)", "seconds": best(lambda: eq.read(path), repeats)})
    return rows


def statistics(spikes, duration: float, repeats: int) -> list[dict]:
    import quantities as pq
    from elephant import kernels
    from elephant import statistics as elephant
    trains = spikes.to_neo()
    bin = 1.0

    def elephant_rates():
        return np.array([elephant.mean_firing_rate(s).rescale("Hz").magnitude for s in trains])

    def elephant_histogram():
        return elephant.time_histogram(trains, bin_size=bin * pq.ms, output="rate")

    def elephant_smooth():
        rate = elephant.instantaneous_rate(trains, sampling_period=bin * pq.ms,
                                           kernel=kernels.GaussianKernel(5.0 * pq.ms))
        return rate.rescale("Hz").magnitude.mean(axis=1)

    def eqneuro_smooth():
        _, rates = eq.population_rate(spikes, bin, duration)
        return smooth_rate(rates, bin, 5.0)
    cases = [("firing rate of each neuron", lambda: eq.firing_rates(spikes, duration),
              elephant_rates),
             ("population rate, 1 ms bins", lambda: eq.population_rate(spikes, bin, duration),
              elephant_histogram),
             ("population rate smoothed, Gaussian 5 ms", eqneuro_smooth, elephant_smooth)]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, ours, theirs in cases:
            a, b = best(ours, repeats), best(theirs, repeats)
            rows.append({"what": name, "eqneuro s": a, "Elephant s": b, "ratio": b / a})
        export = best(spikes.to_neo, repeats)
    rows.append({"what": "(export: spikes.to_neo())", "eqneuro s": export})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    spikes, trace = run(args.duration)
    print(f"COBA 4000 for {args.duration:g} ms: {spikes.num_spikes} spikes, "
          f"{trace.v.shape[0]} samples of v for {trace.v.shape[1]} neurons")
    report = {"spikes": spikes.num_spikes, "formats": formats(spikes, trace, args.repeats),
              "statistics": statistics(spikes, args.duration, args.repeats)}
    for row in report["formats"]:
        size = f"  {row['bytes'] / 1e6:.2f} MB" if "bytes" in row else ""
        print(f"{row['what']:<32} {row['seconds'] * 1e3:9.2f} ms{size}")
    for row in report["statistics"]:
        if "ratio" in row:
            print(f"{row['what']:<42} eqneuro {row['eqneuro s'] * 1e3:8.2f} ms   Elephant "
                  f"{row['Elephant s'] * 1e3:9.2f} ms   {row['ratio']:7.1f}x")
        else:
            print(f"{row['what']:<42} {row['eqneuro s'] * 1e3:8.2f} ms")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
