"""Compiled kernels and the runtime API: oracle checks, spikes, refractoriness, monitors."""
import numpy as np
import pytest
import sympy

import eqneuro as eq
from eqneuro.functions import symbol
from eqneuro.compile.methods import DT, T

ADEX_LIKE = """
    parameters:
        C = 281.0; g_L = 30.0; E_L = -70.6; V_T = -50.4; Delta_T = 2.0
        tau_w = 144.0; a = 4.0; I = 500.0
    equations:
        C*dv/dt = -g_L*(v - E_L) + g_L*Delta_T*exp((v - V_T)/Delta_T) + I - w : init = E_L
        tau_w*dw/dt = a*(v - E_L) - w
        r = 1/(1 + exp(-(v + 50)/3)) + 0.1*sin(t)
        dz/dt = r*(1 - z) - z/tau_w + heaviside(v + 60)*0.01
"""


def _oracle_step(neuron, state, params, t, dt):
    """One step of the neuron's update plan evaluated by sympy.lambdify (the oracle)."""
    plan = neuron.plan
    values = {**{symbol(k): v for k, v in state.items()},
              **{symbol(k): v for k, v in params.items()}, T: t, DT: dt}
    modules = [{"Exprel": lambda z: np.where(z == 0, 1.0, np.expm1(z) / np.where(z == 0, 1, z)),
                "Heaviside": lambda x: np.where(x > 0, 1.0, 0.0)}, "numpy"]
    locals_ = dict(values)
    for sym, expr in plan.statements:
        f = sympy.lambdify(list(locals_), expr, modules=modules)
        locals_[sym] = f(*locals_.values())
    out = {}
    for name, expr in plan.updates:
        f = sympy.lambdify(list(locals_), expr, modules=modules)
        out[name] = f(*locals_.values())
    return out


@pytest.mark.parametrize("method", ["euler", "rk4", "midpoint", "heun", "exponential"])
def test_compiled_kernel_agrees_with_lambdify_oracle(method):
    text = ADEX_LIKE
    if method == "exponential":
        text = text.replace("exp((v - V_T)/Delta_T)", "(v - V_T)/Delta_T")
    neuron = eq.Neuron(text, method=method)
    rng = np.random.default_rng(1)
    n = 500
    pop = eq.Population(neuron, n)
    state = {"v": rng.uniform(-80, -45, n), "w": rng.uniform(-50, 200, n),
             "z": rng.uniform(0, 1, n)}
    for k, v in state.items():
        setattr(pop, k, v)
    pop.I = rng.uniform(0, 800, n)
    params = {name: getattr(pop, name) for name in neuron.parameters}
    net = eq.Network(pop, dt=0.1)
    net.run(0.5)              # steps at t = 0 .. 0.4; compare the sixth step below
    state = {k: getattr(pop, k).copy() for k in state}
    expected = _oracle_step(neuron, state, params, t=0.5, dt=0.1)
    net.run(0.1)
    for name, value in expected.items():
        np.testing.assert_allclose(getattr(pop, name), value, rtol=1e-11, atol=1e-11)


def test_derived_variables_follow_the_state():
    neuron = eq.Neuron("equations:\n    dv/dt = -v : init = 2\n    r = pos(v - 1) + sigmoid(v)\n")
    pop = eq.Population(neuron, 4)
    pop.v = [-1.0, 0.0, 1.5, 3.0]
    v = pop.v
    np.testing.assert_allclose(pop.r, np.maximum(v - 1, 0) + 1 / (1 + np.exp(-v)), rtol=1e-15)
    with pytest.raises(AttributeError, match="derived variable"):
        pop.r = 1.0


LIF = """
    parameters: C = 1.0; g_L = 0.1; V_L = -70; V_T = -50; V_r = -70; I = 0; T_ref = 2.0
    equations: C*dv/dt = -g_L*(v - V_L) + I : init = -70
    spike: v > V_T
    reset: v = V_r
    refractory: T_ref
"""


def lif_rate(current, dt, t_ref=2.0, tau=10.0):
    """Rate (Hz) of the discretised exact LIF: crossing detected at the end of a step."""
    drive = current / 0.1
    if drive <= 20:
        return 0.0
    crossing = tau * np.log(drive / (drive - 20))
    steps_to_cross = np.floor(crossing / dt + 1e-9) + 1
    return 1000.0 / (steps_to_cross * dt + round(t_ref / dt) * dt)


