"""The network examples run as scripts, write their figure and print sane numbers.

Each example runs in a subprocess (as a user would run it) with the kernel cache of the
session (conftest.py sets EQNEURO_CACHE_DIR for the subprocess too); the figures the
examples print are checked against what the modelled networks must show.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.compiler


def run_example(name: str, tmp_path: Path) -> str:
    """Run examples/<name>.py with a figure path in tmp_path; its stdout (checked: figure)."""
    figure = tmp_path / f"{name}.png"
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), str(figure)],
                          capture_output=True, text=True, timeout=600, env=dict(os.environ),
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"wrote {figure}" in done.stdout
    data = figure.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
    return done.stdout


def number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in the output:\n{text}"
    return float(found.group(1))


def test_cuba_fires_at_the_published_rate(tmp_path):
    out = run_example("cuba", tmp_path)
    synapses = number(r"(\d+) synapses", out)
    assert abs(synapses - 0.02 * 4000 * 4000) < 5 * (0.02 * 0.98 * 4000 * 4000) ** 0.5
    rate = number(r"mean rate ([\d.]+) Hz", out)
    assert 3.0 < rate < 9.0              # Brette et al. 2007 / Brian2: about 5-6 Hz
    exc, inh = number(r"excitatory ([\d.]+)", out), number(r"inhibitory ([\d.]+)", out)
    assert abs(0.8 * exc + 0.2 * inh - rate) < 0.01


def test_coba_is_self_sustained_and_asynchronous(tmp_path):
    out = run_example("coba", tmp_path)
    rate = number(r"mean rate ([\d.]+) Hz", out)
    assert 10.0 < rate < 40.0
    g_exc, g_inh = number(r"mean g_exc ([\d.]+)", out), number(r"mean g_inh ([\d.]+)", out)
    # with a steady rate nu, the mean conductance is rate * in-degree * w * tau
    assert g_exc == pytest.approx(rate / 1000 * 64 * 0.6 * 5.0, rel=0.25)
    assert g_inh == pytest.approx(rate / 1000 * 16 * 6.7 * 10.0, rel=0.25)


@pytest.mark.slow
def test_cobahh_neurons_fire_action_potentials(tmp_path):
    out = run_example("cobahh", tmp_path)
    rate = number(r"mean rate ([\d.]+) Hz", out)
    assert 10.0 < rate < 80.0
    assert number(r"(\d+) of 4000 neurons fired", out) > 2000
    v_min = number(r"v between (-?[\d.]+)", out)
    v_max = number(r"and (-?[\d.]+) mV", out)
    assert -90.0 < v_min < -65.0         # never below E_K = -90 mV
    assert 20.0 < v_max < 50.0           # overshoot, below E_Na = 50 mV


def test_reservoir_decays_for_g_below_1_and_not_above(tmp_path):
    out = run_example("reservoir", tmp_path)
    low = re.search(r"g = 0\.5: rms r at t = 0: ([\d.]+), over 400-500 ms \(no input\): "
                    r"([\d.e+-]+); with input, temporal std over 900-1000 ms: ([\d.e+-]+)", out)
    high = re.search(r"g = 1\.5: rms r at t = 0: ([\d.]+), over 400-500 ms \(no input\): "
                     r"([\d.e+-]+); with input, temporal std over 900-1000 ms: ([\d.e+-]+)", out)
    assert low and high, out
    start, free_low, wander_low = (float(x) for x in low.groups())
    _, free_high, wander_high = (float(x) for x in high.groups())
    assert start > 0.3
    # g = 0.5: v decays at least as fast as exp(-(1 - g * radius) t / tau) from ~0.6
    assert free_low < 1e-3
    assert free_high > 0.3               # g = 1.5: self-sustained, no decay
    assert wander_low < 1e-4             # settled on a fixed point under the input
    assert wander_high > 1e-3            # still moving
    assert number(r"max \|v - v\*\| = ([\d.e+-]+)", out) < 1e-3   # the fixed point


def test_reservoir_with_noise_diverges_between_trials_only_for_g_above_1(tmp_path):
    out = run_example("reservoir_noise", tmp_path)
    found = {}
    for gain in ("0.5", "1.5"):
        match = re.search(rf"g = {gain}: rms v over the last 500 ms ([\d.]+); rms distance "
                          r"between the two trials at 100 ms ([\d.]+), over the last 500 ms "
                          r"([\d.]+)", out)
        assert match, out
        found[gain] = [float(x) for x in match.groups()]
    activity, _, distance = found["0.5"]
    # g = 0.5: two independent noisy states near 0, sqrt(2) times one's spread apart
    assert distance == pytest.approx(np.sqrt(2) * activity, rel=0.2)
    activity, early, distance = found["1.5"]
    assert activity > 0.3 and distance > 5 * found["0.5"][2]     # sustained, diverged
    assert early < distance / 3                                 # they start together


def test_mcculloch_pitts_computes_and_or_and_not(tmp_path):
    out = run_example("mcculloch_pitts", tmp_path)
    tables = dict(re.findall(r"^(.+?): w = .*?truth table ([01>,\- ]+);", out, re.M))
    assert tables == {"AND": "00->0, 01->0, 10->0, 11->1",
                      "OR": "00->0, 01->1, 10->1, 11->1",
                      "x1 AND NOT x2": "00->0, 01->0, 10->1, 11->0"}
    checks = re.findall(r"at all (\d+) points: (\w+); y equals the shipped model's: (\w+)", out)
    assert checks == [("6404", "True", "True")] * 3


def test_brunel_shows_the_synchronous_regular_and_asynchronous_irregular_states(tmp_path):
    """Brunel (2000), model A at full size (12,500 neurons, 15.6 M synapses, 12,500 Poisson
    inputs of 20 kHz, 2 events per step on average), 400 ms: Fig. 8's SR state (g = 3) fires
    regularly near saturation with an oscillating population rate; the AI state (g = 5)
    fires irregularly at a few tens of Hz with a far flatter population rate."""
    figure = tmp_path / "brunel.png"
    done = subprocess.run([sys.executable, str(EXAMPLES / "brunel.py"), str(figure),
                           "--duration", "400"], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert figure.read_bytes().startswith(PNG_SIGNATURE)
    out = done.stdout
    sr, ai = out.split("\n")[0], out.split("\n")[1]
    assert sr.startswith("SR") and ai.startswith("AI")
    assert number(r"rate ([\d.]+) Hz", sr) > 250.0
    assert number(r"CV of ISI ([\d.]+)", sr) < 0.1
    assert number(r"sd/mean ([\d.]+)", sr) > 1.2
    assert 20.0 < number(r"rate ([\d.]+) Hz", ai) < 60.0
    assert number(r"CV of ISI ([\d.]+)", ai) > 0.3
    assert number(r"sd/mean ([\d.]+)", ai) < 0.5 * number(r"sd/mean ([\d.]+)", sr)


def test_poisson_input_switches_coba_into_its_self_sustained_state(tmp_path):
    out = run_example("coba_poisson", tmp_path)
    events = number(r"input: (\d+) Poisson events", out)
    expected = 4000 * 1000.0 * 0.5                       # 4000 neurons, 1 kHz, 500 ms
    assert abs(events - expected) < 5 * expected ** 0.5
    assert number(r"before the input: ([\d.]+) Hz", out) == 0.0
    driven = number(r"with the input: ([\d.]+) Hz", out)
    after = number(r"after it: ([\d.]+) Hz", out)
    assert 10.0 < driven < 60.0 and 5.0 < after < driven
    assert number(r"after it: [\d.]+ Hz \(CV of ISI ([\d.]+)\)", out) > 0.5   # irregular


def test_song_stdp_drives_the_weights_to_their_bounds_and_the_rate_down(tmp_path):
    """Song et al. (2000): 1000 Poisson inputs with STDP onto one neuron, 100 s."""
    out = run_example("song_stdp", tmp_path)
    early = number(r"rate ([\d.]+) Hz in the first", out)
    late = number(r"Hz in the first 10 s, ([\d.]+) Hz in the last", out)
    assert late < 0.5 * early and 10.0 < late < 40.0
    at_bounds = number(r"weights within 10% of a bound: ([\d.]+)", out)
    before = number(r"\(before: ([\d.]+)\)", out)
    assert before == pytest.approx(0.2, abs=0.05) and at_bounds > 2 * before


def test_short_term_plasticity_depresses_and_facilitates(tmp_path):
    out = run_example("short_term_plasticity", tmp_path)
    depressing = number(r"depressing: .*8th / 1st = ([\d.]+)", out)
    facilitating = number(r"facilitating: .*8th / 1st = ([\d.]+)", out)
    assert depressing < 0.2 and facilitating > 2.0
    assert 0.3 < number(r"depressing: .*after 500 ms: ([\d.]+)", out) < 0.7   # recovering


@pytest.mark.slow
def test_phase_planes_print_each_patterns_rest_and_rheobase(tmp_path):
    out = run_example("phase_planes", tmp_path)
    assert re.search(r"adex:tonic\s+stable focus at -70\.0, saddle at -44\.5\s+220\.4 "
                     r"\(saddle-node\)", out), out
    assert 3.75 < number(r"izhikevich:regular_spiking .*?(\d\.\d+) \(simulation\)", out) < 3.80
    assert number(r"adex:delayed_accelerating .*?(\d+\.\d+) \(saddle-node\)", out) == \
        pytest.approx(28.83, abs=0.01)


def test_brunel_phase_diagram_separates_the_regular_and_irregular_states(tmp_path):
    figure = tmp_path / "pd.png"
    done = subprocess.run([sys.executable, str(EXAMPLES / "brunel_phase_diagram.py"),
                           str(figure), "--small"], capture_output=True, text=True,
                          timeout=600, env=dict(os.environ), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert figure.read_bytes().startswith(PNG_SIGNATURE)
    rows = {float(g): (float(rate), float(cv)) for g, nu, rate, cv, *_ in
            (line.split() for line in done.stdout.splitlines()[1:3])}
    assert rows[3.0][0] > 200 and rows[3.0][1] < 0.1       # synchronous-regular
    assert rows[6.0][0] < 60 and rows[6.0][1] > 0.4        # asynchronous-irregular


def test_fi_family_curves_start_at_their_rheobases(tmp_path):
    out = run_example("fi_family", tmp_path)
    assert number(r"a =    0 nS: rheobase\s+([\d.]+) pA \(saddle-node\)", out) == \
        pytest.approx(180.0, abs=0.01)
    assert number(r"a =    2 nS: rheobase\s+([\d.]+) pA", out) == pytest.approx(220.38, abs=0.01)
    assert number(r"errors: (\d+)", out) == 0
    assert number(r"a =   20 nS: .*rate at 800 pA ([\d.]+) Hz", out) < \
        number(r"a =    0 nS: .*rate at 800 pA ([\d.]+) Hz", out)


def test_a_recorded_current_replayed_in_two_trials_sets_when_the_population_fires(tmp_path):
    pytest.importorskip("elephant")
    out = run_example("replay_recorded_current", tmp_path)
    weak = number(r"as recorded: spikes (\d+)", out)
    strong = number(r"20 % stronger: spikes (\d+)", out)
    assert 100 < weak < strong       # 200 neurons in 1 s, fluctuation-driven: a few Hz
    for trial in ("as recorded", "20 % stronger"):
        assert 0.2 < number(rf"{trial}: .*mean CV of ISIs ([\d.]+)", out) < 1.0
        assert number(rf"{trial}: .*Fano factor of the neurons' counts ([\d.]+)", out) > 1.0
    # the same current (and, from the stored state, the same noise): the trials fire together
    assert number(r"correlation of the population rates: ([\d.]+)", out) > 0.6
    assert abs(number(r"cross-correlogram peak lag \(ms\): (-?\d+)", out)) <= 2
    assert number(r"cross-correlogram peak / mean: ([\d.]+)", out) > 2.0
