"""Plastic synapses: per-synapse variables integrated between events in closed form,
on_post after the step's deliveries. The STDP window against its closed form, a random
plastic network against an event-by-event NumPy reference (threads 1 and 2, split runs),
reading and recording the variables between events, bounds, and the errors."""
import numpy as np
import pytest

import eqneuro as eq

STDP = eq.load("stdp")
A_PLUS, A_MINUS, TAU = 0.005, 0.00525, 20.0

TIMED = eq.Neuron("""
neuron Timed:
    parameters: t_post = 0.0
    equations: dg_exc/dt = 0
    spike: abs(t - t_post) < 0.5*dt
""")

REGULAR = eq.Neuron("""
neuron Regular:
    parameters: rate = 0.05
    equations:
        dv/dt = rate : init = 0.0
        dg_exc/dt = 0
    spike: v > 1
    reset: v = 0
""")


def test_the_stdp_window_is_the_closed_form():
    """One pre spike at 100 ms and one post spike at 100 + dt for dt in [-50, 50] ms: w
    changes by A+ w_max exp(-dt/tau) after, by -A- w_max exp(dt/tau) before (to 1e-9);
    in the same step on_pre runs first (potentiation)."""
    lags = np.arange(-50.0, 50.01, 2.5)
    n, t0 = len(lags), 100.0
    pre = eq.SpikeSource(n, i=np.arange(n), t=np.full(n, t0))
    post = eq.Population(TIMED, n)
    post.t_post = t0 + lags
    proj = eq.Projection(pre, post, synapse=STDP)
    proj.connect(one_to_one=True)
    eq.Network(pre, post, proj, dt=0.1).run(200.0)
    expected = np.where(lags >= 0, A_PLUS * np.exp(-lags / TAU), -A_MINUS * np.exp(lags / TAU))
    np.testing.assert_allclose(proj.w - 0.5, expected, rtol=0, atol=1e-9)
    assert np.all(np.sign(proj.w - 0.5) == np.where(lags >= 0, 1, -1))


def _reference(pre_steps, post_steps, synapses, delays, dt, steps, w0, tau_minus=TAU):
    """Each synapse event by event, in the kernel's order within a step: on_pre of the
    spikes whose delay ends, then on_post; traces decay in closed form between."""
    pre_of, post_of = synapses
    w = np.full(len(pre_of), w0)
    x, y, last = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    arrivals = {}
    for step, neuron in pre_steps:
        for k in np.flatnonzero(pre_of == neuron):
            arrivals.setdefault(step + delays[k], []).append(k)
    posts = {}
    for step, neuron in post_steps:
        posts.setdefault(step, []).append(neuron)
    for e in range(1, steps + 1):
        t = e * dt
        for k in arrivals.get(e, []):
            D = t - last[k]
            x[k] *= np.exp(-D / TAU)
            y[k] *= np.exp(-D / tau_minus)
            x[k] += A_PLUS
            w[k] = min(1.0, max(0.0, w[k] - y[k]))
            last[k] = t
        for neuron in posts.get(e, []):
            for k in np.flatnonzero(post_of == neuron):
                D = t - last[k]
                x[k] *= np.exp(-D / TAU)
                y[k] *= np.exp(-D / tau_minus)
                y[k] += A_MINUS
                w[k] = min(1.0, max(0.0, w[k] + x[k]))
                last[k] = t
    return w, x, y, last


@pytest.mark.parametrize("threads, durations, tau_minus", [
    (1, (300.0,), TAU), (2, (300.0,), TAU), (1, (123.4, 176.6), TAU),
    (2, (123.4, 176.6), 33.0)])     # the kernel shares exp(-D/tau) only while the taus agree
