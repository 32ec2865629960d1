"""Monitors to Neo (for Elephant), to pandas and to NWB files and back.

Elephant's statistics on the exported trains are compared with NumPy computations on the
monitors' own arrays; files read back are compared bit for bit with the monitors.
"""
import sys
import warnings

import numpy as np
import pytest

import eqneuro as eq

neo = pytest.importorskip("neo")
pq = pytest.importorskip("quantities")
pytest.importorskip("pynwb")

NOISY_LIF = eq.Neuron("""
parameters:
    tau = 10.0
    I = 18.0
    sigma = 3.0
equations:
    tau*dv/dt = -(v + 70) + I + sigma*sqrt(tau)*xi : init = -70 + 15*uniform()
spike: v > -55
reset: v = -70
refractory: 2.0
""")


@pytest.fixture(scope="module")
def run():
    """A small network run twice (the second time at another dt), with monitors of a view,
    of the whole population, of Poisson input and of a projection."""
    exc = eq.Population(NOISY_LIF, 40, name="exc")
    noise = eq.PoissonGroup(20, rate=50.0, name="noise")
    drive = eq.Projection(noise, exc, on_pre="v += w", w=2.0, name="drive")
    drive.connect(p=0.3, seed=1)
    spikes = eq.SpikeMonitor(exc)
    part = eq.SpikeMonitor(exc[10:30])
    inputs = eq.SpikeMonitor(noise)
    silent = eq.SpikeMonitor(eq.Population(NOISY_LIF, 3, name="quiet"))
    trace = eq.StateMonitor(exc, "v", record=[0, 7, 21])
    weights = eq.StateMonitor(drive, "w", record=[0, 3])
    net = eq.Network(exc, noise, drive, silent.population, spikes, part, inputs, silent,
                     trace, weights, dt=0.1, seed=3)
    silent.population.I = 0.0
    silent.population.sigma = 0.0
    net.run(300.0)
    net.dt = 0.05
    net.run(200.0)
    return dict(spikes=spikes, part=part, inputs=inputs, silent=silent, trace=trace,
                weights=weights)


def test_spike_trains_carry_every_spike_with_units_and_window(run):
    spikes = run["spikes"]
    trains = spikes.to_neo()
    assert len(trains) == 40 and all(isinstance(s, neo.SpikeTrain) for s in trains)
    assert all(s.units == pq.ms and s.t_start == 0 * pq.ms and s.t_stop == 500 * pq.ms
               for s in trains)
    for k, train in enumerate(trains):
        assert np.array_equal(train.magnitude, spikes.t[spikes.i == k])
        assert train.annotations["index"] == k and train.annotations["population"] == "exc"
    assert sum(len(s) for s in trains) == spikes.num_spikes > 500


def test_a_window_keeps_spikes_after_t_start_up_to_t_stop(run):
    spikes = run["spikes"]
    t0, t1 = float(spikes.t[40]), float(spikes.t[-40])      # spikes exactly on the edges
    trains = spikes.to_neo(t_start=t0, t_stop=t1)
    inside = (spikes.t > t0) & (spikes.t <= t1)
    assert sum(len(s) for s in trains) == inside.sum()
    assert all(s.t_start == t0 * pq.ms and s.t_stop == t1 * pq.ms for s in trains)
    with pytest.raises(ValueError, match="later than t_start"):
        spikes.to_neo(t_start=100.0, t_stop=100.0)
    with pytest.raises(ValueError, match="t_start must be a non-negative"):
        spikes.to_neo(t_start=-1.0)


def test_views_silent_neurons_and_inputs_export_too(run):
    part, silent, inputs = run["part"], run["silent"], run["inputs"]
    trains = part.to_neo()
    assert len(trains) == 20
    assert [len(s) for s in trains] == list(part.count)
    assert [len(s) for s in silent.to_neo()] == [0, 0, 0]
    assert len(inputs.to_neo()) == 20 and inputs.num_spikes > 0


def test_an_unrun_monitor_says_what_to_do():
    monitor = eq.SpikeMonitor(eq.Population(NOISY_LIF, 2))
    with pytest.raises(ValueError, match="run the network first or give t_stop="):
        monitor.to_neo()
    assert [len(s) for s in monitor.to_neo(t_stop=10.0)] == [0, 0]
    trace = eq.StateMonitor(eq.Population(NOISY_LIF, 2), "v")
    with pytest.raises(ValueError, match="no samples yet"):
        trace.to_neo()


