"""Time, state and monitors stay in agreement: Ctrl-C, several Networks, threads, dt changes."""
import signal
import threading

import numpy as np
import pytest

import eqneuro as eq
from eqneuro.sim import network as runtime

pytestmark = pytest.mark.compiler

LIF = eq.Neuron("""
    parameters:
        tau = 10.0; V_T = 1.0; I = 0.0
    equations:
        tau*dv/dt = -v + I : init = 0.0
        r = v*dt
    spike: v > V_T
    reset: v = 0.0
    refractory: 1.0
""", method="euler", name="LIF")


def _network(n=50, dt=0.1):
    pops, monitors = [], []
    for k in range(2):                       # two populations: a chunk advances both
        pop = eq.Population(LIF, n, name=f"p{k}")
        pop.I = np.linspace(1.0, 3.0 + k, n)
        pops.append(pop)
        monitors += [eq.SpikeMonitor(pop), eq.StateMonitor(pop, ["v", "r"], record=[0, n - 1])]
    return pops, monitors, eq.Network(*pops, *monitors, dt=dt)


def _outcome(pops, monitors):
    """Every number a run produced, as a flat list of arrays."""
    arrays = [p.v.copy() for p in pops]
    for m in monitors:
        arrays += [m.i, m.t] if isinstance(m, eq.SpikeMonitor) else [m.t, m.v, m.r]
    return arrays


def _assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


class _Kernel:
    """A kernel that calls `hook` after its n-th call returns (a signal 'during the kernel')."""

    def __init__(self, module, calls, hook):
        self.module, self.calls, self.hook, self.count = module, calls, hook, 0
        self.FIELDS = module.FIELDS

    def run(self, values):
        done = self.module.run(values)
        self.count += 1
        if self.count == self.calls:
            self.hook()
        return done


def _wrap_kernel(net, calls, hook):
    """The network's one kernel (all its populations), wrapped."""
    structure, module = net._built
    net._built = (structure, _Kernel(module, calls, hook))
    return net._built[1]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(runtime, "CHUNK_SECONDS", 1e-9)     # one step per chunk


def test_ctrl_c_stops_at_a_chunk_boundary_where_time_state_and_monitors_agree(small_chunks):
    reference = _network()
    reference[2].run(30.0)
    expected = _outcome(reference[0], reference[1])

    pops, monitors, net = _network()
    _wrap_kernel(net, 40, lambda: signal.raise_signal(signal.SIGINT))
    with pytest.raises(KeyboardInterrupt):
        net.run(30.0)
    assert 0 < net.t < 30.0
    # the first chunk is 1 % of the run (3 steps), then one step per chunk: the chunk of
    # the 40th kernel call ends at step 42, for both populations (one kernel runs both)
    assert net.t == pytest.approx(4.2)
    for pop in pops:
        assert pop.t == net.t
    for monitor in monitors:
        if isinstance(monitor, eq.StateMonitor):
            assert monitor.t[-1] == pytest.approx(net.t - 0.1)    # samples start the steps
            assert len(monitor.t) == len(monitor.v) == 42
        else:
            assert monitor._recorded_until == net.t
            assert np.all(monitor.t <= net.t + 1e-9)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    net.run(30.0 - net.t)                             # continuing gives the uninterrupted run
    assert net.t == pytest.approx(30.0)
    _assert_same(_outcome(pops, monitors), expected)
    for monitor in monitors:
        assert np.all(np.diff(monitor.t) >= 0)


def test_a_custom_sigint_handler_is_called_at_a_chunk_boundary_and_the_run_goes_on(small_chunks):
    reference = _network()
    reference[2].run(10.0)
    pops, monitors, net = _network()
    kernel = _wrap_kernel(net, 20, lambda: signal.raise_signal(signal.SIGINT))
    calls = []      # when the handler runs: kernel calls, and the times of both populations

    def handler(signum, frame):
        calls.append((signum, kernel.count, net.t, [p.t for p in pops]))

    previous = signal.signal(signal.SIGINT, handler)
    try:
        net.run(10.0)
        # at a chunk boundary: both populations ran the chunk, and agree with the network
        assert calls == [(signal.SIGINT, 20, pytest.approx(2.0), [pytest.approx(2.0)] * 2)]
        assert signal.getsignal(signal.SIGINT) is not previous    # ours, restored below
    finally:
        signal.signal(signal.SIGINT, previous)
    _assert_same(_outcome(pops, monitors), _outcome(reference[0], reference[1]))


