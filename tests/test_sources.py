"""Event sources: poisson(lam) draws, PoissonGroup and SpikeSource — counts against the
generator's NumPy reference, their statistics, several events of one neuron in one step
(each delivered, each with its own draws), delays, threads, run splits and the errors."""
import numpy as np
import pytest
from scipy import stats

import eqneuro as eq
from eqneuro import randomness
from eqneuro.compile.kernel import generator_module

COUNTER = eq.Neuron("""
neuron Counter:
    equations:
        dv/dt = 0
""")


@pytest.fixture(scope="module")
def kernel():
    return generator_module()


def test_the_kernels_poisson_counts_equal_the_reference(kernel):
    rng = np.random.default_rng(11)
    u = rng.random(30000)
    lam = np.concatenate([rng.random(10000) * 40, 30 + rng.random(10000) * 4,
                          rng.random(10000) * 2e4])
    out = np.empty_like(u)
    kernel.poisson_counts(out, u, lam)
    np.testing.assert_array_equal(out, randomness.poisson_count(u, lam))
    bad = np.array([-1.0, np.nan, np.inf, 2.0])
    kernel.poisson_counts(out[:4], np.array([0.5, 0.5, 0.5, np.nan]), bad)
    assert np.isnan(out[:4]).all()


@pytest.mark.parametrize("lam", [0.002, 0.3, 4.0, 31.5, 32.5, 500.0])
def test_poisson_counts_follow_the_poisson_distribution(lam):
    """Chi-square of 200,000 counts against scipy.stats.poisson (bins of expected >= 20)."""
    u = np.random.default_rng(int(lam * 1000)).random(200_000)
    counts = randomness.poisson_count(u, lam).astype(np.int64)
    low, high = stats.poisson.ppf([1e-4, 1 - 1e-4], lam).astype(int)
    edges = np.arange(max(low - 1, -1), high + 1) + 0.5
    edges[0], edges[-1] = -np.inf, np.inf
    observed = np.histogram(counts, edges)[0]
    expected = np.diff(stats.poisson.cdf(np.floor(edges), lam)) * u.size
    keep = expected >= 20
    observed = np.append(observed[keep], observed[~keep].sum())
    expected = np.append(expected[keep], expected[~keep].sum())
    if expected[-1] < 20:
        observed[-2] += observed[-1]
        expected[-2] += expected[-1]
        observed, expected = observed[:-1], expected[:-1]
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-3
    assert abs(counts.mean() - lam) < 5 * np.sqrt(lam / u.size)


def test_the_event_bound_covers_every_rate_below_the_highest():
    """A PoissonGroup sizes its spike lists by the largest count at the largest draw."""
    group = eq.PoissonGroup(1, 1.0)
    top = 1.0 - 2.0 ** -53
    for highest in (0.0001, 0.01, 1.0, 20.0, 31.9, 40.0, 90.0, 3000.0):
        group.rate = highest * 1000.0 / 0.1
        bound = group._eq_events_per_neuron(0.1, 0, 1)
        lams = np.linspace(0, highest, 2000)
        assert randomness.poisson_count(np.full(lams.size, top), lams).max() <= bound


def test_poisson_in_a_model_is_the_inversion_of_its_uniform_draw():
    neuron = eq.Neuron("""
neuron Quanta:
    parameters:
        lam = 2.5
    equations:
        dv/dt = 0 : init = poisson(4.0)
    spike: poisson(lam) > 2
    reset: v += poisson(lam)
""")
    n, steps, seed = 400, 20, 99
    pop = eq.Population(neuron, n)
    net = eq.Network(pop, dt=1.0, seed=seed)
    index = np.arange(n)
    v = randomness.poisson_count(randomness.uniform(seed, 0, 0, randomness.INIT_STEP, index), 4.0)
    np.testing.assert_array_equal(pop.v, v)
    net.run(steps)
    for g in range(steps):
        fire = randomness.poisson_count(randomness.uniform(seed, 0, 0, g, index), 2.5) > 2
        v = np.where(fire, v + randomness.poisson_count(
            randomness.uniform(seed, 0, 1, g, index), 2.5), v)
    np.testing.assert_array_equal(pop.v, v)
    assert "poisson(lam) > 2" in str(neuron)


