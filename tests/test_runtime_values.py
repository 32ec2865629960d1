"""Values given to the Python API are checked on every assignment, with clear errors."""
import numpy as np
import pytest

import eqneuro as eq
from eqneuro.rates import smooth_rate

MODEL = eq.Neuron("""
    parameters:
        tau = 10.0; I = 0.0
        g = 1.0 : shared
    equations:
        tau*dv/dt = -v + g*I
    spike: v > 1.0
    reset: v = 0.0
""", name="Checked")


@pytest.fixture
def pop():
    return eq.Population(MODEL, 3)


@pytest.mark.parametrize("name", ["I", "v"])
@pytest.mark.parametrize("value", [1 + 2j, np.complex128(1.0), [1.0, 2j, 3.0],
                                   np.array([1.0, 2.0, 3.0], dtype=complex)])
def test_complex_values_are_refused_not_cast(pop, name, value):
    with pytest.raises(TypeError, match=f"{name} must be real: got complex values"):
        setattr(pop, name, value)


@pytest.mark.parametrize("name", ["I", "v"])
def test_a_masked_array_with_masked_entries_is_refused(pop, name):
    masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[False, True, False])
    with pytest.raises(ValueError, match="masked entries"):
        setattr(pop, name, masked)
    setattr(pop, name, np.ma.masked_array([1.0, 2.0, 3.0], mask=False))
    np.testing.assert_array_equal(getattr(pop, name), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("value", [[1.0, 2.0, 3.0], [1.0, 2.0], np.array([[1.0, 2.0]]), []])
def test_one_value_per_neuron_for_a_shared_parameter_says_shared(pop, value):
    with pytest.raises(ValueError, match="parameter g is shared: it holds one value"):
        pop.g = value
    pop.g = [2.0, 2.0, 2.0]            # identical values are that one value
    assert pop._eq_params["g"] == 2.0


def test_a_cache_dir_that_is_a_file_or_cannot_be_written_is_a_clear_error(tmp_path,
                                                                           monkeypatch):
    plain = tmp_path / "a_file"
    plain.write_text("not a directory")
    neuron = eq.Neuron("equations: dv/dt = -v/7.25", name="CacheProbe")
    cases = [(plain, "is a file, not a directory"),
             (plain / "below", "cannot hold compiled kernels: Not a directory"),
             ("/proc/eqneuro-cache", "cannot hold compiled kernels")]
    for directory, message in cases:
        monkeypatch.setenv("EQNEURO_CACHE_DIR", str(directory))
        with pytest.raises(eq.BuildError, match=f"EQNEURO_CACHE_DIR .*{message}"):
            eq.Network(eq.Population(neuron, 1))


@pytest.mark.parametrize("options, message", [
    ({"bin": 0}, "bin must be a positive number of ms, not 0"),
    ({"bin": -1.0}, "bin must be a positive"),
    ({"bin": float("nan")}, "bin must be a positive"),
    ({"bin": "1"}, "bin must be a positive"),
    ({"smooth": -1.0}, "smooth must be a non-negative number of ms or None"),
    ({"smooth": float("nan")}, "smooth must be a non-negative"),
    ({"duration": 0.0}, "duration must be a positive number of ms or None"),
    ({"duration": float("inf")}, "duration must be a positive"),
])
def test_plot_rate_arguments_are_checked(options, message):
    from matplotlib.figure import Figure
    ax = Figure().subplots()
    spikes = eq.SpikeMonitor(eq.Population(MODEL, 2))
    with pytest.raises(ValueError, match=message):
        eq.plot.rate(spikes, ax=ax, **options)
    with pytest.raises(ValueError, match=message.split(" must")[0]):
        eq.plot.overview(spikes, **options)


def test_other_plot_and_rate_arguments_are_checked():
    from matplotlib.figure import Figure
    ax = Figure().subplots()
    pop = eq.Population(MODEL, 2)
    with pytest.raises(ValueError, match="duration must be a positive"):
        eq.plot.raster(eq.SpikeMonitor(pop), ax, duration=-5.0)
    trace = eq.StateMonitor(pop, "v")
    with pytest.raises(ValueError, match="records v; not 3"):
        eq.plot.traces(trace, 3, ax)
    with pytest.raises(TypeError, match="needs a StateMonitor"):
        eq.plot.traces(eq.SpikeMonitor(pop), "v", ax)
    with pytest.raises(TypeError, match="needs a SpikeMonitor"):
        eq.plot.rate(trace, ax=ax)
    with pytest.raises(ValueError, match="width must be a non-negative"):
        smooth_rate(np.ones(4), 1.0, float("nan"))
    with pytest.raises(ValueError, match="bin must be a positive"):
        smooth_rate(np.ones(4), 0.0, 1.0)


@pytest.mark.parametrize("period", [0, -1.0, float("nan"), float("inf"), True, "1"])
def test_a_state_monitor_period_is_a_positive_number(pop, period):
    with pytest.raises(ValueError, match="sampling period dt must be a positive number"):
        eq.StateMonitor(pop, "v", dt=period)


def test_population_time_is_read_only(pop):
    assert pop.t == 0.0
    with pytest.raises(AttributeError, match="changes only by running a Network"):
        pop.t = 5.0


def test_values_that_are_not_numbers_and_absurd_thread_counts_are_refused():
    """Found by review: strings in a list, booleans and 2**40 threads were accepted."""
    pop = eq.Population(eq.Neuron("parameters: I = 0\nequations: dv/dt = I"), 3)
    for value in (["1", "2", "3"], True, [True, False, True]):
        with pytest.raises(TypeError, match="must be a number or an array of numbers"):
            pop.I = value
    net = eq.Network(pop, dt=0.1)
    with pytest.raises(ValueError, match="threads must be at most 1024"):
        net.threads = 2 ** 40


def test_a_population_cannot_be_changed_while_another_thread_runs_it():
    pop = eq.Population(eq.Neuron("parameters: I = 0\nequations: dv/dt = I"), 3)
    eq.Network(pop, dt=0.1)
    with pop._eq_lock:                       # what a run in another thread holds
        with pytest.raises(RuntimeError, match="is running \\(in another thread\\)"):
            pop.I = 1.0
        with pytest.raises(RuntimeError, match="is running"):
            pop.v = 0.0
    pop.I = 1.0
    assert pop.I.tolist() == [1.0, 1.0, 1.0]