def test_elephant_statistics_agree_with_numpy_on_exported_trains(run):
    elephant = pytest.importorskip("elephant")
    from elephant import statistics
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import cross_correlation_histogram
    spikes = run["spikes"]
    trains = spikes.to_neo()
    busiest = int(np.argmax(spikes.count))
    own = spikes.t[spikes.i == busiest]
    isi = np.diff(own)
    assert np.allclose(statistics.isi(trains[busiest]).magnitude, isi)
    assert statistics.cv(statistics.isi(trains[busiest])) == pytest.approx(
        isi.std() / isi.mean(), rel=1e-12)
    counts = spikes.count
    assert statistics.fanofactor(trains) == pytest.approx(counts.var() / counts.mean(),
                                                          rel=1e-12)
    rates = [statistics.mean_firing_rate(s).rescale("Hz").magnitude for s in trains]
    assert np.allclose(rates, eq.firing_rates(spikes, 500.0), rtol=1e-12)
    # population histograms: Elephant's bins are [a, b), eqneuro's (a, b]; with a bin of
    # pi ms no edge falls on a spike (all on the grid of 0.1 or 0.05 ms), so both count the
    # same spikes
    bin, bins = np.pi, 157
    elephant_rate = statistics.time_histogram(trains, bin_size=bin * pq.ms,
                                              t_stop=bins * bin * pq.ms, output="rate")
    centres, eqneuro_rate = eq.population_rate(spikes, bin=bin, duration=bins * bin)
    assert len(eqneuro_rate) == len(elephant_rate) == bins
    assert np.allclose(elephant_rate.rescale("Hz").magnitude[:, 0], eqneuro_rate,
                       rtol=1e-12, atol=0)
    counts = statistics.time_histogram(trains, bin_size=bin * pq.ms,
                                       t_stop=bins * bin * pq.ms, output="counts")
    assert counts.magnitude.sum() == np.sum(spikes.t <= bins * bin)
    a, b = trains[busiest], trains[(busiest + 1) % 40]
    binned = [BinnedSpikeTrain(s, bin_size=1 * pq.ms) for s in (a, b)]
    cch, lags = cross_correlation_histogram(*binned, window=[-20, 20])
    ones = [np.bincount(np.floor(s.magnitude).astype(int).clip(max=499), minlength=500)
            for s in (a, b)]
    reference = [np.sum(ones[0][max(0, -lag):500 - max(0, lag)]
                        * ones[1][max(0, lag):500 - max(0, -lag)]) for lag in range(-20, 21)]
    assert np.array_equal(lags, np.arange(-20, 21))
    assert np.array_equal(cch.magnitude[:, 0], reference)


def test_traces_become_analog_signals(run):
    trace = run["trace"]
    # the two runs had different dt: the sampling is uneven
    uneven = trace.to_neo()
    assert isinstance(uneven, neo.IrregularlySampledSignal)
    assert np.array_equal(uneven.times.magnitude, trace.t)
    assert np.array_equal(uneven.magnitude, trace.v)
    assert np.array_equal(uneven.array_annotations["index"], [0, 7, 21])
    even = eq.StateMonitor(eq.Population(NOISY_LIF, 4), ["v", "I"], record=[1, 3], dt=0.5)
    eq.Network(even.population, even, dt=0.1, seed=1).run(20.0)
    signal = even.to_neo("v", units="mV")
    assert isinstance(signal, neo.AnalogSignal) and signal.units == pq.mV
    assert signal.sampling_period == 0.5 * pq.ms and signal.t_start == 0 * pq.ms
    assert signal.shape == (40, 2) and np.array_equal(signal.magnitude, even.v)
    assert np.allclose(signal.times.magnitude, even.t, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match=r"records v, I: name the one to export"):
        even.to_neo()
    with pytest.raises(ValueError, match="not 'w'"):
        even.to_neo("w")
    with pytest.raises(ValueError, match="unknown unit 'parsecs per fortnight'"):
        even.to_neo("v", units="parsecs per fortnight")


def test_dataframes_of_spikes_and_traces(run):
    spikes, trace, weights = run["part"], run["trace"], run["weights"]
    frame = spikes.to_dataframe()
    assert list(frame.columns) == ["i", "t"]
    assert np.array_equal(frame.i, spikes.i) and np.array_equal(frame.t, spikes.t)
    table = trace.to_dataframe()
    assert list(table.columns) == ["t", "i", "v"] and len(table) == 3 * len(trace.t)
    wide = table.pivot(index="t", columns="i", values="v")
    assert np.array_equal(wide.to_numpy(), trace.v)
    assert list(wide.columns) == [0, 7, 21]
    synapses = weights.to_dataframe()
    assert set(synapses.i) == {0, 3} and np.array_equal(
        synapses.w.to_numpy().reshape(-1, 2), weights.w)