@pytest.mark.parametrize("text, message", [
    ("dv/dt = poisson()", "poisson\\(\\) takes 1 argument, not 0"),
    ("dv/dt = poisson(1, 2)", "poisson\\(\\) takes 1 argument, not 2"),
    ("dv/dt = -v + r\nr = poisson(1)", "derived variable"),
])
def test_poisson_errors(text, message):
    with pytest.raises(eq.ModelError, match=message):
        eq.Neuron(equations=text)


def _counts(monitor, n, steps, dt):
    """Events per (step, neuron), from a SpikeMonitor's (i, t)."""
    out = np.zeros((steps, n), dtype=np.int64)
    np.add.at(out, (np.rint(monitor.t / dt).astype(int) - 1, monitor.i), 1)
    return out


@pytest.mark.parametrize("rate", [2000.0, 50_000.0, 400_000.0])
def test_a_poisson_group_emits_the_reference_counts(rate):
    """Neuron i emits poisson_count(uniform(seed, population, 0, g, i), rate*dt/1000) events
    in step g, every one recorded (rate*dt/1000 = 0.2, 5 and 40 events per step)."""
    n, steps, dt, seed = 60, 300, 0.1, 5
    other = eq.Population(COUNTER, 3)             # the group is population 1: stream 1
    group = eq.PoissonGroup(n, rate)
    spikes = eq.SpikeMonitor(group)
    eq.Network(other, group, spikes, dt=dt, seed=seed).run(steps * dt)
    g, i = np.meshgrid(np.arange(steps), np.arange(n), indexing="ij")
    expected = randomness.poisson_count(randomness.uniform(seed, 1, 0, g, i), rate * dt / 1000)
    np.testing.assert_array_equal(_counts(spikes, n, steps, dt), expected)
    assert np.all(np.diff(spikes.t) >= 0)


def test_poisson_statistics_mean_fano_and_exponential_intervals():
    n, rate, duration, dt = 500, 20.0, 10_000.0, 0.05
    group = eq.PoissonGroup(n, rate)
    spikes = eq.SpikeMonitor(group)
    eq.Network(group, spikes, dt=dt, seed=17).run(duration)
    counts = np.bincount(spikes.i, minlength=n)
    expected = rate * duration / 1000.0                     # 200 events per neuron
    assert abs(counts.mean() - expected) < 4 * np.sqrt(expected / n)
    fano = counts.var(ddof=1) / counts.mean()
    assert abs(fano - 1.0) < 4 * np.sqrt(2.0 / (n - 1))
    intervals = np.concatenate([np.diff(spikes.t[spikes.i == k]) for k in range(100)])
    assert stats.kstest(intervals, "expon", args=(0, 1000.0 / rate)).pvalue > 1e-3
    counts_in_windows = np.histogram(spikes.t[spikes.i < 50], np.arange(0, duration + 1, 50.0))[0]
    assert abs(counts_in_windows.var() / counts_in_windows.mean() - 1.0) < 0.15


def test_per_neuron_rates_and_a_rate_that_follows_t():
    n, dt = 4, 0.1
    group = eq.PoissonGroup(n, [0.0, 100.0, 1000.0, 10_000.0])
    spikes = eq.SpikeMonitor(group)
    eq.Network(group, spikes, dt=dt, seed=1).run(2000.0)
    counts = np.bincount(spikes.i, minlength=n)
    expected = np.array([0.0, 200.0, 2000.0, 20000.0])
    assert counts[0] == 0
    assert np.all(np.abs(counts[1:] - expected[1:]) < 5 * np.sqrt(expected[1:]))

    ramp = eq.PoissonGroup(200, "100 + 0.9*t")      # Hz, t in ms: 100 .. 1000 Hz
    rates = eq.StateMonitor(ramp, "rate", record=[0])
    spikes = eq.SpikeMonitor(ramp)
    eq.Network(ramp, spikes, rates, dt=dt, seed=2).run(1000.0)
    np.testing.assert_allclose(rates.rate[:, 0], 100 + 0.9 * rates.t)
    observed = np.histogram(spikes.t, np.arange(0, 1001, 100.0))[0]
    centres = np.arange(50, 1000, 100.0)
    expected = 200 * (100 + 0.9 * centres) * 0.1       # 200 neurons, 100 ms windows
    assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected))


