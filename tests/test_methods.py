"""Integration methods: exact solutions, measured convergence orders, automatic choice."""
import numpy as np
import pytest

import eqneuro as eq


def simulate(text, dt, duration, record=("v",), n=1, method=None, **values):
    neuron = eq.Neuron(text, method=method)
    pop = eq.Population(neuron, n)
    for name, value in values.items():
        setattr(pop, name, value)
    monitor = eq.StateMonitor(pop, list(record), record=list(range(n)))
    net = eq.Network(pop, monitor, dt=dt)
    net.run(duration)
    return pop, monitor


RATE = "parameters: tau = 10.0; I = 1.0\nequations: tau*dv/dt + v = I\n"


@pytest.mark.parametrize("tau", [1.0, 10.0, 37.5])
def test_exact_rate_step_response_matches_closed_form(tau):
    pop, mon = simulate(RATE, dt=0.1, duration=100.0, n=3, I=np.array([1.0, -2.0, 0.5]),
                        tau=tau)
    assert pop.neuron.method == "exact"
    t = mon.t[:, None]
    expected = np.array([1.0, -2.0, 0.5]) * (1 - np.exp(-t / tau))
    assert np.max(np.abs(mon.v - expected)) < 1e-9


def test_exact_lif_below_threshold_matches_exponential():
    lif = """
        parameters: C = 2.0; g_L = 0.1; V_L = -70; V_T = -50; V_r = -70; I = 1.5
        equations: C*dv/dt = -g_L*(v - V_L) + I : init = -70
        spike: v > V_T
        reset: v = V_r
    """
    pop, mon = simulate(lif, dt=0.5, duration=200.0)
    tau, v_inf = 2.0 / 0.1, -70 + 1.5 / 0.1
    expected = v_inf + (-70 - v_inf) * np.exp(-mon.t / tau)
    assert np.max(np.abs(mon.v[:, 0] - expected)) < 1e-9


def test_exact_linear_two_variable_system():
    text = """
        parameters: tau = 10.0; tau_s = 4.0; I = 1.0
        equations:
            tau * dv/dt = g - v + I
            tau_s * dg/dt = -g : init = 2.0
    """
    pop, mon = simulate(text, dt=0.25, duration=60.0, record=("v", "g"))
    assert pop.neuron.method == "exact"
    t = mon.t
    g = 2.0 * np.exp(-t / 4.0)
    # v' = (g - v + I)/tau with v(0) = 0: v = I(1 - e^{-t/tau}) + 2 tau_s/(tau_s - tau)... solved:
    a = 2.0 / 10.0 / (1 / 10.0 - 1 / 4.0)
    v = 1.0 * (1 - np.exp(-t / 10.0)) + a * (np.exp(-t / 4.0) - np.exp(-t / 10.0))
    assert np.max(np.abs(mon.g[:, 0] - g)) < 1e-9
    assert np.max(np.abs(mon.v[:, 0] - v)) < 1e-9


def test_exact_is_refused_for_a_non_linear_system():
    with pytest.raises(eq.ModelError, match="method 'exact' cannot integrate"):
        eq.Neuron("equations: dv/dt = -v^2", method="exact")


# A non-linear ODE with a known solution: logistic growth v' = v(1 - v), v(0) = 0.1,
# v(t) = 1/(1 + 9 exp(-t)), plus a time-dependent forcing to exercise stage times.
LOGISTIC = """
    equations:
        dv/dt = v*(1 - v) + cos(t) : init = 0.1
"""


# Linear in v with a time-varying coefficient (for exponential Euler): v(0) = 0.
VARYING = """
    equations:
        dv/dt = (1 + 0.5*sin(t)) * (2 - v) * exp(-t/3)
"""


def reference(rhs, v0, t):
    from scipy.integrate import solve_ivp
    solution = solve_ivp(rhs, (0, t[-1]), [v0], t_eval=t, rtol=1e-12, atol=1e-14,
                         method="DOP853")
    return solution.y[0]


def logistic(s, y):
    return y * (1 - y) + np.cos(s)


def varying(s, y):
    return (1 + 0.5 * np.sin(s)) * (2 - y) * np.exp(-s / 3)


