"""Event transmission: spikes delivered through projections, against NumPy reference loops
that follow DESIGN.md's step order exactly (integrate, threshold, reset; then deliver every
spike whose delay ends at t+dt, oldest emission first, neurons in order, synapses in order)."""
import numpy as np
import pytest

import eqneuro as eq

# Fires once, in the step from 0.2 to 0.3 ms (v = t crosses 0.25), then never again.
ONCE = eq.Neuron("""
neuron Once:
    equations: dv/dt = 1.0 : init = 0.0
    spike: v > 0.25
    reset: v = -1e9
    method: euler
""")
# g_exc keeps every delivered weight (no decay): its samples show when each one arrived.
HOLD = eq.Neuron("""
neuron Hold:
    parameters: tau = 1e300
    equations: tau*dg_exc/dt = -g_exc
    method: euler
""")


@pytest.mark.parametrize("delay, arrival", [(0.0, 0.3), (0.1, 0.4), (1.5, 1.8), (0.04, 0.3),
                                            (0.06, 0.4)])
def test_a_spike_arrives_after_its_delay_rounded_to_steps(delay, arrival):
    pre, post = eq.Population(ONCE, 1), eq.Population(HOLD, 1)
    proj = eq.Projection(pre, post, target="exc", w=0.5, delay=delay)
    proj.connect(i=[0], j=[0])
    spikes = eq.SpikeMonitor(pre)
    trace = eq.StateMonitor(post, "g_exc")
    net = eq.Network(pre, post, proj, spikes, trace, dt=0.1)
    net.run(3.0)
    np.testing.assert_allclose(spikes.t, [0.3])
    arrived = trace.t[np.flatnonzero(trace.g_exc[:, 0] > 0)[0]]
    assert arrived == pytest.approx(arrival)
    assert trace.g_exc[-1, 0] == 0.5
    net.run(0.0)
    assert post.g_exc[0] == 0.5


def test_the_state_after_run_T_includes_the_spikes_delivered_at_T():
    pre, post = eq.Population(ONCE, 1), eq.Population(HOLD, 1)
    proj = eq.Projection(pre, post, target="exc", w=2.0)
    proj.connect(i=[0], j=[0])
    net = eq.Network(pre, post, proj, dt=0.1)
    net.run(0.3)                      # the spike of the step to 0.3 ms, delay 0
    assert post.g_exc[0] == 2.0


def test_spikes_in_flight_survive_the_end_of_a_run():
    pre, post = eq.Population(ONCE, 1), eq.Population(HOLD, 1)
    proj = eq.Projection(pre, post, target="exc", w=1.0, delay=2.0)
    proj.connect(i=[0], j=[0])
    net = eq.Network(pre, post, proj, dt=0.1)
    net.run(1.0)
    assert post.g_exc[0] == 0.0
    net.run(1.2)                     # arrives at 2.3 ms
    assert post.g_exc[0] == 0.0
    net.run(0.1)
    assert post.g_exc[0] == 1.0


LIF = """
neuron LIF:
    parameters: tau = 10.0; El = -65.0; Vt = -50.0; Vr = -65.0; I = 0.0; tau_e = 5.0
    equations:
        tau*dv/dt = -(v - El) + g_exc + I : init = -65.0
        tau_e*dg_exc/dt = -g_exc
    spike: v > Vt
    reset: v = Vr
    method: euler
"""


def reference(n, I, i, j, w, delay_steps, steps, v0, dt=0.1):
    """The step order of DESIGN.md, one neuron at a time in NumPy."""
    tau, El, Vt, Vr, tau_e = 10.0, -65.0, -50.0, -65.0, 5.0
    v, g = v0.copy(), np.zeros(n)
    depth = int(delay_steps.max()) + 1
    emitted = {}                                 # emission step -> neurons, in order
    fired_all = []
    for step in range(steps):
        dv = (-(v - El) + g + I) / tau
        dg = -g / tau_e
        v, g = v + dt * dv, g + dt * dg
        fired = np.flatnonzero(v > Vt)
        v[fired] = Vr
        e = step + 1
        emitted[e] = fired
        fired_all += [(e, k) for k in fired]
        for age in range(depth - 1, -1, -1):      # oldest emission first
            for k in emitted.get(e - age, ()):
                for s in np.flatnonzero((i == k) & (delay_steps == age)):
                    g[j[s]] += w[s]
    return np.array(fired_all).reshape(-1, 2), v, g


