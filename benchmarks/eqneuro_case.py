"""Run one benchmark case through eqneuro's public API; print one JSON line.

    python benchmarks/eqneuro_case.py MODEL N STEPS REPEATS

Times the first run (model definition to end of first run: build_s; cold or warm
depending on EQNEURO_CACHE_DIR, which the caller sets), then REPEATS runs, each on a
fresh Population/Network (fresh initial state; the kernel is cached), timing net.run()
alone.  Any exception is reported as {"error": ...} rather than a traceback, so that
run.py can show it in the table.
"""
import json
import sys
import time
import traceback

from models import MODELS


def simulate(eq, neuron, case, N, steps):
    """Build one network and run it; returns (run seconds, spike count, sum|v|)."""
    pop = eq.Population(neuron, N)
    pop.I = case.current(N)
    monitors = [eq.SpikeMonitor(pop)] if case.spiking else []
    net = eq.Network(pop, *monitors, dt=case.dt)
    t0 = time.perf_counter()
    net.run(steps * case.dt)
    run_s = time.perf_counter() - t0
    spikes = len(monitors[0].i) if monitors else 0
    return run_s, spikes, float(abs(pop.v).sum())


def main(model, N, steps, repeats):
    case = MODELS[model]
    import eqneuro as eq

    t0 = time.perf_counter()
    neuron = eq.Neuron(case.text)
    simulate(eq, neuron, case, N, steps)
    result = {"build_s": time.perf_counter() - t0}
    runs = [simulate(eq, neuron, case, N, steps) for _ in range(repeats)]
    if runs:
        result["run_s"] = [r[0] for r in runs]
        result["spikes"] = runs[0][1]
        result["v_abs_sum"] = runs[0][2]
    return result


if __name__ == "__main__":
    try:
        out = main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    except BaseException as exc:  # report everything, including SystemExit from a build
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({last[0].filename.split('/')[-1]}:{last[0].lineno})" if last else ""
        out = {"error": f"{type(exc).__name__}: {exc}".strip()[:500] + where}
    print(json.dumps(out))