@pytest.mark.parametrize("method, order, text, rhs, v0", [
    ("euler", 1, LOGISTIC, logistic, 0.1), ("midpoint", 2, LOGISTIC, logistic, 0.1),
    ("heun", 2, LOGISTIC, logistic, 0.1), ("rk4", 4, LOGISTIC, logistic, 0.1),
    ("implicit", 1, LOGISTIC, logistic, 0.1), ("exponential", 1, VARYING, varying, 0.0),
    ("implicit", 1, VARYING, varying, 0.0), ("rk4", 4, VARYING, varying, 0.0),
])
def test_measured_order_of_convergence(method, order, text, rhs, v0):
    errors = []
    base = 0.1 if order == 4 else 0.02   # rk4 reaches the reference's precision at small dt
    for dt in (base, base / 2, base / 4):
        _, mon = simulate(text, dt=dt, duration=2.0, method=method)
        expected = reference(rhs, v0, mon.t)
        errors.append(np.max(np.abs(mon.v[:, 0] - expected)))
    measured = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(measured - order) < 0.15), (method, errors, measured)


def test_exponential_euler_is_exact_for_linear_equations():
    _, mon = simulate(RATE, dt=1.0, duration=50.0, method="exponential")
    expected = 1 - np.exp(-mon.t / 10.0)
    assert np.max(np.abs(mon.v[:, 0] - expected)) < 1e-12


def test_implicit_backward_euler_on_linear_system_is_stable_for_stiff_steps():
    text = "parameters: tau = 0.01\nequations: tau*dv/dt = -v : init = 1\n"
    _, mon = simulate(text, dt=1.0, duration=5.0, method="implicit")
    expected = 1 / (1 + 1.0 / 0.01) ** np.arange(5)
    assert np.allclose(mon.v[:, 0], expected, rtol=1e-12)


@pytest.mark.parametrize("text, expected", [
    (RATE, "exact"),
    ("parameters: I = 1\nequations:\n    dn/dt = (1 - n)*exp(v/10) - n\n"
     "    dv/dt = n*(50 - v) - v + I\n", "rk4"),       # linear in each own variable: not exact
    ("equations: dv/dt = 0.04*v^2 + 5*v + 140", "rk4"),
])
def test_automatic_choice(text, expected):
    neuron = eq.Neuron(text)
    assert neuron.method == expected
    assert f"method: {expected}" in str(neuron)


def test_requested_method_is_used_and_shown():
    neuron = eq.Neuron(RATE + "method: heun\n")
    assert neuron.method == "heun" and "method: heun" in str(neuron)
    assert eq.Neuron(RATE, method="rk4").method == "rk4"


@pytest.mark.parametrize("tau1, tau2", [(10.0, 10.0), (5.0, 10.0), (10.0, 10.0 + 1e-9),
                                        (10.0, 10.001)])
def test_exact_two_variable_cascade_for_every_pair_of_time_constants(tau1, tau2):
    from scipy.linalg import expm
    text = """
        parameters: tau1 = 10.0; tau2 = 10.0
        equations:
            dx/dt = -x/tau1 : init = 1
            dy/dt = (x - y)/tau2
    """
    neuron = eq.Neuron(text)
    assert neuron.method == "exact"
    pop = eq.Population(neuron, 1)
    pop.tau1, pop.tau2 = tau1, tau2
    eq.Network(pop, dt=0.1).run(10.0)
    expected = expm(np.array([[-1 / tau1, 0], [1 / tau2, -1 / tau2]]) * 10.0) @ [1.0, 0.0]
    np.testing.assert_allclose([pop.x[0], pop.y[0]], expected, rtol=1e-9)


@pytest.mark.parametrize("text, matrix", [
    ("parameters: tau = 10.0; tau_w = 100.0; a = 0.5; I = 20.0\n"
     "equations:\n    tau * dv/dt = -v - w + I : init = 1\n    tau_w * dw/dt = a * v - w\n",
     [[-0.1, -0.1, 2.0], [0.005, -0.01, 0.0], [0, 0, 0]]),
    ("equations:\n    dx/dt = -1*x + y : init = 1\n    dy/dt = -2*y + z\n    dz/dt = -3*z + x\n",
     [[-1, 1, 0, 0], [0, -2, 1, 0], [1, 0, -3, 0], [0, 0, 0, 0]]),
])
def test_systems_coupled_both_ways_are_integrated_exactly(text, matrix):
    """A matrix exponential per run (SciPy), chosen at once without a SymPy hang."""
    from scipy.linalg import expm
    neuron = eq.Neuron(text)
    assert neuron.method == "exact"
    pop = eq.Population(neuron, 1)
    eq.Network(pop, dt=0.5).run(20.0)
    start = np.zeros(len(matrix)); start[0], start[-1] = 1.0, 1.0
    expected = expm(np.array(matrix, dtype=float) * 20.0) @ start
    got = [getattr(pop, name)[0] for name in neuron.variables]
    np.testing.assert_allclose(got, expected[:-1], rtol=1e-10)