def test_lif_firing_rates_match_the_analytic_f_i_curve():
    currents = np.linspace(0.0, 5.0, 51)
    neuron = eq.Neuron(LIF)
    pop = eq.Population(neuron, len(currents))
    pop.I = currents
    spikes = eq.SpikeMonitor(pop)
    net = eq.Network(pop, spikes, dt=0.01)
    net.run(1000.0)
    measured = spikes.count / 1.0
    expected = np.array([lif_rate(c, 0.01) for c in currents])
    # A 1 s window holds floor(1000/period) or one more spike.
    assert np.all(np.abs(measured - expected) <= 1.0 + 1e-9), (measured, expected)
    continuous = np.array([1000 / (2 + 10 * np.log((c / 0.1) / (c / 0.1 - 20))) if c > 2 else 0
                           for c in currents])
    assert np.all(np.abs(measured - continuous) <= 0.02 * continuous + 1.0)


def test_per_neuron_refractory_period_and_clamp():
    neuron = eq.Neuron(LIF)
    pop = eq.Population(neuron, 2)
    pop.I = 10.0
    pop.T_ref = [1.0, 5.0]
    trace = eq.StateMonitor(pop, "v", record=[0, 1])
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, trace, spikes, dt=0.1).run(50.0)
    for index, t_ref in enumerate([1.0, 5.0]):
        times = spikes.t[spikes.i == index]
        first = times[0]
        after = (trace.t >= first - 1e-9) & (trace.t < first + t_ref - 1e-9)
        assert np.all(trace.v[after, index] == -70.0)
        assert trace.v[np.searchsorted(trace.t, first + t_ref + 0.1 - 1e-9), index] > -70.0
        assert np.allclose(np.diff(times), np.diff(times)[0], atol=1e-9)


def test_refractory_without_reset_only_blocks_spikes():
    text = """
        equations: dv/dt = 1 : init = 0
        spike: v > 0.5
        refractory: 3
    """
    pop = eq.Population(eq.Neuron(text), 1)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=1.0).run(10.0)
    # v keeps rising; the condition holds every step but refractoriness spaces spikes 4 steps
    assert spikes.t.tolist() == [1.0, 5.0, 9.0]
    assert pop.v[0] == 10.0


def test_every_neuron_firing_every_step_records_every_spike():
    text = "equations: dv/dt = 1\nspike: v > -1\nreset: v = 0\n"
    n, steps = 70_000, 100          # 7 million spikes: the buffer is flushed many times
    pop = eq.Population(eq.Neuron(text), n)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=0.1).run(steps * 0.1)
    assert len(spikes.i) == n * steps
    assert np.all(spikes.count == steps)
    assert np.array_equal(spikes.i[:n], np.arange(n))
    np.testing.assert_allclose(np.unique(spikes.t), np.arange(1, steps + 1) * 0.1)


def test_two_runs_equal_one_run_spike_for_spike():
    izh = """
        parameters: a = 0.02; b = 0.2; c = -65; d = 8; I = 10
        equations:
            dv/dt = 0.04*v^2 + 5*v + 140 - u + I : init = c
            du/dt = a*(b*v - u) : init = b*c
        spike: v >= 30
        reset: v = c; u += d
        method: euler
    """
    results = []
    for chunks in ([100.0], [50.0, 50.0], [10.0, 33.0, 57.0]):
        pop = eq.Population(eq.Neuron(izh), 50)
        pop.I = np.linspace(0, 20, 50)
        spikes = eq.SpikeMonitor(pop)
        trace = eq.StateMonitor(pop, ["v", "u"], record=[10, 49], dt=0.5)
        net = eq.Network(pop, spikes, trace, dt=0.1)
        for chunk in chunks:
            net.run(chunk)
        assert net.t == pytest.approx(100.0)
        results.append((spikes.i, spikes.t, trace.t, trace.v, pop.v.copy()))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)
    assert len(results[0][1]) > 100
    assert results[0][2].shape == (200,)


