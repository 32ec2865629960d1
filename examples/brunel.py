"""Brunel (2000): a sparse network of excitatory and inhibitory LIF neurons driven by
Poisson input, in its asynchronous-irregular (AI) and synchronous-regular (SR) states.

Model A of Brunel, J. Comput. Neurosci. 8:183-208 (2000): N_E = 10000 excitatory and
N_I = 2500 inhibitory neurons, tau = 20 ms, threshold 20 mV, reset 10 mV, refractory 2 ms.
Each neuron receives C_E = 1000 excitatory and C_I = 250 inhibitory synapses (fixed
in-degree, epsilon = 0.1): a spike moves v by J = 0.1 mV (excitatory) or -g*J
(inhibitory) after D = 1.5 ms. The external drive is C_E independent Poisson inputs of
rate nu_ext per neuron, each of weight J: one PoissonGroup of rate C_E*nu_ext per neuron
(the sum of Poisson processes is one; at nu_ext = 2*nu_thr that is 20 kHz, 2 events per
step, every one delivered), with nu_thr = theta/(J*C_E*tau) = 10 Hz. The two states of
Brunel's Fig. 8:
- SR, g = 3, nu_ext = 2*nu_thr: excitation dominates; neurons fire near saturation, almost
  regularly, and the population rate oscillates: strongly synchronous;
- AI, g = 5, nu_ext = 2*nu_thr: inhibition dominates; neurons fire irregularly (CV of the
  interspike intervals near 1) at a low rate, the population rate is nearly flat.
dt = 0.1 ms, 600 ms (the first 100 ms discarded), everything drawn from the Network's seed.
The figure shows, per state, a raster of 50 neurons, the population rate (0.5 ms bins)
and the distribution of the neurons' CV of interspike intervals.
Run: python examples/brunel.py [out.png] [--duration MS] [--scale S]   (S < 1: S*N neurons
with the same C_E, C_I and J: the same input statistics, but a denser network, which
synchronises more easily; the tests run the full network for 400 ms)
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import eqneuro as eq

# v is held at V_r for tau_rp after a spike, and the inputs that arrive meanwhile are lost
# (Brunel's model, NEST's iaf_psc_delta): the synapses add J only from the end of the
# refractory period on, which the reset stores in `free` (in ms).
lif = eq.Neuron("""
neuron BrunelLIF:
    parameters:
        tau = 20.0 : shared       # membrane time constant (ms)
        theta = 20.0 : shared     # threshold (mV)
        V_r = 10.0 : shared       # reset (mV)
        tau_rp = 2.0 : shared     # refractory period (ms)
    equations:
        tau * dv/dt = -v           : init = V_r
        dfree/dt = 0               : init = 0
    spike: v > theta
    reset: v = V_r; free = t + tau_rp
    refractory: tau_rp
""")
# an input arriving at the end of the refractory period (t = free) counts
DELTA = "v += w if t > free - 0.5*dt else 0.0"

def option(name: str, default: float) -> float:
    if name not in sys.argv:
        return default
    at = sys.argv.index(name)
    value = sys.argv.pop(at + 1)
    sys.argv.pop(at)
    return float(value)


scale, duration = option("--scale", 1.0), option("--duration", 600.0)
arguments = sys.argv[1:]
n_exc, n_inh = int(10000 * scale), int(2500 * scale)
c_exc, c_inh = 1000, 250
J, D, dt, settle = 0.1, 1.5, 0.1, 100.0
nu_thr = 20.0 / (J * c_exc * 20.0) * 1000.0               # Hz: theta / (J C_E tau)
STATES = {"SR": dict(g=3.0, nu=2.0), "AI": dict(g=5.0, nu=2.0)}


def simulate(g: float, nu: float, seed: int):
    pop = eq.Population(lif, n_exc + n_inh)
    drive = eq.PoissonGroup(n_exc + n_inh, c_exc * nu * nu_thr)
    external = eq.Projection(drive, pop, on_pre=DELTA, w=J, delay=D)
    external.connect(one_to_one=True)
    exc = eq.Projection(pop[:n_exc], pop, on_pre=DELTA, w=J, delay=D)
    inh = eq.Projection(pop[n_exc:], pop, on_pre=DELTA, w=-g * J, delay=D)
    exc.connect(in_degree=c_exc)              # drawn from the Network's seed
    inh.connect(in_degree=c_inh)
    spikes = eq.SpikeMonitor(pop)
    pop.v = 10.0
    eq.Network(pop, drive, external, exc, inh, spikes, dt=dt, seed=seed).run(duration)
    return spikes


def statistics(spikes):
    late = spikes.t >= settle
    t, i = spikes.t[late], spikes.i[late]
    seconds = (duration - settle) / 1000.0
    rate = len(t) / (n_exc + n_inh) / seconds
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    intervals = np.diff(t)[same]
    owner = i[1:][same]
    counts = np.bincount(owner, minlength=n_exc + n_inh)
    sums = np.bincount(owner, intervals, minlength=n_exc + n_inh)
    squares = np.bincount(owner, intervals ** 2, minlength=n_exc + n_inh)
    enough = counts >= 5
    mean = sums[enough] / counts[enough]
    cv = np.sqrt(np.maximum(squares[enough] / counts[enough] - mean ** 2, 0.0)) / mean
    bins = np.arange(settle, duration + 0.25, 0.5)
    population = np.histogram(spikes.t[late], bins)[0] / (n_exc + n_inh) / 0.5e-3   # Hz
    return dict(rate=rate, cv=cv, population=population, bins=bins,
                synchrony=population.std() / population.mean())


results = {}
for seed, (name, state) in enumerate(STATES.items(), start=1):
    spikes = simulate(state["g"], state["nu"], seed)
    stats = statistics(spikes)
    results[name] = (spikes, stats)
    print(f"{name} (g = {state['g']:g}, nu_ext = {state['nu']:g} nu_thr): rate "
          f"{stats['rate']:.1f} Hz, CV of ISI {np.median(stats['cv']):.2f} (median of "
          f"{stats['cv'].size} neurons), population rate sd/mean {stats['synchrony']:.2f}")

fig, axes = plt.subplots(3, 2, figsize=(10, 7), gridspec_kw={"height_ratios": [2, 1, 1]})
for column, (name, (spikes, stats)) in enumerate(results.items()):
    state = STATES[name]
    shown = (spikes.i < 50) & (spikes.t >= duration - 200.0)
    axes[0, column].plot(spikes.t[shown], spikes.i[shown], "|k", ms=3)
    axes[0, column].set_title(f"{name}: g = {state['g']:g}, nu_ext = {state['nu']:g} nu_thr, "
                              f"{stats['rate']:.1f} Hz")
    axes[0, column].set_ylabel("neuron")
    window = stats["bins"][:-1] >= duration - 200.0
    axes[1, column].plot(stats["bins"][:-1][window], stats["population"][window], lw=0.7)
    axes[1, column].set_ylabel("population rate (Hz)")
    axes[1, column].set_xlabel("time (ms)")
    axes[2, column].hist(stats["cv"], bins=np.linspace(0, 1.6, 41))
    axes[2, column].set_xlabel("CV of interspike intervals")
    axes[2, column].set_ylabel("neurons")
fig.suptitle(f"Brunel (2000), model A: {n_exc + n_inh} LIF neurons, "
             f"{n_exc + n_inh} Poisson inputs of {c_exc * 2 * nu_thr / 1000:g} kHz")
fig.tight_layout()
out = arguments[0] if arguments else Path(__file__).with_suffix(".png")
fig.savefig(out, dpi=100)
print("wrote", out)
