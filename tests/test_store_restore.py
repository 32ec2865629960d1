"""net.store / net.restore (in memory and in files) and net.every: the reruns are compared
bit for bit with the first runs, and the callbacks with runs split by hand."""
import numpy as np
import pytest

import eqneuro as eq

STDP = eq.Synapse("""
parameters:
    w = 0.5
    tau_plus = 20.0 : shared
    tau_minus = 20.0 : shared
    A_plus = 0.01 : shared
    A_minus = 0.012 : shared
equations:
    tau_plus * dx/dt = -x
    tau_minus * dy/dt = -y
on_pre:
    v += w
    x += A_plus
    w = clip(w - y, 0, 1)
on_post:
    y += A_minus
    w = clip(w + x, 0, 1)
""")

NOISY_LIF = eq.Neuron("""
parameters:
    tau = 10.0
    V_T = -50.0
    I = 18.0
    sigma = 2.0
equations:
    tau*dv/dt = -(v + 70) + I + sigma*sqrt(tau)*xi : init = -70 + 15*uniform()
spike: v > V_T
reset: v = -70
refractory: 2.0
""")


def build(seed=7):
    """A small network with every kind of state: random initial values, noise, refractory
    counters, Poisson input, plasticity, per-synapse delays (spikes in flight)."""
    exc = eq.Population(NOISY_LIF, 60, name="exc")
    inh = eq.Population(eq.load("lif"), 15, name="inh")
    noise = eq.PoissonGroup(40, rate=40.0, name="noise")
    drive = eq.Projection(noise, exc, synapse=STDP, name="drive")
    drive.connect(p=0.3, seed=1)
    drive.delay = np.random.default_rng(2).uniform(0.0, 4.0, len(drive))
    feedback = eq.Projection(exc, inh, on_pre="v += w", w=4.0, delay=1.5, name="feedback")
    feedback.connect(p=0.3, seed=3)
    monitors = (eq.SpikeMonitor(exc), eq.SpikeMonitor(inh),
                eq.StateMonitor(inh, "v", record=[0, 4]),
                eq.StateMonitor(drive, ["w", "x"], record=[0, 5, 9]))
    net = eq.Network(exc, inh, noise, drive, feedback, *monitors, dt=0.1, seed=seed)
    return net, (exc, inh, noise, drive, feedback), monitors


def outcome(objects, monitors):
    exc, inh, noise, drive, feedback = objects
    spikes_exc, spikes_inh, trace, weights = monitors
    return [spikes_exc.i, spikes_exc.t, spikes_inh.i, spikes_inh.t, trace.t, trace.v,
            weights.w, weights.x, exc.v, inh.v, drive.w, drive.x, drive.y, exc.I]


def assert_identical(first, second):
    assert len(first) == len(second)
    for k, (a, b) in enumerate(zip(first, second)):
        assert np.shape(a) == np.shape(b) and np.array_equal(a, b), k


def test_running_again_from_a_stored_state_repeats_the_run_bit_for_bit():
    net, objects, monitors = build()
    net.run(30.0)
    net.store()
    net.run(40.0)
    first = [np.copy(x) for x in outcome(objects, monitors)]
    assert len(monitors[0]) > 20 and len(monitors[1]) > 5         # the run did something
    net.restore()
    assert net.t == 30.0 and monitors[2].t[-1] == pytest.approx(29.9)
    net.run(40.0)
    assert_identical(first, outcome(objects, monitors))


def test_a_restored_state_can_be_rerun_with_changes_and_restored_again():
    net, objects, monitors = build()
    exc = objects[0]
    net.store("start")
    net.run(20.0)
    baseline = [np.copy(x) for x in outcome(objects, monitors)]
    net.restore("start")
    exc.I = 30.0                                  # a second trial with a stronger drive
    net.run(20.0)
    assert len(monitors[0]) > len(baseline[0])
    net.restore("start")
    assert exc.I.tolist() == [18.0] * 60         # parameters come back too
    net.run(20.0)
    assert_identical(baseline, outcome(objects, monitors))


def test_a_file_restores_into_a_network_built_the_same_way(tmp_path):
    path = tmp_path / "trial.npz"
    net, objects, monitors = build(seed=11)
    net.run(25.0)
    net.store("warm", path=path)
    net.store("other", path=path)                 # several names share a file
    net.run(30.0)
    first = [np.copy(x) for x in outcome(objects, monitors)]
    again, objects2, monitors2 = build(seed=99)   # the file's seed replaces this one
    again.restore("warm", path=path)
    assert again.seed == 11 and again.t == 25.0
    again.run(30.0)
    assert_identical(first, outcome(objects2, monitors2))
    with pytest.raises(KeyError, match="holds no stored state 'missing'.*'other', 'warm'"):
        again.restore("missing", path=path)


