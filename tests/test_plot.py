"""Plot functions draw what was recorded (checked on the artists) and write non-empty PNGs."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import eqneuro as eq
from eqneuro import plot

Figure = pytest.importorskip("matplotlib.figure").Figure
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DURATION = 200.0


@pytest.fixture(scope="module")
def recorded():
    """10 LIF neurons with I = 0..4, spikes and v of neurons 0 and 9, for DURATION ms."""
    population = eq.Population(eq.load("lif"), 10)
    population.I = np.linspace(0.0, 4.0, 10)
    spikes = eq.SpikeMonitor(population)
    trace = eq.StateMonitor(population, "v", record=[0, 9])
    eq.Network(population, spikes, trace, dt=0.1).run(DURATION)
    assert spikes.num_spikes > 20
    return spikes, trace


def new_axes():
    return Figure().subplots()


def assert_png(figure, path: Path) -> None:
    figure.savefig(path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000


@pytest.mark.compiler
def test_raster_draws_one_point_per_spike(recorded, tmp_path):
    spikes, _ = recorded
    ax = plot.raster(spikes, new_axes(), duration=DURATION)
    (points,) = ax.collections
    assert points.get_offsets().shape == (spikes.num_spikes, 2)
    assert np.array_equal(points.get_offsets(), np.column_stack([spikes.t, spikes.i]))
    assert ax.get_xlim() == (0.0, DURATION) and ax.get_ylim() == (-0.5, 9.5)
    assert_png(ax.figure, tmp_path / "raster.png")


@pytest.mark.compiler
def test_traces_draw_one_line_per_recorded_neuron_with_every_sample(recorded, tmp_path):
    _, trace = recorded
    ax = plot.traces(trace, ax=new_axes())
    assert [line.get_label() for line in ax.lines] == ["neuron 0", "neuron 9"]
    for k, line in enumerate(ax.lines):
        assert len(line.get_xdata()) == len(trace.t) == int(DURATION / 0.1)
        assert np.array_equal(line.get_ydata(), trace.v[:, k])
    assert ax.get_ylabel() == "v"
    assert_png(ax.figure, tmp_path / "traces.png")
    with pytest.raises(ValueError, match="records v; not 'u'"):
        plot.traces(trace, "u", new_axes())


@pytest.mark.compiler
def test_rate_histogram_holds_every_spike_and_the_smoothed_curve_one_point_per_bin(
        recorded, tmp_path):
    spikes, _ = recorded
    ax = plot.rate(spikes, bin=2.0, smooth=5.0, ax=new_axes(), duration=DURATION)
    (histogram,) = ax.patches
    rates, edges = histogram.get_data().values, histogram.get_data().edges
    assert len(rates) == DURATION / 2.0 and edges[0] == 0.0 and edges[-1] == DURATION
    spikes_per_bin = rates * np.diff(edges) * 1e-3 * len(spikes.population)
    assert spikes_per_bin.sum() == pytest.approx(spikes.num_spikes)
    (smoothed,) = ax.lines
    assert len(smoothed.get_xdata()) == len(rates)
    assert smoothed.get_ydata().mean() == pytest.approx(rates.mean(), rel=0.05)
    assert_png(ax.figure, tmp_path / "rate.png")
    assert not plot.rate(spikes, smooth=None, ax=new_axes(), duration=DURATION).lines


def test_fi_curve_plots_one_marker_per_current(tmp_path):
    currents, rates = np.linspace(0, 4, 9), np.maximum(0.0, np.linspace(-20, 60, 9))
    ax = plot.fi_curve(currents, rates, new_axes())
    (line,) = ax.lines
    assert np.array_equal(line.get_xdata(), currents)
    assert np.array_equal(line.get_ydata(), rates)
    assert ax.get_ylabel() == "firing rate (Hz)"
    assert_png(ax.figure, tmp_path / "fi.png")


@pytest.mark.compiler
def test_overview_has_a_panel_for_each_thing_recorded(recorded, tmp_path):
    spikes, trace = recorded
    figure = plot.overview(spikes, trace, DURATION, title="LIF")
    assert [ax.get_ylabel() for ax in figure.axes] == ["neuron", "v", "rate (Hz)"]
    assert_png(figure, tmp_path / "overview.png")
    assert [ax.get_ylabel() for ax in plot.overview(None, trace).axes] == ["v"]
    with pytest.raises(ValueError, match="needs a SpikeMonitor or a StateMonitor"):
        plot.overview()


@pytest.mark.compiler
def test_without_an_axes_the_current_pyplot_axes_is_used(recorded):
    plt = pytest.importorskip("matplotlib.pyplot")
    spikes, _ = recorded
    try:
        figure = plt.figure()
        assert plot.raster(spikes) is figure.gca()
    finally:
        plt.close("all")


def test_importing_eqneuro_and_its_plot_module_does_not_import_matplotlib():
    code = ("import sys, eqneuro, eqneuro.plot, eqneuro.rates, eqneuro.cli; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    package_root = str(Path(eq.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": package_root}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