def test_state_monitor_shapes_and_sampling():
    pop = eq.Population(eq.Neuron(LIF), 5)
    trace = eq.StateMonitor(pop, ["v"], record=[0, 2, 4], dt=1.0)
    net = eq.Network(pop, trace, dt=0.1)
    net.run(20.0)
    assert trace.v.shape == (20, 3)
    np.testing.assert_allclose(trace.t, np.arange(20.0))
    with pytest.raises(ValueError, match="not a multiple"):
        eq.Network(pop, eq.StateMonitor(pop, "v", dt=0.25), dt=0.1)


def test_blow_up_is_reported_not_carried_on():
    pop = eq.Population(eq.Neuron("equations: dv/dt = v^2 : init = 1", method="euler"), 3)
    net = eq.Network(pop, dt=0.5)
    with pytest.raises(eq.SimulationError, match=r"v of neuron 0 became inf"):
        net.run(100.0)
    assert 0 < net.t < 100.0


def test_spikes_from_a_blow_up_to_infinity_are_not_hidden_by_a_reset():
    text = "equations: dv/dt = v^2 : init = 1\nspike: v > 1e300\nreset: v = 0\nmethod: euler"
    pop = eq.Population(eq.Neuron(text), 1)
    with pytest.raises(eq.SimulationError):
        eq.Network(pop, dt=0.5).run(50.0)


class TestPopulationAPI:
    def setup_method(self):
        text = LIF.replace("equations: C*dv/dt = -g_L*(v - V_L) + I : init = -70",
                           "equations:\n        C*dv/dt = -g_L*(v - V_L) + I : init = -70\n"
                           "        r = pos(v + 60)")
        self.pop = eq.Population(eq.Neuron(text), 10)

    def test_scalar_sets_every_neuron(self):
        self.pop.I = 2.5
        assert np.all(self.pop.I == 2.5) and self.pop.I.shape == (10,)
        self.pop.v = -60.0
        assert np.all(self.pop.v == -60.0)

    def test_array_per_neuron(self):
        self.pop.I = np.arange(10.0)
        assert np.array_equal(self.pop.I, np.arange(10.0))
        self.pop.v[3] = -55.0
        assert self.pop.v[3] == -55.0

    def test_wrong_length_is_a_value_error(self):
        with pytest.raises(ValueError, match="length 10"):
            self.pop.I = np.ones(9)

    def test_unknown_name_is_an_attribute_error_never_a_new_attribute(self):
        with pytest.raises(AttributeError, match="did you mean 'V_T'"):
            self.pop.V_t = 3.0
        with pytest.raises(AttributeError):
            self.pop.V_t
        assert "V_t" not in vars(self.pop)

    def test_bad_values(self):
        with pytest.raises(TypeError):
            self.pop.I = "strong"
        with pytest.raises(ValueError, match="finite"):
            self.pop.I = np.nan
        with pytest.raises(TypeError):
            eq.Population(eq.Neuron(LIF), 2.5)
        with pytest.raises(ValueError):
            eq.Population(eq.Neuron(LIF), 0)
        with pytest.raises(TypeError):
            eq.Population("lif", 10)

    def test_network_argument_errors(self):
        with pytest.raises(ValueError, match="dt"):
            eq.Network(self.pop, dt=0.0)
        with pytest.raises(TypeError):
            eq.Network(self.pop, 3)
        other = eq.Population(eq.Neuron(LIF), 2)
        with pytest.raises(ValueError, match="not in this Network"):
            eq.Network(self.pop, eq.SpikeMonitor(other))
        net = eq.Network(self.pop, dt=0.1)
        with pytest.raises(ValueError, match="multiple of dt"):
            net.run(0.05)
        with pytest.raises(ValueError):
            net.run(-1)
        with pytest.raises(ValueError, match="no variable 'vv'"):
            eq.StateMonitor(self.pop, "vv")

    def test_shared_parameters_take_one_value(self):
        pop = eq.Population(eq.Neuron("parameters: tau = 10 : shared\nequations: tau*dv/dt = -v"),
                            3)
        with pytest.raises(ValueError, match="shared"):
            pop.tau = [1.0, 2.0, 3.0]
        pop.tau = 5.0
        assert np.all(pop.tau == 5.0)

    def test_init_uses_parameters_set_before_first_use(self):
        izh = eq.Neuron("parameters: b = 0.2; c = -65\nequations:\n"
                        "    dv/dt = -v : init = c\n    du/dt = -u : init = b*v\n")
        pop = eq.Population(izh, 2)
        pop.b = [0.25, 0.5]
        np.testing.assert_allclose(pop.u, [-16.25, -32.5])

    def test_repr(self):
        self.pop.I = np.linspace(0, 1, 10)
        assert "per-neuron: I" in repr(self.pop) and "10 x" in repr(self.pop)


