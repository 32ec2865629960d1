"""Network benchmarks N1–N3 of /work/shared/BENCHMARK.md: eqneuro vs hand-written C.

    python benchmarks/networks.py [--cases cuba,coba,rate] [--sizes 4000,40000]
                                  [--repeats 3] [--duration MS] [--seed 2007]
                                  [--json out.json] [--no-eqneuro]

Generates each network once with numpy (seeded) into a temporary directory, compiles the
C references (c_reference/net_*.c) and runs them on those files, runs eqneuro on the same
files in subprocesses (net_cases.py), prints one JSON object per case and system as it is
measured, then two markdown tables.  --sizes replaces the protocol's sizes of every chosen
case; --duration (ms of biological time) replaces the protocol's 1 s (N3: 3000 ms).
"""
import argparse
import ctypes
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from run import BUILD, C_DIR, CC, eq_env, eqneuro_importable, fmt, sh

HERE = Path(__file__).resolve().parent
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
PLAIN = ["-O3", "-march=native"]
C_VARIANTS = {   # variant -> extra flags; "blas" only for the rate network
    "plain": PLAIN,
    "best": [*PLAIN, "-ffast-math", "-DBEST"],
    "blas": [*PLAIN, "-DUSE_BLAS"],
}
IN_DEGREE = 80          # N1/N2: p = 80 / N
EXC_FRACTION = 0.8      # the first 80 % of the neurons are excitatory
MAX_DENSE_N = 20_000    # N3 stores N^2 doubles (20,000: 3.2 GB)


# ---- the networks: numpy arrays, written as raw little-endian files ----

def fixed_probability(rng, n: int, p: float):
    """CSR by presynaptic neuron of `n` x `n` pairs, each present with probability p
    (self pairs allowed): returns (ptr int64 of n + 1 offsets, post int32 sorted per row).
    Each row draws its size from Binomial(n, p) and then that many distinct targets, which
    is the same distribution as one Bernoulli(p) per pair (duplicates are drawn again)."""
    counts = rng.binomial(n, p, size=n)
    row = np.repeat(np.arange(n, dtype=np.int64) * n, counts)
    keys = row + rng.integers(0, n, size=row.size)
    keys.sort()
    while (dup := np.flatnonzero(keys[1:] == keys[:-1]) + 1).size:
        keys[dup] = row[dup] + rng.integers(0, n, size=dup.size)
        keys.sort(kind="stable")   # nearly sorted: timsort is fast
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, (keys - row).astype(np.int32)


def spiking_arrays(N: int, seed: int, w_exc: float, w_inh: float) -> dict:
    """Connectivity and weights of N1/N2 (the same connectivity for both at one N)."""
    n_exc = int(round(EXC_FRACTION * N))
    ptr, post = fixed_probability(np.random.default_rng([seed, N, 0]), N, IN_DEGREE / N)
    excitatory = np.repeat(np.arange(N) < n_exc, np.diff(ptr))
    return {"meta.i64": np.array([N, n_exc]), "ptr.i64": ptr, "post.i32": post,
            "w.f64": np.where(excitatory, w_exc, w_inh)}


def cuba_arrays(N: int, seed: int) -> dict:
    """N1: v uniform in [Vr, Vt] (Brian2: Vr + rand() * (Vt - Vr)), ge = gi = 0."""
    rng = np.random.default_rng([seed, N, 1])
    return {**spiking_arrays(N, seed, 1.62, -9.0),
            "v0.f64": -60.0 + rng.uniform(size=N) * (-50.0 - -60.0),
            "ge0.f64": np.zeros(N), "gi0.f64": np.zeros(N)}


def coba_arrays(N: int, seed: int) -> dict:
    """N2: v ~ N(-55, 5), g_exc ~ N(4, 1.5), g_inh ~ N(20, 12), both clipped at 0."""
    rng = np.random.default_rng([seed, N, 2])
    return {**spiking_arrays(N, seed, 0.6, 6.7),
            "v0.f64": rng.normal(-55.0, 5.0, N),
            "ge0.f64": np.clip(rng.normal(4.0, 1.5, N), 0.0, None),
            "gi0.f64": np.clip(rng.normal(20.0, 12.0, N), 0.0, None)}