def test_save_and_read_give_back_the_same_arrays(run, tmp_path):
    path = eq.save(tmp_path / "run.nwb", run["spikes"], run["part"], run["trace"],
                   silent=run["silent"], poisson=run["inputs"], weights=run["weights"])
    back = eq.read(path)
    assert list(back) == ["spikes_exc", "spikes_exc[10_30]", "trace_exc", "silent", "poisson",
                          "weights"]
    for name, monitor in [("spikes_exc", run["spikes"]), ("spikes_exc[10_30]", run["part"]),
                          ("silent", run["silent"]), ("poisson", run["inputs"])]:
        assert np.array_equal(back[name].i, monitor.i) and back[name].i.dtype == np.int32
        assert np.array_equal(back[name].t, monitor.t), name
        assert np.array_equal(back[name].count, monitor.count)
        assert len(back[name].population) == len(monitor.population)
    for name, monitor in [("trace_exc", run["trace"]), ("weights", run["weights"])]:
        assert np.array_equal(back[name].t, monitor.t)
        for variable in monitor.variables:
            assert np.array_equal(back[name][variable], monitor[variable])
        assert np.array_equal(back[name].indices, monitor.indices)
    read_back = back["spikes_exc"]
    assert np.array_equal(read_back.rate(5.0)[1], run["spikes"].rate(5.0)[1])
    assert np.array_equal(eq.firing_rates(read_back, 500.0),
                          eq.firing_rates(run["spikes"], 500.0))
    assert [len(s) for s in read_back.to_neo()] == [len(s) for s in run["spikes"].to_neo()]
    assert np.array_equal(back["trace_exc"].to_dataframe().v, run["trace"].to_dataframe().v)


def test_the_file_is_standard_nwb_for_pynwb_and_neo(run, tmp_path):
    import pynwb
    from neo.io import NWBIO
    path = eq.save(tmp_path / "std.nwb", run["spikes"], run["trace"])
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        units = nwbfile.units.to_dataframe()
        assert len(units) == 40 and set(units.monitor) == {"spikes_exc"}
        for k in (0, 5, 39):
            row = units[units.neuron == k].iloc[0]
            assert np.allclose(np.asarray(row.spike_times) * 1e3,
                               run["spikes"].t[run["spikes"].i == k], rtol=1e-12)
        series = nwbfile.acquisition["trace_exc.v"]
        assert np.array_equal(series.data[:], run["trace"].v)
        assert np.allclose(series.timestamps[:] * 1e3, run["trace"].t, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        block = NWBIO(str(path), mode="r").read_all_blocks()[0]
    trains = block.segments[0].spiketrains
    assert len(trains) == 40
    assert sum(len(s) for s in trains) == run["spikes"].num_spikes


def test_save_checks_what_it_is_given(run, tmp_path):
    with pytest.raises(ValueError, match="at least one monitor"):
        eq.save(tmp_path / "a.nwb")
    with pytest.raises(TypeError, match="not Population"):
        eq.save(tmp_path / "a.nwb", run["spikes"].population)
    with pytest.raises(ValueError, match="should end in .nwb"):
        eq.save(tmp_path / "a.h5", run["spikes"])
    with pytest.raises(ValueError, match="given twice"):
        eq.save(tmp_path / "a.nwb", run["spikes"], again=run["spikes"])
    with pytest.raises(FileNotFoundError, match="no folder .*missing to write a.nwb into"):
        eq.save(tmp_path / "missing" / "a.nwb", run["spikes"])
    with pytest.raises(FileNotFoundError):
        eq.read(tmp_path / "missing.nwb")
    import pynwb
    from datetime import datetime, timezone
    foreign = pynwb.NWBFile(session_description="x", identifier="x",
                            session_start_time=datetime.now(timezone.utc))
    with pynwb.NWBHDF5IO(str(tmp_path / "foreign.nwb"), "w") as io:
        io.write(foreign)
    with pytest.raises(ValueError, match="not written by eq.save"):
        eq.read(tmp_path / "foreign.nwb")


def test_unrun_monitors_save_and_read(tmp_path):
    pop = eq.Population(NOISY_LIF, 3)
    spikes, trace = eq.SpikeMonitor(pop), eq.StateMonitor(pop, "v")
    back = eq.read(eq.save(tmp_path / "empty.nwb", spikes, trace, eq.SpikeMonitor(pop)))
    assert list(back) == [f"spikes_{pop.name}", f"trace_{pop.name}", f"spikes_{pop.name}_2"]
    assert back["spikes_" + pop.name].num_spikes == 0
    assert back["spikes_" + pop.name]._recorded_until is None
    assert back["trace_" + pop.name].v.shape == (0, 3)


def test_store_and_restore_keep_the_runs_a_trace_needs(tmp_path):
    pop = eq.Population(NOISY_LIF, 2)
    trace = eq.StateMonitor(pop, "v")
    net = eq.Network(pop, trace, dt=0.1, seed=1)
    net.run(5.0)
    net.store()
    net.dt = 0.2
    net.run(5.0)
    net.restore()
    assert trace._run_lengths() == [(0.1, 50)]
    assert isinstance(trace.to_neo(), neo.AnalogSignal)


@pytest.mark.parametrize("missing", ["neo", "pynwb"])
def test_a_missing_extra_is_named_with_its_install_command(run, tmp_path, monkeypatch,
                                                           missing):
    monkeypatch.setitem(sys.modules, missing, None)
    call = (lambda: run["spikes"].to_neo()) if missing == "neo" else \
        (lambda: eq.save(tmp_path / "x.nwb", run["spikes"]))
    with pytest.raises(ImportError, match=rf"needs the package '{missing}'.*"
                                          r"pip install 'eqneuro\[neo\]'"):
        call()
