"""White noise xi in differential equations: Euler-Maruyama, Milstein and the exact
Ornstein-Uhlenbeck update against NumPy loops on the generator's reference draws, the
stationary variance of an OU process, geometric Brownian motion's log-normal law, and the
methods that cannot take noise."""
import numpy as np
import pytest

import eqneuro as eq
from eqneuro import randomness

OU = """
neuron OU:
    parameters:
        tau = 5.0 : shared
        s = 0.5 : shared
    equations: dv/dt = -v/tau + s*xi
"""


def ou(method):
    return eq.Neuron(OU, method=method)


@pytest.mark.parametrize("method", ["euler", "exact"])
def test_one_noise_draw_per_neuron_and_step_as_a_numpy_loop(method):
    n, steps, dt, seed = 64, 200, 0.1, 31
    pop = eq.Population(ou(method), n)
    eq.Network(pop, dt=dt, seed=seed).run(steps * dt)
    v, index = np.zeros(n), np.arange(n)
    a = np.exp(-dt / 5.0)
    for g in range(steps):
        x = randomness.normal(seed, 0, 0, g, index)       # the only draw: number 0
        if method == "euler":
            v = v - dt * v / 5.0 + 0.5 * np.sqrt(dt) * x
        else:
            v = a * v + 0.5 * np.sqrt(5.0 * (1 - a * a) / 2) * x
    np.testing.assert_allclose(pop.v, v, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("method, dt", [("exact", 0.1), ("exact", 0.01), ("euler", 0.1),
                                        ("euler", 0.01)])
def test_the_stationary_variance_of_an_ou_process(method, dt):
    """dv = -v/tau dt + s dW has variance s^2 tau / 2 (Euler-Maruyama: s^2 tau/(2 - dt/tau))."""
    pop = eq.Population(ou(method), 3000)
    eq.Network(pop, dt=dt, seed=4).run(30.0)                 # six time constants
    samples = eq.StateMonitor(pop, "v", dt=10.0)
    eq.Network(pop, samples, dt=dt, seed=5).run(150.0)
    variance = samples.v.var()
    assert variance == pytest.approx(0.25 * 5.0 / 2, rel=0.03)
    assert abs(samples.v.mean()) < 5 * np.sqrt(variance / samples.v.size)


def test_geometric_brownian_motion_is_log_normal_with_milstein():
    """dX = mu X dt + sigma X dW: log X(T) ~ N((mu - sigma^2/2) T, sigma^2 T) (Ito)."""
    gbm = eq.Neuron("""
neuron GBM:
    parameters:
        mu = 0.05 : shared
        sigma = 0.3 : shared
    equations: dx/dt = mu*x + sigma*x*xi : init = 1.0
""")
    assert gbm.method == "milstein"
    pop = eq.Population(gbm, 20000)
    eq.Network(pop, dt=0.01, seed=9).run(10.0)
    logs = np.log(pop.x)
    assert logs.mean() == pytest.approx((0.05 - 0.045) * 10.0, abs=4 * np.sqrt(0.9 / 20000))
    assert logs.var() == pytest.approx(0.09 * 10.0, rel=0.04)


def test_milstein_adds_the_ito_correction_to_euler_maruyama():
    text = "equations: dx/dt = 0.1*x*xi : init = 1.0"
    n, dt, seed = 50, 0.5, 77
    result = {}
    for method in ("euler", "milstein"):
        pop = eq.Population(eq.Neuron(text, method=method), n)
        eq.Network(pop, dt=dt, seed=seed).run(dt)
        result[method] = pop.x
    dw = np.sqrt(dt) * randomness.normal(seed, 0, 0, 0, np.arange(n))
    np.testing.assert_allclose(result["euler"], 1.0 + 0.1 * dw, rtol=1e-14)
    np.testing.assert_allclose(result["milstein"], 1.0 + 0.1 * dw + 0.5 * 0.01 * (dw**2 - dt),
                               rtol=1e-14)


def test_the_automatic_choice_and_the_methods_that_take_noise():
    assert ou(None).method == "exact"
    coupled = "equations:\n    dI/dt = -I/5.0 + 0.2*xi\n    dv/dt = (-v + I)/10.0"
    assert eq.Neuron(coupled).method == "exact"                 # additive: Van Loan
    assert eq.Neuron(coupled, method="euler").method == "euler"
    multiplicative = "equations: dx/dt = -x + 0.1*x*xi"
    assert eq.Neuron(multiplicative).method == "milstein"
    for method in ("rk4", "midpoint", "heun", "exponential", "implicit"):
        with pytest.raises(eq.ModelError) as error:
            eq.Neuron(OU, method=method)
        assert "with white noise (xi) use euler" in str(error.value)
    with pytest.raises(eq.ModelError, match="additive noise"):
        eq.Neuron(multiplicative, method="exact")
    with pytest.raises(eq.ModelError, match="milstein needs each noise in one equation"):
        eq.Neuron("equations:\n    da/dt = a*xi\n    db/dt = b*xi", method="milstein")


def test_two_noises_are_independent_and_one_noise_is_shared():
    text = """
equations:
    da/dt = xi_1
    db/dt = xi_2
    dc/dt = xi_1
method: euler
"""
    pop = eq.Population(eq.Neuron(text), 20000)
    eq.Network(pop, dt=1.0, seed=3).run(1.0)
    np.testing.assert_array_equal(pop.a, pop.c)
    assert abs(np.corrcoef(pop.a, pop.b)[0, 1]) < 5 / np.sqrt(20000)


@pytest.mark.parametrize("text, message", [
    ("equations: dv/dt = -v + exp(xi)", "the noise xi must enter dv/dt linearly"),
    ("equations: dv/dt = -v + xi*xi", "the noise xi must enter dv/dt linearly"),
    ("equations:\n    dv/dt = -v\n    r = v + xi", "white noise xi (and xi_<name>) may appear "
     "only in differential equations"),
    ("equations: dv/dt = -v\nspike: v > xi", "only in differential equations"),
])
def test_noise_mistakes_are_model_errors(text, message):
    with pytest.raises(eq.ModelError) as error:
        eq.Neuron(text)
    assert message in str(error.value)


def test_a_declared_xi_is_the_users_own_name():
    pop = eq.Population(eq.Neuron("parameters: xi = 2.0\nequations: dv/dt = xi\n"
                                  "method: euler"), 3)
    eq.Network(pop, dt=0.1).run(1.0)
    np.testing.assert_allclose(pop.v, 2.0)


CASCADE = """
neuron NoisyCurrent:
    parameters:
        tau_s = 5.0 : shared
        tau = 10.0 : shared
    equations:
        dI/dt = -I/tau_s + 0.3*xi
        dv/dt = (-v + I)/tau
    method: exact
"""


def _van_loan_factor(m, gg, dt):
    from scipy.linalg import expm
    n = len(m)
    c = np.zeros((2 * n, 2 * n))
    c[:n, :n], c[:n, n:], c[n:, n:] = -m * dt, gg * dt, m.T * dt
    f = expm(c)
    covariance = f[n:, n:].T @ f[:n, n:]
    values, vectors = np.linalg.eigh((covariance + covariance.T) / 2)
    return vectors * np.sqrt(np.clip(values, 0, None)) @ vectors.T, covariance


def test_exact_noise_of_a_coupled_linear_system_as_a_numpy_loop():
    """x(t+dt) = P x + L N with P = expm(M dt) and L L^T Van Loan's covariance; the
    draws N_0, N_1 are the population's draws 0 and 1."""
    from scipy.linalg import expm
    n, steps, dt, seed = 100, 60, 0.5, 8
    pop = eq.Population(eq.Neuron(CASCADE), n)
    eq.Network(pop, dt=dt, seed=seed).run(steps * dt)
    m = np.array([[-1 / 5.0, 0.0], [1 / 10.0, -1 / 10.0]])
    g = np.array([[0.3], [0.0]])
    p = expm(m * dt)
    factor, _ = _van_loan_factor(m, g @ g.T, dt)
    x, index = np.zeros((2, n)), np.arange(n)
    for step in range(steps):
        draws = np.vstack([randomness.normal(seed, 0, k, step, index) for k in (0, 1)])
        x = p @ x + factor @ draws
    np.testing.assert_allclose(pop.I, x[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(pop.v, x[1], rtol=1e-10, atol=1e-12)


def test_the_stationary_covariance_of_a_coupled_system_at_a_large_step():
    """The Lyapunov equation M S + S M^T + G G^T = 0 gives the stationary covariance; the
    exact update keeps it at dt = 2 ms (a fifth of tau), where Euler-Maruyama is 10 % off."""
    from scipy.linalg import solve_continuous_lyapunov
    m = np.array([[-1 / 5.0, 0.0], [1 / 10.0, -1 / 10.0]])
    expected = solve_continuous_lyapunov(m, -np.array([[0.09, 0.0], [0.0, 0.0]]))
    pop = eq.Population(eq.Neuron(CASCADE), 40000)
    eq.Network(pop, dt=2.0, seed=12).run(200.0)          # 20 tau of v: stationary
    measured = np.cov(np.vstack([pop.I, pop.v]))
    np.testing.assert_allclose(measured, expected, rtol=0.04)


def test_exact_noise_with_a_refractory_hold_is_the_same_on_two_threads():
    lif = eq.Neuron("""
neuron NoisyCurrentLIF:
    parameters:
        tau_s = 5.0 : shared
        tau = 10.0 : shared
    equations:
        dI/dt = -I/tau_s + 1.0*xi
        tau * dv/dt = -v + 1.1 + I
    spike: v > 1.0
    reset: v = 0.0
    refractory: 2.0
""")
    assert lif.method == "exact"

    def run(threads):
        pop = eq.Population(lif, 700)
        spikes = eq.SpikeMonitor(pop)
        trace = eq.StateMonitor(pop, ["v", "I"], record=[0, 1, 2, 3])
        eq.Network(pop, spikes, trace, dt=0.1, threads=threads, seed=5).run(100.0)
        return [spikes.i.copy(), spikes.t.copy(), pop.v.copy(), pop.I.copy(), trace]
    one, two = run(1), run(2)
    trace = one.pop()
    two.pop()
    for k in range(4):               # held at the reset value while I keeps its noise
        for step in np.rint(one[1][one[0] == k] / 0.1).astype(int):
            held = trace.v[step:step + 20, k]
            assert np.all(held == 0.0)
            assert np.unique(trace.I[step:step + 20, k]).size == min(20, len(held))
    assert len(one[0]) > 500
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    t = np.rint(one[1] / 0.1).astype(int)
    gaps = np.concatenate([np.diff(t[one[0] == k]) for k in np.unique(one[0])])
    assert gaps.size > 100 and gaps.min() > 20   # v held (without noise) while refractory