def rate_arrays(N: int, seed: int) -> dict:
    """N3: W[post, pre] ~ Normal(0, sd 1/sqrt(N)) dense, self pairs included; sum(in) = 1
    for a fixed random half of the neurons (a constant input neuron, weight 1), 0 for the
    rest; v uniform in [-1, 1)."""
    rng = np.random.default_rng([seed, N, 3])
    fed = np.zeros(N)
    fed[rng.permutation(N)[:N // 2]] = 1.0
    return {"meta.i64": np.array([N, 0]), "W.f64": rng.normal(0.0, 1.0 / np.sqrt(N), (N, N)),
            "in.f64": fed, "v0.f64": rng.uniform(-1.0, 1.0, N)}


def write(folder: Path, arrays: dict) -> None:
    for name, values in arrays.items():
        dtype = {"f64": "<f8", "i64": "<i8", "i32": "<i4"}[name.rsplit(".", 1)[1]]
        np.ascontiguousarray(values, dtype=dtype).tofile(folder / name)


@dataclass(frozen=True)
class NetCase:
    name: str
    label: str
    sizes: tuple[int, ...]
    duration: float                    # ms of biological time
    dt: float
    arrays: Callable[[int, int], dict]
    variants: tuple[str, ...]

    @property
    def spiking(self) -> bool:
        return self.name != "rate"

    def steps(self, duration: float) -> int:
        return int(round(duration / self.dt))


CASES = {c.name: c for c in (
    NetCase("cuba", "N1", (4_000, 40_000, 400_000), 1000.0, 0.1, cuba_arrays, ("plain", "best")),
    NetCase("cuba_stdp", "N1+STDP", (4_000, 40_000), 1000.0, 0.1, cuba_arrays,
            ("plain", "best")),
    NetCase("coba", "N2", (4_000, 40_000), 1000.0, 0.1, coba_arrays, ("plain", "best")),
    NetCase("rate", "N3", (400, 4_000), 3000.0, 1.0, rate_arrays, ("plain", "best", "blas")),
)}


# ---- the C references ----

def find_blas():
    """(library path, dgemv symbol, set-threads symbol) of an OpenBLAS with 32-bit ints
    that gcc can link: the one scipy ships, else numpy's, else the system's; or None."""
    roots = []
    for module in ("scipy", "numpy"):
        spec = importlib.util.find_spec(module)
        if spec and spec.origin:
            libs = Path(spec.origin).parent.parent / f"{module}.libs"
            roots.append(sorted(libs.glob("*openblas*.so*")))
    roots.append(sorted(Path("/usr/lib").glob("*/libopenblas*.so*")))
    for path in (p for group in roots for p in group):
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for prefix in ("scipy_", ""):   # a "64_" suffix means 64-bit ints: not these
            dgemv, threads = f"{prefix}cblas_dgemv", f"{prefix}openblas_set_num_threads"
            if hasattr(lib, dgemv) and hasattr(lib, threads):
                return path, dgemv, threads
    return None


def build_c(cases, blas):
    """Compile every case's variants into c_reference/build/; returns {exe: gcc seconds}."""
    BUILD.mkdir(exist_ok=True)
    common = ["-std=c11", "-Wall", "-Wextra", f"-I{C_DIR}"]
    times = {}
    for case in cases:
        for variant in case.variants:
            flags, libs = C_VARIANTS[variant], ["-lm"]
            if variant == "blas":
                if blas is None:
                    continue
                path, dgemv, threads = blas
                flags = [*flags, f"-DCBLAS_DGEMV={dgemv}", f"-DBLAS_SET_THREADS={threads}"]
                libs = [str(path), f"-Wl,-rpath,{path.parent}", "-lm"]
            exe = BUILD / f"net_{case.name}_{variant}"
            times[exe.name] = sh([CC, *flags, *common, C_DIR / f"net_{case.name}.c", "-o", exe,
                                  *libs], env=ENV)[0]
    return times


def run_c(case, variant, folder, N, steps, repeats, build_s):
    exe = BUILD / f"net_{case.name}_{variant}"
    if not exe.exists():
        return {"system": f"c_{variant}", "error": "not built (no linkable C BLAS)"}
    try:
        out = json.loads(sh([exe, folder, str(steps), str(repeats)], env=ENV)[1])
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        return {"system": f"c_{variant}", "error": str(exc)}
    return {"system": f"c_{variant}", **{k: out[k] for k in (
        "run_s_best", "run_s_median", "load_s", "deliver_s", "spikes", "spikes_hash", "events",
        "synapses", "v_sum", "v_abs_sum")}, "build_s_cold": build_s}


# ---- eqneuro ----

def eq_case(cache, case, folder, duration, repeats, *extra):
    cmd = [sys.executable, str(HERE / "net_cases.py"), case.name, str(folder), repr(duration),
           str(repeats), *extra]
    try:
        out = sh(cmd, env=dict(eq_env(cache), OPENBLAS_NUM_THREADS="1"))[1].strip().splitlines()
        return json.loads(out[-1]) if out else {"error": "no output"}
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        return {"error": str(exc).strip().splitlines()[-1]}


def run_eqneuro(case, folder, duration, repeats, unavailable):
    """Cold build (and memory) in a process with an empty cache, then warm build and runs."""
    if unavailable:
        return {"system": "eqneuro", "error": unavailable}
    with tempfile.TemporaryDirectory(prefix="eqneuro-net-cache-") as cache:
        cold = eq_case(cache, case, folder, duration, 0, "--memory")
        warm = eq_case(cache, case, folder, duration, repeats) if "error" not in cold else cold
    run_s = warm.get("run_s")
    rec = {"system": "eqneuro", "build_s_cold": cold.get("build_s"),
           "build_s_warm": warm.get("build_s"), "connect_s": warm.get("connect_s"),
           "connect_s_cold": cold.get("connect_s"),
           "bytes_per_synapse": cold.get("bytes_per_synapse"),
           "bytes_per_synapse_network": cold.get("bytes_per_synapse_network"),
           **{k: warm.get(k) for k in ("spikes", "spikes_hash", "events", "v_sum", "v_abs_sum",
                                       "run_spikes", "run_events")}}
    if run_s:
        rec.update(run_s_best=min(run_s), run_s_median=statistics.median(run_s))
        if case.spiking:   # the events of the best run (a later second than C's)
            rec["run_best_events"] = warm["run_events"][run_s.index(min(run_s))]
    if "error" in warm:
        rec["error"] = warm["error"]
    return rec


# ---- figures, checks and tables ----

def figures(rec, case, N, steps, duration, synapses):
    """The protocol's figures of merit from run_s_best (whole run, all work included)."""
    rec.update(case=case.name, label=case.label, N=N, steps=steps, duration_ms=duration,
               synapses=synapses)
    best = rec.get("run_s_best")
    if best is None:
        return rec
    rec["s_per_bio_s"] = best / (duration / 1000.0)
    rec["ns_per_neuron_step"] = best / (N * steps) * 1e9
    if case.spiking:
        rec["rate_hz"] = rec["spikes"] / N / (duration / 1000.0)
        events = rec.get("run_best_events", rec.get("events"))
        if events:
            rec["ns_per_event"] = best / events * 1e9
            if rec.get("deliver_s") is not None:   # C: delivery alone, an extra run
                rec["ns_per_event_delivery"] = rec["deliver_s"] / rec["events"] * 1e9
    else:
        rec["ns_per_synapse_step"] = best / (synapses * steps) * 1e9
    return rec


def best_c(recs):
    timed = [r for r in recs if r["system"].startswith("c_") and r.get("run_s_best")]
    return min(timed, key=lambda r: r["run_s_best"]) if timed else {}


def rel(a, b):
    return None if a is None or not b else (a - b) / b


def pct(x):
    return "—" if x is None else f"{100 * x:+.1f} %"


TIME_HEAD = ("case", "N", "synapses", "C plain s/s", "C best s/s", "C blas s/s",
             "eqneuro s/s", "eqneuro / best C", "best C: ns/neuron-step",
             "ns/event or ns/syn-step", "delivery ns/event", "eqneuro: ns/neuron-step",
             "ns/event or ns/syn-step")
CHECK_HEAD = ("case", "N", "spikes C plain", "C best", "eqneuro", "rate Hz (C plain)",
              "C best vs plain", "eq vs plain", "Σ abs(v) eq vs plain", "eq build cold s",
              "warm s", "eq connect s", "eq B/synapse")


def time_row(case, N, recs):
    by = {r["system"]: r for r in recs}
    best, eq = best_c(recs), by.get("eqneuro", {})
    per_unit = "ns_per_event" if case.spiking else "ns_per_synapse_step"
    return (f"{case.label} {case.name}", f"{N:,}", f"{recs[0]['synapses']:,}",
            *(fmt(by.get(s, {}).get("s_per_bio_s")) for s in ("c_plain", "c_best", "c_blas",
                                                               "eqneuro")),
            ratio(eq["run_s_best"] / best["run_s_best"] if eq.get("run_s_best") and best
                  else None),
            fmt(best.get("ns_per_neuron_step")), fmt(best.get(per_unit)),
            fmt(best.get("ns_per_event_delivery")),
            fmt(eq.get("ns_per_neuron_step")), fmt(eq.get(per_unit)))


def check_row(case, N, recs):
    by = {r["system"]: r for r in recs}
    plain, eq = by.get("c_plain", {}), by.get("eqneuro", {})
    return (f"{case.label} {case.name}", f"{N:,}",
            *(fmt(by.get(s, {}).get("spikes") if case.spiking else None)
              for s in ("c_plain", "c_best", "eqneuro")),
            fmt(plain.get("rate_hz")), check(plain, by.get("c_best", {})), check(plain, eq),
            pct(rel(eq.get("v_abs_sum"), plain.get("v_abs_sum"))),
            fmt(eq.get("build_s_cold"), 2), fmt(eq.get("build_s_warm"), 2),
            fmt(eq.get("connect_s"), 2), fmt(eq.get("bytes_per_synapse"), 3))


def tables(groups):
    """Two markdown tables (time; spikes, builds, memory), then the errors per system."""
    out, errors = [], {}
    for head, row in ((TIME_HEAD, time_row), (CHECK_HEAD, check_row)):
        out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(row(case, N, recs)) + " |"
                for (case, N), recs in groups.items()] + [""]
    for (case, N), recs in groups.items():
        for r in recs:
            if r.get("error"):
                errors.setdefault((r["system"], r["error"]), []).append(f"{case.name}/{N}")
    out += [f"{system} failed ({', '.join(where)}): {err}"
            for (system, err), where in errors.items()]
    return "\n".join(out)


def check(reference, other):
    """How `other` agrees with `reference`: 'identical' (same spikes and Σ|v| bitwise), 'same
    spikes', else the relative difference of the spike count (N3: of Σ|v|)."""
    if reference.get("v_abs_sum") is None or other.get("v_abs_sum") is None:
        return "—"
    if not reference.get("spikes"):
        d = rel(other["v_abs_sum"], reference["v_abs_sum"])
        return "identical" if d == 0 else f"Σ abs(v) {d:+.1e}"
    if reference.get("spikes_hash") == other.get("spikes_hash"):
        return "identical" if reference["v_abs_sum"] == other["v_abs_sum"] else "same spikes"
    return pct(rel(other["spikes"], reference["spikes"]))


def ratio(x):
    return "—" if x is None else f"{x:.2f}" if x < 10 else f"{x:.0f}"


# ---- main ----

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--sizes", help="comma-separated N for every chosen case "
                                    "(default: the protocol's sizes of each case)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", type=float, help="ms of biological time "
                                                   "(default: 1000; N3 3000)")
    ap.add_argument("--seed", type=int, default=2007)
    ap.add_argument("--json", help="write all records to this file (a JSON list)")
    ap.add_argument("--no-eqneuro", action="store_true", help="run the C references only")
    args = ap.parse_args()
    names = args.cases.split(",")
    if unknown := set(names) - set(CASES):
        ap.error(f"unknown cases {sorted(unknown)}; choose from {', '.join(CASES)}")
    try:
        sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    except ValueError:
        ap.error(f"--sizes takes comma-separated integers, not {args.sizes!r}")
    if sizes and min(sizes) < 2 or args.repeats < 1 or (args.duration or 1) <= 0:
        ap.error("need N >= 2, --repeats >= 1 and --duration > 0")
    if "rate" in names and sizes and max(sizes) > MAX_DENSE_N:
        ap.error(f"rate (N3) stores a dense N x N matrix: N at most {MAX_DENSE_N:,}")
    return args, [CASES[n] for n in names], sizes