def test_a_population_continues_its_time_in_a_new_network():
    whole = eq.Population(LIF, 1)
    whole.I = 3.0
    whole_spikes = eq.SpikeMonitor(whole)
    eq.Network(whole, whole_spikes, dt=0.1).run(60.0)

    pop = eq.Population(LIF, 1)
    pop.I = 3.0
    spikes = eq.SpikeMonitor(pop)
    trace = eq.StateMonitor(pop, "v")
    first = eq.Network(pop, spikes, trace, dt=0.1)
    first.run(25.0)
    second = eq.Network(pop, spikes, trace, dt=0.1)
    assert second.t == pytest.approx(25.0) and pop.t == pytest.approx(25.0)
    second.run(35.0)
    np.testing.assert_allclose(spikes.t, whole_spikes.t, rtol=0, atol=1e-9)
    assert np.all(np.diff(spikes.t) > 0) and np.all(np.diff(trace.t) > 0)
    assert len(trace.t) == 600

    with pytest.raises(RuntimeError, match="advanced without this Network"):
        first.run(1.0)                 # the population moved on in the second network
    assert first.t == pytest.approx(25.0) and pop.t == pytest.approx(60.0)


def test_a_network_refuses_objects_that_disagree_on_time():
    pop = eq.Population(LIF, 2)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=0.1).run(10.0)
    fresh = eq.Population(LIF, 2)
    with pytest.raises(ValueError, match="must be at the same time"):
        eq.Network(pop, fresh)
    with pytest.raises(ValueError, match="not a multiple of dt = 0.3"):
        eq.Network(pop, dt=0.3)
    eq.Network(pop, dt=0.1).run(5.0)                       # without the monitor
    with pytest.raises(ValueError, match="recorded until t = 10 ms"):
        eq.Network(pop, spikes, dt=0.1)
    assert eq.Network(pop, eq.SpikeMonitor(pop), dt=0.5).t == pytest.approx(15.0)


def test_a_second_run_of_the_same_network_from_another_thread_is_refused():
    reference = _network()
    reference[2].run(20.0)
    pops, monitors, net = _network()
    started, release = threading.Event(), threading.Event()

    def block():
        started.set()
        assert release.wait(30.0)

    _wrap_kernel(net, 1, block)
    errors = []
    worker = threading.Thread(target=lambda: _capture(errors, net.run, 20.0))
    worker.start()
    try:
        assert started.wait(30.0)
        with pytest.raises(RuntimeError, match="this Network is already running"):
            net.run(20.0)
        other = eq.Network(pops[1], dt=0.1)          # shares a population with the running one
        with pytest.raises(RuntimeError, match="population p1 is already running"):
            other.run(20.0)
        with pytest.raises(RuntimeError, match="already running"):
            net.dt = 0.05
    finally:
        release.set()
        worker.join(60.0)
    assert errors == [] and net.t == pytest.approx(20.0)
    _assert_same(_outcome(pops, monitors), _outcome(reference[0], reference[1]))


def _capture(errors, function, *args):
    try:
        function(*args)
    except BaseException as error:      # noqa: BLE001 - reported to the main thread
        errors.append(error)


def test_dt_is_checked_on_every_assignment_and_time_stays_honest():
    pop = eq.Population(LIF, 3)
    pop.I = [1.5, 2.0, 3.0]
    spikes = eq.SpikeMonitor(pop)
    trace = eq.StateMonitor(pop, "v", record=0, dt=0.5)
    net = eq.Network(pop, spikes, trace, dt=0.1)
    for bad in (0, -1, float("nan"), float("inf"), True, "0.1", None):
        with pytest.raises(ValueError, match="dt must be a positive number"):
            net.dt = bad
    assert net.dt == 0.1
    net.run(10.0)
    with pytest.raises(ValueError, match="t = 10 ms, which is not a multiple of dt = 0.3"):
        net.dt = 0.3
    with pytest.raises(ValueError, match="sampling period 0.5 ms is not a multiple"):
        net.dt = 0.2
    net.dt = 0.05
    assert net.t == pytest.approx(10.0) and net.dt == 0.05
    net.run(10.0)
    assert net.t == pytest.approx(20.0) and pop.t == pytest.approx(20.0)
    times = spikes.t
    assert np.all(np.diff(times) >= 0) and times.max() <= 20.0 + 1e-9
    later = times[times > 10.0 + 1e-9]
    np.testing.assert_allclose(later / 0.05, np.round(later / 0.05), atol=1e-6)
    np.testing.assert_allclose(trace.t, np.arange(40) * 0.5, atol=1e-9)
    for bad, kind in ((0, ValueError), (1.5, TypeError), ("2", TypeError)):
        with pytest.raises(kind):
            net.threads = bad
    net.threads = 2
    assert net.threads == 2
    with pytest.raises(AttributeError):
        net.populations.append(pop)


def test_a_derived_variable_using_dt_takes_the_dt_of_its_network():
    pop = eq.Population(LIF, 2)
    pop.v = [0.5, 0.25]
    with pytest.raises(ValueError, match="r uses dt, which is known once .* is in a Network"):
        pop.r
    net = eq.Network(pop, dt=0.2)
    np.testing.assert_array_equal(pop.r, [0.5 * 0.2, 0.25 * 0.2])
    net.dt = 0.1
    np.testing.assert_array_equal(pop.r, [0.5 * 0.1, 0.25 * 0.1])
