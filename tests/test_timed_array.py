"""TimedArray: values held in time, called by name in model equations and read in the kernel.
References are NumPy loops that follow the step order of DESIGN.md exactly."""
import numpy as np
import pytest

import eqneuro as eq

LEAKY = """
parameters:
    tau = 10.0
equations:
    I = stim(t)
    tau*dv/dt = -v + I
"""


def leaky(stim, method=None, **extra):
    text = LEAKY + (f"method: {method}\n" if method else "")
    return eq.Neuron(text, timed_arrays={"stim": stim, **extra})


# ---- the array itself -------------------------------------------------------------------

def test_values_are_held_over_their_interval_and_clipped_outside():
    stim = eq.TimedArray([1.0, 2.0, 3.0], dt=0.5)
    times = np.array([-1.0, 0.0, 0.49, 0.5, 0.99, 1.0, 1.49, 1.5, 100.0])
    assert stim(times).tolist() == [1, 1, 1, 2, 2, 3, 3, 3, 3]
    assert stim.duration == 1.5 and stim.neurons is None



@pytest.mark.parametrize("dt, per_sample", [(0.1, 1), (0.1, 3), (0.01, 7), (0.025, 4)])
def test_each_step_start_reads_its_own_sample_despite_rounding(dt, per_sample):
    """t = step * dt often lands a hair below k * dt_ta (29 * 0.1 = 2.9000000000000004,
    but 0.3 * 3 = 0.8999999999999999): the slack keeps it in sample k."""
    steps = np.arange(200_000)
    stim = eq.TimedArray(np.arange(len(steps) // per_sample + 1, dtype=float),
                         dt=dt * per_sample)
    assert np.array_equal(stim.index(steps * dt), steps // per_sample)


def test_two_dimensional_values_give_one_row_per_time():
    values = np.arange(12.0).reshape(4, 3)
    stim = eq.TimedArray(values, dt=1.0)
    assert stim.neurons == 3
    assert np.array_equal(stim(2.5), values[2])
    assert np.array_equal(stim([0.0, 9.0]), values[[0, 3]])
    assert not stim.values.flags.writeable


@pytest.mark.parametrize("values, dt, error, words", [
    ("abc", 1.0, TypeError, "array of numbers"),
    ([1 + 2j], 1.0, TypeError, "real"),
    ([True, False], 1.0, TypeError, "numbers"),
    (np.zeros((2, 2, 2)), 1.0, ValueError, "1-D"),
    ([], 1.0, ValueError, "at least one sample"),
    ([1.0, np.nan], 1.0, ValueError, "sample 1 is nan"),
    (np.array([[0.0, np.inf]]), 1.0, ValueError, "sample 0, neuron 1"),
    ([1.0], 0.0, ValueError, "positive"),
    ([1.0], float("nan"), ValueError, "positive"),
    ([1.0], True, ValueError, "positive"),
])
def test_bad_values_are_refused(values, dt, error, words):
    with pytest.raises(error, match=words):
        eq.TimedArray(values, dt)


# ---- in a model -------------------------------------------------------------------------

def _held_reference(stim, steps, dt, tau=10.0):
    v = np.zeros(np.shape(stim(0.0)))
    for step in range(steps):
        current = stim(step * dt)
        v = current + (v - current) * np.exp(-dt / tau)
    return v


@pytest.mark.parametrize("stim_dt", [0.1, 0.2, 0.25])
def test_exact_integration_of_a_held_input_matches_the_closed_form(stim_dt):
    rng = np.random.default_rng(1)
    stim = eq.TimedArray(rng.uniform(-1, 3, size=60), dt=stim_dt)
    neuron = leaky(stim)
    assert neuron.method == "exact"
    pop = eq.Population(neuron, 2)
    net = eq.Network(pop, dt=0.1)
    net.run(20.0)
    assert np.allclose(pop.v, _held_reference(stim, 200, 0.1), rtol=0, atol=1e-12)
    assert pop.I.tolist() == [stim(20.0)] * 2           # the derived value at the state's time


def test_each_method_reads_the_value_at_the_step_start_and_the_spike_test_at_its_end():
    rng = np.random.default_rng(0)
    stim = eq.TimedArray(rng.uniform(0, 3, size=(40, 4)), dt=0.5)
    for method in ("euler", "rk4", "exact"):
        neuron = eq.Neuron(f"""
            parameters:
                tau = 10.0
            equations:
                tau*dv/dt = -v + 2*stim(t)
            spike: v > stim(t)
            reset: v = 0
            method: {method}
            """, timed_arrays={"stim": stim})
        pop = eq.Population(neuron, 4)
        spikes = eq.SpikeMonitor(pop)
        eq.Network(pop, spikes, dt=0.1).run(25.0)
        v, fired_i, fired_step = np.zeros(4), [], []
        for step in range(250):
            drive = 2 * stim(step * 0.1)
            f = lambda x: (drive - x) / 10.0
            if method == "euler":
                v = v + 0.1 * f(v)
            elif method == "rk4":
                k1 = f(v); k2 = f(v + 0.05 * k1); k3 = f(v + 0.05 * k2); k4 = f(v + 0.1 * k3)
                v = v + 0.1 / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            else:
                v = drive + (v - drive) * np.exp(-0.01)
            fire = v > stim((step + 1) * 0.1)
            fired_i += np.flatnonzero(fire).tolist()
            fired_step += [step + 1] * int(fire.sum())
            v[fire] = 0.0
        assert len(fired_i) > 10, method
        assert spikes.i.tolist() == fired_i, method
        assert np.allclose(spikes.t, np.array(fired_step) * 0.1), method
        assert np.allclose(pop.v, v, rtol=0, atol=1e-12), method


def test_monitors_record_the_value_at_each_sample_time():
    stim = eq.TimedArray(np.arange(10.0), dt=1.0)
    pop = eq.Population(leaky(stim), 1)
    trace = eq.StateMonitor(pop, "I")
    eq.Network(pop, trace, dt=0.25).run(12.0)
    assert np.array_equal(trace.I[:, 0], stim(trace.t))


def test_a_replaced_array_drives_the_next_run_and_a_wrong_one_is_refused():
    neuron = leaky(eq.TimedArray([1.0], dt=1.0))
    pop = eq.Population(neuron, 3)
    net = eq.Network(pop, dt=0.1)
    net.run(5.0)
    neuron.timed_arrays["stim"] = eq.TimedArray(np.array([[2.0, 3.0, 4.0]]), dt=1.0)
    net.run(0.1)
    assert pop.I.tolist() == [2.0, 3.0, 4.0]
    with pytest.raises(TypeError, match="eq.TimedArray"):
        neuron.timed_arrays["stim"] = [1.0, 2.0]
    with pytest.raises(KeyError, match="calls no TimedArray 'other'"):
        neuron.timed_arrays["other"] = eq.TimedArray([1.0], dt=1.0)
    neuron.timed_arrays["stim"] = eq.TimedArray(np.ones((2, 5)), dt=1.0)
    with pytest.raises(ValueError, match="5 columns but .* has 3 neurons"):
        net.run(1.0)


def test_a_two_dimensional_array_must_fit_the_population():
    neuron = leaky(eq.TimedArray(np.ones((3, 5)), dt=1.0))
    with pytest.raises(ValueError, match="one column per neuron"):
        eq.Population(neuron, 4)


def test_a_coupled_system_driven_through_a_coefficient_is_not_integrated_exactly():
    stim = eq.TimedArray([0.5, 1.0], dt=5.0)
    text = """
        equations:
            dv/dt = -stim(t)*v + w
            dw/dt = -w
        """
    with pytest.raises(eq.ModelError, match="multiplies a state variable"):
        eq.Neuron(text + "method: exact\n", timed_arrays={"stim": stim})
    assert eq.Neuron(text, timed_arrays={"stim": stim}).method != "exact"


def test_fixed_points_take_the_value_the_array_holds():
    neuron = leaky(eq.TimedArray([1.0, 2.0], dt=1.0))
    (point,) = eq.fixed_points(neuron, stim=2.5)
    assert point.state["v"] == pytest.approx(2.5)
    with pytest.raises(ValueError, match="'stim' is a TimedArray"):
        eq.fixed_points(neuron)


def test_the_model_shows_the_call_as_written():
    neuron = eq.Neuron("equations:\n    dv/dt = stim(t) - v",
                       timed_arrays={"stim": eq.TimedArray([1.0], dt=1.0)})
    assert "stim(t)" in str(neuron) and r"\operatorname{stim}" in neuron._repr_latex_()


# ---- mistakes ---------------------------------------------------------------------------

STIM = eq.TimedArray([1.0, 2.0], dt=1.0)


@pytest.mark.parametrize("text, line, column, words", [
    ("equations:\n    dv/dt = -v + stim(t - 1)", 2, 18, r"takes the time, stim\(t\)"),
    ("equations:\n    dv/dt = -v + stim(t, 0)", 2, 18, "not 2 arguments"),
    ("equations:\n    dv/dt = -v : init = stim(t)", 2, 25, "cannot be used in the 'init' flag"),
    ("parameters:\n    stim = 1\nequations:\n    dv/dt = -v + stim(t)", 2, 5,
     "is the name of a TimedArray"),
    ("equations:\n    dv/dt = -v + stimm(t)", 2, 18, "unknown function 'stimm'"),
])
def test_model_errors_point_at_the_call(text, line, column, words):
    with pytest.raises(eq.ModelError, match=words) as info:
        eq.Neuron(text, timed_arrays={"stim": STIM})
    assert (info.value.line, info.value.column) == (line, column)
    if "stimm" in text:
        assert "stim" in str(info.value).split("hint:")[1]


@pytest.mark.parametrize("arrays, error, words", [
    ({"stim": STIM, "unused": STIM}, ValueError, "never calls the TimedArray 'unused'"),
    ({"exp": STIM}, ValueError, "built-in function"),
    ({"t": STIM}, ValueError, "reserved"),
    ({"stim": [1.0, 2.0]}, TypeError, "must be an eq.TimedArray"),
    ([STIM], TypeError, "dict of names"),
])
def test_bad_timed_arrays_are_refused(arrays, error, words):
    with pytest.raises(error, match=words):
        eq.Neuron("equations:\n    dv/dt = -v + stim(t)", timed_arrays=arrays)


# ---- in a synapse -----------------------------------------------------------------------

GATE = eq.TimedArray([0.0, 1.0, 0.0, 2.0], dt=25.0)


def test_on_pre_reads_the_array_at_the_delivery_time():
    times = np.arange(1, 11) * 10.0
    source = eq.SpikeSource(1, i=np.zeros(10, dtype=int), t=times)
    post = eq.Population(eq.Neuron("equations:\n    dv/dt = 0*v"), 1)
    proj = eq.Projection(source, post, on_pre="v += w * gate(t)", w=1.5, delay=5.0,
                         timed_arrays={"gate": GATE})
    proj.connect(all_to_all=True)
    eq.Network(source, post, proj, dt=0.1).run(120.0)
    assert post.v[0] == pytest.approx(1.5 * GATE(times + 5.0).sum())
    assert GATE(times + 5.0).sum() == 11.0 != GATE(times).sum()    # the delay counts


def test_psp_reads_the_array_every_step():
    rates = eq.Population(eq.Neuron("parameters:\n    r = 1.0"), 3)
    target = eq.Population(eq.Neuron("equations:\n    dv/dt = sum(e)"), 1)
    synapse = eq.Synapse(psp="w * r_pre * gate(t)", timed_arrays={"gate": GATE})
    assert synapse.timed_arrays["gate"] is GATE
    proj = eq.Projection(rates, target, target="e", synapse=synapse)
    proj.connect(all_to_all=True)
    eq.Network(rates, target, proj, dt=0.5).run(100.0)
    assert target.v[0] == pytest.approx(sum(3 * GATE(k * 0.5) * 0.5 for k in range(200)))


def test_synapse_mistakes():
    with pytest.raises(ValueError, match="must be 1-D"):
        eq.Synapse(on_pre="v += gate(t)", timed_arrays={"gate": eq.TimedArray(np.ones((2, 2)), 1.0)})
    with pytest.raises(eq.ModelError, match="cannot be used in a synapse's equations") as info:
        eq.Synapse(equations="dx/dt = gate(t)", on_pre="v += x", timed_arrays={"gate": GATE})
    assert (info.value.line, info.value.column) == (1, 20)    # "equations: dx/dt = gate(t)"
    with pytest.raises(ValueError, match="never calls the TimedArray 'gate'"):
        eq.Synapse(on_pre="v += w", timed_arrays={"gate": GATE})
    pre = eq.Population(eq.load("lif"), 2)
    with pytest.raises(TypeError, match="timed_arrays= goes with the sections"):
        eq.Projection(pre, pre, target="exc", timed_arrays={"gate": GATE})
