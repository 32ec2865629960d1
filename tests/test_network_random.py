"""Random draws in neuron models (uniform(), normal()): NumPy references that follow the
step order with the generator's reference (eqneuro/randomness.py), reproducibility across
threads and split runs, and the places where a draw is an error."""
import numpy as np
import pytest
from scipy.linalg import expm

import eqneuro as eq
from eqneuro import randomness

NOISY = eq.Neuron("""
neuron Noisy:
    parameters:
        tau = 10.0 : shared
        mu = 1.2 : shared
        sigma = 3.0 : shared
    equations:
        tau*dv/dt = -v + mu + sigma*normal()
    spike: v > 1.0 + 0.1*uniform()
    reset: v = uniform(-1.0, 0.0)
    method: euler
""")


def test_draws_follow_the_step_order_of_a_numpy_loop():
    """Draw k of the model text, for neuron i in the step from g*dt: the generator's block
    (g, i, population << 32 | k); integrate, then test the spike, then reset."""
    n, steps, dt, seed = 300, 400, 0.1, 2024
    pop = eq.Population(NOISY, n)
    spikes = eq.SpikeMonitor(pop)
    net = eq.Network(pop, spikes, dt=dt, seed=seed)
    net.run(steps * dt)
    v, index = np.zeros(n), np.arange(n)
    expected = []
    for g in range(steps):
        v = v + dt * (-v + 1.2 + 3.0 * randomness.normal(seed, 0, 0, g, index)) / 10.0
        fire = v > 1.0 + 0.1 * randomness.uniform(seed, 0, 1, g, index)
        reset = -1.0 + randomness.uniform(seed, 0, 2, g, index)
        v = np.where(fire, reset, v)
        expected += [(g + 1, i) for i in np.flatnonzero(fire)]
    got = list(zip(np.rint(spikes.t / dt).astype(int), spikes.i))
    assert len(expected) > 100
    assert got == expected
    np.testing.assert_allclose(pop.v, v, rtol=1e-12, atol=1e-12)


def test_the_same_seed_reproduces_whatever_threads_and_run_splits():
    def run(threads, durations, seed):
        pop = eq.Population(NOISY, 1000)          # four blocks of 256 neurons
        spikes = eq.SpikeMonitor(pop)
        net = eq.Network(pop, spikes, dt=0.1, threads=threads, seed=seed)
        for duration in durations:
            net.run(duration)
        return pop.v.copy(), spikes.i.copy(), spikes.t.copy()
    one = run(1, [30.0], 7)
    for other in (run(2, [30.0], 7), run(1, [10.0, 20.0], 7), run(2, [0.1, 29.9], 7)):
        for a, b in zip(one, other):
            np.testing.assert_array_equal(a, b)
    assert not np.array_equal(one[0], run(1, [30.0], 8)[0])


def test_a_network_without_a_seed_draws_one():
    pop = eq.Population(NOISY, 10)
    first, second = eq.Network(pop, dt=0.1), eq.Network(eq.Population(NOISY, 10), dt=0.1)
    assert isinstance(first.seed, int) and first.seed != second.seed
    assert eq.Network(eq.Population(NOISY, 10), seed=12).seed == 12
    with pytest.raises(ValueError, match="seed"):
        eq.Network(eq.Population(NOISY, 10), seed=-3)


def test_two_calls_are_two_draws_and_populations_have_their_own_streams():
    twice = eq.Neuron("""
neuron Twice:
    equations:
        du/dt = uniform() - uniform()
    method: euler
""")
    a, b = eq.Population(twice, 50), eq.Population(twice, 50)
    eq.Network(a, b, dt=1.0, seed=3).run(1.0)
    index = np.arange(50)
    expected = randomness.uniform(3, 0, 0, 0, index) - randomness.uniform(3, 0, 1, 0, index)
    np.testing.assert_allclose(a.u, expected, rtol=1e-15, atol=0)
    assert np.all(a.u != 0.0)
    np.testing.assert_allclose(b.u, randomness.uniform(3, 1, 0, 0, index)
                               - randomness.uniform(3, 1, 1, 0, index), rtol=1e-15, atol=0)


