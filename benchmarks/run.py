"""Benchmark eqneuro against hand-written C (see README.md and /work/shared/BENCHMARK.md).

    python benchmarks/run.py [--models lif,hh] [--sizes small,large,huge] [--repeats 3]
                             [--json out.json] [--no-eqneuro]

Compiles the C references (c_reference/, two variants per model), runs them, runs
eqneuro through its public API in subprocesses (eqneuro_case.py), prints one JSON
object per case and system as it is measured, then a markdown summary table.
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from models import MODELS, SIZES, size

HERE = Path(__file__).resolve().parent
C_DIR = HERE / "c_reference"
BUILD = C_DIR / "build"
CC = os.environ.get("CC", "gcc")
C_FLAGS = {
    "plain": ["-O3", "-march=native"],
    # -ffast-math defines __FAST_MATH__, without which glibc does not declare its
    # vector exp (libmvec) and the exp loops stay scalar; -fno-finite-math-only
    # undefines it again, so it is not used.
    "best": ["-O3", "-march=native", "-ffast-math", "-DBEST"],
}
ENV = dict(os.environ, OMP_NUM_THREADS="1")
TIMEOUT = 3600
OTHERS = ("brian2", "ANNarchy", "numba")   # reported if importable; no adapters yet


def sh(cmd, env=ENV, timeout=TIMEOUT):
    """Run cmd; returns (seconds, stdout).  Raises RuntimeError with stderr on failure."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{p.stderr.strip()}")
    return time.perf_counter() - t0, p.stdout


def vector_exp(binary):
    """Name of the libmvec exp that `binary` calls (e.g. _ZGVdN4v_exp), or None."""
    if not shutil.which("objdump"):
        return "objdump missing"
    _, asm = sh(["objdump", "-d", str(binary)])
    found = sorted(set(re.findall(r"<(_ZGV\w+_exp)@plt>", asm)))
    return ",".join(found) or None


def build_c(models):
    """Compile bench.o and every model's plain and best binary; returns build seconds."""
    BUILD.mkdir(exist_ok=True)
    common = ["-std=c11", "-Wall", "-Wextra", f"-I{C_DIR}"]
    times = {"bench.o": sh([CC, *C_FLAGS["plain"], *common, "-c", C_DIR / "bench.c",
                            "-o", BUILD / "bench.o"])[0]}
    for model in models:
        for variant, flags in C_FLAGS.items():
            exe = BUILD / f"{model}_{variant}"
            times[exe.name] = sh([CC, *flags, *common, C_DIR / f"{model}.c", BUILD / "bench.o",
                                  "-o", exe, "-lm"])[0]
    return times


def record(system, model, size_name, N, steps, best=None, median=None, spikes=None, **extra):
    rec = {"system": system, "model": model, "size": size_name, "N": N, "steps": steps}
    if best is not None:
        rec.update(run_s_best=best, run_s_median=median,
                   ns_per_neuron_step_best=best / (N * steps) * 1e9,
                   ns_per_neuron_step_median=median / (N * steps) * 1e9)
    rec["spikes"] = spikes
    rec.update(extra)
    return rec


def run_c(variant, model, size_name, N, steps, repeats, build_s):
    exe = BUILD / f"{model}_{variant}"
    try:
        out = json.loads(sh([exe, str(N), str(steps), str(repeats)])[1])
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        return record(f"c_{variant}", model, size_name, N, steps, error=str(exc))
    return record(f"c_{variant}", model, size_name, N, steps, out["run_s_best"],
                  out["run_s_median"], out["spikes"], spikes_hash=out["spikes_hash"],
                  v_abs_sum=out["v_abs_sum"], build_s_cold=build_s, build_s_warm=None)


def eqneuro_importable():
    """None if `import eqneuro` works in a fresh interpreter, else the error's last line."""
    try:
        sh([sys.executable, "-c", "import eqneuro"], env=eq_env(None), timeout=300)
        return None
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return str(exc).strip().splitlines()[-1]


def eq_env(cache_dir):
    """Environment for an eqneuro subprocess: the checkout first on the path, one thread."""
    env = dict(ENV, PYTHONPATH=os.pathsep.join(
        p for p in (str(HERE.parent), str(HERE), ENV.get("PYTHONPATH")) if p))
    if cache_dir:
        env["EQNEURO_CACHE_DIR"] = cache_dir
    return env


def eq_case(cache_dir, model, N, steps, repeats):
    cmd = [sys.executable, str(HERE / "eqneuro_case.py"), model, str(N), str(steps), str(repeats)]
    try:
        out = sh(cmd, env=eq_env(cache_dir))[1].strip().splitlines()
        return json.loads(out[-1]) if out else {"error": "no output"}
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        return {"error": str(exc).strip().splitlines()[-1]}


