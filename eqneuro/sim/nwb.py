"""Monitors to an NWB file (`eq.save`) and back (`eq.read`).

The file is standard NWB 2, readable by pynwb and neo.io.NWBIO: every SpikeMonitor's
neurons are rows of the Units table (spike_times and obs_intervals in s, and the columns
`monitor`, `neuron`, `population`), every recorded variable of a StateMonitor is a
TimeSeries in acquisition named `<monitor>.<variable>` (samples x recorded neurons,
timestamps in s). What eqneuro needs to give back the very arrays it wrote — the names,
sizes, recorded indices, the dt of each run — is a JSON text in scratch/eqneuro. NWB keeps
seconds; times read back are put on the step grid they came from (t = step * dt), so they
equal the monitors' ms times bit for bit.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .monitors import SpikeMonitor, SpikeRecord, StateMonitor, TraceRecord
from .neo_export import _label, require

FORMAT = 1
_META = "eqneuro"


@dataclass(frozen=True)
class RecordedSource:
    """What a record read from a file knows of the population it came from."""
    label: str
    size: int

    def __len__(self) -> int:
        return self.size


class RecordedSpikes(SpikeRecord):
    """A SpikeMonitor read back from a file: `.i`, `.t`, `.count`, `.rate()`, `.to_neo()`."""

    def __init__(self, name, label, size, i, t, recorded_until):
        self.name = name
        self.population = RecordedSource(label, size)
        self.i, self.t = i, t
        self._recorded_until = recorded_until

    def __repr__(self) -> str:
        return f"<RecordedSpikes {self.name} of {self.population.label}: {len(self.i)} spikes>"


class RecordedTrace(TraceRecord):
    """A StateMonitor read back from a file: `.t`, `.indices`, `.record` and the variables."""

    def __init__(self, name, label, size, variables, data, t, indices, record, period, runs):
        self.name = name
        self.population = RecordedSource(label, size)
        self.variables = tuple(variables)
        self._data = dict(data)
        self.t, self.indices, self.record = t, indices, record
        self.period, self._runs = period, runs

    def _run_lengths(self):
        return list(self._runs)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._data:
            raise KeyError(f"this trace holds {', '.join(self.variables)}; not {name!r}")
        return self._data[name]

    def __getattr__(self, name: str):
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        raise AttributeError(f"this trace holds {', '.join(data) or 'nothing'}; "
                             f"it has no '{name}'")

    def __repr__(self) -> str:
        return (f"<RecordedTrace {self.name} of {self.population.label}: "
                f"{', '.join(self.variables)}, {len(self.t)} samples>")


# ---- writing -----------------------------------------------------------------------------

def _names(monitors, named) -> dict[str, object]:
    chosen: dict[str, object] = {}
    for monitor in monitors:
        if not isinstance(monitor, (SpikeMonitor, StateMonitor)):
            raise TypeError(f"eq.save writes SpikeMonitors and StateMonitors, not "
                            f"{type(monitor).__name__}")
        kind = "spikes" if isinstance(monitor, SpikeMonitor) else "trace"
        base = f"{kind}_{_label(monitor)}".replace("/", "_").replace(":", "_")
        name, k = base, 1
        while name in chosen or name in named:
            k += 1
            name = f"{base}_{k}"
        chosen[name] = monitor
    for name, monitor in named.items():
        if not isinstance(monitor, (SpikeMonitor, StateMonitor)):
            raise TypeError(f"eq.save writes SpikeMonitors and StateMonitors, not "
                            f"{type(monitor).__name__} (given as {name}=)")
        chosen[name] = monitor
    if not chosen:
        raise ValueError("eq.save needs at least one monitor: eq.save(path, spikes, trace)")
    seen: dict[int, str] = {}
    for name, monitor in chosen.items():
        if id(monitor) in seen:
            raise ValueError(f"the same monitor is given twice ({seen[id(monitor)]} and {name})")
        seen[id(monitor)] = name
    return chosen


def _spike_columns(entries, hdmf):
    """The Units table's columns for the spike monitors in `entries` (name, monitor, meta)."""
    times, ends, neuron, monitor_names, labels, intervals = [], [], [], [], [], []
    total = 0
    for name, monitor, meta in entries:
        size = len(monitor.population)
        i, t = monitor.i, monitor.t
        order = np.argsort(i, kind="stable")
        times.append(t[order] / 1000.0)
        ends.append(total + np.cumsum(np.bincount(i, minlength=size)))
        total += len(i)
        neuron.append(np.arange(size))
        monitor_names += [name] * size
        labels += [meta["label"]] * size
        until = (monitor._recorded_until or 0.0) / 1000.0
        intervals.append(np.tile([0.0, until], (size, 1)))
    VectorData, VectorIndex = hdmf.VectorData, hdmf.VectorIndex
    spike_times = VectorData(name="spike_times", description="spike times in s",
                             data=np.concatenate(times))
    obs = VectorData(name="obs_intervals", description="the time recorded, in s",
                     data=np.concatenate(intervals))
    rows = sum(len(n) for n in neuron)
    return rows, [
        spike_times,
        VectorIndex(name="spike_times_index", data=np.concatenate(ends).astype(np.int64),
                    target=spike_times),
        obs, VectorIndex(name="obs_intervals_index", data=np.arange(1, rows + 1), target=obs),
        VectorData(name="monitor", description="the eqneuro monitor", data=monitor_names),
        VectorData(name="neuron", description="index of the neuron in the monitored "
                   "population or view", data=np.concatenate(neuron)),
        VectorData(name="population", description="the population's label", data=labels)]