def random_network(threads, durations, seed=3):
    rng = np.random.default_rng(seed)
    n = 60
    pop = eq.Population(eq.Neuron(LIF), n)
    I = rng.uniform(14.0, 17.0, n)
    pop.I = I
    v0 = rng.uniform(-65.0, -50.0, n)
    pop.v = v0
    proj = eq.Projection(pop, pop, target="exc")
    proj.connect(p=0.2, seed=seed)
    proj.connect(i=[5, 5, 7], j=[9, 9, 7])            # a multapse and a self pair
    w = rng.uniform(-1.5, 3.0, len(proj))
    delay = rng.integers(0, 16, len(proj)) * 0.1
    proj.w = w
    proj.delay = delay
    spikes = eq.SpikeMonitor(pop)
    net = eq.Network(pop, proj, spikes, dt=0.1, threads=threads)
    for duration in durations:
        net.run(duration)
    return pop, proj, spikes, (I, v0, w, delay)


@pytest.mark.parametrize("threads, durations", [(1, [200.0]), (2, [200.0]),
                                                (1, [13.7, 0.1, 86.2, 100.0]),
                                                (2, [50.0, 150.0])])
def test_a_random_network_with_weights_and_delays_equals_numpy_spike_for_spike(threads, durations):
    pop, proj, spikes, (I, v0, w, delay) = random_network(threads, durations)
    steps = int(round(sum(durations) / 0.1))
    i, j = proj.i, proj.j
    np.testing.assert_array_equal(proj.w, w)
    expected, v, g = reference(60, I, i, j, w, np.rint(delay / 0.1).astype(int), steps, v0)
    got = np.stack([np.rint(spikes.t / 0.1).astype(int), spikes.i], axis=1)
    assert len(expected) > 300
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(pop.v, v, rtol=0, atol=1e-9)
    np.testing.assert_allclose(pop.g_exc, g, rtol=0, atol=1e-9)


def test_threads_give_bit_identical_results_on_a_network():
    one = random_network(1, [100.0])
    two = random_network(2, [60.0, 40.0])
    np.testing.assert_array_equal(one[2].i, two[2].i)
    np.testing.assert_array_equal(one[0].v, two[0].v)
    np.testing.assert_array_equal(one[0].g_exc, two[0].g_exc)


FLOOD = """
neuron Flood:
    equations: dv/dt = 0*v : init = 1.0
    spike: v > 0
"""


@pytest.mark.parametrize("delay", [0.0, 0.3])
def test_a_flood_delivers_every_event(delay):
    """Every neuron fires every step: every spike reaches every target."""
    n, steps = 300, 50
    pre = eq.Population(eq.Neuron(FLOOD), n)
    post = eq.Population(HOLD, n)
    proj = eq.Projection(pre, post, target="exc", w=1.0, delay=delay)
    proj.connect(all_to_all=True)
    spikes = eq.SpikeMonitor(pre)
    net = eq.Network(pre, post, proj, spikes, dt=0.1, threads=2)
    net.run(steps * 0.1)
    assert len(spikes.i) == n * steps
    delivered = steps - round(delay / 0.1)
    np.testing.assert_array_equal(post.g_exc, np.full(n, float(n * delivered)))