def _driven(source, w=1.0, delay=0.0, on_pre="v += w", synapses=None):
    post = eq.Population(COUNTER, 1 if synapses is None else synapses[1])
    proj = eq.Projection(source, post, on_pre=on_pre, w=w, delay=delay)
    if synapses is None:
        proj.connect(all_to_all=True)
    else:
        proj.connect(i=synapses[0], j=synapses[2])
    return post, proj


@pytest.mark.parametrize("delay", [0.0, 1.0, "per-synapse"])
def test_every_event_of_a_step_is_delivered(delay):
    """At 30 kHz (3 events per step on average) each event adds w to v, after its delay."""
    n, dt = 20, 0.1
    group = eq.PoissonGroup(n, 30_000.0)
    spikes = eq.SpikeMonitor(group)
    delays = np.arange(n) % 4 * 0.5 if delay == "per-synapse" else delay
    post, proj = _driven(group, delay=0.0)
    proj.delay = delays
    v = eq.StateMonitor(post, "v")
    net = eq.Network(group, post, proj, spikes, v, dt=dt, seed=4)
    net.run(20.0)
    net.run(10.0)                     # the spikes in flight survive the split
    arrival = spikes.t + (delays[spikes.i] if delay == "per-synapse" else delays)
    for k in range(0, v.t.size, 37):
        assert v.v[k, 0] == np.sum(arrival <= v.t[k] + 1e-9)
    assert post.v[0] == np.sum(arrival <= 30.0 + 1e-9)
    assert np.bincount(_counts(spikes, n, 300, dt).ravel()).size > 6


def test_each_event_of_one_step_has_its_own_draws():
    """Three events of neuron 0 in one step: on_pre `v += uniform()` draws 3 numbers,
    draw r of the r-th event (stream 2^31 + projection, step, synapse)."""
    source = eq.SpikeSource(1, i=[0, 0, 0, 0], t=[0.5, 0.5, 0.5, 0.8])
    post, proj = _driven(source, on_pre="v += uniform()")
    seed = 8
    eq.Network(source, post, proj, dt=0.1, seed=seed).run(1.0)
    stream = 2 ** 31
    draws = [randomness.uniform(seed, stream, r, 4, 0) for r in range(3)]
    expected = sum(draws) + randomness.uniform(seed, stream, 0, 7, 0)
    assert len(set(float(d) for d in draws)) == 3
    np.testing.assert_allclose(post.v[0], expected, rtol=1e-15)


def test_spike_source_times_round_to_step_ends_and_all_are_delivered():
    source = eq.SpikeSource(3, i=[2, 0, 0, 0, 1, 0], t=[0.3, 1.0, 1.04, 5.0, 2.0, 0.96])
    spikes = eq.SpikeMonitor(source)
    post, proj = _driven(source, synapses=([0, 1, 2], 3, [0, 1, 2]))
    v = eq.StateMonitor(post, "v")
    net = eq.Network(source, post, proj, spikes, v, dt=0.1)
    net.run(1.0)
    net.run(9.0)
    assert list(zip(spikes.i, np.round(spikes.t, 9))) == [
        (2, 0.3), (0, 1.0), (0, 1.0), (0, 1.0), (1, 2.0), (0, 5.0)]
    np.testing.assert_array_equal(post.v, [4.0, 1.0, 1.0])
    at = {round(t, 9): row for t, row in zip(v.t, v.v)}
    np.testing.assert_array_equal(at[0.9], [0, 0, 1])
    np.testing.assert_array_equal(at[1.0], [3, 0, 1])        # the state at t includes t
    np.testing.assert_array_equal(source.times, [0.96, 1.0, 1.04, 5.0, 2.0, 0.3])
    np.testing.assert_array_equal(source.indices, [0, 0, 0, 0, 1, 2])


