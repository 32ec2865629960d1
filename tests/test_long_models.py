"""Long generated models compile and run: flat chains of 400 operands once crashed Cython's
parser (its expression tree recursed once per operand)."""
import numpy as np
import pytest

import eqneuro as eq

pytestmark = pytest.mark.compiler

COUNT = 400


def test_a_sum_and_a_condition_of_400_operands_compile_and_agree_with_numpy():
    total = " + ".join(f"abs(v - {k})" for k in range(COUNT))
    condition = " or ".join(f"v > {COUNT + k}.5" for k in range(COUNT))
    neuron = eq.Neuron(f"equations:\n    dv/dt = 1\n    r = {total}\n"
                       f"spike: {condition}\nreset: v = 0\n")
    pop = eq.Population(neuron, 3)
    pop.v = [0.5, 200.25, 399.0]
    trace = eq.StateMonitor(pop, "r")
    spikes = eq.SpikeMonitor(pop)
    eq.Network(pop, trace, spikes, dt=0.5).run(4.0)
    v, samples, fired = np.array([0.5, 200.25, 399.0]), [], []
    for step in range(8):                       # the documented step order, in NumPy
        samples.append(np.abs(v[:, None] - np.arange(COUNT)).sum(axis=1))
        v = v + 0.5
        for i in np.flatnonzero(v > COUNT + 0.5):
            fired.append((i, (step + 1) * 0.5))
        v[v > COUNT + 0.5] = 0.0
    np.testing.assert_allclose(trace.r, samples, rtol=1e-13)
    assert list(zip(spikes.i.tolist(), spikes.t.tolist())) == fired == [(2, 2.0)]


def test_division_by_sign_is_integrated_not_a_sympy_type_error():
    """`v / sign(v)` once raised SymPy's "Cannot convert expression to float"."""
    neuron = eq.Neuron("equations: dv/dt = -v / sign(v) : init = 1")
    assert neuron.method == "rk4"
    pop = eq.Population(neuron, 2)
    pop.v = [1.0, -1.0]
    eq.Network(pop, dt=0.01).run(1.0)
    np.testing.assert_allclose(pop.v, [np.exp(-1.0), -np.exp(1.0)], rtol=1e-9)
