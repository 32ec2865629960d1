"""The `eqneuro` command line: run, check and list in a subprocess; option errors in-process."""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import eqneuro as eq
from eqneuro.cli import main

PACKAGE_ROOT = str(Path(eq.__file__).resolve().parent.parent)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Line 7 misspells I; the caret goes under column 28.
BAD_MODEL = """\
# a misspelt input current
neuron Leaky:
    parameters:
        tau = 10.0
        I = 0.0
    equations:
        tau * dv/dt = -v + Ii
    spike: v > 1.0
    reset: v = 0.0
"""

TWO_NEURONS = """\
# a leaky integrator and a faster variant
neuron Leaky:
    parameters:
        tau = 10.0
        I = 1.0
    equations:
        tau * dv/dt + v = I
        r = pos(v)

neuron Fast extends Leaky:
    parameters: tau = 2.0
"""


def eqneuro(*args, cwd):
    """`python -m eqneuro ARGS` with the eqneuro under test and the session's kernel cache."""
    path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "eqneuro", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def summary(stdout: str) -> dict[str, str]:
    return dict(line.split(None, 1) if " " in line else (line, "")
                for line in stdout.replace("mean rate", "mean_rate").splitlines())


# ---- subprocess: what a user types ----------------------------------------------------

def test_list_names_every_shipped_model_with_its_variants_and_description(tmp_path):
    done = eqneuro("list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert set(lines) == set(eq.shipped_models())
    assert "Leaky integrate-and-fire" in lines["lif"]
    for name, neurons in eq.shipped_models().items():
        for variant in neurons[1:]:       # every variant listed loads by MODEL.VARIANT
            shown = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", variant).lower()
            assert shown in lines[name]


@pytest.mark.compiler
def test_run_prints_a_summary_that_agrees_with_the_python_api(tmp_path):
    done = eqneuro("run", "lif", "--n", 20, "--duration", 200, "--set", "I=0:4",
                   "--set", "V_r=-65", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    info = summary(done.stdout)
    assert info["model"] == "LIF (lif)" and info["method"] == "exact"
    assert info["neurons"] == "20" and info["duration"].startswith("200 ms (dt = 0.1 ms)")
    assert re.fullmatch(r"\d+\.\d\d s \((cache hit|compiled)\)", info["build"])
    assert re.fullmatch(r"\d+\.\d+ s", info["simulation"])

    population = eq.Population(eq.load("lif"), 20)
    population.I, population.V_r = np.linspace(0, 4, 20), -65.0
    spikes = eq.SpikeMonitor(population)
    eq.Network(population, spikes, dt=0.1).run(200.0)
    assert int(info["spikes"]) == spikes.num_spikes > 0
    assert float(info["mean_rate"].split()[0]) == pytest.approx(
        spikes.num_spikes / (20 * 0.2), rel=5e-3)


NOISY = """\
neuron Noisy:
    equations:
        10.0 * dv/dt = -v + 1.1 + 2.0*normal()
    spike: v > 1.0
    reset: v = uniform(-0.5, 0.0)
    method: euler
"""


def test_run_seed_makes_the_random_draws_reproducible(tmp_path):
    (tmp_path / "noisy.eqn").write_text(NOISY)
    counts = []
    for seed in (5, 5, 6):
        done = eqneuro("run", "noisy.eqn", "--n", 50, "--duration", 100, "--seed", seed,
                       cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        counts.append(int(summary(done.stdout)["spikes"]))
    population = eq.Population(eq.Neuron(NOISY), 50)
    spikes = eq.SpikeMonitor(population)
    eq.Network(population, spikes, dt=0.1, seed=5).run(100.0)
    assert counts[0] == counts[1] == spikes.num_spikes > 0
    assert counts[2] != counts[0]


@pytest.mark.compiler
def test_run_with_plot_writes_a_png_and_quiet_prints_nothing(tmp_path):
    done = eqneuro("run", "lif", "--n", 10, "--duration", 200, "--set", "I=0:4",
                   "--record", "v", "--record-neurons", "0,9", "--plot", "lif.png",
                   "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert (tmp_path / "lif.png").read_bytes().startswith(PNG_MAGIC)


@pytest.mark.compiler
def test_run_a_variant_from_a_file_without_spikes(tmp_path):
    (tmp_path / "leaky.eqn").write_text(TWO_NEURONS)
    done = eqneuro("run", "leaky.eqn:Fast", "--n", 3, "--duration", 50, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    info = summary(done.stdout)
    assert info["model"] == "Fast (leaky.eqn:Fast)"
    assert info["spikes"].startswith("none") and "mean_rate" not in info


def test_check_prints_each_neuron_solved_and_its_method(tmp_path):
    (tmp_path / "leaky.eqn").write_text(TWO_NEURONS)
    done = eqneuro("check", "leaky.eqn", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "neuron Leaky" in out and "neuron Fast" in out
    assert out.count("dv/dt = (I - v)/tau") == 2
    assert out.count("-> method: exact (chosen automatically)") == 2
    assert "leaky.eqn: 2 model(s) OK" in out


def test_check_of_an_invalid_model_shows_position_line_caret_and_hint(tmp_path):
    (tmp_path / "bad.eqn").write_text(BAD_MODEL)
    done = eqneuro("check", "bad.eqn", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("bad.eqn:7:28: ") and "'Ii'" in lines[0]
    assert lines[1].strip() == "tau * dv/dt = -v + Ii"
    assert lines[2].index("^") == lines[1].index("Ii")
    assert "did you mean 'I'" in lines[3]


def test_a_bad_option_is_one_line_with_exit_code_2(tmp_path):
    done = eqneuro("run", "lif", "--set", "I=abc", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "eqneuro: error: --set I: 'abc' is not a number\n"


def test_version_prints_the_package_version(tmp_path):
    done = eqneuro("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == f"eqneuro {eq.__version__}\n"


# ---- in-process: every kind of bad option ---------------------------------------------

@pytest.mark.parametrize("args, message", [
    ([], "required: {run,check,analyse,list}"),
    (["frob"], "invalid choice: 'frob'"),
    (["run", "liff"], "no shipped model 'liff'; did you mean 'lif'?"),
    (["run", "lif.nope"], "no neuron or variant 'nope'"),
    (["run", "missing.eqn"], "no model file missing.eqn"),
    (["run", "lif", "--method", "rk5"], "unknown method 'rk5'; did you mean 'rk4'?"),
    (["run", "lif", "--set", "J=1"], "LIF has no parameter or state variable 'J'"),
    (["run", "lif", "--set", "I=abc"], "--set I: 'abc' is not a number"),
    (["run", "lif", "--set", "I=inf"], "--set I: 'inf' is not a finite number"),
    (["run", "lif", "--set", "I=0:"], "a range is START:STOP"),
    (["run", "lif", "--set", "I=0:1:2"], "a range is START:STOP"),
    (["run", "lif", "--set", "I"], "expected NAME=VALUE"),
    (["run", "lif", "--n", "x"], "invalid int value: 'x'"),
    (["run", "lif", "--n", "0"], "--n must be at least 1"),
    (["run", "lif", "--dt", "-0.1"], "must be positive"),
    (["run", "lif", "--duration", "10.05"], "not a multiple of --dt"),
    (["run", "lif", "--record", "w"], "no variable 'w' to record"),
    (["run", "lif", "--record", "v", "--record-neurons", "100"], "100 is not a neuron index"),
    (["run", "lif", "--record", "v", "--record-neurons", "a"], "expected indices"),
    (["run", "lif", "--plot", "out.xyz"], "unknown image format 'xyz'"),
    (["run", "lif", "--plot", "no/such/dir/out.png"], "does not exist"),
    (["run", "lif", "--seed", "-1"], "--seed: seed must be in [0, 2**128)"),
    (["check", "missing.eqn"], "no model file missing.eqn"),
    (["check", "missing.eqn", "--method", "rk5"], "no model file"),
])
def test_option_errors_are_one_line_on_stderr_with_exit_code_2(args, message, capsys,
                                                                 monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("eqneuro: error: ")
    assert message in err


def test_parse_setting_spreads_a_range_over_the_neurons():
    from eqneuro.cli import parse_setting, record_indices
    name, values = parse_setting("I=-1:4", 6)
    assert name == "I" and values.tolist() == [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    assert parse_setting(" V_r = -65 ", 6) == ("V_r", -65.0)
    assert record_indices(None, 100).tolist() == [0, 25, 50, 74, 99]
    assert record_indices(None, 3).tolist() == [0, 1, 2]


def test_check_of_a_latin1_file_is_a_model_error_not_a_traceback(capsys, tmp_path):
    path = tmp_path / "latin1.eqn"
    path.write_bytes("# r\xe9sum\xe9\nequations: dv/dt = -v\n".encode("latin-1"))
    assert main(["check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"{path}:1:4: the file is not UTF-8 text: byte 0xe9") and "Traceback" not in err