def test_exact_integration_holds_a_draw_over_the_step():
    """Uncoupled: the closed form with the draw constant over the step. Coupled: the draw
    enters the propagator as a zero-derivative column."""
    ou = eq.Neuron("""
neuron Held:
    parameters:
        tau = 10.0 : shared
        tau_s = 4.0 : shared
    equations:
        tau * dv/dt = -v + 2.0*normal()
        tau_s * ds/dt = -s + normal(0.5, 1.0)
        tau * dw/dt = -w + s
    method: exact
""")
    n, steps, dt, seed = 20, 50, 0.5, 99
    pop = eq.Population(ou, n)
    eq.Network(pop, dt=dt, seed=seed).run(steps * dt)
    index = np.arange(n)
    a = np.exp(-dt / 10.0)
    m = np.array([[-1 / 4.0, 0.0, 1 / 4.0], [1 / 10.0, -1 / 10.0, 0.0], [0.0, 0.0, 0.0]])
    propagator = expm(m * dt)
    v, s, w = np.zeros(n), np.zeros(n), np.zeros(n)
    for g in range(steps):
        x1 = randomness.normal(seed, 0, 0, g, index)
        x2 = 0.5 + randomness.normal(seed, 0, 1, g, index)
        v = a * v + (1 - a) * 2.0 * x1
        state = propagator @ np.vstack([s, w, x2])
        s, w = state[0], state[1]
    np.testing.assert_allclose(pop.v, v, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(pop.s, s, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(pop.w, w, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("text, where, column", [
    ("equations:\n    r = uniform()\n    dv/dt = r", "a derived variable", 9),
    ("equations: dv/dt = -v : min = uniform()", "the 'min' flag", 31),
    ("parameters: a = normal()\nequations: dv/dt = -a", "a parameter value", 17),
    ("functions: f(x) = x*normal()\nequations: dv/dt = f(v)", "a function body", 21),
])
def test_draws_where_a_value_must_stay_put_are_errors(text, where, column):
    with pytest.raises(eq.ModelError) as error:
        eq.Neuron(text)
    assert f"cannot appear in {where}" in str(error.value)
    assert error.value.column == column


def test_one_argument_draws_are_errors():
    with pytest.raises(eq.ModelError, match=r"uniform\(\) takes no arguments or two, not 1"):
        eq.Neuron("equations: dv/dt = uniform(2.0)")
    with pytest.raises(eq.ModelError, match=r"normal\(\) takes no arguments or two, not 3"):
        eq.Neuron("equations: dv/dt = normal(1.0, 2.0, 3.0)")


def test_psp_draws_once_per_synapse_and_step():
    """A draw in a psp (a noisy continuous transmission) is new for every synapse and step:
    the projection's stream, the step of the input phase, the synapse's place in the rows
    of its post neurons (post order, stable), numbered after on_pre's draws. An all-to-all
    projection with such a psp is not summed by BLAS (each synapse has its own draw)."""
    rate = eq.Neuron("equations:\n    dv/dt = 0 : init = 2.0\n    r = v")
    post = eq.Neuron("equations: dv/dt = sum(noisy)")
    a, b = eq.Population(rate, 3), eq.Population(post, 2)
    proj = eq.Projection(a, b, target="noisy", psp="w * r_pre * normal(1.0, 0.5)", w=0.5)
    proj.connect(all_to_all=True)
    assert proj._eq_storage() == "csr"
    steps, seed = 4, 77
    eq.Network(a, b, proj, dt=1.0, seed=seed).run(float(steps))
    order = np.argsort(proj._post_index, kind="stable")
    post_of = proj._post_index[order]
    expected = np.zeros(2)
    for g in range(steps):
        draws = 1.0 + 0.5 * randomness.normal(seed, 2 ** 31, 0, g, np.arange(len(proj)))
        np.add.at(expected, post_of, 0.5 * 2.0 * draws)
    np.testing.assert_allclose(b.v, expected, rtol=1e-13)


def test_on_pre_draws_once_per_synapse_and_delivery():
    """Stochastic release: the projection's stream is 2^31 + its index, the element the
    synapse, the step the one of the delivery; draws in the order of the text."""
    once = eq.Neuron("""
neuron Once:
    equations: dv/dt = 1.0 : init = 0.0
    spike: v > 0.25
    reset: v = -1e9
    method: euler
""")
    hold = eq.Neuron("parameters: tau = 1e300\nequations: tau*dg_exc/dt = -g_exc\n"
                     "method: euler")
    pre, post = eq.Population(once, 3), eq.Population(hold, 400)
    other = eq.Projection(pre, post, target="exc", w=0.0)          # projection 0
    release = eq.Projection(pre, post, w=1.0, on_pre="g_exc += w * (1.0 if uniform() < 0.5 "
                            "else 0.0) + 0.001*normal()")          # projection 1
    other.connect(one_to_one=False, p=0.1, seed=1)
    release.connect(all_to_all=True)
    eq.Network(pre, post, other, release, dt=0.1, seed=4).run(1.0)
    k, step = np.arange(len(release)), 2          # the spikes of the step to 0.3 ms
    increments = (randomness.uniform(4, 2**31 + 1, 0, step, k) < 0.5) \
        + 0.001 * randomness.normal(4, 2**31 + 1, 1, step, k)
    expected = np.zeros(400)
    np.add.at(expected, np.asarray(release.j), increments)
    np.testing.assert_allclose(post.g_exc, expected, rtol=1e-13, atol=1e-15)
    assert 500 < np.sum(increments > 0.5) < 700   # about half of 1200 synapses released


def test_a_noisy_spiking_network_is_the_same_on_two_threads():
    """Noise, random refractory periods and delivery through projections together."""
    lif = eq.Neuron("""
neuron NoisyLIF:
    parameters:
        tau = 10.0 : shared
        sigma = 1.0 : shared
    equations:
        tau * dv/dt = -v + 0.9 + g_exc + g_inh : init = 0.0
        dg_exc/dt = -g_exc / 5.0
        dg_inh/dt = -g_inh / 10.0
        dnoise/dt = -noise / 5.0 + sigma * xi
    spike: v + noise > 1.0
    reset: v = 0.0
    refractory: 1.0 + 2.0 * uniform()
    method: euler
""")

    def run(threads):
        pop = eq.Population(lif, 600)
        exc = eq.Projection(pop[:480], pop, target="exc", w=0.05)
        inh = eq.Projection(pop[480:], pop, target="inh", w=-0.2, delay=1.0)
        exc.connect(p=0.05, seed=1)
        inh.connect(p=0.05, seed=2)
        spikes = eq.SpikeMonitor(pop)
        net = eq.Network(pop, exc, inh, spikes, dt=0.1, threads=threads, seed=11)
        net.run(60.0)
        net.run(40.0)
        return spikes.i.copy(), spikes.t.copy(), pop.v.copy(), pop.noise.copy()

    one, two = run(1), run(2)
    assert len(one[0]) > 200
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    # the random refractory periods: between 1 and 3 ms (10 to 30 steps)
    i, t = one[0], np.rint(one[1] / 0.1).astype(int)
    gaps = np.concatenate([np.diff(t[i == k]) for k in np.unique(i)])
    assert gaps.min() >= 11 and (gaps < 31).any() and (gaps > 20).any()


def test_a_model_with_draws_prints_them_as_written():
    text = str(NOISY)
    assert "mu + sigma*normal()" in text and "uniform()" in text and "draw" not in text
    assert r"\operatorname{normal}()" in NOISY._repr_latex_()


RANDOM_START = eq.Neuron("""
neuron RandomStart:
    parameters:
        V_r = -70.0
        V_T = -50.0
    equations:
        dv/dt = -(v - V_r)/10.0 : init = V_r + uniform()*(V_T - V_r)
        dw/dt = 0.0 : init = normal(2.0, 0.5)
""")


def test_random_initial_values_follow_the_networks_seed():
    """init draws: the population's stream at the counter's step 2^64 - 1, one draw number
    per call (in text order), drawn when the population joins its first Network."""
    first, second = eq.Population(RANDOM_START, 500), eq.Population(RANDOM_START, 500)
    eq.Network(first, second, seed=21)
    index, step = np.arange(500), randomness.INIT_STEP
    np.testing.assert_array_equal(
        first.v, -70.0 + randomness.uniform(21, 0, 0, step, index) * 20.0)
    np.testing.assert_allclose(first.w, 2.0 + 0.5 * randomness.normal(21, 0, 1, step, index),
                               rtol=1e-15)
    np.testing.assert_array_equal(
        second.v, -70.0 + randomness.uniform(21, 1, 0, step, index) * 20.0)
    assert -70.0 <= first.v.min() and first.v.max() < -50.0
    again = eq.Population(RANDOM_START, 500)
    eq.Network(again, eq.Population(RANDOM_START, 500), seed=21)
    np.testing.assert_array_equal(again.v, first.v)
    other = eq.Population(RANDOM_START, 500)
    eq.Network(other, seed=22)
    assert not np.array_equal(other.v, first.v)
    eq.Network(first, seed=99)                 # a later Network keeps the state it finds
    np.testing.assert_array_equal(first.v, again.v)


def test_random_initial_values_need_a_network_first():
    pop = eq.Population(RANDOM_START, 3)
    with pytest.raises(ValueError, match="create the Network first"):
        pop.v
    eq.Network(pop, seed=1)
    assert pop.v.shape == (3,)


def test_without_random_initial_values_the_state_still_waits_for_its_first_use():
    plain = eq.Neuron("parameters: V_r = -70.0\nequations: dv/dt = 0.0 : init = V_r")
    pop = eq.Population(plain, 2)
    net = eq.Network(pop, seed=1)
    pop.V_r = -65.0                       # before the first use: the init flag sees it
    net.run(0.1)
    np.testing.assert_array_equal(pop.v, [-65.0, -65.0])


def _random_projection(seed=None):
    lif = eq.load("lif")
    exc = eq.Population(lif, 200)
    proj = eq.Projection(exc, exc, on_pre="v += w", w=0.1)
    proj.connect(p=0.05)
    proj.connect(i=[0, 1], j=[5, 5])            # waits behind the random call, in order
    proj.connect(in_degree=3)
    return exc, proj


def test_random_connectivity_without_a_seed_follows_the_networks_seed():
    exc, proj = _random_projection()
    assert "drawn when it joins a Network" in repr(proj)
    for read in (lambda: len(proj), lambda: proj.i, lambda: proj.w, lambda: proj.delay):
        with pytest.raises(ValueError, match="drawn from a Network's seed .* create the "
                           "Network first"):
            read()
    with pytest.raises(ValueError, match="drawn from a Network's seed"):
        proj.w = np.ones(10)
    proj.w = 0.2                                  # one value needs no synapses
    eq.Network(exc, proj, seed=41)
    pairs = (proj.i.copy(), proj.j.copy())
    expected = []
    sides = proj._sides()
    from eqneuro.sim.connectors import connect
    for k, pattern in enumerate([dict(p=0.05), dict(i=[0, 1], j=[5, 5]), dict(in_degree=3)]):
        if "i" not in pattern:
            pattern["seed"] = np.random.default_rng(
                np.random.SeedSequence(41, spawn_key=(2, 0, k)))
        made = connect(*sides, **pattern)
        expected += list(zip(made.pre, made.post))
    got = sorted(zip(*pairs), key=lambda pair: pair[0])
    assert got == sorted(expected, key=lambda pair: pair[0])       # stable within pre
    assert len(proj) == len(expected) > 200 * 3
    np.testing.assert_array_equal(proj.w, 0.2)
    again_pop, again = _random_projection()
    eq.Network(again_pop, again, seed=41)
    np.testing.assert_array_equal(again.i, pairs[0])
    np.testing.assert_array_equal(again.j, pairs[1])
    other_pop, other = _random_projection()
    eq.Network(other_pop, other, seed=42)
    assert len(other) != len(proj) or not np.array_equal(other.j, pairs[1])


def test_a_seeded_connect_is_immediate_and_bad_patterns_fail_at_the_call():
    lif = eq.load("lif")
    exc = eq.Population(lif, 50)
    proj = eq.Projection(exc, exc, on_pre="v += w")
    assert len(proj.connect(p=0.1, seed=3)) > 0
    with pytest.raises(ValueError, match="p= must be a finite number in"):
        proj.connect(p=1.5)
    with pytest.raises(TypeError, match="exactly one pattern"):
        proj.connect(p=0.1, in_degree=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'prob'"):
        proj.connect(prob=0.1)
