"""The shipped LIF (models/lif.eqn) against its closed form.

Below threshold, v(t) = V_L + I/g_L (1 - exp(-t/tau)) with tau = C/g_L, and the shipped
model is integrated exactly, so the trace agrees to rounding. Above threshold the time from
the reset V_r to the threshold V_T is T(I) = tau ln((v_inf - V_r)/(v_inf - V_T)), v_inf =
V_L + I/g_L, and the continuous firing rate is 1/(T_ref + T(I)).

The simulation sees the threshold at step ends: the spike is emitted at the end of the first
step k with v(k dt) > V_T, i.e. k = floor(T/dt) + 1, and v is then held at V_r for
R = round(T_ref/dt) steps. So the discrete inter-spike interval is exactly (R + k) dt, and
it exceeds the continuous one by (k - T/dt) dt, which lies in (0, dt].
"""
import math

import numpy as np
import pytest

import eqneuro as eq

pytestmark = pytest.mark.compiler

LIF = eq.load("lif")
P = LIF.parameters
TAU = P["C"] / P["g_L"]
T_REF = 2.0          # the shipped refractory period (ms)
RHEOBASE = P["g_L"] * (P["V_T"] - P["V_L"])      # 2.0: the smallest current that fires


def time_to_threshold(current):
    v_inf = P["V_L"] + current / P["g_L"]
    return TAU * math.log((v_inf - P["V_r"]) / (v_inf - P["V_T"]))


def discrete_train(current, dt, duration):
    """Spike times the step-end detection must give: first at k dt, then every (R+k) dt."""
    k = math.floor(time_to_threshold(current) / dt) + 1
    period = round(T_REF / dt) + k
    return dt * (k + period * np.arange(int((duration / dt - k) // period) + 1))


def test_shipped_names_and_method():
    assert set(P) == {"C", "g_L", "V_L", "V_T", "V_r", "I"}
    assert LIF.variables == ("v",)
    assert LIF.method == "exact"      # linear with constant input: integrated exactly
    assert "refractory: 2" in str(LIF)


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_spike_trains_match_the_closed_form_exactly(dt):
    currents = np.linspace(2.1, 8.0, 12)
    duration = 200.0
    pop = eq.Population(LIF, len(currents))
    pop.I = currents
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=dt).run(duration)
    trains = spikes.spike_trains()
    for n, current in enumerate(currents):
        expected = discrete_train(current, dt, duration)
        np.testing.assert_allclose(trains[n], expected, rtol=0, atol=1e-9 * duration)


def test_f_I_curve_converges_to_the_continuous_rate():
    """Measured rate within the derived discretisation bound of 1/(T_ref + T(I))."""
    dt, duration = 0.01, 500.0
    currents = np.array([2.05, 2.2, 2.5, 3.0, 4.0, 6.0, 10.0, 20.0])
    pop = eq.Population(LIF, len(currents))
    pop.I = currents
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=dt).run(duration)
    trains = spikes.spike_trains()
    for n, current in enumerate(currents):
        isi = np.diff(trains[n])
        continuous = T_REF + time_to_threshold(current)
        # each interval exceeds the continuous one by at most one step, never less
        assert np.all(isi > continuous - 1e-9) and np.all(isi <= continuous + dt + 1e-9)
        rate, rate_continuous = 1000.0 / isi.mean(), 1000.0 / continuous
        assert abs(rate - rate_continuous) <= rate_continuous * dt / continuous + 1e-9
    # no firing at or below the rheobase
    pop = eq.Population(LIF, 3)
    pop.I = np.array([0.0, 1.0, RHEOBASE])
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=0.1).run(200.0)
    assert spikes.num_spikes == 0


def test_subthreshold_trace_is_the_exact_exponential():
    currents = np.array([-1.0, 0.5, 1.0, 1.99])
    pop = eq.Population(LIF, len(currents))
    pop.I = currents
    trace = eq.StateMonitor(pop, "v")
    eq.Network(pop, trace, dt=0.1).run(100.0)
    t = trace.t[:, None]
    exact = P["V_L"] + currents / P["g_L"] * (1.0 - np.exp(-t / TAU))
    assert trace.v.shape == (1000, 4)
    np.testing.assert_allclose(trace.v, exact, rtol=0, atol=1e-9)


def test_reset_and_refractory_hold():
    """After each spike v sits at V_r for exactly R steps, then rises again."""
    dt = 0.1
    pop = eq.Population(LIF, 1)
    pop.I = 5.0
    spikes, trace = eq.SpikeMonitor(pop), eq.StateMonitor(pop, "v")
    eq.Network(pop, spikes, trace, dt=dt).run(40.0)
    held = round(T_REF / dt)
    for t_spike in spikes.t:
        s = int(round(t_spike / dt))        # sample s is the state at t_spike, after reset
        np.testing.assert_array_equal(trace.v[s:s + held + 1, 0], P["V_r"])
        assert trace.v[s + held + 1, 0] > P["V_r"]
    assert trace.v.max() <= P["V_T"]
