"""Brunel (2000), Fig. 2 in miniature: the mean rate and the irregularity (CV of the
interspike intervals) of a sparse excitatory-inhibitory LIF network over the relative
strength of inhibition g and the external rate nu_ext, one eq.sweep point per pair.

Model A of Brunel (J. Comput. Neurosci. 8:183-208, 2000) as in examples/brunel.py, reduced
to N_E = 4000 and N_I = 1000 neurons with epsilon = 0.1 (C_E = 400, C_I = 100) and
J = 0.25 mV, so that J*C_E is Brunel's 100 mV: the same mean input, larger fluctuations.
Each point simulates 300 ms (the first 100 ms discarded) with its own seed from the sweep's.
Excitation-dominated (g < 4): high, regular firing (CV well below 1), the synchronous-regular
state; inhibition-dominated (g > 4): low rates and CV near 1, the asynchronous-irregular
state. The sweep runs on local processes (one per core); pass a dask.distributed Client as
client= to run it on a cluster instead.
Run: python examples/brunel_phase_diagram.py [out.png] [--small]   (--small: g in {3, 6},
nu_ext = 2 nu_thr only, for a quick check)
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

N_EXC, N_INH, C_EXC, C_INH = 4000, 1000, 400, 100
J, DELAY, DT, DURATION, SETTLE = 0.25, 1.5, 0.1, 300.0, 100.0
NU_THR = 20.0 / (J * C_EXC * 20.0) * 1000.0           # Hz: theta / (J C_E tau)

LIF = eq.Neuron("""
neuron BrunelLIF:
    parameters:
        tau = 20.0 : shared
        theta = 20.0 : shared
        V_r = 10.0 : shared
        tau_rp = 2.0 : shared
    equations:
        tau * dv/dt = -v           : init = V_r
        dfree/dt = 0               : init = 0
    spike: v > theta
    reset: v = V_r; free = t + tau_rp
    refractory: tau_rp
""")
DELTA = "v += w if t > free - 0.5*dt else 0.0"   # inputs during the refractory period are lost


def brunel(g, nu, seed):
    """One point: the network at (g, nu_ext = nu * nu_thr); its mean rate and median CV."""
    n = N_EXC + N_INH
    pop = eq.Population(LIF, n)
    drive = eq.PoissonGroup(n, C_EXC * nu * NU_THR)
    external = eq.Projection(drive, pop, on_pre=DELTA, w=J, delay=DELAY)
    external.connect(one_to_one=True)
    exc = eq.Projection(pop[:N_EXC], pop, on_pre=DELTA, w=J, delay=DELAY)
    inh = eq.Projection(pop[N_EXC:], pop, on_pre=DELTA, w=-g * J, delay=DELAY)
    exc.connect(in_degree=C_EXC)
    inh.connect(in_degree=C_INH)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, drive, external, exc, inh, spikes, dt=DT, seed=seed).run(
        DURATION, progress=False)
    late = spikes.t >= SETTLE
    t, i = spikes.t[late], spikes.i[late]
    rate = len(t) / n / ((DURATION - SETTLE) / 1000.0)
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    intervals, owner = np.diff(t)[same], i[1:][same]
    counts = np.bincount(owner, minlength=n)
    mean = np.bincount(owner, intervals, minlength=n)[counts >= 3] / counts[counts >= 3]
    square = np.bincount(owner, intervals ** 2, minlength=n)[counts >= 3] / counts[counts >= 3]
    cv = np.sqrt(np.maximum(square - mean ** 2, 0.0)) / mean
    return {"rate": rate, "cv": float(np.median(cv)) if cv.size else float("nan")}


if __name__ == "__main__":
    small = "--small" in sys.argv
    if small:
        sys.argv.remove("--small")
    gs, nus = ([3.0, 6.0], [2.0]) if small else ([2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                                                 [1.0, 2.0, 3.0, 4.0])
    table = eq.sweep(brunel, {"g": gs, "nu": nus}, seed=2000)
    print(table[["g", "nu", "rate", "cv", "error", "seconds"]].to_string(index=False))
    print(f"{len(table)} points, {table.seconds.sum():.1f} s of simulation")
    rate = table.pivot(index="nu", columns="g", values="rate")
    cv = table.pivot(index="nu", columns="g", values="cv")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, values, title, options in ((axes[0], rate, "mean rate (Hz)", dict(norm="log")),
                                       (axes[1], cv, "median CV of ISI", dict(vmin=0, vmax=1.2))):
        image = ax.pcolormesh(values.columns, values.index, values.values, shading="nearest",
                              **options)
        fig.colorbar(image, ax=ax, label=title)
        ax.set_xlabel("g (relative inhibition)")
        ax.set_ylabel("nu_ext / nu_thr")
        ax.set_title(title)
    fig.suptitle(f"Brunel (2000) model A, N = {N_EXC + N_INH}: one eq.sweep point per (g, nu)")
    fig.tight_layout()
    out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
    fig.savefig(out, dpi=100)
    print("wrote", out)
