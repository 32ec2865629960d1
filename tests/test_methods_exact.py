"""Exact integration of every linear constant-coefficient system (matrix exponentials per
run), the automatic choice (never below rk4 when not exact), and method errors whose hint
names exactly the methods that work."""
import re

import numpy as np
import pytest
from scipy.linalg import expm

import eqneuro as eq

pytestmark = pytest.mark.compiler

TWO_PI = 6.283185307179586


def _run(neuron, duration, dt, **values):
    pop = eq.Population(neuron, 1)
    for name, value in values.items():
        setattr(pop, name, value)
    eq.Network(pop, dt=dt).run(duration)
    return pop


def test_damped_resonator_at_40_hz_keeps_its_amplitude():
    """Forward Euler (the old automatic choice) ended at 2.6x the true amplitude."""
    neuron = eq.Neuron("""
        parameters: b = -0.002; w = 0.25132741228718347     # 40 Hz in rad/ms
        equations:
            dx/dt = b*x - w*y : init = 1
            dy/dt = w*x + b*y
    """)
    assert neuron.method == "exact"
    pop = _run(neuron, 300.0, 0.1)
    amplitude = np.hypot(pop.x[0], pop.y[0])
    assert amplitude == pytest.approx(np.exp(-0.002 * 300.0), rel=1e-10)
    assert pop.x[0] == pytest.approx(np.exp(-0.6) * np.cos(0.25132741228718347 * 300), abs=1e-10)


def test_undamped_oscillator_stays_on_its_circle():
    neuron = eq.Neuron("equations:\n    dv/dt = w : init = 1\n    dw/dt = -v\n")
    assert neuron.method == "exact"
    pop = _run(neuron, 100.0, 0.1)
    assert pop.v[0] == pytest.approx(np.cos(100.0), abs=1e-10)
    assert pop.w[0] == pytest.approx(-np.sin(100.0), abs=1e-10)


ALPHA_LIF = """
    parameters:
        tau = 10.0; tau_s = 2.0; V_L = -70.0; V_T = -50.0; V_r = -65.0; I = 0.0
    equations:
        tau * dv/dt = -(v - V_L) + g : init = -70.0
        tau_s * dg/dt = -g + h
        tau_s * dh/dt = -h + I
    spike: v > V_T
    reset: v = V_r
    refractory: 2.0
"""


def _alpha_reference(currents, dt, steps):
    """NumPy loop in the documented step order: integrate (held v while refractory, the
    others keep evolving), test the spike condition, reset, count the refractory period."""
    tau, tau_s, v_l, v_t, v_r = 10.0, 2.0, -70.0, -50.0, -65.0
    period = int(2.0 / dt + 0.5)
    out_v, spikes = [], []
    for k, current in enumerate(currents):
        a = np.array([[-1 / tau, 1 / tau, 0, v_l / tau], [0, -1 / tau_s, 1 / tau_s, 0],
                      [0, 0, -1 / tau_s, current / tau_s], [0, 0, 0, 0]])
        frozen = a.copy()
        frozen[0] = 0.0
        active, still = expm(a * dt), expm(frozen * dt)
        x, r, trace = np.array([-70.0, 0.0, 0.0, 1.0]), 0, []
        for step in range(steps):
            trace.append(x[0])
            x = (active if r == 0 else still) @ x
            fire = r == 0 and x[0] > v_t
            if fire:
                x[0] = v_r
                spikes.append((step + 1, k))
            r = period if fire else max(r - 1, 0)
        out_v.append(trace)
    return np.array(out_v).T, sorted(spikes)


def test_alpha_synapse_lif_equals_the_reference_loop_per_neuron_currents():
    neuron = eq.Neuron(ALPHA_LIF)
    assert neuron.method == "exact"
    currents = np.array([15.0, 30.0, 30.0, 45.0])      # per neuron, two alike
    pop = eq.Population(neuron, len(currents))
    pop.I = currents
    trace = eq.StateMonitor(pop, "v")
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, trace, spikes, dt=0.1).run(100.0)
    v, expected_spikes = _alpha_reference(currents, 0.1, 1000)
    np.testing.assert_allclose(trace.v, v, rtol=0, atol=1e-9)
    got = sorted(zip(np.round(spikes.t / 0.1).astype(int).tolist(), spikes.i.tolist()))
    assert got == expected_spikes and len(got) > 10
    peak = v[:, 0].max()                       # subthreshold neuron: the peak itself is exact
    assert trace.v[:, 0].max() == pytest.approx(peak, abs=1e-9)


def test_coefficients_follow_parameters_changed_between_runs():
    neuron = eq.Neuron(ALPHA_LIF)
    pop = eq.Population(neuron, 1)
    pop.I = 10.0
    net = eq.Network(pop, dt=0.1)
    net.run(5.0)
    pop.I = 40.0
    net.run(5.0)
    a = lambda current: np.array([[-0.1, 0.1, 0, -7.0], [0, -0.5, 0.5, 0],
                                  [0, 0, -0.5, current / 2.0], [0, 0, 0, 0]])
    x = expm(a(40.0) * 5.0) @ expm(a(10.0) * 5.0) @ [-70.0, 0.0, 0.0, 1.0]
    np.testing.assert_allclose([pop.v[0], pop.g[0], pop.h[0]], x[:3], rtol=1e-11)


