"""net.store / net.restore: everything a Network's next step depends on, copied out and back.

A snapshot is one flat table, key -> value (NumPy arrays, numbers, strings, None): the time
step, dt and seed (the random numbers are a function of seed and step, so the step is the
streams' position); per population its state, parameters, refractory counters and inputs;
per projection its synapses (pairs, delays, values, update times) and the spikes in flight;
per monitor what it has recorded. The TimedArrays belong to the models, not to the state.

In a file (NumPy's .npz, no pickles) the arrays are entries named `<name>/<key>` and the
other values one JSON entry per snapshot name; the structure travels with it and is
compared on restore.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "eqneuro-snapshot-1"


@dataclass(frozen=True)
class Snapshot:
    structure: tuple[str, ...]          # one line per object, compared on restore
    values: dict                        # key -> array, number, string or None


# ---- the structure --------------------------------------------------------------------

def structure_of(network) -> tuple[str, ...]:
    """What must agree between the stored network and the restored one, one line per
    object in the network's order (names may differ: they are only shown)."""
    index = {id(p): k for k, p in enumerate(network.populations)}
    lines = [f"population {k} ({p.name}): {len(p)} x {type(p).__name__} {p.neuron.name} "
             f"[{p.neuron._key}]" for k, p in enumerate(network.populations)]
    lines += [f"projection {k} ({p.name}): {p._info.name} [{p._eq_synapse_key()}] from "
              f"population {index[id(p._pre.population)]} to population "
              f"{index[id(p._post.population)]}, target {p.target}"
              for k, p in enumerate(network.projections)]
    for k, monitor in enumerate(network.monitors):
        source = monitor._population
        kind = type(monitor).__name__
        where = (f"projection {list(map(id, network.projections)).index(id(source))}"
                 if source in network.projections else f"population {index[id(source)]}")
        what = f" {', '.join(monitor.variables)} of {len(monitor.indices)}" \
            if kind == "StateMonitor" else ""
        view = getattr(monitor, "_view", None)
        lines.append(f"monitor {k}: {kind} of {where}{what}"
                     + (f" (view of {len(view)})" if view is not None else ""))
    return tuple(lines)


def _differences(stored: tuple[str, ...], now: tuple[str, ...]) -> str:
    for k, (a, b) in enumerate(zip(stored, now)):
        if _strip_name(a) != _strip_name(b):
            return f"stored: {a}\n  this network: {b}"
    if len(stored) != len(now):
        more, which = (stored, "stored") if len(stored) > len(now) else (now, "this network")
        return f"{which} has more objects: {more[min(len(stored), len(now))]}"
    return ""


def _strip_name(line: str) -> str:
    head, _, rest = line.partition(" (")
    return head + rest.partition(")")[2] if line.startswith(("population", "projection")) \
        else line


# ---- taking and putting back ------------------------------------------------------------

def take(network) -> Snapshot:
    values: dict = {"step": network._step, "dt": network.dt, "seed": str(network.seed)}
    for k, population in enumerate(network.populations):
        _take_population(values, f"p{k}", population)
    for k, projection in enumerate(network.projections):
        _take_projection(values, f"j{k}", projection)
    for k, monitor in enumerate(network.monitors):
        _take_monitor(values, f"m{k}", monitor)
    return Snapshot(structure_of(network), values)


def put(network, snapshot: Snapshot) -> None:
    """Every object back to the snapshot (the structure was checked)."""
    values = snapshot.values
    for k, population in enumerate(network.populations):
        _put_population(values, f"p{k}", population)
    for k, projection in enumerate(network.projections):
        _put_projection(values, f"j{k}", projection)
    for k, monitor in enumerate(network.monitors):
        _put_monitor(values, f"m{k}", monitor)
    network._dt, network._step = float(values["dt"]), int(values["step"])
    network._seed = int(values["seed"])
    for monitor in network.monitors:
        if hasattr(monitor, "_every"):
            monitor._every(network.dt)


def check_structure(network, snapshot: Snapshot, what: str) -> None:
    difference = _differences(snapshot.structure, structure_of(network))
    if difference:
        raise ValueError(f"{what} was stored from a network of another structure:\n  "
                         f"{difference}\nRestore it into a network built the same way "
                         "(the same models, sizes, projections and monitors, in the same order)")


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _take_dict(values: dict, prefix: str, table: dict | None) -> None:
    values[f"{prefix}"] = None if table is None else sorted(table)
    for name, value in (table or {}).items():
        values[f"{prefix}.{name}"] = _copy(value)


def _put_dict(values: dict, prefix: str) -> dict | None:
    names = values[prefix]
    if names is None:
        return None
    return {name: _copy(_scalar(values[f"{prefix}.{name}"])) for name in names}