@pytest.mark.parametrize("text", [LIF, ADEX_LIKE + "    spike: v > -40\n    reset: v = E_L; w += 80\n"])
def test_threads_give_the_same_results_as_one_thread(text):
    outcomes = []
    for threads in (1, 2):
        pop = eq.Population(eq.Neuron(text, method="euler"), 3000)
        pop.I = np.linspace(0.0, 800.0 if "Delta_T" in text else 5.0, 3000)
        spikes = eq.SpikeMonitor(pop)
        trace = eq.StateMonitor(pop, "v", record=[5, 2999])
        eq.Network(pop, spikes, trace, dt=0.1, threads=threads).run(100.0)
        outcomes.append((spikes.i, spikes.t, trace.v, pop.v.copy()))
    for a, b in zip(*outcomes):
        np.testing.assert_array_equal(a, b)
    assert len(outcomes[0][0]) > 100


def test_threads_argument_is_checked():
    pop = eq.Population(eq.Neuron(LIF), 2)
    with pytest.raises(ValueError):
        eq.Network(pop, threads=0)
    with pytest.raises(TypeError):
        eq.Network(pop, threads=1.5)


def test_spike_monitor_rate_bins_spikes_at_their_time():
    pop = eq.Population(eq.Neuron(LIF), 1)
    pop.I = 2.5
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=0.1).run(100.0)
    centres, rates = spikes.rate(bin=0.1)
    assert centres[-1] == pytest.approx(99.95)
    first = spikes.t[0]
    assert centres[np.flatnonzero(rates)[0]] == pytest.approx(first - 0.05)
    assert rates.sum() * 0.1e-3 == pytest.approx(len(spikes.t))


def test_progress_bar_is_shown_on_request_and_results_do_not_change(capsys):
    outcomes = []
    for progress in (True, False):
        pop = eq.Population(eq.Neuron(LIF), 100)
        pop.I = np.linspace(0, 5, 100)
        spikes = eq.SpikeMonitor(pop)
        eq.Network(pop, spikes, dt=0.1).run(2000.0, progress=progress)
        outcomes.append((spikes.i, spikes.t))
        err = capsys.readouterr().err
        assert ("ms/s" in err) == progress
    for a, b in zip(*outcomes):
        np.testing.assert_array_equal(a, b)


def test_a_million_lif_neurons_with_a_spike_monitor_stay_small(tmp_path):
    """1e6 neurons, 100 steps: state + parameters + spike buffers, no per-step allocation."""
    import json
    import os
    import subprocess
    import sys
    # VmHWM (this process's peak RSS); ru_maxrss would include the forking parent's
    script = """
import json, numpy as np, eqneuro as eq

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

pop = eq.Population(eq.load("lif"), 1_000_000)
pop.I = np.linspace(0.0, 4.0, 1_000_000)
spikes = eq.SpikeMonitor(pop)
net = eq.Network(pop, spikes, dt=0.1)
net.run(10.0)
before = peak_mb()
net.run(90.0)
print(json.dumps({"spikes": len(spikes.i), "peak_mb": peak_mb(),
                  "growth_mb": peak_mb() - before}))
"""
    warm = eq.Population(eq.load("lif"), 2)        # build the same kernel here, so that the
    warm.I = [0.0, 1.0]                            # child measures a run, not a compiler
    eq.Network(warm, eq.SpikeMonitor(warm), dt=0.1)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=root), timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["spikes"] > 3_000_000
    assert result["peak_mb"] < 400, result
    # 90 ms more: only the recorded spikes grow (8 bytes each), nothing per step
    assert result["growth_mb"] < result["spikes"] * 8 / 2**20 + 60