def test_views_as_pre_and_post():
    pre = eq.Population(ONCE, 10)
    post = eq.Population(HOLD, 10)
    proj = eq.Projection(pre[2:5], post[[7, 1]], target="exc", w=1.0)
    proj.connect(all_to_all=True)
    assert len(proj) == 6
    np.testing.assert_array_equal(proj.i, [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(proj.j, [0, 1, 0, 1, 0, 1])
    eq.Network(pre, post, proj, dt=0.1).run(1.0)
    expected = np.zeros(10)
    expected[[7, 1]] = 3.0
    np.testing.assert_array_equal(post.g_exc, expected)


def test_on_pre_may_read_time_and_presynaptic_state():
    """The keyword form: statements over post names, synapse names, x_pre and t."""
    pre, post = eq.Population(ONCE, 1), eq.Population(HOLD, 1)
    proj = eq.Projection(pre, post, on_pre="g_exc += w * t + v_pre", w=2.0)
    proj.connect(one_to_one=True)
    eq.Network(pre, post, proj, dt=0.1).run(1.0)
    assert post.g_exc[0] == pytest.approx(2.0 * 0.3 - 1e9)   # at t = 0.3, after the reset


def test_monitors_of_views_and_of_synapse_values():
    pre = eq.Population(eq.Neuron(FLOOD), 6)
    post = eq.Population(HOLD, 4)
    proj = eq.Projection(pre, post, target="exc", w=1.0, delay=0.2)
    proj.connect(i=[0, 3, 5], j=[1, 1, 2])
    proj.w = [0.5, 1.5, 2.5]
    some = eq.SpikeMonitor(pre[2:5])
    everyone = eq.SpikeMonitor(pre)
    weights = eq.StateMonitor(proj, "w", record=[2, 0])
    g = eq.StateMonitor(post[[2, 1]], "g_exc")
    net = eq.Network(pre, post, proj, some, everyone, weights, g, dt=0.1)
    net.run(1.0)
    assert len(everyone.i) == 60 and len(some.i) == 30
    np.testing.assert_array_equal(np.unique(some.i), [0, 1, 2])      # within the view
    np.testing.assert_array_equal(some.count, [10, 10, 10])
    assert weights.w.shape == (10, 2)
    np.testing.assert_array_equal(weights.w, np.tile([2.5, 0.5], (10, 1)))
    # samples at the start of each step: spikes from step 1 on arrive 2 steps later
    np.testing.assert_array_equal(g.g_exc[:, 0], [0, 0, 0] + [2.5 * k for k in range(1, 8)])
    np.testing.assert_array_equal(g.g_exc[:, 1], [0, 0, 0] + [2.0 * k for k in range(1, 8)])


def test_an_input_sum_is_recordable():
    rate = eq.Neuron("""
        parameters: tau = 10.0
        equations:
            tau*dv/dt + v = sum(inp)
            r = v + 1
    """)
    pop = eq.Population(rate, 3)
    proj = eq.Projection(pop, pop, target="inp")
    proj.connect(i=[0, 1], j=[1, 2])
    proj.w = [2.0, 3.0]
    trace = eq.StateMonitor(pop, ["v", "sum(inp)"])
    eq.Network(pop, proj, trace, dt=1.0).run(5.0)
    r = trace.v + 1
    expected = np.stack([np.zeros(5), 2.0 * r[:, 0], 3.0 * r[:, 1]], axis=1)
    np.testing.assert_allclose(trace["sum(inp)"], expected, rtol=1e-12)


DRIVE = eq.Neuron("""
neuron Drive:
    parameters:
        I = 0.0
        tau = 1e300 : shared
    equations:
        tau*dv/dt = -v + I
    method: euler
""")


def test_on_pre_changes_to_parameters_persist_across_runs():
    """A post parameter and a homogeneous synapse parameter that on_pre changes keep the
    change after the run (they were once one value for all, copied into the kernel)."""
    pre, post = eq.Population(ONCE, 2), eq.Population(DRIVE, 2)
    pre.v = [0.0, -3.0]               # fire in the steps to 0.3 ms and to 3.3 ms
    proj = eq.Projection(pre, post, on_pre="I_post += w; w = w * 3.0", w=2.0)
    proj.connect(i=[0, 1], j=[1, 0])
    net = eq.Network(pre, post, proj, dt=0.1)
    net.run(1.0)
    np.testing.assert_array_equal(post.I, [0.0, 2.0])
    np.testing.assert_array_equal(proj.w, [6.0, 2.0])
    post.I = 1.0                      # one value again: on_pre still changes it per neuron
    net.run(3.0)
    np.testing.assert_array_equal(post.I, [3.0, 1.0])
    np.testing.assert_array_equal(proj.w, [6.0, 6.0])


def test_on_pre_may_not_change_a_parameter_that_an_exact_propagator_folds_in():
    cascade = eq.Neuron("""
neuron Cascade:
    parameters:
        I = 0.0
    equations:
        5.0 * ds/dt = -s + I
        10.0 * dv/dt = -v + s
    method: exact
""")
    kick = eq.Synapse("""
synapse Kick:
    on_pre:
        I_post += w
""")
    with pytest.raises(eq.ModelError) as error:
        eq.Projection(eq.Population(ONCE, 1), eq.Population(cascade, 1), synapse=kick)
    message = str(error.value)
    assert (error.value.line, error.value.column) == (4, 9)
    assert "cannot assign 'I_post'" in message and "method exact" in message
    assert "dI/dt = 0" in message
    # an uncoupled exact update reads I itself: on_pre may change it
    leaky = eq.Neuron("""
neuron Leaky:
    parameters:
        I = 0.0
    equations: 10.0 * dv/dt = -v + I
    method: exact
""")
    eq.Projection(eq.Population(ONCE, 1), eq.Population(leaky, 1), synapse=kick)
