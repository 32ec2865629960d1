"""Projection: synapses from a presynaptic to a postsynaptic population (or view), as NumPy
arrays. Synapses are kept in presynaptic order (stable: within one presynaptic neuron, in
the order they were made), stored as CSR rows: per synapse a post index (int32) and, when
they differ, a weight (float64) — 12 bytes; a homogeneous value is one number."""
from __future__ import annotations

import math
import numbers
import threading

import numpy as np

from . import synapse_state
from .connectors import Side, connect as connect_pairs, deferred
from .population import Population, PopulationView, as_view


CONNECT_STREAMS = 2      # the first spawn key of connectivity drawn from a Network's seed


class Projection:
    """Synapses from `pre` to `post` (Populations or views `pop[a:b]`, `pop[[1, 5]]`).

    `target` names the post neuron's input: `sum(target)` receives continuous transmission,
    and the default synapse of a spiking `pre` adds `w` to `g_target`. `synapse` is an
    `eq.Synapse`; or give its sections as keywords `on_pre="v += w"`, `psp="w * r_pre"`,
    `equations="tau*dx/dt = -x"`, `on_post="w += x"`.
    `w` and `delay` (ms, rounded to steps) are every synapse's initial values.
    """

    _counter = 0

    def __init__(self, pre, post, target: str | None = None, synapse=None, *, on_pre=None,
                 psp=None, equations=None, on_post=None, w=None, delay=0.0,
                 name: str | None = None, timed_arrays=None):
        from ..lang.binding import (bind, check_target, default_continuous_synapse,
                                    default_event_synapse, names_of)
        from ..synapse import Synapse
        self._pending: list[dict] = []     # connect() calls waiting for a Network's seed
        self._pre, self._post = as_view(pre, "pre"), as_view(post, "post")
        if self._post.population._eq_emits_only:
            raise ValueError(f"{self._post.population._eq_name} is a "
                             f"{type(self._post.population).__name__}: it only emits spikes "
                             "and cannot be the post of a projection")
        if target is not None and (not isinstance(target, str) or not target.isidentifier()):
            raise ValueError(f"target must be a name such as 'exc', not {target!r}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, not {type(name).__name__}")
        pre_info = self._pre.population._eq_neuron.info
        post_info = self._post.population._eq_neuron.info
        statements = dict(equations=equations, on_pre=on_pre, on_post=on_post, psp=psp)
        given = {k: v for k, v in statements.items() if v is not None}
        if synapse is not None and given:
            raise TypeError("give either synapse= or its sections (on_pre=, psp=, "
                            "equations=, on_post=), not both")
        if timed_arrays is not None and not given:
            raise TypeError("timed_arrays= goes with the sections (on_pre=, psp=, ...); a "
                            "Synapse takes its own: eq.Synapse(text, timed_arrays=...)")
        if synapse is None and not given:
            if target is None:
                raise TypeError("a Projection with the default synapse needs target= (the "
                                "post neuron's input, e.g. target='exc')")
            event = pre_info.has_spike
            check_target(names_of(post_info), target, event)
            info = default_event_synapse(target) if event else default_continuous_synapse()
            synapse = Synapse._from_info(info) if hasattr(Synapse, "_from_info") else None
            self._info = info
        else:
            if synapse is None:
                synapse = Synapse(**statements, timed_arrays=timed_arrays)
            elif not isinstance(synapse, Synapse):
                raise TypeError(f"synapse must be an eqneuro.Synapse, not "
                                f"{type(synapse).__name__}")
            self._info = synapse.info
        self._synapse = synapse
        info = self._info
        if info.psp is not None and target is None:
            raise TypeError(f"synapse {info.name} has a psp: give target= (the sum(T) of the "
                            "post neuron that receives it)")
        if info.on_pre and not pre_info.has_spike:
            raise ValueError(f"synapse {info.name} acts on presynaptic spikes (on_pre), but "
                             f"{pre_info.name} has no spike condition: it never spikes")
        if info.psp is not None:
            check_target(names_of(post_info), target, False)
        self._binding = bind(info, names_of(pre_info), names_of(post_info), target)
        self._target = target
        Projection._counter += 1
        self._name = name or f"{info.name}_{Projection._counter}"
        self._lock = threading.Lock()
        self._shared = {n for n, _, shared in info.parameters if shared}
        self._values: dict[str, float | np.ndarray] = {
            n: float(default) for n, default, _ in info.parameters}
        # per-synapse variables (always one value per synapse) and the time (ms) each
        # synapse's were last brought up to date (sim/synapse_state.py)
        self._state_names = info.state_names
        self._values.update({n: np.zeros(0) for n in self._state_names})
        self._last = np.zeros(0)
        self._fresh = np.zeros(0, dtype=bool)   # made, not yet given their init values
        self._eq_version = 0                    # +1 when synapses or delays change
        self._eq_cache: dict = {}               # arrays derived from them, by version
        n_pre = len(self._pre.population)
        self._row = np.zeros(n_pre + 1, dtype=np.int64)       # by underlying pre neuron
        self._post_index = np.zeros(0, dtype=np.int32)        # underlying post neuron
        self._delay: float | np.ndarray = 0.0
        self._ring = None                       # (depth, spikes, counts, room per slot)
        if w is not None:
            self._values["w"] = self._initial["w"] = self._checked("w", w, scalar_only=True)
        self.delay = delay

    # ---- identity --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def pre(self):
        return self._pre.population if self._pre.whole else self._pre

    @property
    def post(self):
        return self._post.population if self._post.whole else self._post

    @property
    def target(self) -> str | None:
        return self._target

    @property
    def synapse(self):
        return self._synapse

    @property
    def event(self) -> bool:
        return bool(self._info.on_pre)

    @property
    def continuous(self) -> bool:
        return self._info.psp is not None

    def __len__(self) -> int:
        self._eq_require_synapses("len()")
        return len(self._post_index)

    def __repr__(self) -> str:
        synapses = ("synapses drawn when it joins a Network" if self._pending
                    else f"{len(self)} synapses")
        return (f"<Projection {self._name}: {self._pre.label} -> {self._post.label}"
                + (f", target {self._target}" if self._target else "")
                + f", {synapses} ({self._info.name})>")

    # ---- synapses --------------------------------------------------------------------
    def connect(self, **pattern) -> "Projection":
        """Add synapses by one pattern: p=, in_degree=, i= and j=, matrix=, one_to_one=True
        or all_to_all=True (with allow_self=, seed= where they apply). Returns self.

        A random pattern without seed= is drawn from the seed of the first Network the
        projection joins (so that Network(seed=k) reproduces the connectivity too); it and
        every connect() after it then wait for that Network, in order."""
        self._check_idle("connect")
        if deferred(*self._sides(), **pattern) or self._pending:
            self._pending.append(dict(pattern))
            return self
        return self._connect_now(**pattern)

    def _sides(self) -> tuple[Side, Side]:
        pre, post = self._pre, self._post
        same = pre.population is post.population
        return Side(pre.neurons, 0), Side(post.neurons, 0 if same else 1)

    def _eq_realise(self, seed: int, stream: int) -> None:
        """The waiting connect() calls, drawn from a Network's seed: call k of the
        projection numbered `stream` in that Network uses the NumPy generator of
        SeedSequence(seed, spawn_key=(CONNECT_STREAMS, stream, k))."""
        pending, self._pending = self._pending, []
        for k, pattern in enumerate(pending):
            if deferred(*self._sides(), **pattern):
                sequence = np.random.SeedSequence(seed, spawn_key=(CONNECT_STREAMS, stream, k))
                pattern = dict(pattern, seed=np.random.default_rng(sequence))
            self._connect_now(**pattern)

    def _eq_require_synapses(self, what: str) -> None:
        if self.__dict__.get("_pending"):
            raise ValueError(
                f"the synapses of projection {self._name} are drawn from a Network's seed "
                "(connect() of a random pattern without seed=): create the Network first "
                f"(eq.Network(..., seed=k)), then read {what}; or give connect(..., seed=k)")

    def _connect_now(self, **pattern) -> "Projection":
        self._eq_version += 1
        pre, post = self._pre, self._post
        made = connect_pairs(*self._sides(), **pattern)
        if not len(made):
            return self
        new_pre = pre.neurons[made.pre].astype(np.int64)
        new_post = post.neurons[made.post].astype(np.int32)
        if len(self) + len(new_post) >= 2 ** 31:
            raise ValueError("a projection holds at most 2**31 - 1 synapses")
        old_pre = self._pre_of_synapses()
        all_pre = np.concatenate([old_pre, new_pre])
        order = np.argsort(all_pre, kind="stable")
        self._post_index = np.concatenate([self._post_index, new_post])[order]
        self._row = np.zeros(len(pre.population) + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_pre, minlength=len(pre.population)), out=self._row[1:])
        weights = made.weights
        for name, value in list(self._values.items()):
            if name in self._state_names:          # given at first use (_eq_state_ready)
                self._values[name] = np.concatenate([value, np.zeros(len(new_pre))])[order]
                continue
            if isinstance(value, np.ndarray) or (name == "w" and weights is not None):
                old = value if isinstance(value, np.ndarray) else np.full(len(old_pre), value)
                added = weights if name == "w" and weights is not None else \
                    np.full(len(new_pre), self._default(name))
                self._values[name] = np.concatenate([old, added])[order]
        if isinstance(self._delay, np.ndarray):
            self._delay = np.concatenate([self._delay, np.full(len(new_pre), self._delay_default)])[order]
        if self._state_names:                   # a static synapse keeps none of these
            self._fresh = np.concatenate([self._fresh, np.ones(len(new_pre), dtype=bool)])[order]
        if self._info.evolution:                # only closed forms need the times
            self._last = np.concatenate([self._last, np.zeros(len(new_pre))])[order]
        return self

    def _eq_state_ready(self) -> None:
        """New synapses' variables from their `init` flags, with the parameters as they are
        at their first use (a read, a write or a run), at the projection's time."""
        if not self._state_names or not self._fresh.size or not self._fresh.any():
            return
        fresh = self._fresh
        values = {n: (v[fresh] if isinstance(v, np.ndarray) else v)
                  for n, v in self._values.items() if n not in self._state_names}
        for name, value in synapse_state.initial(self._info, values, int(fresh.sum())).items():
            self._values[name][fresh] = value
        if self._last.size:
            self._last[fresh] = self._eq_now()
        self._fresh = np.zeros(len(fresh), dtype=bool)

    def _eq_cached(self, name: str, key, make):
        """make() for this version of the synapses and `key`, computed once."""
        entry = self._eq_cache.get(name)
        if entry is None or entry[0] != (self._eq_version, key):
            entry = ((self._eq_version, key), make())
            self._eq_cache[name] = entry
        return entry[1]

    def _eq_now(self) -> float:
        """The projection's time (ms): its post population's."""
        return self._post.population._eq_time

    def _eq_state_now(self) -> dict[str, np.ndarray]:
        """The per-synapse variables at the projection's time."""
        self._eq_state_ready()
        return synapse_state.advanced(self._info, self._values, self._last, self._eq_now())

    def _default(self, name: str) -> float:
        value = self._initial.get(name)
        return value if value is not None else dict(
            (n, d) for n, d, _ in self._info.parameters)[name]

    @property
    def _initial(self) -> dict:
        return self.__dict__.setdefault("_eq_initial", {})

    def _pre_of_synapses(self) -> np.ndarray:
        return np.repeat(np.arange(len(self._row) - 1, dtype=np.int64), np.diff(self._row))

    @property
    def i(self) -> np.ndarray:
        """Presynaptic index of each synapse (within `pre` as given: a view's own index)."""
        self._eq_require_synapses("i")
        return self._pre.local(self._pre_of_synapses())

    @property
    def j(self) -> np.ndarray:
        """Postsynaptic index of each synapse (within `post` as given)."""
        self._eq_require_synapses("j")
        return self._post.local(self._post_index)

    @property
    def delay(self) -> np.ndarray:
        """Delay of each synapse in ms (rounded to whole steps when the network runs)."""
        self._eq_require_synapses("delay")
        value = self._delay
        return value.copy() if isinstance(value, np.ndarray) else np.full(len(self), value)

    @delay.setter
    def delay(self, value) -> None:
        self._check_idle("delay")
        self.__dict__["_eq_version"] = self.__dict__.get("_eq_version", 0) + 1
        array = self._checked("delay", value)
        if isinstance(array, np.ndarray) and np.any(array < 0) or \
                not isinstance(array, np.ndarray) and array < 0:
            raise ValueError("delay must be >= 0 ms")
        if not isinstance(array, np.ndarray):
            self.__dict__["_delay_default"] = array
        self._delay = array

    _delay_default = 0.0

    def __getattr__(self, name: str):
        values = self.__dict__.get("_values", {})
        if name in values:
            self._eq_require_synapses(name)
            if name in self.__dict__.get("_state_names", ()):
                return self._eq_state_now().get(name, values[name]).copy()
            value = values[name]
            return value.copy() if isinstance(value, np.ndarray) else np.full(len(self), value)
        raise AttributeError(f"projection {self.__dict__.get('_name', '?')} has no synapse "
                             f"parameter '{name}'" + (f" (parameters: {', '.join(values)})"
                                                      if values else ""))

    def __setattr__(self, name: str, value) -> None:
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            self._check_idle(name)
            if name in self._state_names:           # now, and from now on
                current = self._eq_state_now()
                array = self._checked(name, value)
                current[name] = np.full(len(self), array) if np.ndim(array) == 0 else array
                self._values.update(current)
                if self._info.evolution:
                    self._last = np.full(len(self), self._eq_now())
                return
            if name in self._shared:
                self._values[name] = self._checked(name, value, scalar_only=True)
            else:
                self._values[name] = self._checked(name, value)
            if not isinstance(self._values[name], np.ndarray):
                self._initial[name] = self._values[name]
            return
        if name.startswith("_") or name == "delay":
            object.__setattr__(self, name, value)
            return
        raise AttributeError(f"projection {self._name} has no synapse parameter '{name}' "
                             f"(parameters: {', '.join(self._values)})")

    def _check_idle(self, what: str) -> None:
        if self.__dict__.get("_lock") is not None and self._lock.locked():
            raise RuntimeError(f"projection {self._name} is running: set {what} between runs")

    def _checked(self, name: str, value, scalar_only: bool = False):
        """A float (homogeneous) or an array with one finite value per synapse."""
        if isinstance(value, (str, bytes, bool)) or value is None or np.iscomplexobj(value):
            raise TypeError(f"{name} must be a real number or an array of numbers")
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a number or an array of numbers, not an array "
                            f"of {array.dtype}")
        array = array.astype(np.float64)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite")
        if array.ndim == 0:
            return float(array)
        if scalar_only:
            if array.size and np.all(array == array.flat[0]):
                return float(array.flat[0])
            raise ValueError(f"{name} is shared: one value for the projection, not one per "
                             "synapse" if name in self._shared else
                             f"{name}= at construction is one value; set an array per synapse "
                             f"after connect() (proj.{name} = array)")
        self._eq_require_synapses(f"or set {name} one value per synapse")
        if array.shape != (len(self),):
            raise ValueError(f"{name} needs one value per synapse: length {len(self)}, got "
                             f"shape {array.shape}")
        if array.size and np.all(array == array[0]):
            return float(array[0])          # homogeneous: one stored value
        return np.ascontiguousarray(array)

    # ---- what the kernel needs --------------------------------------------------------
    def _eq_storage(self) -> str:
        """dense when every pair of two whole populations is one synapse, in post order within
        each presynaptic row, and the psp is w times a function of the presynaptic side
        (then the synapse weights are the matrix of a BLAS mat-vec); else csr."""
        if not self.continuous or not (self._pre.whole and self._post.whole):
            return "csr"
        n_pre, n_post = len(self._pre.population), len(self._post.population)
        if len(self) != n_pre * n_post or len(self) == 0 or not _weight_times_pre(
                self._info.psp, {n.written: n.side for n in self._binding.names}):
            return "csr"
        rows = self._post_index.reshape(n_pre, n_post)
        return "dense" if np.array_equal(rows, np.broadcast_to(
            np.arange(n_post, dtype=np.int32), rows.shape)) else "csr"

    def _eq_synapse_key(self) -> str:
        key = getattr(self._synapse, "_key", None)
        return key if key is not None else repr(self._info)

    def _eq_synapse_model(self):
        """The SynapseModel (SymPy; only for building a kernel)."""
        return self._synapse.model

    def _eq_names(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((n.written, n.side, n.name) for n in self._binding.names)

    def _eq_ring(self, depth: int, stride: int, step: int):
        """The spikes in flight: one list of presynaptic neurons per step of the last
        `depth` (slot e % depth holds the spikes emitted at step e, room for `stride`; an
        event source's neuron appears once per event). Kept across runs and Networks; when
        the depth or the room changes, the spikes still in flight move to their slots.
        Returns (spikes, counts, room per slot)."""
        ring = self._ring
        if ring is not None:
            stride = max(stride, ring[3])       # room for the spikes already in flight
            if ring[0] == depth and ring[3] == stride:
                return ring[1], ring[2], stride
        spikes = np.zeros(depth * stride, dtype=np.int32)
        counts = np.zeros(depth, dtype=np.int64)
        if ring is not None:
            old_depth, old_spikes, old_counts, old_stride = ring
            for emitted in range(max(step - min(depth, old_depth) + 1, 0), step + 1):
                old, new = emitted % old_depth, emitted % depth
                count = old_counts[old]
                spikes[new * stride:new * stride + count] = \
                    old_spikes[old * old_stride:old * old_stride + count]
                counts[new] = count
        self._ring = (depth, spikes, counts, stride)
        return spikes, counts, stride

    def _eq_array_parameters(self) -> tuple[str, ...]:
        return tuple(n for n, v in self._values.items() if isinstance(v, np.ndarray))

    def _eq_store_written(self) -> None:
        """Parameters that on_pre or on_post change, of the synapses and of the post
        neurons, are kept one value per synapse / neuron: a single value would be copied
        into the kernel and the changes lost at the end of the run."""
        post = self._post.population
        for name in self._binding.assigned + self._binding.assigned_post:
            if name.side == "synapse" and not isinstance(self._values[name.name], np.ndarray):
                self._values[name.name] = np.full(len(self), self._values[name.name])
            elif name.side == "post" and name.name in post._eq_params:
                post._eq_store_per_neuron(name.name)

    def _eq_delay_steps(self, dt: float):
        """(kind, steps): none/uniform with one int, per-synapse with an int array."""
        steps = np.rint(np.asarray(self._delay, dtype=np.float64) / dt).astype(np.int64)
        if steps.ndim == 0 or len(self) == 0 or np.all(steps == steps.flat[0]):
            value = int(steps.flat[0]) if steps.size else 0
            return ("none" if value == 0 else "uniform"), value
        return "per-synapse", steps


def _weight_times_pre(tree, sides: dict[str, str]) -> bool:
    """psp = w * f(presynaptic names, numbers) as an op-tree."""
    from ..evaluate import names_in
    if tree is None or tree[0] != "mul":
        return False
    weights = [c for c in tree[1:] if c == ("sym", "w")]
    others = [c for c in tree[1:] if c != ("sym", "w")]
    return len(weights) == 1 and all(sides.get(name) == "pre" for c in others
                                     for name in names_in(c))