def test_derived_variables_read_from_python_see_the_current_time():
    neuron = eq.Neuron("equations:\n    dv/dt = 0\n    drive = v + sin(t)\n")
    pop = eq.Population(neuron, 1)
    trace = eq.StateMonitor(pop, "drive")
    net = eq.Network(pop, trace, dt=0.5)
    net.run(10.0)
    assert pop.drive[0] == pytest.approx(np.sin(10.0))
    np.testing.assert_allclose(trace.drive[:, 0], np.sin(np.arange(20) * 0.5))


def test_a_bound_cannot_hide_a_nan():
    pop = eq.Population(eq.Neuron("equations: dv/dt = log(v - 2) : init = 1, min = -5",
                                  method="euler"), 1)
    with pytest.raises(eq.SimulationError, match="v of neuron 0 became nan"):
        eq.Network(pop, dt=0.1).run(1.0)


def test_bounds_use_the_new_state():
    text = "equations:\n    dv/dt = 1 : max = w\n    dw/dt = 1 : init = 0.5\n"
    pop = eq.Population(eq.Neuron(text, method="euler"), 1)
    eq.Network(pop, dt=1.0).run(3.0)
    assert pop.w[0] == 3.5 and pop.v[0] == 3.0      # v = 1, 2, 3: never above the new w


def test_a_negative_refractory_period_means_none():
    text = """
        parameters: T = 1.0
        equations: dv/dt = 1
        spike: v > 0.5
        reset: v = 0
        refractory: T
    """
    pop = eq.Population(eq.Neuron(text, method="euler"), 2)
    pop.T = [-1.0, 0.0]
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=1.0).run(5.0)
    assert spikes.count.tolist() == [5, 5]


def test_a_blown_up_neuron_is_not_reset_so_the_error_shows_the_value():
    text = "equations: dv/dt = v^2 : init = 1\nspike: v > 1e300\nreset: v = 0\nmethod: euler"
    pop = eq.Population(eq.Neuron(text), 1)
    spikes = eq.SpikeMonitor(pop)
    with pytest.raises(eq.SimulationError, match="became inf"):
        eq.Network(pop, spikes, dt=0.5).run(50.0)
    assert np.isinf(pop.v[0]) and len(spikes.i) == 0


def test_bad_values_to_the_api_are_clear_errors(tmp_path):
    pop = eq.Population(eq.Neuron(LIF), 3)
    trace = eq.StateMonitor(pop, "v")
    with pytest.raises(TypeError):
        eq.Neuron(equations="dv/dt = 1", name=3)
    with pytest.raises(ValueError):
        eq.load("")
    with pytest.raises(ValueError, match="folder"):
        eq.load(str(tmp_path))
    with pytest.raises(TypeError):
        eq.StateMonitor(pop, 3)
    with pytest.raises(TypeError, match="SpikeMonitor"):
        eq.firing_rates(trace, 100.0)
    with pytest.raises(ValueError, match="larger bin"):
        eq.population_rate(eq.SpikeMonitor(pop), 1e-9, 100.0)


def test_a_monitor_given_twice_records_once():
    pop = eq.Population(eq.Neuron(LIF), 1)
    pop.I = 5.0
    trace, spikes = eq.StateMonitor(pop, "v"), eq.SpikeMonitor(pop)
    eq.Network(pop, trace, trace, spikes, spikes, dt=0.1).run(20.0)
    assert len(trace.t) == 200 and np.all(np.diff(trace.t) > 0)
    assert spikes.count[0] == len(spikes.t) == len(np.unique(spikes.t))


def test_model_names_win_over_population_attributes():
    neuron = eq.Neuron("parameters: N = 2.0; _a = 1.0; name = 3.0; neuron = 4.0\n"
                       "equations: dv/dt = N + _a + name + neuron", method="euler")
    pop = eq.Population(neuron, 2)
    pop._a = 5.0
    pop.name = 0.0
    assert np.all(pop.N == 2.0) and np.all(pop._a == 5.0) and np.all(pop.name == 0.0)
    eq.Network(pop, dt=0.1).run(1.0)
    np.testing.assert_allclose(pop.v, 11.0)
    assert len(pop) == 2
    with pytest.raises(AttributeError):
        pop._typo = 1.0                      # never a silent new attribute
    plain = eq.Population(eq.Neuron(LIF), 3, name="cortex")
    assert plain.name == "cortex" and plain.N == 3
    plain.name = "thalamus"
    assert plain.name == "thalamus"