def test_a_random_plastic_network_equals_an_event_by_event_reference(threads, durations,
                                                                     tau_minus):
    rng = np.random.default_rng(5)
    n_pre, n_post, dt = 40, 30, 0.1
    times = rng.uniform(1.0, 300.0, 600)
    source = eq.SpikeSource(n_pre, i=rng.integers(0, n_pre, 600), t=times)
    post = eq.Population(REGULAR, n_post)
    post.rate = rng.uniform(0.01, 0.08, n_post)       # regular post spikes, 10-80 Hz
    proj = eq.Projection(source, post, synapse=STDP)
    proj.connect(p=0.3, seed=2)
    proj.delay = rng.integers(0, 30, len(proj)) * dt
    proj.tau_minus = tau_minus
    pre_spikes, post_spikes = eq.SpikeMonitor(source), eq.SpikeMonitor(post)
    net = eq.Network(source, post, proj, pre_spikes, post_spikes, dt=dt, threads=threads)
    for duration in durations:
        net.run(duration)
    steps = int(round(300.0 / dt))
    w, x, y, last = _reference(
        list(zip(np.rint(pre_spikes.t / dt).astype(int), pre_spikes.i)),
        list(zip(np.rint(post_spikes.t / dt).astype(int), post_spikes.i)),
        (proj.i, proj.j), np.rint(proj.delay / dt).astype(int), dt, steps, 0.5, tau_minus)
    assert post_spikes.t.size > 100 and np.ptp(w) > 0.01
    np.testing.assert_allclose(proj.w, w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(proj.x, x * np.exp(-(300.0 - last) / TAU), rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(proj.y, y * np.exp(-(300.0 - last) / tau_minus), rtol=1e-12,
                               atol=1e-15)


def test_variables_read_between_events_and_recorded_are_at_their_time():
    pre = eq.SpikeSource(1, i=[0, 0], t=[10.0, 30.0])
    post = eq.Population(TIMED, 1)
    post.t_post = -1.0
    proj = eq.Projection(pre, post, synapse=STDP)
    proj.connect(one_to_one=True)
    trace = eq.StateMonitor(proj, "x", record=[0])
    net = eq.Network(pre, post, proj, trace, dt=0.1)
    net.run(20.0)
    np.testing.assert_allclose(proj.x, A_PLUS * np.exp(-10.0 / TAU), rtol=1e-12)
    net.run(30.0)
    t = trace.t
    expected = np.where(t < 10.0 - 1e-9, 0.0, A_PLUS * np.exp(-(t - 10.0) / TAU))
    expected = np.where(t >= 30.0 - 1e-9,
                        (A_PLUS * np.exp(-20.0 / TAU) + A_PLUS) * np.exp(-(t - 30.0) / TAU),
                        expected)
    np.testing.assert_allclose(trace.x[:, 0], expected, rtol=1e-12, atol=1e-18)
    proj.x = 0.25                                    # from now on
    net.run(20.0)
    np.testing.assert_allclose(proj.x, 0.25 * np.exp(-20.0 / TAU), rtol=1e-12)


def test_bounds_hold_and_drive_terms_integrate_exactly():
    recovering = eq.Synapse("""
synapse Recovering:
    parameters:
        tau_d = 50.0 : shared
        U = 0.5 : shared
    equations:
        tau_d * dr/dt = 1 - r : init = 1.0, min = 0.0, max = 1.0
    on_pre:
        g_exc += w * U * r
        r -= 0.8
""")
    pre = eq.SpikeSource(1, i=[0, 0, 0], t=[10.0, 12.0, 14.0])
    post = eq.Population(TIMED, 1)
    post.t_post = -1.0
    proj = eq.Projection(pre, post, synapse=recovering)
    proj.connect(one_to_one=True)
    eq.Network(pre, post, proj, dt=0.1).run(100.0)
    r, g, last = 1.0, 0.0, 0.0
    for t in (10.0, 12.0, 14.0):
        r = 1.0 - (1.0 - r) * np.exp(-(t - last) / 50.0)
        g += 0.5 * r
        r, last = max(r - 0.8, 0.0), t
    np.testing.assert_allclose(post.g_exc, g, rtol=1e-12)
    np.testing.assert_allclose(proj.r, 1.0 - (1.0 - r) * np.exp(-86.0 / 50.0), rtol=1e-12)
    assert r == 0.0                                   # the third spike hit the bound


def test_stdp_keeps_weights_within_their_bounds():
    rng = np.random.default_rng(1)
    source = eq.SpikeSource(50, i=rng.integers(0, 50, 3000), t=rng.uniform(1, 500, 3000))
    post = eq.Population(REGULAR, 10)
    post.rate = 0.1
    proj = eq.Projection(source, post, synapse=STDP, w=0.5)
    proj.connect(all_to_all=True)
    proj.A_plus, proj.A_minus = 0.6, 0.6          # every pairing reaches a bound
    trace = eq.StateMonitor(proj, "w", record=np.arange(0, 500, 7))
    eq.Network(source, post, proj, trace, dt=0.1).run(500.0)
    assert trace.w.min() == 0.0 and trace.w.max() == 1.0
    assert 0.0 <= proj.w.min() and proj.w.max() <= 1.0


def _amplitudes(synapse, train, **parameters):
    """The jumps of the post g_exc at each spike of a presynaptic train."""
    pre = eq.SpikeSource(1, i=np.zeros(len(train), dtype=int), t=train)
    post = eq.Population(TIMED, 1)
    post.t_post = -1.0
    proj = eq.Projection(pre, post, synapse=synapse)
    proj.connect(one_to_one=True)
    for name, value in parameters.items():
        setattr(proj, name, value)
    trace = eq.StateMonitor(post, "g_exc")
    eq.Network(pre, post, proj, trace, dt=0.1).run(float(train[-1]) + 1.0)
    g = np.append(trace.g_exc[:, 0], post.g_exc[0])
    steps = np.rint(np.asarray(train) / 0.1).astype(int)
    return g[steps] - g[steps - 1]


@pytest.mark.parametrize("U, tau_d, tau_f", [(0.5, 800.0, 10.0), (0.15, 100.0, 1000.0)])
def test_tsodyks_markram_follows_its_recurrence(U, tau_d, tau_f):
    """A 20 Hz train of 10 spikes then one 500 ms later: u_n x_n of the recurrence
    x <- 1 - (1 - x) e^(-D/tau_d), u <- U + (u - U) e^(-D/tau_f); release u x; x -= u x;
    u += U (1 - u). Depressing: the amplitudes fall; facilitating: they first rise."""
    train = np.append(50.0 + 50.0 * np.arange(10), 1000.0)
    got = _amplitudes(eq.load("tsodyks_markram"), train, U=U, tau_d=tau_d, tau_f=tau_f)
    x, u, last, expected = 1.0, U, 0.0, []
    for t in train:
        x = 1.0 - (1.0 - x) * np.exp(-(t - last) / tau_d)
        u = U + (u - U) * np.exp(-(t - last) / tau_f)
        expected.append(u * x)
        x -= u * x
        u += U * (1.0 - u)
        last = t
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    if tau_f < tau_d:
        assert np.all(np.diff(got[:10]) < 0) and got[0] == pytest.approx(U)
    else:
        assert got[1] > got[0] and got[-1] > got[9]


def test_triplet_stdp_uses_the_slow_traces_from_before_each_spike():
    """pre 10 ms, post 20 and 30 ms, pre 45 ms (Pfister & Gerstner 2006, all-to-all)."""
    p = dict(tp=16.8, tm=33.7, tx=101.0, ty=125.0, a2p=5e-10, a3p=6.2e-3, a2m=7e-3,
             a3m=2.3e-4)
    events = [(10.0, "pre"), (20.0, "post"), (30.0, "post"), (45.0, "pre")]
    pre = eq.SpikeSource(1, i=[0, 0], t=[10.0, 45.0])
    post = eq.Population(REGULAR, 1)
    post.rate = 0.0
    post.v = 0.0
    proj = eq.Projection(pre, post, synapse=eq.load("triplet"))
    proj.connect(one_to_one=True)
    forced = eq.Projection(eq.SpikeSource(1, i=[0, 0], t=[19.9, 29.9]), post,
                           on_pre="v += 2.0")        # the post neuron fires one step later
    forced.connect(one_to_one=True)
    post_spikes = eq.SpikeMonitor(post)
    eq.Network(pre, post, proj, forced, forced.pre, post_spikes, dt=0.1).run(60.0)
    np.testing.assert_allclose(post_spikes.t, [20.0, 30.0])
    w, r1, r2, o1, o2, last = 0.5, 0.0, 0.0, 0.0, 0.0, 0.0
    for t, kind in events:
        D = t - last
        r1 *= np.exp(-D / p["tp"]); r2 *= np.exp(-D / p["tx"])
        o1 *= np.exp(-D / p["tm"]); o2 *= np.exp(-D / p["ty"])
        if kind == "pre":
            w -= o1 * (p["a2m"] + p["a3m"] * r2)
            r1 += 1.0; r2 += 1.0
        else:
            w += r1 * (p["a2p"] + p["a3p"] * o2)
            o1 += 1.0; o2 += 1.0
        last = t
    np.testing.assert_allclose(proj.w, w, rtol=0, atol=1e-13)
    assert w != pytest.approx(0.5, abs=1e-4)


def test_static_synapses_keep_no_update_times():
    pop = eq.Population(TIMED, 100)
    proj = eq.Projection(pop, pop, target="exc")
    proj.connect(all_to_all=True)
    assert proj._last.size == 0 and proj._fresh.size == 0
    plastic = eq.Projection(pop, pop, synapse=STDP)
    plastic.connect(all_to_all=True)
    assert plastic._last.size == len(plastic)


PRE_RAMP = eq.Neuron("""
neuron Ramp:
    parameters: f = 0.01
    equations: dv/dt = f
    spike: v > 0.3
    reset: v = 0
""")


@pytest.mark.parametrize("delays", [False, True])
def test_every_step_variables_follow_forward_euler_from_the_state_at_t(delays):
    """tau dx/dt = -x + v_pre (flagged every_step): x_k += dt*(-x_k + v_pre(t))/tau each
    step, for every synapse (also with per-synapse delays, whose rows the kernel groups)."""
    every = eq.Synapse("""
parameters:
    tau = 10.0 : shared
equations:
    tau * dx/dt = -x + v_pre : every_step, init = 1.0, max = 1.0
on_pre: g_exc += w * x
""")
    pre = eq.Population(PRE_RAMP, 3)
    pre.f = [0.01, 0.02, 0.03]
    post = eq.Population(TIMED, 2)
    post.t_post = -1.0
    proj = eq.Projection(pre, post, synapse=every)
    proj.connect(all_to_all=True)
    if delays:
        proj.delay = [0.0, 0.5, 1.0, 0.0, 0.2, 0.3]
    trace = eq.StateMonitor(proj, "x", record=[0, 5])
    net = eq.Network(pre, post, proj, trace, dt=0.1)
    net.run(20.0)
    net.run(10.0)
    dt, f = 0.1, np.array([0.01, 0.02, 0.03])
    x, v, samples = np.ones(6), np.zeros(3), []
    for _ in range(300):
        samples.append(x[[0, 5]].copy())
        x = np.minimum(x + dt * (-x + v[proj.i]) / 10.0, 1.0)
        v = v + dt * f
        v = np.where(v > 0.3, 0.0, v)
    np.testing.assert_allclose(proj.x, x, rtol=1e-12)
    np.testing.assert_allclose(trace.x, np.array(samples), rtol=1e-12)
    proj.x = 0.5
    np.testing.assert_array_equal(proj.x, 0.5)


def test_every_step_errors():
    with pytest.raises(eq.ModelError, match="flag it ': every_step'"):
        eq.Synapse("equations: dx/dt = -x + v_post\non_pre: g_exc += w")
    with pytest.raises(eq.ModelError, match="'y' is integrated between events"):
        eq.Synapse("equations:\n    dy/dt = -y\n    dx/dt = y : every_step\n"
                   "on_pre: g_exc += w")


def test_on_post_rows_are_made_once_and_again_after_new_synapses():
    pre = eq.SpikeSource(2, i=[0, 1], t=[5.0, 6.0])
    post = eq.Population(REGULAR, 2)
    post.rate = 0.5
    proj = eq.Projection(pre, post, synapse=STDP)
    proj.connect(i=[0], j=[1])
    net = eq.Network(pre, post, proj, dt=0.1)
    net.run(10.0)
    rows = proj._eq_cache["post rows"][1]
    net.run(10.0)
    assert proj._eq_cache["post rows"][1] is rows              # reused by the next run
    proj.connect(i=[1], j=[0])
    proj.delay = [0.0, 1.0]                                      # per-synapse: new order
    net.run(10.0)
    assert proj._eq_cache["post rows"][1] is not rows
    np.testing.assert_array_equal(proj._eq_cache["post rows"][1][0], [0, 1, 2])


def test_on_post_changes_to_a_homogeneous_weight_persist():
    """A weight that only on_post changes is kept per synapse (one stored value would be
    copied into the kernel and the changes lost; this failed before)."""
    grow = eq.Synapse("on_pre: g_exc += w\non_post: w += 0.25")
    pre = eq.SpikeSource(1, i=[0], t=[1.0])
    post = eq.Population(REGULAR, 2)
    post.rate = [0.5, 0.0]                       # neuron 0 fires every 2.1 ms or so
    proj = eq.Projection(pre, post, synapse=grow, w=1.0)
    proj.connect(all_to_all=True)
    spikes = eq.SpikeMonitor(post)
    eq.Network(pre, post, proj, spikes, dt=0.1).run(10.0)
    fired = np.bincount(spikes.i, minlength=2)
    np.testing.assert_allclose(proj.w, 1.0 + 0.25 * fired)
    assert fired[0] > 2 and fired[1] == 0


def test_on_post_draws_once_per_synapse_and_post_spike():
    """The projection's stream, numbered after on_pre's draws, the element the synapse."""
    from eqneuro import randomness
    noisy = eq.Synapse("on_pre: g_exc += w * uniform()\non_post: w += normal(0, 0.1)")
    pre = eq.SpikeSource(1, i=[0], t=[1.0])
    post = eq.Population(REGULAR, 3)
    post.rate = [0.5, 0.0, 0.2]
    proj = eq.Projection(pre, post, synapse=noisy, w=1.0)
    proj.connect(all_to_all=True)
    spikes = eq.SpikeMonitor(post)
    eq.Network(pre, post, proj, spikes, dt=0.1, seed=9).run(10.0)
    expected = np.ones(3)
    for step, k in zip(np.rint(spikes.t / 0.1).astype(int), spikes.i):
        expected[k] += 0.1 * randomness.normal(9, 2 ** 31, 1, step - 1, k)
    np.testing.assert_allclose(proj.w, expected, rtol=1e-14)
    assert len(set(np.round(proj.w, 12))) == 3


def test_the_keyword_form_of_a_plastic_projection():
    pre = eq.SpikeSource(1, i=[0], t=[1.0])
    post = eq.Population(REGULAR, 1)
    post.rate = 0.5
    proj = eq.Projection(pre, post, equations="20 * dx/dt = -x", on_pre="x += 1",
                         on_post="w += 0.1 * x", w=1.0)
    proj.connect(one_to_one=True)
    assert proj.synapse.info.state_names == ("x",)
    with pytest.raises(TypeError, match="either synapse= or its sections"):
        eq.Projection(pre, post, synapse=STDP, on_post="w += 1")


def test_designs_synapse_example_reads_its_changed_weight_in_the_psp():
    """DESIGN.md's STDP synapse has a psp that reads w, which on_post changes: the psp
    sums the weight as it is now (before, a ModelError refused the model)."""
    design = eq.Synapse("""
synapse STDP:
    parameters:
        w = 0.5
        tau_plus = 20.0 : shared
        A_plus = 0.01 : shared
    equations:
        tau_plus * dx/dt = -x
    on_pre:
        g_exc += w
        x += A_plus
    on_post:
        w = clip(w + x, 0, 1)
    psp: w * r_pre
""")
    cell = eq.Neuron("""
parameters: t_post = 0.0
equations:
    dg_exc/dt = 0
    dv/dt = sum(exc) : init = 0
    r = 1.0 + 0*v
spike: abs(t - t_post) < 0.5*dt
""")
    pre, post = eq.Population(cell, 1), eq.Population(cell, 1)
    pre.t_post, post.t_post = 10.0, 20.0
    proj = eq.Projection(pre, post, target="exc", synapse=design)
    proj.connect(one_to_one=True)
    eq.Network(pre, post, proj, dt=0.1).run(40.0)
    w = 0.5 + 0.01 * np.exp(-10.0 / 20.0)            # potentiated at 20 ms
    np.testing.assert_allclose(proj.w, w, rtol=1e-12)
    np.testing.assert_allclose(post.v, 0.5 * 20.0 + w * 20.0, rtol=1e-9)