def _scalar(value):
    """Numbers come back from a file as 0-d arrays or Python numbers: floats they were."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return float(value)
    return value


def _take_population(values: dict, prefix: str, population) -> None:
    values[f"{prefix}:time"] = population._eq_time
    _take_dict(values, f"{prefix}:state", population._eq_state)
    _take_dict(values, f"{prefix}:params", population._eq_params)
    _take_dict(values, f"{prefix}:inputs", population._eq_input_arrays)
    values[f"{prefix}:refractory"] = population._eq_refractory.copy()


def _put_population(values: dict, prefix: str, population) -> None:
    object.__setattr__(population, "_eq_time", float(values[f"{prefix}:time"]))
    state = _put_dict(values, f"{prefix}:state")
    object.__setattr__(population, "_eq_state", state)
    population._eq_params.clear()
    population._eq_params.update(_put_dict(values, f"{prefix}:params"))
    object.__setattr__(population, "_eq_input_arrays", _put_dict(values, f"{prefix}:inputs"))
    population._eq_refractory[:] = values[f"{prefix}:refractory"]


_SYNAPSES = ("_last", "_fresh", "_post_index", "_row")


def _take_projection(values: dict, prefix: str, projection) -> None:
    if projection.__dict__.get("_pending"):
        raise ValueError(f"projection {projection.name} has connect() calls waiting for a "
                         "Network's seed; build the Network with them first")
    _take_dict(values, f"{prefix}:values", projection._values)
    for name in _SYNAPSES:
        values[f"{prefix}:{name}"] = getattr(projection, name).copy()
    values[f"{prefix}:delay"] = _copy(projection._delay)
    ring = projection._ring
    values[f"{prefix}:ring"] = None if ring is None else [int(ring[0]), int(ring[3])]
    if ring is not None:
        values[f"{prefix}:ring.spikes"] = ring[1].copy()
        values[f"{prefix}:ring.counts"] = ring[2].copy()


def _put_projection(values: dict, prefix: str, projection) -> None:
    projection._values.clear()
    projection._values.update(_put_dict(values, f"{prefix}:values"))
    for name in _SYNAPSES:
        object.__setattr__(projection, name, np.array(values[f"{prefix}:{name}"]))
    object.__setattr__(projection, "_delay", _copy(_scalar(values[f"{prefix}:delay"])))
    ring = values[f"{prefix}:ring"]
    object.__setattr__(projection, "_ring", None if ring is None else (
        int(ring[0]), np.array(values[f"{prefix}:ring.spikes"]),
        np.array(values[f"{prefix}:ring.counts"]), int(ring[1])))
    object.__setattr__(projection, "_eq_version", projection._eq_version + 1)   # caches stale


def _take_monitor(values: dict, prefix: str, monitor) -> None:
    values[f"{prefix}:until"] = monitor._recorded_until
    if hasattr(monitor, "_segments"):
        values[f"{prefix}:segments"] = [dt for dt, _, _ in monitor._segments]
        for k, (_, indices, steps) in enumerate(monitor._segments):
            values[f"{prefix}:segment{k}.i"] = np.concatenate(indices)
            values[f"{prefix}:segment{k}.step"] = np.concatenate(
                [s.astype(np.int64) for s in steps])
        return
    values[f"{prefix}:times"] = monitor.t.copy()
    values[f"{prefix}:runs"] = [[dt, taken] for dt, taken in monitor._run_lengths()]
    for name in monitor.variables:
        values[f"{prefix}:data.{name}"] = getattr(monitor, name).copy()


def _put_monitor(values: dict, prefix: str, monitor) -> None:
    until = values[f"{prefix}:until"]
    monitor._recorded_until = None if until is None else float(until)
    if hasattr(monitor, "_segments"):
        monitor._segments = [
            (float(dt), [np.array(values[f"{prefix}:segment{k}.i"])],
             [np.array(values[f"{prefix}:segment{k}.step"])])
            for k, dt in enumerate(values[f"{prefix}:segments"])]
        return
    times = np.array(values[f"{prefix}:times"])
    monitor._times = [times] if times.size else []
    monitor._runs = [(float(dt), int(taken)) for dt, taken in values[f"{prefix}:runs"]]
    monitor._data = {name: ([np.array(values[f"{prefix}:data.{name}"])] if times.size else [])
                     for name in monitor.variables}


# ---- files ------------------------------------------------------------------------------

def write(path, name: str, snapshot: Snapshot) -> None:
    """Add (or replace) snapshot `name` in the file at `path`, keeping its others."""
    path = Path(path)
    entries = dict(_read_entries(path)) if path.exists() else {}
    entries = {k: v for k, v in entries.items() if not k.startswith(f"{name}/")}
    meta = {"format": FORMAT, "structure": list(snapshot.structure), "values": {}}
    for key, value in snapshot.values.items():
        if isinstance(value, np.ndarray):
            entries[f"{name}/{key}"] = value
        else:
            meta["values"][key] = value
    entries[f"{name}/meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "wb") as handle:
        np.savez(handle, **entries)
    temporary.replace(path)


def read(path, name: str) -> Snapshot:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no stored network in {path}")
    entries = _read_entries(path)
    meta_key = f"{name}/meta"
    if meta_key not in entries:
        names = sorted(k[:-len("/meta")] for k in entries if k.endswith("/meta"))
        raise KeyError(f"{path} holds no stored state {name!r}; it holds "
                       f"{', '.join(repr(n) for n in names) or 'none'}")
    meta = json.loads(bytes(entries[meta_key]).decode())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: not a network stored by this version of eqneuro")
    values = dict(meta["values"])
    prefix = f"{name}/"
    values.update({k[len(prefix):]: v for k, v in entries.items()
                   if k.startswith(prefix) and k != meta_key})
    return Snapshot(tuple(meta["structure"]), values)


def _read_entries(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValueError(f"{path} is not a file of stored networks ({error})") from None
