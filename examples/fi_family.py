"""An f-I family: the firing rate of the AdEx "tonic" neuron (Naud et al. 2008) against its
input current for several strengths a of sub-threshold adaptation, one eq.sweep point per
(a, I) pair with the model form of eq.sweep (one neuron per point, its rate over 1 s).
Stronger adaptation shifts the rheobase up (from eq.rheobase: the saddle-node moves with a)
and flattens the curve.
Run: python examples/fi_family.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

if __name__ == "__main__":
    tonic = eq.load("adex:tonic")
    adaptation, currents = [0.0, 2.0, 8.0, 20.0], np.linspace(0.0, 800.0, 33)
    table = eq.sweep(tonic, {"a": adaptation, "I": currents}, duration=1000.0, dt=0.05)
    fig, ax = plt.subplots(figsize=(6, 4))
    for a, rows in table.groupby("a"):
        onset = eq.rheobase(tonic, a=a, tolerance=1e-3)
        ax.plot(rows.I, rows.rate, "o-", ms=3, label=f"a = {a:g} nS (rheobase {onset:.0f} pA)")
        print(f"a = {a:4g} nS: rheobase {float(onset):7.2f} pA ({onset.method}); rate at "
              f"800 pA {rows.rate.iloc[-1]:.1f} Hz")
    print(f"{len(table)} points in {table.seconds.sum():.2f} s of simulation; errors: "
          f"{table.error.notna().sum()}")
    ax.set_xlabel("I (pA)")
    ax.set_ylabel("rate (Hz)")
    ax.set_title("AdEx tonic: f-I curves over the adaptation a")
    ax.legend(fontsize="small")
    fig.tight_layout()
    out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
    fig.savefig(out, dpi=100)
    print("wrote", out)
