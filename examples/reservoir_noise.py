"""The lecture's reservoir with its noise term: for g > 1 two trials diverge (chaos).

The lecture "Neuron models" (reservoir computing):
    tau dv/dt + v = g sum_rec w_R r(t) + xi(t),    r = tanh(v)
here with white noise of intensity sigma (dv/dt = ... + sigma*xi, Euler-Maruyama). Two
reservoirs of 400 neurons with the same dense weights w_R ~ Normal(0, 1/sqrt(N)) and the
same initial potentials run twice, each trial with its own Network seed, so only the
noise differs between trials:
- g = 0.5: the activity decays to the noise level, and the two trials stay as far apart
  as the noise keeps them (an Ornstein-Uhlenbeck spread, sigma*sqrt(tau_eff/2));
- g = 1.5: the activity sustains itself, and the tiny noise differences grow until the
  two trials are as different as two unrelated states (sensitivity to perturbations).
tau = 30 ms, dt = 1 ms, sigma = 0.01, 3 s.
Run: python examples/reservoir_noise.py [out.png]
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

reservoir = eq.Neuron("""
neuron NoisyReservoir:
    parameters:
        tau = 30.0 : shared      # time constant (ms)
        g = 1.5 : shared         # gain of the recurrent connections
        sigma = 0.01 : shared    # noise intensity (per sqrt(ms))
    equations:
        tau * dv/dt + v = g * sum(rec) + tau * sigma * xi
        r = tanh(v)
    method: euler
""")

n, gains, seeds, duration = 400, (0.5, 1.5), (1, 2), 3000.0
rng = np.random.default_rng(2)
w_rec = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n))       # W[post, pre]
v0 = rng.normal(0.0, 1.0, n)

runs = {}
for gain in gains:
    for seed in seeds:
        res = eq.Population(reservoir, n)
        res.g, res.v = gain, v0
        rec = eq.Projection(res, res, target="rec")
        rec.connect(matrix=w_rec)
        trace = eq.StateMonitor(res, "v", dt=5.0)
        net = eq.Network(res, rec, trace, dt=1.0, seed=seed)
        net.run(duration)
        runs[gain, seed] = trace

t = runs[gains[0], seeds[0]].t
late = t >= duration - 500.0
distances = {}
for gain in gains:
    a, b = (runs[gain, s].v for s in seeds)
    distances[gain] = np.sqrt(np.mean((a - b) ** 2, axis=1))   # rms over neurons
    activity = np.sqrt(np.mean(a[late] ** 2))
    print(f"g = {gain}: rms v over the last 500 ms {activity:.3f}; rms distance between "
          f"the two trials at 100 ms {distances[gain][t == 100.0][0]:.3f}, "
          f"over the last 500 ms {distances[gain][late].mean():.3f}")

fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
for ax, gain in zip(axes, gains):
    for seed, style in zip(seeds, ("-", "--")):
        for k in range(3):
            ax.plot(t, runs[gain, seed].v[:, k], style, color=f"C{k}", lw=0.8)
    ax.set_ylabel("v")
    ax.set_title(f"g = {gain}: v of 3 of {n} neurons, trial 1 (solid) and trial 2 "
                 "(dashed, another noise seed)", fontsize="medium")
for gain in gains:
    axes[2].semilogy(t[1:], distances[gain][1:], label=f"g = {gain}")
axes[2].set_ylabel("rms distance\nbetween trials")
axes[2].set_xlabel("time (ms)")
axes[2].legend(fontsize="small", frameon=False)
fig.suptitle("Reservoir with noise: tau dv/dt + v = g sum(rec) + xi, r = tanh(v)")
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
