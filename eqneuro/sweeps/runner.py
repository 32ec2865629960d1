"""eq.sweep: run a function or a model at every point of a grid, on local processes or any
dask.distributed cluster, into one pandas DataFrame row per point."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import uuid

import numpy as np

from .points import sweep_points, point_seed
from .tasks import ModelRun, run_point


def sweep(target, grid=None, *, points=None, seed: int = 0, client=None,
          workers: int | None = None, progress: bool | None = None, duration: float = 1000.0,
          dt: float = 0.1):
    """One run of `target` per point; a pandas DataFrame with one row per point, in point
    order: the parameters, the named results, `seed`, `error` and `seconds`.

    target: a function called as target(**point, seed=s) (seed only if it takes one)
        returning a dict of named scalars or arrays (or one value, the column "result");
        or an eq.Neuron: one neuron per point, simulated for `duration` ms at `dt`, giving
        `rate` (Hz), `spikes` and the final state.
    grid: {name: values}, every combination (the last name varies fastest); or points=
        a list of {name: value}.
    seed: the sweep's seed; point k gets a seed derived from (seed, k) alone.
    client: a dask.distributed.Client to run on; by default a LocalCluster of `workers`
        processes (the number of cores) is started and closed again.
    progress: a progress bar (default: when stderr is a terminal).
    """
    from ..neuron import Neuron
    if isinstance(target, Neuron):
        target = ModelRun(target, float(duration), float(dt))
    elif not callable(target):
        raise TypeError(f"sweep needs a function or an eq.Neuron, not {type(target).__name__}")
    names, chosen = sweep_points(grid, points)
    if isinstance(target, ModelRun):
        target.check(names)
    seed = _checked_seed(seed)
    seeds = [point_seed(seed, k) for k in range(len(chosen))]
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    if client is not None and workers is not None:
        raise TypeError("give client= or workers=, not both (a client has its workers)")
    show = sys.stderr.isatty() if progress is None else bool(progress)
    rows = [None] * len(chosen)
    first, shipped = _first_point(target, chosen[0], seeds[0])
    if first is not None:
        rows[0] = first
    pending = [k for k in range(len(chosen)) if rows[k] is None]
    if pending:
        with _client(client, workers, len(pending)) as active:
            if shipped:
                active.register_plugin(_plugin(shipped), name=_plugin_name(shipped))
            _run_on(active, target, chosen, seeds, pending, rows, show, len(chosen))
    elif show:
        with _bar(len(chosen), True) as bar:
            bar.update(1)
    return _table(names, chosen, seeds, rows)


def _checked_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, not {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _first_point(target, point, seed):
    """Point 0 run here, first: it builds the kernels the sweep needs (or finds them in the
    cache); the files it used are sent to the workers, so that none compiles them again
    and a worker without a compiler can run. A BuildError here (no compiler on this
    machine) leaves the point to the workers."""
    from ..compile.build import recording_cache_files
    from ..errors import BuildError
    from .shipping import cache_files
    with recording_cache_files() as used:
        row = run_point(target, 0, point, seed)
    if row["error"] is not None and row["error"].startswith(BuildError.__name__ + ":"):
        row = None
    return row, cache_files(used)


@contextlib.contextmanager
def _client(client, workers: int | None, tasks: int):
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster
    n = min(workers or os.cpu_count() or 1, tasks)
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as local:
        yield local


def _plugin(files):
    from .shipping import CacheFiles
    return CacheFiles(files)


def _plugin_name(files) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(files[name])
    return "eqneuro-cache-" + digest.hexdigest()[:16]


def _run_on(client, target, chosen, seeds, pending, rows, show, total) -> None:
    from distributed import as_completed
    sweep_id = uuid.uuid4().hex[:12]         # keys of this sweep's tasks only
    futures = {client.submit(run_point, target, k, chosen[k], seeds[k], pure=False,
                             key=f"eqneuro-sweep-{sweep_id}-{k}"): k for k in pending}
    with _bar(total, show) as bar:
        bar.update(total - len(pending))
        for future in as_completed(futures):
            k = futures[future]
            try:
                rows[k] = future.result()
            except Exception as why:    # the task itself failed: its worker died too often
                rows[k] = {"index": k, "values": {}, "error": f"{type(why).__name__}: {why}",
                           "seconds": float("nan")}
            bar.update(1)


def _bar(total: int, show: bool):
    from tqdm.auto import tqdm
    return tqdm(total=total, desc="sweep", unit="point", disable=not show)


def _table(names, chosen, seeds, rows):
    import pandas
    results: list[str] = []
    for row in rows:
        results += [name for name in row["values"] if name not in results]
    columns = {name: [point[name] for point in chosen] for name in names}
    for name in results:
        columns[name] = [row["values"].get(name, np.nan) for row in rows]
    columns["seed"] = seeds
    columns["error"] = [row["error"] for row in rows]
    columns["seconds"] = [row["seconds"] for row in rows]
    table = pandas.DataFrame(columns)
    # errors stay None where there was none; a column of arrays stays one of objects
    table["error"] = pandas.Series(columns["error"], dtype=object)
    for name in results:
        if any(isinstance(v, np.ndarray) for v in columns[name]):
            table[name] = pandas.Series(columns[name], dtype=object)
    return table
