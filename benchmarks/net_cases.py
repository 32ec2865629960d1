"""Run one network case (N1–N3 of /work/shared/BENCHMARK.md) through eqneuro's public API.

    python benchmarks/net_cases.py CASE DIR DURATION REPEATS [--memory]

CASE is cuba, cuba_stdp (N1 with STDP on every excitatory synapse), coba or rate; DIR holds the network that networks.py generated (the same
files the C references in c_reference/ read, so both simulate the same synapses and
initial values).  Prints one JSON line:
- build_s: from eq.Neuron(text) to the end of the first net.run(DURATION) (cold or warm,
  depending on EQNEURO_CACHE_DIR, which the caller sets); connect_s: the proj.connect calls
  (and the weight assignment) of that build;
- of that first run (from the initial values, as the C references run): the spikes, their
  order-independent hash (the C references' spikes_hash), the synaptic events (sum of the
  spiking neurons' out-degrees), sum(v) and sum(|v|) at its end;
- run_s: REPEATS further net.run(DURATION) calls of the same network (each continues where
  the previous one ended), each timed alone, with their spikes and events (run_spikes,
  run_events);
- with --memory instead of the repeats: bytes per synapse that tracemalloc sees retained
  by the projections after connect (bytes_per_synapse) and by everything a fresh network
  adds up to the end of one step (bytes_per_synapse_network, an upper bound: it includes
  the spike monitor).
Any exception becomes {"error": ...}, so that networks.py can report it per case.
"""
import json
import sys
import time
import tracemalloc
import traceback
from pathlib import Path

import numpy as np

CUBA = """
neuron CUBA:
    parameters:
        taum = 20.0 : shared
        taue = 5.0 : shared
        taui = 10.0 : shared
        Vt = -50.0 : shared
        Vr = -60.0 : shared
        El = -49.0 : shared
    equations:
        dv/dt = (g_exc + g_inh - (v - El)) / taum
        dg_exc/dt = -g_exc / taue
        dg_inh/dt = -g_inh / taui
    spike: v > Vt
    reset: v = Vr
    refractory: 5.0
    method: exact
"""

COBA = """
neuron COBA:
    parameters:
        El = -60.0 : shared
        Vr = -60.0 : shared
        Erev_exc = 0.0 : shared
        Erev_inh = -80.0 : shared
        Vt = -50.0 : shared
        tau = 20.0 : shared
        tau_exc = 5.0 : shared
        tau_inh = 10.0 : shared
        I = 20.0 : shared
    equations:
        tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
        tau_exc * dg_exc/dt = -g_exc
        tau_inh * dg_inh/dt = -g_inh
    spike: v > Vt
    reset: v = Vr
    refractory: 5.0
    method: euler
"""

RESERVOIR = """
neuron Reservoir:
    parameters:
        tau = 30.0 : shared
        g = 1.5 : shared
    equations:
        tau * dv/dt + v = sum(in) + g * sum(rec)
        r = tanh(v)
    method: euler
"""

CONSTANT = """
neuron Constant:
    parameters:
        level = 1.0 : shared
    equations:
        r = level
"""

WEIGHTS = {"cuba": (1.62, -9.0), "cuba_stdp": (1.62, -9.0), "coba": (0.6, 6.7)}
DT = {"cuba": 0.1, "cuba_stdp": 0.1, "coba": 0.1, "rate": 1.0}
W_MAX = 3.24        # cuba_stdp: the excitatory synapses are the shipped STDP, w in [0, 2*1.62]


def read(folder: Path, name: str) -> np.ndarray:
    """One of networks.py's raw little-endian arrays; the suffix gives the type."""
    dtype = {"f64": "<f8", "i64": "<i8", "i32": "<i4"}[name.rsplit(".", 1)[1]]
    return np.fromfile(folder / name, dtype=dtype)