def save(path, *monitors, description: str = "eqneuro simulation", **named) -> Path:
    """Write monitors to the NWB file `path` (replaced if it exists); returns its path.

    Positional monitors are named `spikes_<label>` / `trace_<label>`; give others by
    keyword, `eq.save("run.nwb", exc=spikes_exc, v=trace)`, to choose the names `eq.read`
    returns them under. Needs eqneuro[neo] (pynwb).
    """
    pynwb = require("pynwb", "eq.save")
    hdmf = require("hdmf.common", "eq.save")
    from .. import __version__
    chosen = _names(monitors, named)
    path = Path(path)
    if path.suffix != ".nwb":
        raise ValueError(f"eq.save writes NWB files: the path should end in .nwb, not {path}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"no folder {path.parent} to write {path.name} into")
    nwbfile = pynwb.NWBFile(session_description=str(description),
                            identifier=str(uuid.uuid4()),
                            session_start_time=datetime.now(timezone.utc),
                            notes=f"written by eqneuro {__version__}")
    records, spike_entries = [], []
    for name, monitor in chosen.items():
        meta = {"name": name, "label": _label(monitor), "size": len(monitor.population),
                "recorded_until": monitor._recorded_until}
        if isinstance(monitor, SpikeMonitor):
            meta.update(kind="spikes", segments=[
                [dt, int(sum(len(p) for p in parts))] for dt, parts, _ in monitor._segments])
            spike_entries.append((name, monitor, meta))
        else:
            _write_trace(nwbfile, pynwb, name, monitor, meta)
        records.append(meta)
    if spike_entries:
        rows, columns = _spike_columns(spike_entries, hdmf)
        nwbfile.units = pynwb.misc.Units(
            name="units", description="spikes recorded by eqneuro SpikeMonitors",
            id=hdmf.ElementIdentifiers(name="id", data=np.arange(rows)), columns=columns)
    nwbfile.add_scratch(json.dumps({"format": FORMAT, "monitors": records}), name=_META,
                        description="what eq.read needs to rebuild the monitors' arrays")
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def _write_trace(nwbfile, pynwb, name, monitor, meta) -> None:
    t = monitor.t
    from .projection import Projection
    what = "synapses" if isinstance(monitor._population, Projection) else "neurons"
    meta.update(kind="trace", variables=list(monitor.variables), what=what,
                series=[f"{name}.{v}" for v in monitor.variables],
                indices=np.asarray(monitor.indices).tolist(),
                record=np.asarray(monitor.record).tolist(), period=monitor.period,
                runs=[[dt, taken] for dt, taken in monitor._run_lengths()])
    for variable, series in zip(monitor.variables, meta["series"]):
        nwbfile.add_acquisition(pynwb.TimeSeries(
            name=series, data=np.asarray(monitor[variable]), unit="n/a",
            timestamps=t / 1000.0,
            description=f"{variable} of {len(monitor.indices)} {what} of {meta['label']} "
                        f"(columns: {what} {_brief(monitor.indices)})"))


def _brief(indices) -> str:
    indices = np.asarray(indices)
    if len(indices) and np.array_equal(indices, np.arange(indices[0], indices[0] + len(indices))):
        return f"{indices[0]}..{indices[-1]}"
    return ", ".join(map(str, indices[:20])) + (", ..." if len(indices) > 20 else "")


# ---- reading -----------------------------------------------------------------------------

def _on_grid(t_seconds: np.ndarray, runs) -> np.ndarray:
    """ms times from s, each put back on the step grid of its run: (dt, count) in order."""
    t = t_seconds * 1000.0
    out = np.empty_like(t)
    start = 0
    for dt, count in runs:
        piece = t[start:start + count]
        out[start:start + count] = np.rint(piece / dt).astype(np.int64) * dt
        start += count
    if start != len(t):
        raise ValueError("the file's eqneuro metadata does not match its data")
    return out


def read(path) -> dict:
    """The monitors of an NWB file written by `eq.save`, by name: RecordedSpikes and
    RecordedTrace, with the same arrays (`.i`, `.t`, variables) the monitors had."""
    pynwb = require("pynwb", "eq.read")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no file {path}")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        if _META not in nwbfile.scratch:
            raise ValueError(f"{path} was not written by eq.save (it has no scratch/{_META}); "
                             "read it with pynwb or neo.io.NWBIO")
        meta = json.loads(nwbfile.scratch[_META].data)
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path} has eqneuro file format {meta.get('format')}; this "
                             f"eqneuro reads format {FORMAT}")
        units = nwbfile.units
        if units is not None:
            spike_times = np.asarray(units["spike_times"].target.data[:])
            ends = np.asarray(units["spike_times_index"].data[:])
            owners = np.asarray(units["monitor"].data[:]).astype(str)
            neurons = np.asarray(units["neuron"].data[:])
        result = {}
        for record in meta["monitors"]:
            if record["kind"] == "spikes":
                result[record["name"]] = _read_spikes(record, spike_times, ends, owners,
                                                      neurons)
            else:
                result[record["name"]] = _read_trace(record, nwbfile)
    return result