def _forced(dt):
    neuron = eq.Neuron("""
        parameters: tau = 10.0; A = 1.0; f = 0.04
        equations: dv/dt = -v/tau + A*sin(6.283185307179586*f*t)
    """)
    pop = _run(neuron, 50.0, dt)
    w, k = TWO_PI * 0.04, 0.1
    t = 50.0
    exact = (k * np.sin(w * t) - w * np.cos(w * t) + w * np.exp(-k * t)) / (k * k + w * w)
    return neuron.method, abs(pop.v[0] - exact)


def test_time_dependent_forcing_is_integrated_with_rk4_at_fourth_order():
    method, coarse = _forced(0.2)
    _, fine = _forced(0.1)
    assert method == "rk4"
    assert np.log2(coarse / fine) == pytest.approx(4.0, abs=0.3)


@pytest.mark.parametrize("text, requested", [
    ("equations: dv/dt = -v^3\nmethod: exact\n", "exact"),
    ("equations: dv/dt = -v^3\nmethod: exponential\n", "exponential"),
    ("equations:\n    dv/dt = -v^3\n    dw/dt = -w*v\n    dx/dt = -x*w\nmethod: implicit\n",
     "implicit"),
])
def test_a_method_error_hints_exactly_the_methods_that_work(text, requested):
    with pytest.raises(eq.ModelError) as info:
        eq.Neuron(text)
    error = info.value
    assert error.message.startswith(f"method '{requested}' cannot integrate this model")
    assert (error.line, error.column) == (text.count("\n"), 9)
    named = re.findall(r"'(\w+)'", error.hint)
    body = text[:text.index("method:")]
    works = []
    for method in ("euler", "midpoint", "heun", "rk4", "exponential", "exact", "implicit",
                   "milstein"):
        try:
            eq.Neuron(body, method=method)
            works.append(method)
        except eq.ModelError:
            pass
    assert named == works and requested not in named and "rk4" in named


def test_a_power_of_zero_is_not_mistaken_for_a_linear_equation():
    """d(0^v)/dv is NaN in SymPy: before, exact integration turned it into v_new = nan."""
    neuron = eq.Neuron("equations: dv/dt = 0^v : init = 1")
    assert neuron.method == "rk4"
    assert _run(neuron, 1.0, 0.1).v[0] == 1.0           # 0^1 = 0: v stands still
    with pytest.raises(eq.ModelError, match="methods that can: 'euler', 'midpoint', 'heun', "
                                            "'rk4'$"):
        eq.Neuron("equations: dv/dt = 0^v : init = 1", method="exact")


def test_a_blow_up_suggests_only_methods_that_can_integrate_the_model():
    """dv/dt = v^2 is not linear in v: exponential Euler was suggested and then refused."""
    explosive = eq.Neuron("equations: dv/dt = v^2 : init = 1", method="euler")
    assert "exponential" not in explosive.usable_methods
    net = eq.Network(eq.Population(explosive, 1), dt=0.5)
    with pytest.raises(eq.SimulationError, match=r"\(e\.g\. 'rk4' or 'implicit'\)\.$"):
        net.run(100.0)


@pytest.mark.parametrize("text, start, step", [
    ("equations: dv/dt = -floor(v) - v", 0.5, lambda v, dt: v + dt * (-np.floor(v) - v) / (1 + dt)),
    ("equations: dv/dt = -mod(v, 2)", 0.5, lambda v, dt: v - dt * np.mod(v, 2) / (1 + dt)),
    ("equations: dv/dt = -sign(v) - v", 0.5, lambda v, dt: v + dt * (-np.sign(v) - v) / (1 + dt)),
])
def test_implicit_newton_step_through_functions_with_jumps(text, start, step):
    """Their derivatives (Derivative(floor(v), v), DiracDelta) once reached the printer."""
    neuron = eq.Neuron(text, method="implicit")
    pop = eq.Population(neuron, 1)
    pop.v = start
    eq.Network(pop, dt=0.1).run(0.1)
    assert pop.v[0] == pytest.approx(step(start, 0.1), rel=1e-14)


@pytest.mark.parametrize("t1, t2, dt", [(100.0, 100.0 + 1.01e-7, 0.1), (1e4, 1e4 + 1e-7, 0.1),
                                        (1e4, 1e4 + 1e-6, 0.1), (1e-4, 5.0, 0.1),
                                        (5.0, 1e-4, 0.1)])
def test_cascades_with_close_or_tiny_time_constants_equal_expm(t1, t2, dt):
    """The symbolic closed form lost 99.99 % at t1 = 1e4, t2 = 1e4 + 1e-7 (catastrophic
    cancellation) and gave inf*0 = NaN for t1 = 1e-4 at dt = 0.1."""
    neuron = eq.Neuron("parameters: t1 = 10.0; t2 = 10.0; I = 1\nequations:\n"
                       "    t1*dv/dt = -v + g\n    t2*dg/dt = -g + I : init = 5\n")
    pop = eq.Population(neuron, 1)
    pop.t1, pop.t2 = t1, t2
    eq.Network(pop, dt=dt).run(100.0)
    a = np.array([[-1 / t1, 1 / t1, 0], [0, -1 / t2, 1 / t2], [0, 0, 0]])
    x = np.linalg.matrix_power(expm(a * dt), 1000) @ [0.0, 5.0, 1.0]
    np.testing.assert_allclose([pop.v[0], pop.g[0]], x[:2], rtol=1e-10)
