"""Firing-rate helpers on hand-made spikes, and the LIF f-I curve against its closed form."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

import eqneuro as eq
from eqneuro.rates import fi_curve, firing_rates, population_rate, smooth_rate


def fake_spikes(times, indices, n):
    """The attributes of a SpikeMonitor that the helpers read."""
    return SimpleNamespace(t=np.asarray(times, float), i=np.asarray(indices, int),
                           population=range(n))


# ---- firing_rates / population_rate / smooth_rate on hand-made spikes -----------------

def test_firing_rates_count_spikes_in_start_exclusive_end_inclusive_window():
    spikes = fake_spikes([0.1, 100.0, 100.1, 500.0, 1000.0, 250.0], [0, 0, 0, 1, 1, 2], 4)
    assert firing_rates(spikes, 1000.0).tolist() == [3.0, 2.0, 1.0, 0.0]
    # a spike at t = start ended the step before the window; one at t = duration is inside
    assert firing_rates(spikes, 1000.0, start=100.0).tolist() == pytest.approx(
        [1 / 0.9, 2 / 0.9, 1 / 0.9, 0.0])


def test_population_rate_uses_right_closed_bins_and_a_short_last_bin():
    spikes = fake_spikes([1.0, 1.1, 2.0, 4.5], [0, 1, 0, 1], 2)
    centres, rates = population_rate(spikes, bin=1.0, duration=4.5)
    assert centres.tolist() == [0.5, 1.5, 2.5, 3.5, 4.25]
    # (0,1]: 1 spike, (1,2]: 2, (4,4.5]: 1; two neurons, rates in Hz
    assert rates.tolist() == pytest.approx([500.0, 1000.0, 0.0, 0.0, 1000.0])


def test_population_rate_spikes_at_float_bin_edges_stay_in_their_step():
    dt, bin = 0.1, 0.3
    steps = np.arange(1, 31)                 # one spike at the end of every step, 3 ms
    _, rates = population_rate(fake_spikes(steps * dt, np.zeros(30), 1), bin, 3.0)
    assert rates.tolist() == pytest.approx([3 / 0.3e-3] * 10)


def test_smooth_rate_keeps_a_constant_rate_constant_up_to_the_edges():
    assert smooth_rate(np.full(50, 7.0), bin=1.0, width=5.0) == pytest.approx(np.full(50, 7.0))
    smoothed = smooth_rate(np.r_[np.zeros(50), 100.0, np.zeros(50)], bin=1.0, width=3.0)
    assert smoothed.argmax() == 50 and smoothed.sum() == pytest.approx(100.0, rel=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda s: firing_rates(s, 100.0, start=100.0), "greater than start"),
    (lambda s: firing_rates(s, -1.0), "non-negative"),
    (lambda s: population_rate(s, 0.0, 100.0), "bin must be a positive"),
    (lambda s: population_rate(s, 1.0, 0.0), "duration must be positive"),
])
def test_rate_helpers_reject_bad_windows(call, message):
    with pytest.raises(ValueError, match=message):
        call(fake_spikes([], [], 1))


# ---- fi_curve -------------------------------------------------------------------------

LIF = dict(C=1.0, g_L=0.1, V_L=-70.0, V_T=-50.0, V_r=-70.0, T_ref=2.0)
CURRENTS = np.array([0.0, 1.5, 1.99, 2.05, 2.5, 3.0, 4.0, 6.0, 10.0, 20.0, 40.0])


def time_to_threshold(current):
    """Closed-form time from V_r = V_L to V_T under constant current (inf below rheobase)."""
    drive, gap = current / LIF["g_L"], LIF["V_T"] - LIF["V_L"]
    tau = LIF["C"] / LIF["g_L"]
    return tau * math.log(drive / (drive - gap)) if drive > gap else math.inf


def analytic_rate(current):
    """rate = 1000 / (T_ref + tau ln((I/g_L) / (I/g_L - (V_T - V_L)))) Hz, or 0."""
    return 1000.0 / (LIF["T_ref"] + time_to_threshold(current))


@pytest.mark.compiler
@pytest.mark.parametrize("dt, transient", [(0.1, 0.0), (0.01, 0.0), (0.01, 100.0)])
def test_lif_fi_curve_matches_the_closed_form_within_the_discretisation_error(dt, transient):
    duration = 5000.0
    currents, rates = fi_curve(eq.load("lif"), CURRENTS, duration=duration, dt=dt,
                               transient=transient)
    assert currents.tolist() == CURRENTS.tolist()
    expected = np.array([analytic_rate(i) for i in CURRENTS])
    # The kernel integrates LIF exactly, so the only errors are: the spike is seen at the end
    # of the step that crosses V_T (+[0, dt) per interval) and the refractory period is
    # round(T_ref/dt) steps (+-dt/2); counting whole spikes in the window adds +-1 spike.
    period = 1000.0 / np.where(expected > 0, expected, np.inf)
    tolerance = expected * 1.5 * dt / np.where(expected > 0, period, 1.0) + 1000.0 / duration
    assert np.all(np.abs(rates - expected) <= tolerance + 1e-9), (rates, expected, tolerance)
    assert rates[CURRENTS < 2.0].tolist() == [0.0, 0.0, 0.0]      # below the rheobase
    if dt == 0.01:
        firing = expected > 0
        assert np.abs(rates[firing] / expected[firing] - 1).max() < 0.02


@pytest.mark.compiler
def test_lif_interspike_interval_is_whole_steps_to_cross_plus_refractory_steps():
    dt, duration = 0.1, 3000.0
    _, rates = fi_curve("lif", CURRENTS[3:], duration=duration, dt=dt)
    for current, rate in zip(CURRENTS[3:], rates):
        crossing = math.ceil(time_to_threshold(current) / dt) * dt    # none is near a step
        interval = round(LIF["T_ref"] / dt) * dt + crossing
        spikes = 1 + math.floor((duration - crossing) / interval)      # the first: no T_ref
        assert rate * duration / 1000.0 == pytest.approx(spikes), current


def test_fi_curve_explains_a_model_without_spikes_or_an_unknown_current():
    with pytest.raises(ValueError, match="no spike condition"):
        fi_curve("rate", [0.0, 1.0])
    with pytest.raises(ValueError, match=r"no parameter 'Iext' \(parameters: C, g_L, .*I\)"):
        fi_curve("lif", [0.0, 1.0], current="Iext")
