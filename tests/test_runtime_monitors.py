"""StateMonitor: parameters recorded, one buffer per run (reading costs at most one copy);
dir(pop) and the progress bar."""
import tracemalloc

import numpy as np
import pytest

import eqneuro as eq

pytestmark = pytest.mark.compiler

MODEL = eq.Neuron("""
    parameters:
        tau = 10.0; I = 0.0
        g = 1.0 : shared
    equations:
        tau*dv/dt = -v + g*I : init = 0.5
        r = 2*v
    spike: v > 1.0
    reset: v = 0.0
""", method="euler", name="Recorded")


def test_parameters_are_recorded_and_follow_changes_between_runs():
    pop = eq.Population(MODEL, 4)
    trace = eq.StateMonitor(pop, ["tau", "I", "g", "v"], record=[0, 3])
    net = eq.Network(pop, trace, dt=0.5)
    net.run(1.0)                               # tau, I and g: one value (scalars)
    pop.I = [0.1, 0.2, 0.3, 0.4]               # per neuron: a new kernel
    pop.g = 3.0
    net.run(1.0)
    pop.tau = [5.0, 6.0, 7.0, 8.0]
    net.run(0.5)
    np.testing.assert_array_equal(trace.t, [0.0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_array_equal(trace.I, [[0, 0], [0, 0], [0.1, 0.4], [0.1, 0.4], [0.1, 0.4]])
    np.testing.assert_array_equal(trace.g, [[1, 1], [1, 1], [3, 3], [3, 3], [3, 3]])
    np.testing.assert_array_equal(trace.tau, [[10, 10]] * 4 + [[5, 8]])
    assert trace.v[0, 0] == 0.5 and trace.v[1, 0] == 0.5 * (1 - 0.5 / 10)


def test_dir_lists_the_model_names():
    pop = eq.Population(MODEL, 2)
    assert {"tau", "I", "g", "v", "r", "N", "t", "name", "neuron"} <= set(dir(pop))


def _run_traced(runs, steps=2000, n=64):
    pop = eq.Population(MODEL, n)
    pop.I = np.linspace(0.0, 2.0, n)
    trace = eq.StateMonitor(pop, ["v", "r"])
    net = eq.Network(pop, trace, dt=0.1)
    for _ in range(runs):
        net.run(steps * 0.1, progress=False)      # many kernel chunks per run
    return trace


def _allocated_by(function):
    tracemalloc.start()
    try:
        value = function()
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_after_one_run_is_a_view_of_the_run_buffer():
    trace = _run_traced(runs=1)
    v, peak = _allocated_by(lambda: trace.v)
    assert v.shape == (2000, 64)
    assert peak < 0.01 * v.nbytes                 # no copy
    again, peak = _allocated_by(lambda: trace.v)
    assert np.shares_memory(v, again) and peak < 0.01 * v.nbytes


def test_reading_after_several_runs_costs_one_copy_then_nothing():
    trace = _run_traced(runs=3)
    v, peak = _allocated_by(lambda: trace.v)
    assert v.shape == (6000, 64)
    assert peak < 1.05 * v.nbytes                 # one join
    again, peak = _allocated_by(lambda: trace.v)
    assert again is v and peak < 0.01 * v.nbytes
    assert len(trace._data["v"]) == 1             # the per-run buffers were released
    np.testing.assert_array_equal(trace.t, np.arange(6000) * 0.1)


def test_the_progress_bar_shows_one_rate(capsys):
    pop = eq.Population(MODEL, 10)
    eq.Network(pop, dt=0.1).run(500.0, progress=True)
    err = capsys.readouterr().err
    shown = [part for part in err.replace("\n", "\r").split("\r") if "simulating" in part]
    assert all(part.count("/s") <= 1 for part in shown), shown
    assert "ms/s" in shown[-1]
