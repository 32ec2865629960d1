"""eq.sweep on a distributed.LocalCluster of 2 worker processes: results equal a serial
loop with the same seeds, a failing point is reported in its row, a killed worker's point is
run again, workers without a compiler (and with caches of their own) run the kernels the
first point built, and the seeds do not depend on the number of workers."""
import math
import os
from pathlib import Path

import numpy as np
import pandas
import pytest

import eqneuro as eq
from eqneuro.sweeps.points import point_seed, sweep_points

distributed = pytest.importorskip("distributed")


def noisy_sum(x, y, seed):
    """A point's result from its values and its seed only."""
    if x == 2 and y == 20:
        raise ValueError("this point fails")
    rng = np.random.default_rng(seed)
    return {"total": x + y, "draw": rng.uniform(), "samples": rng.normal(size=3)}


def dies_once(k, marker_dir):
    """Kills its worker process the first time point k == 3 runs."""
    marker = Path(marker_dir) / "died"
    if k == 3 and not marker.exists():
        marker.write_text("once")
        os._exit(1)
    return {"square": k * k}


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as active:
        yield active


def test_results_equal_a_serial_loop_and_a_failing_point_keeps_its_row(client):
    grid = {"x": [1, 2, 3], "y": [10, 20]}
    table = eq.sweep(noisy_sum, grid, seed=11, client=client, progress=False)
    assert isinstance(table, pandas.DataFrame) and len(table) == 6
    assert list(table.columns) == ["x", "y", "total", "draw", "samples", "seed", "error",
                                   "seconds"]
    assert list(zip(table.x, table.y)) == [(1, 10), (1, 20), (2, 10), (2, 20), (3, 10), (3, 20)]
    for k, row in table.iterrows():
        assert row.seed == point_seed(11, k)
        if (row.x, row.y) == (2, 20):
            assert row.error == "ValueError: this point fails" and np.isnan(row.total)
            continue
        expected = noisy_sum(row.x, row.y, seed=point_seed(11, k))
        assert row.error is None and row.total == expected["total"]
        assert row.draw == expected["draw"]
        np.testing.assert_array_equal(row.samples, expected["samples"])
    again = eq.sweep(noisy_sum, grid, seed=11, workers=1, progress=False)
    pandas.testing.assert_frame_equal(again.drop(columns="seconds"),
                                      table.drop(columns="seconds"))
    other = eq.sweep(noisy_sum, grid, seed=12, client=client, progress=False)
    assert not np.array_equal(other.draw.dropna(), table.draw.dropna())


def test_a_killed_worker_is_replaced_and_its_point_run_again(client, tmp_path):
    table = eq.sweep(lambda k: dies_once(k, str(tmp_path)), {"k": list(range(6))},
                     client=client, progress=False)
    assert (tmp_path / "died").exists()
    assert all(e is None for e in table.error)
    assert list(table.square) == [k * k for k in range(6)]


def test_workers_without_a_compiler_run_the_kernels_of_the_first_point(tmp_path):
    own = tmp_path / "client-cache"
    theirs = tmp_path / "worker-cache"
    lif = eq.Neuron("""
    parameters: tau = 10.0; I = 0.0; V_T = 1.0
    equations: tau * dv/dt = -v + I : init = 0.0
    spike: v > V_T
    reset: v = 0.0
    """, name="SweepLIF")
    previous = os.environ.get("EQNEURO_CACHE_DIR")
    os.environ["EQNEURO_CACHE_DIR"] = str(own)
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0",
                                      env={"CC": "/nonexistent/cc",
                                           "EQNEURO_CACHE_DIR": str(theirs)}) as cluster, \
                distributed.Client(cluster) as remote:
            table = eq.sweep(lif, {"I": [0.5, 1.5, 2.0, 3.0, 4.0, 5.0]}, duration=200.0,
                             client=remote, progress=False)
    finally:
        if previous is None:
            del os.environ["EQNEURO_CACHE_DIR"]
        else:
            os.environ["EQNEURO_CACHE_DIR"] = previous
    assert all(e is None for e in table.error), table.error.tolist()
    kernels = sorted(p.name for p in own.glob("eqk_*.so"))
    assert len(kernels) == 1                               # built once, here
    assert sorted(p.name for p in theirs.glob("eqk_*.so")) == kernels   # shipped, not built
    # tau dv/dt = -v + I fires for I > 1 at 1000 / (tau ln(I / (I - 1))) Hz
    rates = [1000.0 / (10.0 * np.log(i / (i - 1.0))) if i > 1 else 0.0 for i in table.I]
    np.testing.assert_allclose(table.rate, rates, rtol=0.05, atol=5.0)


def test_points_and_errors():
    names, chosen = sweep_points(None, [{"a": 1, "b": 2}, {"b": 3, "a": 4}])
    assert names == ("a", "b") and chosen == [{"a": 1, "b": 2}, {"a": 4, "b": 3}]
    with pytest.raises(TypeError, match="not both"):
        eq.sweep(noisy_sum, {"x": [1]}, points=[{"x": 1}])
    with pytest.raises(ValueError, match="empty"):
        eq.sweep(noisy_sum, {"x": []})
    with pytest.raises(ValueError, match="'seed' names a column"):
        eq.sweep(noisy_sum, {"seed": [1, 2]})
    with pytest.raises(ValueError, match="same names"):
        eq.sweep(noisy_sum, points=[{"x": 1}, {"y": 2}])
    with pytest.raises(TypeError, match="function or an eq.Neuron"):
        eq.sweep(3, {"x": [1]})
    with pytest.raises(ValueError, match="seed must be"):
        eq.sweep(noisy_sum, {"x": [1]}, seed=-1)
    assert point_seed(5, 3) == point_seed(5, 3) != point_seed(5, 4)


def test_the_model_form_checks_before_running_and_reports_derived_values():
    with pytest.raises(ValueError, match="'J' is not a parameter of 'LIF'"):
        eq.sweep(eq.load("lif"), {"J": [1.0, 2.0]})
    with pytest.raises(ValueError, match="duration must be a positive"):
        eq.sweep(eq.load("lif"), {"I": [1.0, 2.0]}, duration=-1.0)
    with pytest.raises(TypeError, match="1-D array"):
        eq.sweep(eq.load("lif"), {"I": np.array(1.0)})
    table = eq.sweep(eq.load("rate"), {"I": [1.0]}, duration=100.0, progress=False)
    assert list(table.columns) == ["I", "v", "r", "seed", "error", "seconds"]
    assert table.r[0] == pytest.approx(1.0 - math.exp(-10.0), rel=1e-9)