def spike_hash(i: np.ndarray, step: np.ndarray) -> str:
    """c_reference/net_common.h's net_spikes_hash: sum of ((i+1)A) ^ (step B) mod 2^64."""
    a, b = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
    terms = ((i.astype(np.uint64) + np.uint64(1)) * a) ^ (step.astype(np.uint64) * b)
    return f"{int(terms.sum(dtype=np.uint64)):016x}"


class Spiking:
    """N1/N2: one population, an excitatory and an inhibitory projection (delay 0)."""

    def __init__(self, eq, case: str, folder: Path):
        self.eq, self.case = eq, case
        self.N, self.n_exc = (int(x) for x in read(folder, "meta.i64"))
        ptr = read(folder, "ptr.i64")
        self.out_degree = np.diff(ptr)
        self.pre = np.repeat(np.arange(self.N, dtype=np.int32), self.out_degree)
        self.post = read(folder, "post.i32")
        self.m_exc = int(ptr[self.n_exc])          # synapses are sorted by pre
        self.init = {"v": read(folder, "v0.f64"), "g_exc": read(folder, "ge0.f64"),
                     "g_inh": read(folder, "gi0.f64")}
        self.neuron_text = COBA if case == "coba" else CUBA

    def populations(self, neuron):
        pop = self.eq.Population(neuron, self.N)
        for name, values in self.init.items():
            setattr(pop, name, values)
        return (pop,)

    def connect(self, pops):
        (pop,) = pops
        eq, (w_exc, w_inh) = self.eq, WEIGHTS[self.case]
        if self.case == "cuba_stdp":
            exc = eq.Projection(pop, pop, synapse=eq.load("stdp"), w=w_exc, delay=0.0)
            exc.w_max = W_MAX
        else:
            exc = eq.Projection(pop, pop, target="exc", w=w_exc, delay=0.0)
        inh = eq.Projection(pop, pop, target="inh", w=w_inh, delay=0.0)
        exc.connect(i=self.pre[:self.m_exc], j=self.post[:self.m_exc])
        inh.connect(i=self.pre[self.m_exc:], j=self.post[self.m_exc:])
        if len(exc) + len(inh) != len(self.post):
            raise ValueError(f"eqneuro made {len(exc) + len(inh)} synapses from "
                             f"{len(self.post)} pairs")
        return exc, inh

    def network(self, pops, projections):
        monitor = self.eq.SpikeMonitor(pops[0])
        return self.eq.Network(*pops, *projections, monitor, dt=DT[self.case]), monitor

    def spike_count(self, monitor) -> int:
        return len(monitor.i)

    def spikes_since(self, monitor, start: int):
        """Spikes recorded after the first `start` ones, and their synaptic events."""
        i = np.asarray(monitor.i, dtype=np.int64)[start:]
        return int(i.size), int(self.out_degree[i].sum())

    def results(self, pops, monitor):
        i = np.asarray(monitor.i, dtype=np.int64)
        step = np.rint(np.asarray(monitor.t) / DT[self.case]).astype(np.int64)
        v = pops[0].v
        return {"spikes": int(i.size), "spikes_hash": spike_hash(i, step),
                "events": int(self.out_degree[i].sum()), "v_sum": float(v.sum()),
                "v_abs_sum": float(np.abs(v).sum())}