def run_eqneuro(model, size_name, N, steps, repeats, unavailable):
    """Cold build in a process with an empty cache, then warm build and timed runs."""
    if unavailable:
        return record("eqneuro", model, size_name, N, steps, error=unavailable)
    with tempfile.TemporaryDirectory(prefix="eqneuro-bench-cache-") as cache:
        cold = eq_case(cache, model, N, steps, 0)
        warm = eq_case(cache, model, N, steps, repeats) if "error" not in cold else cold
    run_s = warm.get("run_s")
    return record("eqneuro", model, size_name, N, steps,
                  min(run_s) if run_s else None, statistics.median(run_s) if run_s else None,
                  warm.get("spikes"), v_abs_sum=warm.get("v_abs_sum"),
                  build_s_cold=cold.get("build_s"), build_s_warm=warm.get("build_s"),
                  **({"error": warm["error"]} if "error" in warm else {}))


def fmt(x, digits=3):
    if x is None:
        return "—"
    return f"{x:.{digits}g}" if isinstance(x, float) else str(x)


def check(plain, best, eq):
    """Sanity of the spike counts: C best vs C plain, eqneuro vs C plain."""
    notes = []
    if plain.get("spikes_hash") and best.get("spikes_hash"):
        notes.append("C identical" if plain["spikes_hash"] == best["spikes_hash"]
                     else "C differ")
    if eq.get("spikes") is not None and plain.get("spikes") is not None:
        close = abs(eq["spikes"] - plain["spikes"]) <= max(2, 0.03 * plain["spikes"])
        v_close = abs(eq["v_abs_sum"] - plain["v_abs_sum"]) <= 0.01 * plain["v_abs_sum"]
        notes.append("eq ok" if close and v_close else "eq MISMATCH")
    return "; ".join(notes) or "—"


def summary(records):
    """Markdown table: one row per model and size, ns per neuron-step from best run."""
    by = {(r["model"], r["size"], r["system"]): r for r in records}
    rows, errors = [], {}
    head = ("model", "size", "N × steps", "C plain ns", "C best ns", "eqneuro ns",
            "eqneuro / C best", "spikes C plain", "spikes C best", "spikes eqneuro",
            "eq build cold s", "eq build warm s", "check")
    for model, size_name in dict.fromkeys((r["model"], r["size"]) for r in records):
        p, b, e = (by.get((model, size_name, s), {}) for s in ("c_plain", "c_best", "eqneuro"))
        ns = [x.get("ns_per_neuron_step_best") for x in (p, b, e)]
        ratio = ns[2] / ns[1] if ns[1] and ns[2] else None
        for x in (p, b, e):
            if x.get("error"):
                errors.setdefault((x["system"], x["error"]), []).append(f"{model}/{size_name}")
        N, steps = size(model, size_name)
        rows.append((model, size_name, f"{N:,} × {steps:,}", *(fmt(x) for x in ns),
                     fmt(ratio, 2), *(fmt(x.get("spikes")) for x in (p, b, e)),
                     fmt(e.get("build_s_cold"), 2), fmt(e.get("build_s_warm"), 2),
                     check(p, b, e)))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    for (system, err), cases in errors.items():
        lines.append(f"\n{system} failed ({', '.join(cases)}): {err}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--sizes", default=",".join(SIZES))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", help="write all records to this file (a JSON list)")
    ap.add_argument("--no-eqneuro", action="store_true", help="run the C references only")
    args = ap.parse_args()
    models, sizes = args.models.split(","), args.sizes.split(",")
    for chosen, known in ((models, MODELS), (sizes, SIZES)):
        if unknown := set(chosen) - set(known):
            ap.error(f"unknown {sorted(unknown)}; choose from {', '.join(known)}")

    build = build_c(models)
    print(f"gcc build ({CC} {' '.join(C_FLAGS['best'])}), seconds: "
          + ", ".join(f"{k} {v:.2f}" for k, v in build.items()))
    for model in models:
        print(f"{model}_best vector exp: {vector_exp(BUILD / f'{model}_best')}")
    others = [m for m in OTHERS if importlib.util.find_spec(m)]
    print(f"other simulators importable: {', '.join(others) or 'none'} (no adapters yet)")
    unavailable = "skipped (--no-eqneuro)" if args.no_eqneuro else eqneuro_importable()
    if unavailable:
        print(f"eqneuro not run: {unavailable}")

    records = []
    for model in models:
        for size_name in sizes:
            N, steps = size(model, size_name)
            for rec in (run_c("plain", model, size_name, N, steps, args.repeats,
                              build[f"{model}_plain"]),
                        run_c("best", model, size_name, N, steps, args.repeats,
                              build[f"{model}_best"]),
                        run_eqneuro(model, size_name, N, steps, args.repeats, unavailable)):
                records.append(rec)
                print(json.dumps(rec), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1) + "\n")
    print("\nns per neuron-step, best of", args.repeats, "runs; single thread\n")
    print(summary(records))


if __name__ == "__main__":
    main()