def _read_spikes(record, spike_times, ends, owners, neurons) -> RecordedSpikes:
    rows = np.flatnonzero(owners == record["name"])
    starts = np.concatenate([[0], ends])[rows]
    counts = ends[rows] - starts
    t = np.concatenate([np.zeros(0)] + [spike_times[s:s + c] for s, c in zip(starts, counts)])
    i = np.repeat(neurons[rows], counts).astype(np.int32)
    order = np.lexsort((i, t))            # the monitor's order: by time, then neuron
    i, t = i[order], _on_grid(t[order], record["segments"])
    until = record["recorded_until"]
    return RecordedSpikes(record["name"], record["label"], record["size"], i, t,
                          None if until is None else float(until))


def _read_trace(record, nwbfile) -> RecordedTrace:
    data, t = {}, None
    for variable, series in zip(record["variables"], record["series"]):
        timeseries = nwbfile.acquisition[series]
        data[variable] = np.asarray(timeseries.data[:], dtype=float).reshape(
            -1, len(record["indices"]))
        if t is None:
            t = _on_grid(np.asarray(timeseries.timestamps[:], dtype=float), record["runs"])
    return RecordedTrace(record["name"], record["label"], record["size"],
                         record["variables"], data, t,
                         np.asarray(record["indices"], dtype=np.int64),
                         np.asarray(record["record"], dtype=np.int64), record["period"],
                         [(float(dt), int(n)) for dt, n in record["runs"]])
