"""Code generation: a golden kernel source, and the structure every kernel must have.

Regenerate the golden file after an intended change with EQNEURO_UPDATE_GOLDEN=1.
"""
import os
from pathlib import Path

import eqneuro as eq
from eqneuro.assemble import network_source
from eqneuro.compile.kernel_abi import Layout
from eqneuro.compile.structure import NetworkStructure, PopulationPart

GOLDEN = Path(__file__).parent / "golden"

LIF = """
neuron LIF:
    parameters: C = 1.0; g_L = 0.1; V_L = -70; V_T = -50; V_r = -70; I = 0
    equations:
        C*dv/dt = -g_L*(v - V_L) + I : init = -70, min = -100
        r = pos(v + 60)
    spike: v > V_T
    reset: v = V_r
    refractory: 2.0
"""


def source(text, layout, method=None):
    neuron = eq.Neuron(text, method=method)
    structure = NetworkStructure((PopulationPart(neuron._key, layout),))
    return network_source(structure, (neuron,)).replace(eq.__version__, "VERSION")


def test_golden_lif_kernel():
    text = source(LIF, Layout(("I",), (("v", "r"),)))
    path = GOLDEN / "lif_exact_network.pyx"
    if os.environ.get("EQNEURO_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_uniform_parameters_are_scalars_and_per_neuron_ones_arrays():
    scalar = source(LIF, Layout((), ()))
    array = source(LIF, Layout(("I", "g_L"), ()))
    assert "double eqv_I, " in scalar and "_p_I" not in scalar
    assert "dptr _p_I" in array and "dptr _p_g_L" in array
    assert "eqv_I = _p_I[_i]" in array


def test_loop_invariants_are_hoisted_out_of_the_neuron_loop():
    text = source(LIF, Layout(("I",), ()), method="euler")
    block = text.split("cdef inline int32_t _update_p0", 1)[1].split("return _events")[0]
    prelude = text.split("cdef void _prelude_p0(", 1)[1].split("\n\n\n")[0]
    assert "_dt/eqv_C" in prelude and "_kv[" in prelude          # computed once per run
    assert "/C" not in block


def test_kernel_has_no_python_objects_in_the_loop():
    text = source(LIF, Layout(("I",), (("v",),)))
    body = text.split("cdef inline int32_t _update_p0", 1)[1].split("def run(", 1)[0]
    assert "object" not in body and "noexcept nogil" in body