class Rate:
    """N3: the reservoir, its dense recurrent projection and a constant input neuron."""

    def __init__(self, eq, case: str, folder: Path):
        self.eq = eq
        self.N = int(read(folder, "meta.i64")[0])
        self.W = read(folder, "W.f64").reshape(self.N, self.N)    # W[post, pre]
        self.input = read(folder, "in.f64")
        self.v0 = read(folder, "v0.f64")
        self.neuron_text = RESERVOIR

    def populations(self, neuron):
        res = self.eq.Population(neuron, self.N)
        res.v = self.v0
        return res, self.eq.Population(self.eq.Neuron(CONSTANT), 1)

    def connect(self, pops):
        res, source = pops
        eq = self.eq
        fed = np.flatnonzero(self.input).astype(np.int32)
        feed = eq.Projection(source, res, target="in")
        feed.connect(i=np.zeros(fed.size, dtype=np.int32), j=fed)
        feed.w = self.input[np.asarray(feed.j)]
        rec = eq.Projection(res, res, target="rec")
        rec.connect(matrix=self.W)
        if len(rec) != self.N * self.N:
            raise ValueError(f"connect(matrix=W) made {len(rec)} synapses, not N^2 = "
                             f"{self.N * self.N}")
        rec.w = self.W[np.asarray(rec.j), np.asarray(rec.i)]
        return feed, rec

    def network(self, pops, projections):
        return self.eq.Network(*pops, *projections, dt=DT["rate"]), None

    def spike_count(self, monitor) -> int:
        return 0

    def spikes_since(self, monitor, start: int):
        return 0, 0

    def results(self, pops, monitor):
        v = pops[0].v
        return {"spikes": 0, "events": 0, "v_sum": float(v.sum()),
                "v_abs_sum": float(np.abs(v).sum())}


def build(setup, neuron):
    """A fresh network of the case; returns (net, populations, monitor, connect seconds)."""
    pops = setup.populations(neuron)
    t0 = time.perf_counter()
    projections = setup.connect(pops)
    connect_s = time.perf_counter() - t0
    net, monitor = setup.network(pops, projections)
    return net, pops, monitor, connect_s


def memory(setup, neuron, synapses: int) -> dict:
    """Bytes per synapse retained (tracemalloc) by the projections, then by the network."""
    tracemalloc.start()
    try:
        pops = setup.populations(neuron)
        base = tracemalloc.get_traced_memory()[0]
        projections = setup.connect(pops)
        after_connect = tracemalloc.get_traced_memory()[0]
        net, _ = setup.network(pops, projections)
        net.run(net.dt)
        after_step = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return {"bytes_per_synapse": (after_connect - base) / synapses,
            "bytes_per_synapse_network": (after_step - base) / synapses}


def main(case: str, folder: Path, duration: float, repeats: int, measure_memory: bool):
    import eqneuro as eq

    setup = (Rate if case == "rate" else Spiking)(eq, case, folder)
    t0 = time.perf_counter()
    neuron = eq.Neuron(setup.neuron_text)
    net, pops, monitor, connect_s = build(setup, neuron)
    net.run(duration)
    result = {"build_s": time.perf_counter() - t0, "connect_s": connect_s,
              **setup.results(pops, monitor)}
    if measure_memory:
        del net, pops, monitor
        synapses = setup.N * setup.N if case == "rate" else len(setup.post)
        return {**result, **memory(setup, neuron, synapses)}
    runs, run_spikes, run_events = [], [], []
    for _ in range(repeats):   # second and later runs of the built network, continuing
        seen = setup.spike_count(monitor)
        t0 = time.perf_counter()
        net.run(duration)
        runs.append(time.perf_counter() - t0)
        spikes, events = setup.spikes_since(monitor, seen)
        run_spikes.append(spikes)
        run_events.append(events)
    if runs:
        result.update(run_s=runs, run_spikes=run_spikes, run_events=run_events)
    return result


if __name__ == "__main__":
    try:
        args = sys.argv[1:]
        if len(args) not in (4, 5) or args[0] not in DT or args[4:] not in ([], ["--memory"]):
            raise SystemExit(__doc__.split("\n\n")[1])
        out = main(args[0], Path(args[1]), float(args[2]), int(args[3]), len(args) == 5)
    except BaseException as exc:  # report everything, including SystemExit from a build
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({last[0].filename.split('/')[-1]}:{last[0].lineno})" if last else ""
        out = {"error": f"{type(exc).__name__}: {exc}".strip()[:500] + where}
    print(json.dumps(out))
