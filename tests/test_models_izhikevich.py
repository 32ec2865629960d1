"""The shipped Izhikevich neurons (models/izhikevich.eqn): firing patterns and Euler reference.

Each variant is checked twice: its spike times equal those of a plain NumPy forward-Euler
loop at the same dt (Izhikevich's published scheme: update v and u from the old values,
then "if v >= 30: v = c, u += d", the spike at the end of the step), and its firing
pattern under the step current I = 10 of Izhikevich (2003), Fig. 2 shows in its
inter-spike intervals (ISIs).
"""
import numpy as np
import pytest

import eqneuro as eq

pytestmark = pytest.mark.compiler

VARIANTS = ("RegularSpiking", "IntrinsicallyBursting", "Chattering", "FastSpiking",
            "LowThresholdSpiking", "ThalamoCortical", "Resonator")
PUBLISHED = {   # Izhikevich (2003), Fig. 2: a, b, c, d
    "RegularSpiking": (0.02, 0.2, -65, 8), "IntrinsicallyBursting": (0.02, 0.2, -55, 4),
    "Chattering": (0.02, 0.2, -50, 2), "FastSpiking": (0.1, 0.2, -65, 2),
    "LowThresholdSpiking": (0.02, 0.25, -65, 2), "ThalamoCortical": (0.02, 0.25, -65, 0.05),
    "Resonator": (0.1, 0.26, -65, 2)}
CURRENT = 10.0


def euler_reference(parameters, current, dt, duration):
    """Spike times of a plain forward-Euler loop, started as in Izhikevich's code."""
    a, b, c, d = (parameters[k] for k in "abcd")
    v, u = -65.0, b * -65.0
    spikes = []
    for step in range(int(round(duration / dt))):
        v, u = v + dt * (0.04 * v * v + 5 * v + 140 - u + current), u + dt * a * (b * v - u)
        if v >= 30:
            spikes.append((step + 1) * dt)
            v, u = c, u + d
    return np.array(spikes)


def spike_times(variant, current=CURRENT, duration=300.0, dt=0.1):
    pop = eq.Population(eq.load("izhikevich", variant=variant), 1)
    pop.I = current
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, spikes, dt=dt).run(duration)
    return spikes.t


def bursts(times, gap=20.0):
    """Spike times split wherever an ISI exceeds `gap` ms."""
    return np.split(times, np.flatnonzero(np.diff(times) > gap) + 1)


def test_file_layout_and_published_parameters():
    assert eq.shipped_models()["izhikevich"] == ("Izhikevich",) + VARIANTS
    base = eq.load("izhikevich")
    assert base.name == "Izhikevich" and base.method == "euler"
    assert base.variables == ("v", "u")
    for variant, abcd in PUBLISHED.items():
        neuron = eq.load("izhikevich", variant=variant)
        assert tuple(neuron.parameters[k] for k in "abcd") == abcd
        assert neuron.method == "euler"
    assert eq.load("izhikevich.fast_spiking").name == "FastSpiking"
    assert eq.load("izhikevich", method="rk4").method == "rk4"


@pytest.mark.parametrize("dt", [0.1, 0.5])
def test_spike_times_equal_a_numpy_euler_loop(dt):
    """Same step for every spike over 250 ms (rounding aside, the kernel is the same loop).

    Over longer runs the two drift apart for FastSpiking: the compiled code rounds
    differently (operation order, fused multiply-add) and the Euler map amplifies a 1e-14 mV
    difference at 1 ms to 1e-3 mV by 300 ms, until a crossing moves by a step.
    """
    for variant in ("Izhikevich",) + VARIANTS:
        expected = euler_reference(eq.load("izhikevich", variant=variant).parameters,
                                   CURRENT, dt, 250.0)
        measured = spike_times(variant, duration=250.0, dt=dt)
        assert len(measured) == len(expected) > 3, variant
        np.testing.assert_allclose(measured, expected, rtol=0, atol=1e-9, err_msg=variant)


def test_regular_spiking_adapts_then_fires_tonically():
    isi = np.diff(spike_times("RegularSpiking"))
    assert isi.min() > 15.0                         # single spikes, no bursts
    assert isi[0] < 0.6 * isi[-1]                   # spike-frequency adaptation
    assert np.ptp(isi[-4:]) < 0.5                   # then a steady rhythm (45 ms)


def test_intrinsically_bursting_fires_one_burst_then_single_spikes():
    groups = bursts(spike_times("IntrinsicallyBursting"))
    assert len(groups[0]) >= 3 and np.diff(groups[0]).max() < 6.0    # initial burst
    assert all(len(g) == 1 for g in groups[1:]) and len(groups) >= 5  # then single spikes


def test_chattering_fires_repeated_bursts():
    groups = bursts(spike_times("Chattering"))
    assert len(groups) >= 4
    assert all(len(g) >= 3 for g in groups[:-1])                        # every burst >= 3 spikes
    assert max(np.diff(g).max() for g in groups if len(g) > 1) < 6.0   # > 160 Hz inside bursts


def test_fast_spiking_is_fast_with_little_adaptation():
    fs, rs = spike_times("FastSpiking"), spike_times("RegularSpiking")
    isi = np.diff(fs)
    assert 1000.0 / isi[-10:].mean() > 100.0         # > 100 Hz sustained
    assert isi[-10:].mean() < 2.0 * isi[0]           # little adaptation
    assert len(fs) > 4 * len(rs)
    assert isi.max() < 10.0                          # no pauses


def test_low_threshold_spiking_is_fast_with_strong_adaptation():
    isi = np.diff(spike_times("LowThresholdSpiking"))
    assert isi[0] < 5.0                              # high frequency at the onset
    assert isi[-5:].mean() > 3.0 * isi[0]            # adapting strongly
    assert isi.max() < 20.0                          # without bursts or pauses


def test_thalamo_cortical_rebound_burst():
    """Released from hyperpolarisation, TC fires a rebound burst; RS stays silent."""
    counts = {}
    for variant in ("ThalamoCortical", "RegularSpiking"):
        pop = eq.Population(eq.load("izhikevich", variant=variant), 1)
        spikes = eq.SpikeMonitor(pop)
        net = eq.Network(pop, spikes, dt=0.1)
        net.run(100.0)                 # settle at I = 0 (no spikes)
        pop.I = -10.0
        net.run(100.0)                 # hyperpolarised
        assert spikes.num_spikes == 0, variant
        pop.I = 0.0
        net.run(100.0)
        counts[variant] = spikes.t
    tc = counts["ThalamoCortical"]
    assert len(tc) >= 2 and tc[0] < 215.0 and np.diff(tc).max() < 15.0
    assert len(counts["RegularSpiking"]) == 0
    assert len(spike_times("ThalamoCortical")) > 50        # and tonic spikes when depolarised
