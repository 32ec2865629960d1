"""Population: the state and parameters of N neurons of one model, as NumPy arrays."""
from __future__ import annotations

import numbers
import threading

import numpy as np

from ..errors import did_you_mean
from .. import randomness
from ..evaluate import evaluate
from ..functions import draw_kind, draw_order, timed_symbol
from ..compile.kernel_abi import Layout
from ..neuron import Neuron
from ..compile.propagators import coefficient_values, per_neuron


class Population:
    """N neurons of one model. Parameters and variables are attributes: `pop.I`, `pop.v`.

    A parameter holds one value for all neurons until it is given an array; state variables
    are initialised from their `init` flags, with the parameters as they are at first use.
    """

    _counter = 0

    def __init__(self, neuron: Neuron, n: int, name: str | None = None):
        if not isinstance(neuron, Neuron):
            raise TypeError(f"Population needs an eqneuro.Neuron, not {type(neuron).__name__}")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"the number of neurons must be an integer, not {type(n).__name__}")
        if n < 1:
            raise ValueError(f"a population needs at least one neuron (got {n})")
        if n >= 2 ** 31:
            raise ValueError("a population holds at most 2**31 - 1 neurons")
        Population._counter += 1
        info = neuron.info
        object.__setattr__(self, "_eq_neuron", neuron)
        object.__setattr__(self, "_eq_n", int(n))
        object.__setattr__(self, "_eq_name", name or f"{info.name}_{Population._counter}")
        object.__setattr__(self, "_eq_params", {p: value for p, value, _ in info.parameters})
        object.__setattr__(self, "_eq_shared", {p for p, _, shared in info.parameters if shared})
        object.__setattr__(self, "_eq_state", None)
        object.__setattr__(self, "_eq_input_arrays", None)
        object.__setattr__(self, "_eq_refractory", np.zeros(int(n), dtype=np.int32))
        object.__setattr__(self, "_eq_time", 0.0)        # of the state, in ms
        object.__setattr__(self, "_eq_network", None)     # weakref to its latest Network
        object.__setattr__(self, "_eq_lock", threading.Lock())    # held while it runs
        names = [p for p, _, _ in info.parameters] + [v for v, _ in info.state] + \
            [a for a, _ in info.assignments]
        reserved = [n for n in names if n.startswith("_eq_")]
        if reserved:
            raise ValueError(f"the name '{reserved[0]}' cannot be used from Python: names "
                             "beginning with _eq_ are reserved for eqneuro's Population")
        object.__setattr__(self, "_eq_names", frozenset(names))
        self._eq_timed_arrays()

    def _eq_timed_arrays(self) -> dict[str, object]:
        """The model's TimedArrays by name, checked against the number of neurons (a 2-D
        array gives each neuron its column)."""
        arrays = dict(self._eq_neuron.timed_arrays)
        for name, array in arrays.items():
            if array.neurons is not None and array.neurons != self._eq_n:
                raise ValueError(f"the TimedArray {name!r} has {array.neurons} columns but "
                                 f"{self._eq_name} has {self._eq_n} neurons: a 2-D "
                                 "TimedArray needs one column per neuron")
        return arrays

    def _eq_timed_values(self, t: float) -> dict[str, object]:
        """The TimedArrays' values at time t, by the names the op-trees read."""
        return {timed_symbol(name).name: array(t)
                for name, array in self._eq_timed_arrays().items()}

    # ---- attribute access -------------------------------------------------------------
    @property
    def neuron(self) -> Neuron:
        return self._eq_neuron

    @property
    def name(self) -> str:
        return self._eq_name

    def __len__(self) -> int:
        return self._eq_n

    @property
    def N(self) -> int:
        return self._eq_n

    @property
    def t(self) -> float:
        """The time of the population's state in ms (a new Network continues from it)."""
        return self._eq_time

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | self._eq_names)

    def layout(self, monitors=()) -> Layout:
        return self._eq_layout(monitors)

    def _eq_state_arrays(self) -> dict[str, np.ndarray]:
        if self._eq_state is None:
            object.__setattr__(self, "_eq_state", self._eq_initial_state())
        return self._eq_state

    def _eq_random_init(self) -> tuple[str, ...]:
        """The random calls of the `init` flags (uniform(), normal()), in draw order."""
        from ..evaluate import names_in
        found = {name for _, tree in self._eq_neuron.info.state for name in names_in(tree)
                 if draw_kind(name)}
        return tuple(sorted(found, key=draw_order))

    def _eq_initialise(self, seed: int, stream: int) -> None:
        """Random initial values from a Network's seed (this population's stream), unless
        the state exists already; without random `init` flags the state waits for its
        first use, so that parameters set until then still count."""
        if self._eq_state is None and self._eq_random_init():
            object.__setattr__(self, "_eq_state", self._eq_initial_state(seed, stream))

    def _eq_initial_state(self, seed: int | None = None,
                          stream: int = 0) -> dict[str, np.ndarray]:
        info = self._eq_neuron.info
        values: dict[str, object] = dict(self._eq_params)
        draws = self._eq_random_init()
        if draws and seed is None:
            raise ValueError(
                f"the initial values of {self._eq_name} draw random numbers from a Network's "
                f"seed: create the Network first (eq.Network({self._eq_name}, ..., seed=k)), "
                "then read or set its state")
        index = np.arange(self._eq_n)
        for k, name in enumerate(draws):
            values[name] = getattr(randomness, draw_kind(name))(seed, stream, k,
                                                              randomness.INIT_STEP, index)
        pending = dict(info.state)
        state: dict[str, np.ndarray] = {}
        from ..evaluate import names_in
        while pending:
            for name, tree in list(pending.items()):
                if names_in(tree) & set(pending):
                    continue
                with np.errstate(all="ignore"):
                    value = np.asarray(evaluate(tree, values), dtype=np.float64)
                array = np.empty(self._eq_n, dtype=np.float64)
                array[:] = np.broadcast_to(value, (self._eq_n,))
                state[name] = values[name] = array
                del pending[name]
        return {name: state[name] for name, _ in info.state}

    def __getitem__(self, selection) -> "PopulationView":
        """A view of some neurons: pop[10:20], pop[[0, 5, 7]], pop[mask] (for projections
        and monitors)."""
        return PopulationView(self, selection)

    def _eq_inputs(self) -> dict[str, np.ndarray]:
        """sum(T) of every target T the model reads, per neuron (0 until something delivers)."""
        if self._eq_input_arrays is None:
            targets = self._eq_neuron.info.inputs
            object.__setattr__(self, "_eq_input_arrays",
                               {t: np.zeros(self._eq_n) for t in targets})
        return self._eq_input_arrays

    def _eq_recordable(self) -> tuple[str, ...]:
        info = self._eq_neuron.info
        return tuple(n for n, _ in info.state) + tuple(n for n, _ in info.assignments) + \
            tuple(self._eq_params) + tuple(f"sum({target})" for target in info.inputs)

    # The model's names come first: a parameter called N, name or neuron, or _a, is read and
    # set as such. Internals all start with _eq_, a prefix model names may not use here.
    def __getattribute__(self, name: str):
        if not name.startswith(("_eq_", "__")):
            names = object.__getattribute__(self, "__dict__").get("_eq_names", ())
            if name in names:
                return object.__getattribute__(self, "_eq_value")(name)
        return object.__getattribute__(self, name)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(self._eq_unknown(name))

    def _eq_value(self, name: str):
        params = self._eq_params
        if name in params:
            value = params[name]
            return value.copy() if isinstance(value, np.ndarray) else np.full(self._eq_n, value)
        if name in dict(self._eq_neuron.info.state):
            return self._eq_state_arrays()[name]
        return self._eq_derived(name)

    def _eq_derived(self, name: str) -> np.ndarray:
        from ..evaluate import names_in
        assignments = self._eq_neuron.info.assignments
        needed = {name}
        for assigned, tree in reversed(assignments):
            if assigned in needed:
                needed |= names_in(tree)
        values: dict[str, object] = dict(self._eq_params)
        values.update(self._eq_state_arrays())
        values.update({f"sum({target})": array for target, array in self._eq_inputs().items()})
        values["t"] = self._eq_time       # the time of the current state
        values.update(self._eq_timed_values(self._eq_time))
        if "dt" in needed:
            values["dt"] = self._eq_dt(name)
        for assigned, tree in assignments:
            if assigned in needed:
                with np.errstate(all="ignore"):
                    values[assigned] = evaluate(tree, values)
            if assigned == name:
                break
        out = np.empty(self._eq_n)
        out[:] = np.broadcast_to(np.asarray(values[name], dtype=float), (self._eq_n,))
        return out

    def _eq_dt(self, name: str) -> float:
        network = self._eq_network() if self._eq_network is not None else None
        if network is None:
            raise ValueError(f"{name} uses dt, which is known once {self._eq_name} is in a "
                             "Network: create the Network first (dt is the Network's)")
        return network.dt

    def _eq_unknown(self, name: str) -> str:
        known = list(self._eq_params) + list(self._eq_recordable())
        hint = did_you_mean(name, known)
        return (f"{self._eq_neuron.name} has no parameter or variable '{name}'"
                + (f"; {hint}" if hint else f" (known: {', '.join(known)})"))

    def __setattr__(self, name: str, value) -> None:
        if name not in self._eq_names:
            if name == "name":
                object.__setattr__(self, "_eq_name", str(value))
                return
            if name == "t":
                raise AttributeError(f"{self._eq_name}.t is the time of its state; it "
                                     "changes only by running a Network")
            raise AttributeError(self._eq_unknown(name))
        if self._eq_lock.locked():
            raise RuntimeError(f"{self._eq_name} is running (in another thread): set "
                               f"'{name}' between runs")
        if name in self._eq_params:
            self._eq_params[name] = self._eq_parameter_value(name, value)
            return
        info = self._eq_neuron.info
        if name in dict(info.state):
            self._eq_state_arrays()[name][:] = self._eq_array(name, value)
            return
        if name in dict(info.assignments):
            raise AttributeError(f"'{name}' is a derived variable of {self._eq_neuron.name}: it "
                                 "follows the state and cannot be set")
        raise AttributeError(self._eq_unknown(name))

    def _eq_array(self, name: str, value, any_length: bool = False) -> np.ndarray:
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{name} must be a number or an array of numbers")
        if np.iscomplexobj(value):
            raise TypeError(f"{name} must be real: got complex values (take .real or abs() "
                            "explicitly)")
        if isinstance(value, np.ma.MaskedArray):
            if np.ma.getmaskarray(value).any():
                raise ValueError(f"{name}: the masked array has masked entries; fill them "
                                 "first (e.g. values.filled(0.0))")
            value = value.data
        kind = np.asarray(value).dtype.kind if not isinstance(value, bool) else "b"
        if kind not in "iuf":          # booleans, strings and objects are not numbers here
            raise TypeError(f"{name} must be a number or an array of numbers, not "
                            + (type(value).__name__ if np.ndim(value) == 0 else
                               f"an array of {np.asarray(value).dtype}"))
        array = np.asarray(value, dtype=np.float64)
        if array.ndim == 0:
            return np.full(self._eq_n, float(array))
        if any_length:
            return array.ravel()
        if array.shape != (self._eq_n,):
            raise ValueError(f"{name} needs one value per neuron: length {self._eq_n}, "
                             f"got shape {array.shape}")
        return array

    def _eq_parameter_value(self, name: str, value):
        shared = name in self._eq_shared
        array = self._eq_array(name, value, any_length=shared)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"parameter {name} must be finite")
        if shared:      # an array of identical values is that value
            if array.size == 0 or np.any(array != array[0]):
                raise ValueError(f"parameter {name} is shared: it holds one value for the "
                                 "whole population; give it a single number, not one per "
                                 "neuron")
            return float(array[0])
        if np.ndim(value) == 0:
            return float(array[0])
        return np.ascontiguousarray(array)

    def _eq_store_per_neuron(self, name: str) -> None:
        """Parameter `name` as one value per neuron from now on (on_pre changes it)."""
        value = self._eq_params[name]
        if not isinstance(value, np.ndarray):
            self._eq_params[name] = np.full(self._eq_n, value)

    def _eq_layout(self, monitors=()) -> Layout:
        arrays = tuple(n for n, v in self._eq_params.items() if isinstance(v, np.ndarray))
        arrays += per_neuron(self._eq_neuron.info.propagators, arrays)
        return Layout(arrays, tuple(m.variables for m in monitors))

    # Event sources (sim/sources.py) emit several events per neuron and step and cannot
    # receive projections; a neuron model emits at most one spike per step.
    _eq_emits_only = False

    def _eq_events_per_neuron(self, dt: float, start: int, steps: int) -> int:
        """The most events one neuron can emit in one step of steps start..start+steps-1."""
        return 1

    def _eq_source_arrays(self, dt: float, step: int) -> dict[str, np.ndarray]:
        """Kernel arrays of an event source from step `step` on (none for neurons)."""
        return {}

    def _eq_coefficients(self, dt: float) -> dict[str, float | np.ndarray]:
        """Coefficients of exact integration (matrix exponentials) for these parameters."""
        return coefficient_values(self._eq_neuron.info.propagators, self._eq_params, dt,
                                  self._eq_n)

    def __repr__(self) -> str:
        varying = [n for n, v in self._eq_params.items() if isinstance(v, np.ndarray)]
        return (f"<Population {self._eq_name}: {self._eq_n} x {self._eq_neuron.name} "
                f"(method {self._eq_neuron.method})"
                + (f", per-neuron: {', '.join(varying)}" if varying else "") + ">")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{n}</td><td>{'per neuron: ' + f'{v.min():g} .. {v.max():g}' if isinstance(v, np.ndarray) else f'{v:g}'}</td></tr>"
            for n, v in self._eq_params.items())
        return (f"<b>Population {self._eq_name}</b>: {self._eq_n} neurons, model "
                f"{self._eq_neuron.name}, method {self._eq_neuron.method}<table>{rows}</table>")


