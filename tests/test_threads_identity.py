"""threads=k gives bit-identical results to one thread, including where the kernel returns
early (spike buffer nearly full, a blow-up) and across several run() calls."""
import numpy as np
import pytest

import eqneuro as eq

# 1000 neurons = 3 full blocks of 256 and a partial one: uneven shares for 2 and 3 threads
N = 1000

LIF = """
parameters:
    tau = 10.0
    I = 0.0
equations:
    tau * dv/dt = -v + I : init = 0.0
spike: v > 1.0
reset: v = 0.0
refractory: 0.3
method: euler
"""

# one spike per neuron per step: 1000 spikes a step fill the 65536-spike buffer in ~65 steps
EVERY_STEP = """
parameters:
    I = 0.0
equations:
    dv/dt = I : init = 0.0
spike: v > 0.5
reset: v = 0.0
method: euler
"""

GROWTH = """
parameters:
    a = 0.0
equations:
    dv/dt = a * v : init = 1.0
    du/dt = -u : init = 1.0
method: euler
"""


def lif_run(threads, durations):
    pop = eq.Population(eq.Neuron(LIF), N)
    pop.I = np.linspace(0.0, 3.0, N)
    spikes = eq.SpikeMonitor(pop)
    trace = eq.StateMonitor(pop, "v", record=[0, 255, 256, 511, 999])
    net = eq.Network(pop, spikes, trace, dt=0.1, threads=threads)
    for duration in durations:
        net.run(duration, progress=False)
    return net.t, spikes.i, spikes.t, trace.t, trace.v, pop.v.copy()


@pytest.mark.parametrize("threads", [2, 3])
def test_several_runs_are_bit_identical_to_one_thread(threads):
    durations = [0.1, 7.3, 50.0, 0.0, 42.6]
    one = lif_run(1, durations)
    many = lif_run(threads, durations)
    assert one[0] == many[0] == pytest.approx(100.0)
    for a, b in zip(one[1:], many[1:]):
        np.testing.assert_array_equal(a, b)
    assert len(one[1]) > 5000 and len(np.unique(one[1])) > 600


def counting_kernel_calls(monkeypatch, net, pop):
    """Every (steps asked, steps done) of the network's kernel."""
    module = net._kernel()
    calls, run = [], module.run

    def counted(values):
        done = run(values)
        calls.append((values[0], done))          # values[0]: the steps asked for
        return done

    monkeypatch.setattr(module, "run", counted)
    return calls


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_full_spike_buffer_returns_early_and_loses_nothing(threads, monkeypatch):
    pop = eq.Population(eq.Neuron(EVERY_STEP), N)
    pop.I = 10.0                      # v = 1.0 after each step: every neuron fires every step
    spikes = eq.SpikeMonitor(pop)
    net = eq.Network(pop, spikes, dt=0.1, threads=threads)
    calls = counting_kernel_calls(monkeypatch, net, pop)
    net.run(20.0, progress=False)     # 200 steps, 200,000 spikes
    net.run(10.0, progress=False)
    assert any(done < asked for asked, done in calls)       # returned early at least once
    steps = np.repeat(np.arange(1, 301), N)
    np.testing.assert_array_equal(spikes.i, np.tile(np.arange(N), 300))
    np.testing.assert_array_equal(spikes.t, steps * 0.1)
    assert net.t == pytest.approx(30.0)


def blow_up(threads, durations):
    """Neurons 100 and 900 (other blocks, other threads) overflow at the same step."""
    pop = eq.Population(eq.Neuron(GROWTH), N, name="growth")
    rates = np.zeros(N)
    rates[[100, 900]] = 1000.0        # v *= 101 per step: inf at step 154
    pop.a = rates
    net = eq.Network(pop, dt=0.1, threads=threads)
    for duration in durations[:-1]:
        net.run(duration, progress=False)
    with pytest.raises(eq.SimulationError) as error:
        net.run(durations[-1], progress=False)
    return str(error.value), net.t, pop.v.copy(), pop.u.copy()


def first_overflow_step():
    v, step = 1.0, 0
    with np.errstate(over="ignore"):
        while np.isfinite(v):
            v, step = v + 0.1 * (1000.0 * v), step + 1
    return step


@pytest.mark.parametrize("threads", [2, 3])
def test_blow_up_stops_at_the_same_step_as_one_thread(threads):
    durations = [5.0, 3.3, 100.0]
    message, t, v, u = blow_up(1, durations)
    assert message.startswith("growth: v of neuron 100 became inf at t = ")
    assert t == pytest.approx(first_overflow_step() * 0.1)
    np.testing.assert_array_equal(u, np.full(N, u[0]))
    many = blow_up(threads, durations)
    assert many[0] == message and many[1] == t
    np.testing.assert_array_equal(many[2], v)
    np.testing.assert_array_equal(many[3], u)


@pytest.mark.parametrize("threads", [2, 8])
def test_more_threads_than_blocks_and_one_block(threads):
    for n in (1, 300):
        outcomes = []
        for k in (1, threads):
            pop = eq.Population(eq.Neuron(LIF), n)
            pop.I = np.linspace(1.5, 3.0, n)
            spikes = eq.SpikeMonitor(pop)
            eq.Network(pop, spikes, dt=0.1, threads=k).run(30.0, progress=False)
            outcomes.append((spikes.i, spikes.t, pop.v.copy()))
        for a, b in zip(*outcomes):
            np.testing.assert_array_equal(a, b)
        assert len(outcomes[0][0]) > 0
