"""The cost of noise (issue 11), eqneuro beside hand-written C loops that draw from the same
generator (they include templates/random.h), in the same invocation:
- a LIF neuron with white noise xi (Euler-Maruyama; c_reference/noise_lif.c);
- a PoissonGroup of 1e5 neurons at 10 Hz and 1 kHz, every event recorded by a SpikeMonitor
  (c_reference/poisson_group.c keeps every event in a growing list).

    python benchmarks/noise.py [--n 1000,100000] [--steps 2000] [--repeats 5]
                               [--poisson-n 100000] [--rates 10,1000] [--cases lif,poisson]

Both sides use the same seed, so they draw the same numbers: the spike counts agree (LIF:
the sums of v up to rounding; Poisson: the events and the sum of their indices exactly).
Prints ns per neuron-step and the ratio.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLAGS = {   # eqneuro's own flags (eqneuro/compile/build.py), and with -ffast-math
    "c": ["-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-D__FAST_MATH__"],
    "c_fast": ["-O3", "-march=native", "-ffast-math"],
}
MODEL = """
neuron NoisyLIF:
    parameters:
        tau = 10.0 : shared
        E_L = -70.0 : shared
        mu = 18.0 : shared
        sigma = 1.5 : shared
        V_T = -50.0 : shared
        V_r = -70.0 : shared
    equations:
        dv/dt = (-(v - E_L) + mu) / tau + sigma*xi : init = -70.0
    spike: v > V_T
    reset: v = V_r
    refractory: 2.0
    method: euler
"""


def build_c(folder: Path, program: str = "noise_lif") -> dict[str, Path]:
    exes = {}
    for name, flags in FLAGS.items():
        exe = folder / f"{program}_{name}"
        subprocess.run(["gcc", *flags, f"-I{ROOT / 'templates'}", "-std=gnu11",
                        str(HERE / "c_reference" / f"{program}.c"), "-o", str(exe), "-lm"],
                       check=True)
        exes[name] = exe
    return exes


def run_eqneuro(n: int, steps: int, repeats: int, seed: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import eqneuro as eq
    neuron = eq.Neuron(MODEL)
    best, result = float("inf"), None
    for _ in range(repeats):
        pop = eq.Population(neuron, n)
        spikes = eq.SpikeMonitor(pop)
        net = eq.Network(pop, spikes, dt=0.1, seed=seed)
        net.run(0.0)
        t0 = time.perf_counter()
        net.run(steps * 0.1)
        best = min(best, time.perf_counter() - t0)
        result = {"spikes": spikes.num_spikes, "v_sum": float(pop.v.sum())}
    return {"system": "eqneuro", "run_s_best": best, **result}


def run_poisson(n: int, steps: int, repeats: int, seed: int, rate: float) -> dict:
    sys.path.insert(0, str(ROOT))
    import eqneuro as eq
    best, result = float("inf"), None
    for _ in range(repeats):
        group = eq.PoissonGroup(n, rate)
        spikes = eq.SpikeMonitor(group)
        net = eq.Network(group, spikes, dt=0.1, seed=seed)
        net.run(0.0)
        t0 = time.perf_counter()
        net.run(steps * 0.1, progress=False)
        best = min(best, time.perf_counter() - t0)
        result = {"spikes": spikes.num_spikes, "checksum": int(spikes.i.astype("int64").sum())}
    return {"system": "eqneuro", "run_s_best": best, **result}


def poisson_rows(args, folder: Path) -> list:
    exes = build_c(folder, "poisson_group")
    rows = []
    n = args.poisson_n
    for rate in (float(x) for x in args.rates.split(",")):
        records = []
        for name, exe in exes.items():
            out = subprocess.run([str(exe), str(n), str(args.steps), str(args.repeats),
                                  str(args.seed), str(rate)], capture_output=True, text=True,
                                 check=True).stdout
            records.append({**json.loads(out), "system": name})
        records.append(run_poisson(n, args.steps, args.repeats, args.seed, rate))
        for record in records:
            record["ns_per_neuron_step"] = record["run_s_best"] / (n * args.steps) * 1e9
            print(json.dumps({"case": "poisson", "N": n, "rate_Hz": rate, **record}), flush=True)
        rows.append((rate, records))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="1000,100000")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--poisson-n", type=int, default=100_000)
    ap.add_argument("--rates", default="10,1000", help="PoissonGroup rates in Hz")
    ap.add_argument("--cases", default="lif,poisson", help="lif, poisson or both")
    args = ap.parse_args()
    cases = set(args.cases.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        exes = build_c(Path(tmp))
        for n in (int(x) for x in args.n.split(",") if "lif" in cases):
            records = []
            for name, exe in exes.items():
                out = subprocess.run([str(exe), str(n), str(args.steps), str(args.repeats),
                                      str(args.seed)], capture_output=True, text=True,
                                     check=True).stdout
                records.append({**json.loads(out), "system": name})
            records.append(run_eqneuro(n, args.steps, args.repeats, args.seed))
            for record in records:
                record["ns_per_neuron_step"] = record["run_s_best"] / (n * args.steps) * 1e9
                print(json.dumps({"N": n, **record}), flush=True)
            rows.append((n, records))
        poisson = poisson_rows(args, Path(tmp)) if "poisson" in cases else []
    print("\n| N | C (eqneuro's flags) ns | C -ffast-math ns | eqneuro ns | eqneuro / best C "
          "| spikes C / eqneuro |")
    print("|---|---|---|---|---|---|")
    for n, (c, fast, eq) in rows:
        best = min(c["ns_per_neuron_step"], fast["ns_per_neuron_step"])
        print(f"| {n:,} | {c['ns_per_neuron_step']:.3g} | {fast['ns_per_neuron_step']:.3g} | "
              f"{eq['ns_per_neuron_step']:.3g} | {eq['ns_per_neuron_step'] / best:.2f} | "
              f"{c['spikes']} / {eq['spikes']} |")
    print(f"\n| PoissonGroup, N = {args.poisson_n:,} | C (eqneuro's flags) ns | C -ffast-math ns | "
          "eqneuro ns | eqneuro / best C | events C / eqneuro |")
    print("|---|---|---|---|---|---|")
    for rate, (c, fast, eq) in poisson:
        best = min(c["ns_per_neuron_step"], fast["ns_per_neuron_step"])
        same = "same" if c["checksum"] == eq["checksum"] else "DIFFERENT"
        print(f"| {rate:g} Hz | {c['ns_per_neuron_step']:.3g} | {fast['ns_per_neuron_step']:.3g} | "
              f"{eq['ns_per_neuron_step']:.3g} | {eq['ns_per_neuron_step'] / best:.2f} | "
              f"{c['spikes']} / {eq['spikes']} ({same}) |")


if __name__ == "__main__":
    main()