class PopulationView:
    """Some neurons of a Population, by index: `pop[a:b]`, `pop[[3, 5]]`, `pop[mask]`."""

    def __init__(self, population: Population, selection):
        n = len(population)
        if isinstance(selection, slice):
            neurons = np.arange(n, dtype=np.int64)[selection]
        else:
            if isinstance(selection, (bool, np.bool_)) or isinstance(selection, (str, bytes)):
                raise TypeError("select neurons with a slice, indices or a boolean mask")
            array = np.asarray(selection)
            if array.dtype == bool:
                if array.shape != (n,):
                    raise ValueError(f"a boolean mask needs one entry per neuron ({n}), got "
                                     f"shape {array.shape}")
                neurons = np.flatnonzero(array)
            elif array.dtype.kind in "iu":
                neurons = np.atleast_1d(array).astype(np.int64)
                if neurons.ndim != 1:
                    raise ValueError("indices of a view must be one-dimensional")
                if len(neurons) and (neurons.min() < -n or neurons.max() >= n):
                    bad = neurons[(neurons < -n) | (neurons >= n)][0]
                    raise IndexError(f"index {bad} is out of range for {population._eq_name} "
                                     f"({n} neurons)")
                neurons = np.where(neurons < 0, neurons + n, neurons)
                if len(np.unique(neurons)) != len(neurons):
                    raise ValueError("a view names each neuron at most once")
            else:
                raise TypeError("select neurons with a slice, indices or a boolean mask, not "
                                f"{array.dtype}")
        if len(neurons) == 0:
            raise ValueError(f"the view of {population._eq_name} selects no neuron")
        self.population = population
        self.neurons = neurons
        self.whole = len(neurons) == n and bool(np.all(neurons == np.arange(n)))
        self.label = population._eq_name if self.whole else \
            f"{population._eq_name}[{_describe(selection, neurons)}]"

    def __len__(self) -> int:
        return len(self.neurons)

    def local(self, underlying: np.ndarray) -> np.ndarray:
        """Indices within the view of neurons given by their population index."""
        if self.whole:
            return underlying.astype(np.int64)
        lookup = np.full(len(self.population), -1, dtype=np.int64)
        lookup[self.neurons] = np.arange(len(self.neurons))
        return lookup[underlying]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.population, name)[self.neurons]

    def __repr__(self) -> str:
        return f"<PopulationView {self.label}: {len(self)} neurons>"


def _describe(selection, neurons) -> str:
    if isinstance(selection, slice):
        return f"{selection.start or 0}:{'' if selection.stop is None else selection.stop}"
    return f"{len(neurons)} indices"


def as_view(obj, role: str) -> PopulationView:
    if isinstance(obj, PopulationView):
        return obj
    if isinstance(obj, Population):
        return PopulationView(obj, slice(None))
    raise TypeError(f"{role} must be a Population or a view pop[...], not {type(obj).__name__}")