def test_spike_sources_continue_across_networks_and_a_new_dt():
    source = eq.SpikeSource(2, i=[0, 1, 0, 1], t=[1.0, 2.0, 3.0, 3.5])
    first = eq.SpikeMonitor(source)
    net = eq.Network(source, first, dt=0.1)
    net.run(2.5)
    net.dt = 0.5
    net.run(1.5)
    second = eq.SpikeMonitor(source)
    eq.Network(source, second, dt=0.5).run(1.0)
    np.testing.assert_allclose(first.t, [1.0, 2.0, 3.0, 3.5])
    assert second.t.size == 0


def test_event_sources_drive_a_network_identically_on_threads_and_split_runs():
    lif = eq.load("lif")

    def run(threads, durations=(30.0,)):
        group = eq.PoissonGroup(1000, 5000.0)
        source = eq.SpikeSource(50, i=np.arange(50), t=np.linspace(1, 20, 50))
        pop = eq.Population(lif, 600)
        a = eq.Projection(group, pop, on_pre="v += w", w=0.8)
        a.connect(p=0.05, seed=3)
        b = eq.Projection(source, pop, on_pre="v += w", w=5.0, delay=1.0)
        b.connect(p=0.5, seed=4)
        spikes = eq.SpikeMonitor(pop)
        net = eq.Network(group, source, pop, a, b, spikes, dt=0.1, threads=threads, seed=21)
        for duration in durations:
            net.run(duration)
        return spikes.i.copy(), spikes.t.copy(), pop.v.copy()
    one = run(1)
    assert one[0].size > 100
    for other in (run(2), run(1, (10.3, 19.7)), run(2, (0.1, 29.9))):
        for x, y in zip(one, other):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("make, error, message", [
    (lambda: eq.PoissonGroup(3, -1.0), ValueError, "at least 0 Hz"),
    (lambda: eq.PoissonGroup(3, [1.0, np.nan, 2.0]), ValueError, "finite"),
    (lambda: eq.PoissonGroup(3, [1.0, 2.0]), ValueError, "3"),
    (lambda: eq.PoissonGroup(3, "x + t"), eq.ModelError, "unknown name 'x'"),
    (lambda: eq.PoissonGroup(3, "sum(exc) + t"), ValueError, "no inputs sum"),
    (lambda: eq.PoissonGroup(3, "10*uniform()"), eq.ModelError, "derived variable"),
    (lambda: eq.PoissonGroup(0, 1.0), ValueError, "at least one neuron"),
    (lambda: eq.SpikeSource(2, i=[0, 2], t=[1.0, 2.0]), IndexError, "out of range"),
    (lambda: eq.SpikeSource(2, i=[0, 1], t=[1.0]), ValueError, "one neuron index per time"),
    (lambda: eq.SpikeSource(2, i=[0.5], t=[1.0]), TypeError, "integer"),
    (lambda: eq.SpikeSource(2, i=[0], t=[np.inf]), ValueError, "finite"),
    (lambda: eq.SpikeSource(2, i="0", t=[1.0]), TypeError, "array"),
])
def test_bad_sources(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_errors_when_running_and_connecting_sources():
    early = eq.SpikeSource(1, i=[0], t=[0.04])
    with pytest.raises(ValueError, match="rounds to t = 0"):
        eq.Network(early, dt=0.1).run(1.0)
    falling = eq.PoissonGroup(2, "100 - t")
    net = eq.Network(falling, dt=1.0)
    net.run(99.0)
    with pytest.raises(ValueError, match="is -1 Hz at t = 101 ms"):
        net.run(5.0)
    group = eq.PoissonGroup(2, 5.0)
    with pytest.raises(ValueError, match="only emits spikes"):
        eq.Projection(eq.Population(COUNTER, 2), group, on_pre="v += w")
    with pytest.raises(ValueError, match="at least 0 Hz"):
        group.rate = [1.0, -2.0]
    with pytest.raises(ValueError, match="no variables to record; record its spikes with a "
                       "SpikeMonitor"):
        eq.StateMonitor(eq.SpikeSource(1, i=[0], t=[1.0]), "v")
