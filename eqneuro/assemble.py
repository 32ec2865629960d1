"""A network's one kernel: from its NetworkStructure (the cache key) to an imported module.
A warm cache loads the module by the structure's key alone: no SymPy, no code generation."""
from __future__ import annotations

import time
from pathlib import Path

from .compile.build import BuildResult, cached_module
from .compile.modelcache import network_kernel_name, save_network_kernel_name
from .compile.structure import NetworkStructure


def network_kernel(structure: NetworkStructure, neurons: tuple, synapses: tuple = ()) -> BuildResult:
    """`neurons[k]` is the Neuron of structure.populations[k] (analysed only on a cold cache);
    `synapses[m]` the Synapse of structure.projections[m]."""
    start = time.perf_counter()
    key = structure.key()
    known = network_kernel_name(key)
    module = cached_module(known) if known else None
    if module is not None:
        return BuildResult(module, Path(module.__file__), True, time.perf_counter() - start)
    result = _built(structure, neurons, synapses)
    save_network_kernel_name(key, result.module.__name__)
    elapsed = time.perf_counter() - start
    if elapsed < result.seconds:      # served from this process's memory
        return BuildResult(result.module, result.path, True, elapsed)
    return result


_BUILT: dict[NetworkStructure, BuildResult] = {}      # this process's kernels


def _built(structure: NetworkStructure, neurons: tuple, synapses: tuple) -> BuildResult:
    """The structure determines the source (the models are named in it by their keys)."""
    if structure not in _BUILT:
        from .compile.build import build
        _BUILT[structure] = build(network_source(structure, neurons, synapses))
    return _BUILT[structure]


def network_source(structure: NetworkStructure, neurons: tuple, synapses: tuple = ()) -> str:
    from .compile.codegen import population_block
    from .compile.kernel import network_source as render
    from .compile.projection import cleared_inputs, projection_block
    blocks = []
    for index, (part, neuron) in enumerate(zip(structure.populations, neurons)):
        analysed = neuron._analysis()
        blocks.append(population_block(index, analysed.numeric, analysed.plan, part.layout,
                                       part.keeps_fired))
    models = [neuron._analysis().numeric for neuron in neurons]
    projections = tuple(
        projection_block(index, part, structure, synapse.model, models[part.pre],
                         models[part.post])
        for index, (part, synapse) in enumerate(zip(structure.projections, synapses)))
    return render(tuple(blocks), projections, cleared_inputs(structure))