def main():
    args, cases, sizes = parse_args()
    blas = find_blas() if any("blas" in c.variants for c in cases) else None
    build = build_c(cases, blas)
    print(f"gcc build ({CC}), seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in build.items()))
    if any("blas" in c.variants for c in cases):
        print(f"BLAS for N3: {blas[0]} ({blas[1]})" if blas else
              "BLAS for N3: none linkable (no C BLAS variant)")
    unavailable = "skipped (--no-eqneuro)" if args.no_eqneuro else eqneuro_importable()
    if unavailable:
        print(f"eqneuro not run: {unavailable}")

    groups, records = {}, []
    for case in cases:
        duration = args.duration or case.duration
        steps = case.steps(duration)
        for N in sizes or case.sizes:
            t0 = time.perf_counter()
            arrays = case.arrays(N, args.seed)
            generate_s = time.perf_counter() - t0
            synapses = N * N if not case.spiking else int(arrays["ptr.i64"][-1])
            print(f"{case.label} {case.name} N = {N:,}: {synapses:,} synapses generated by "
                  f"numpy in {generate_s:.2f} s", flush=True)
            with tempfile.TemporaryDirectory(prefix=f"eqneuro-net-{case.name}-{N}-") as tmp:
                write(Path(tmp), arrays)
                del arrays
                recs = [run_c(case, v, tmp, N, steps, args.repeats,
                              build.get(f"net_{case.name}_{v}")) for v in case.variants]
                recs.append(run_eqneuro(case, tmp, duration, args.repeats, unavailable))
            for rec in recs:
                figures(rec, case, N, steps, duration, synapses)
                print(json.dumps(rec), flush=True)
            groups[case, N] = recs
            records += recs
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1) + "\n")
    print(f"\nbest of {args.repeats} runs, single thread; s/s = seconds per biological second; "
          "ns/event = whole run / synaptic events (spikes x out-degree); best C = the fastest "
          "C variant\n")
    print(tables(groups))


if __name__ == "__main__":
    main()