def test_a_changed_structure_is_refused_with_what_differs(tmp_path):
    path = tmp_path / "state.npz"
    net, _, _ = build()
    net.store(path=path)
    exc = eq.Population(NOISY_LIF, 61)
    other = eq.Network(exc, dt=0.1, seed=1)
    with pytest.raises(ValueError, match="another structure:\n  stored: population 0 .*60 x"):
        other.restore(path=path)
    with pytest.raises(KeyError, match="stored no state 'default'"):
        other.restore()
    (tmp_path / "junk.npz").write_text("not a zip")
    with pytest.raises(ValueError, match="not a file of stored networks"):
        other.restore(path=tmp_path / "junk.npz")
    with pytest.raises(ValueError, match="non-empty string"):
        other.store("a/b")


def test_the_file_holds_no_pickles(tmp_path):
    net, _, _ = build()
    net.run(5.0)
    net.store(path=tmp_path / "s.npz")
    with np.load(tmp_path / "s.npz", allow_pickle=False) as data:
        assert "default/meta" in data.files and "default/p0:state.v" in data.files


# ---- callbacks --------------------------------------------------------------------------

def small():
    pop = eq.Population(eq.load("lif"), 4)
    spikes = eq.SpikeMonitor(pop)
    return pop, spikes, eq.Network(pop, spikes, dt=0.1)


def test_callbacks_run_at_every_multiple_of_their_period_before_its_step():
    pop, _, net = small()
    seen = []
    net.every(10.0, lambda t: seen.append((t, net.t, pop.t)))
    net.every(25.0, lambda: seen.append(("quarter", net.t)))
    net.run(50.0)
    assert seen == [(0.0, 0.0, 0.0), ("quarter", 0.0), (10.0, 10.0, 10.0), (20.0, 20.0, 20.0),
                    ("quarter", 25.0), (30.0, 30.0, 30.0), (40.0, 40.0, 40.0)]
    seen.clear()
    net.run(0.2)                                  # t = 50 is called at the next run's start
    assert seen == [(50.0, 50.0, 50.0), ("quarter", 50.0)]


def test_changes_made_by_a_callback_equal_a_run_split_by_hand():
    pop, spikes, net = small()

    @net.every(5.0)
    def ramp(t):
        pop.I = np.linspace(0, 1, 4) * t / 2

    assert callable(ramp)
    net.run(40.0)
    pop2, spikes2, net2 = small()
    for k in range(8):
        pop2.I = np.linspace(0, 1, 4) * (5.0 * k) / 2
        net2.run(5.0)
    assert len(spikes) > 5
    assert np.array_equal(spikes.i, spikes2.i) and np.array_equal(spikes.t, spikes2.t)
    assert np.array_equal(pop.v, pop2.v)


def test_a_callback_may_change_projection_weights():
    net, objects, monitors = build()
    feedback = objects[4]
    net.every(10.0, lambda t: setattr(feedback, "w", 0.0) if t == 10.0 else None)
    net.run(20.0)
    net2, objects2, monitors2 = build()
    net2.run(10.0)
    objects2[4].w = 0.0
    net2.run(10.0)
    assert_identical(outcome(objects2, monitors2), outcome(objects, monitors))
    assert np.all(feedback.w == 0.0)


def test_callback_mistakes():
    pop, _, net = small()
    with pytest.raises(ValueError, match="positive number"):
        net.every(0.0, print)
    with pytest.raises(TypeError, match="a function to call"):
        net.every(1.0, 3)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        net.every(1.0, lambda a, b: None)
    called = []
    net.every(1.0, lambda values=called: values.append("bare"))     # defaults: no t
    net.every(1.0, lambda *args: called.append(args))
    net.every(0.25, lambda: None)
    with pytest.raises(ValueError, match="not a multiple of dt"):
        net.run(1.0)
    assert net.t == 0.0 and called == []
    net._callbacks.pop()
    net.run(1.0)
    assert called == ["bare", (0.0,)]


def test_an_error_in_a_callback_leaves_a_consistent_network():
    pop, spikes, net = small()
    pop.I = 25.0

    def fail(t):
        if t == 20.0:
            raise RuntimeError("stop here")

    net.every(10.0, fail)
    with pytest.raises(RuntimeError, match="stop here"):
        net.run(50.0)
    assert net.t == pop.t == 20.0
    net._callbacks.clear()
    net.run(1.0)
    assert net.t == pytest.approx(21.0)
