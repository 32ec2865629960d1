"""The shipped Hodgkin-Huxley neuron (models/hh.eqn) against an independent reference.

The reference is the same ODE system written out in NumPy and integrated by SciPy's LSODA
with rtol = atol = 1e-10; spike times are its upward zero crossings of v, located by event
detection. eqneuro's spike is emitted at the end of the step in which v > 0 first holds, so
with RK4 at dt = 0.01 ms each spike time must lie in [t_ref, t_ref + dt], up to RK4's own
error (~1e-4 ms here; measured max deviation 0.0098 ms at I = 3..40 over 100 ms).
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import eqneuro as eq

pytestmark = pytest.mark.compiler

DT = 0.01
HH = eq.load("hh", method="rk4")
P = HH.parameters
INIT = [-70.0, 0.3177, 0.0529, 0.5961]      # v, n, m, h


def reference_rhs(t, y, current):
    v, n, m, h = y
    a_n = 0.01 * (v + 60) / (1 - np.exp(-0.1 * (v + 60)))
    a_m = 0.1 * (v + 45) / (1 - np.exp(-0.1 * (v + 45)))
    a_h = 0.07 * np.exp(-0.05 * (v + 70))
    b_n = 0.125 * np.exp(-0.0125 * (v + 70))
    b_m = 4 * np.exp(-(v + 70) / 18)
    b_h = 1 / (1 + np.exp(-0.1 * (v + 40)))
    dv = (P["g_L"] * (P["V_L"] - v) + P["g_K"] * n**4 * (P["V_K"] - v)
          + P["g_Na"] * m**3 * h * (P["V_Na"] - v) + current) / P["C"]
    return [dv, a_n * (1 - n) - b_n * n, a_m * (1 - m) - b_m * m, a_h * (1 - h) - b_h * h]


def crossing(t, y, current):
    return y[0]


crossing.direction = 1


def reference_spikes(current, duration, rtol=1e-10):
    solution = solve_ivp(reference_rhs, (0.0, duration), INIT, method="LSODA", rtol=rtol,
                         atol=rtol, events=crossing, args=(current,))
    assert solution.success
    return solution.t_events[0]


def simulate(currents, duration, neuron=HH, dt=DT):
    pop = eq.Population(neuron, len(currents))
    pop.I = np.asarray(currents, dtype=float)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=dt).run(duration)
    trains = spikes.spike_trains()
    return [trains.get(k, np.zeros(0)) for k in range(len(currents))]


def test_lecture_names_and_parameters():
    assert P == {"C": 1.0, "g_L": 0.3, "g_K": 36.0, "g_Na": 120.0, "V_L": -59.387,
                 "V_K": -82.0, "V_Na": 45.0, "I": 0.0}
    assert HH.variables == ("n", "m", "h", "v")
    assert set(HH.derived) == {"a_n", "a_m", "a_h", "b_n", "b_m", "b_h"}
    assert HH.method == "rk4"
    assert "blocks spikes only" in str(HH)     # no reset: refractoriness only blocks spikes


def test_rest_state_is_stationary():
    pop = eq.Population(HH, 1)
    trace = eq.StateMonitor(pop, ["v", "n", "m", "h"], dt=1.0)
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, trace, spikes, dt=DT).run(50.0)
    assert spikes.num_spikes == 0
    assert np.abs(trace.v + 70.0).max() < 0.02       # the 4-digit gate values drift < 0.02 mV
    for gate, value in zip("nmh", INIT[1:]):
        assert np.abs(getattr(trace, gate) - value).max() < 1e-3


def test_spike_times_match_lsoda():
    currents = [3.0, 6.0, 10.0, 20.0, 40.0]
    duration = 100.0
    trains = simulate(currents, duration)
    for current, train in zip(currents, trains):
        expected = reference_spikes(current, duration)
        assert len(train) == len(expected), current
        delay = train - expected
        assert np.all(delay >= -1e-3) and np.all(delay <= DT + 1e-3), (current, delay)
    # single spike, a transient pair, then repetitive firing with rising rate
    assert [len(t) for t in trains] == [1, 2, 7, 9, 11]


def test_repetitive_firing_threshold_matches_lsoda():
    """Starting from rest, constant currents above I* ~ 6.26 uA/cm^2 give lasting firing.

    "Repetitive" here means a spike in the last third of 300 ms (just below I* the neuron
    fires a few spikes and returns to rest). The reference locates I* by bisection to
    5e-4; the simulation scans a grid of step 2.5e-3 in one population.
    """
    duration, late = 300.0, 200.0
    lo, hi = 6.2, 6.3
    assert not np.any(reference_spikes(lo, duration, 1e-9) > late)
    assert np.any(reference_spikes(hi, duration, 1e-9) > late)
    while hi - lo > 5e-4:
        mid = 0.5 * (lo + hi)
        if np.any(reference_spikes(mid, duration, 1e-9) > late):
            hi = mid
        else:
            lo = mid
    grid = np.arange(6.2, 6.3, 2.5e-3)
    fires_late = np.array([np.any(t > late) for t in simulate(grid, duration)])
    first = int(np.argmax(fires_late))
    assert fires_late[first] and not fires_late[:first].any() and fires_late[first:].all()
    assert lo - 2.5e-3 <= grid[first] <= hi + 2.5e-3, (grid[first], lo, hi)


def test_finite_at_the_removable_singularities():
    """a_n is 0/0 at v = -60 and a_m at v = -45: the limits are 0.1 and 1.0 exactly."""
    v = np.array([-60.0, -45.0, -60.0 + 1e-9, -45.0 - 1e-9, -60.0 + 1e-5, -45.0 + 1e-5])
    pop = eq.Population(HH, len(v))
    pop.v = v
    a_n, a_m = pop.a_n, pop.a_m
    assert np.all(np.isfinite(a_n)) and np.all(np.isfinite(a_m))
    assert a_n[0] == pytest.approx(0.1, rel=1e-12) and a_m[1] == pytest.approx(1.0, rel=1e-12)
    # continuous across the guard: compare with the formula's Taylor expansion
    x = v + 60.0
    np.testing.assert_allclose(a_n[[0, 2, 4]], (0.1 + 0.005 * x)[[0, 2, 4]], rtol=1e-7)
    y = v + 45.0
    np.testing.assert_allclose(a_m[[1, 3, 5]], (1.0 + 0.05 * y)[[1, 3, 5]], rtol=1e-7)
    # the compiled kernel agrees at the first sample, and the run stays finite
    trace = eq.StateMonitor(pop, ["v", "a_n", "a_m", "n", "m", "h"])
    eq.Network(pop, trace, dt=DT).run(20.0)
    # (outside the guard the quotient itself loses ~1e-16/|1 - exp(-0.1 x)| ~ 1e-10 to
    # rounding, which the compiled code and NumPy spend differently)
    np.testing.assert_allclose(trace.a_n[0], a_n, rtol=1e-8)
    np.testing.assert_allclose(trace.a_m[0], a_m, rtol=1e-8)
    assert trace.a_n[0, 0] == pytest.approx(0.1, rel=1e-12)
    assert trace.a_m[0, 1] == pytest.approx(1.0, rel=1e-12)
    for name in trace.variables:
        assert np.all(np.isfinite(getattr(trace, name))), name


def test_default_method_is_stable_at_the_usual_step():
    """Without method=, the model runs at dt = 0.05 ms and fires the reference's count."""
    neuron = eq.load("hh")
    currents = [10.0, 20.0, 40.0]
    trains = simulate(currents, 100.0, neuron=neuron, dt=0.05)
    assert [len(t) for t in trains] == [len(reference_spikes(i, 100.0)) for i in currents]
