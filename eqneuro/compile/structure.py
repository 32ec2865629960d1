"""NetworkStructure: what a network kernel is specialised for, and nothing else — no sizes,
no values. It is the kernel cache's key: a new N or new weights reuse the kernel. SymPy-free."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from .kernel_abi import Layout


@dataclass(frozen=True, slots=True)
class PopulationPart:
    model_key: str                 # the neuron model (its text and options, canonical)
    layout: Layout                 # per-neuron parameters, recorded variables
    keeps_fired: bool = False      # its spikes of each step feed event projections


@dataclass(frozen=True, slots=True)
class ProjectionPart:
    synapse_key: str                        # the synapse model
    pre: int                                # population indices in the network
    post: int
    names: tuple[tuple[str, str, str], ...]  # (written, side, name) of every name used
    target: str                             # sum(target) receives the psp
    event: bool                             # has on_pre: spikes are delivered
    continuous: bool                        # has a psp: summed into sum(target) every step
    delay: str                              # none | uniform | per-synapse
    array_parameters: tuple[str, ...]       # synapse parameters stored per synapse
    monitors: tuple[tuple[str, ...], ...] = ()   # synapse values recorded, per StateMonitor
    storage: str = "csr"                    # continuous: csr (post rows) | dense (BLAS)


@dataclass(frozen=True, slots=True)
class NetworkStructure:
    populations: tuple[PopulationPart, ...]
    projections: tuple[ProjectionPart, ...] = ()

    def key(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]
