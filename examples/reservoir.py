"""A reservoir of rate-coded neurons: its activity decays for g < 1, sustains itself for g > 1.

The lecture "Neuron models" (networks of rate-coded neurons, reservoir computing):
    tau dv/dt + v = sum_input w_I I(t) + g sum_rec w_R r(t),    r = tanh(v)
without the noise term. Two reservoirs of 200 neurons share the same dense recurrent
weights w_R ~ Normal(0, 1/sqrt(N)) (spectral radius near 1) and the same random initial
potentials v ~ N(0, 1); one has g = 0.5, the other g = 1.5. An input population of one
rate neuron, whose r follows its parameter `level` (set from Python between runs), feeds
both through input weights w_I ~ U(-1, 1).
(b) For 500 ms without input: with g = 0.5 the activity decays to 0 (at a rate
near (1 - g)/tau), with g = 1.5 it sustains itself, irregular: the regime that is chaotic
for g > 1 as N grows (Sompolinsky, Crisanti & Sommers, 1988; near g = 1 nearby
trajectories separate slowly: here a 1e-9 difference grows only after seconds).
(a) At 500 ms the input is switched on (level = 1): the g = 0.5 reservoir settles within
a few tau on the fixed point v = w_I + g w_R tanh(v) (checked against SciPy's fsolve); the
g = 1.5 reservoir is driven but keeps fluctuating.
tau = 30 ms, dt = 1 ms, exact integration (inputs constant over a step).
Run: python examples/reservoir.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import fsolve

import eqneuro as eq

reservoir = eq.Neuron("""
neuron Reservoir:
    parameters:
        tau = 30.0 : shared      # time constant (ms)
        g = 1.5 : shared         # gain of the recurrent connections
    equations:
        tau * dv/dt + v = sum(in) + g * sum(rec)
        r = tanh(v)
""")
source = eq.Neuron("""
neuron Input:
    parameters: level = 0.0 : shared
    equations: r = level
""")

n, gains = 200, (0.5, 1.5)
rng = np.random.default_rng(2)
w_rec = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n))       # W[post, pre]
w_in = rng.uniform(-1.0, 1.0, (n, 1))
v0 = rng.normal(0.0, 1.0, n)

inputs = eq.Population(source, 1)
objects, reservoirs, traces = [inputs], [], []
for gain in gains:
    res = eq.Population(reservoir, n)
    reservoirs.append(res)
    res.g, res.v = gain, v0
    feed = eq.Projection(inputs, res, target="in")       # psp: w * r_pre into sum(in)
    feed.connect(matrix=w_in)
    rec = eq.Projection(res, res, target="rec")
    rec.connect(matrix=w_rec)
    traces.append(eq.StateMonitor(res, "r"))
    objects += [res, feed, rec, traces[-1]]
net = eq.Network(*objects, dt=1.0)

net.run(500.0)                  # (b) no input
inputs.level = 1.0              # (a) the step
net.run(500.0)

t = traces[0].t
free, driven = (t >= 400) & (t < 500), t >= 900
for gain, trace in zip(gains, traces):
    r = trace.r
    rms = np.sqrt(np.mean(r ** 2, axis=1))                # over the neurons, per sample
    wander = r[driven].std(axis=0).mean()                 # over time, per neuron
    print(f"g = {gain}: rms r at t = 0: {rms[0]:.3f}, over 400-500 ms (no input): "
          f"{rms[free].mean():.2e}; with input, temporal std over 900-1000 ms: {wander:.2e}")
quiet = reservoirs[0]               # g = 0.5: its fixed point solves v = w_in + g W tanh(v)
fixed = fsolve(lambda v: w_in[:, 0] + gains[0] * w_rec @ np.tanh(v) - v, quiet.v, xtol=1e-12)
print(f"g = {gains[0]} at 1000 ms: max |v - v*| = {np.abs(quiet.v - fixed).max():.1e}, "
      f"v* the fixed point under the input (|v*| up to {np.abs(fixed).max():.2f})")

fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7),
                         gridspec_kw={"height_ratios": [1, 1, 1]})
shown = [0, 1, 2, 3, 4]
for ax, gain, trace in zip(axes, gains, traces):
    ax.plot(t, trace.r[:, shown], lw=0.8)
    ax.axvline(500.0, color="k", ls="--", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("r")
    ax.set_title(f"g = {gain}: r of {len(shown)} of {n} neurons "
                 f"(input switched on at 500 ms)", fontsize="medium")
for gain, trace in zip(gains, traces):
    axes[2].semilogy(t, np.sqrt(np.mean(trace.r ** 2, axis=1)), label=f"rms r, g = {gain}")
axes[2].axvline(500.0, color="k", ls="--", lw=0.8)
axes[2].set_ylabel("rms over neurons")
axes[2].set_xlabel("time (ms)")
axes[2].legend(fontsize="small", frameon=False)
fig.suptitle("Reservoir: tau dv/dt + v = sum(in) + g sum(rec), r = tanh(v)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
