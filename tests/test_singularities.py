"""The removable-singularity guard: only a true 0/0 with a finite limit from both sides."""
import numpy as np
import pytest
import sympy

import eqneuro as eq
from eqneuro.functions import symbol
from eqneuro.compile.regularise import guard_expression

v = symbol("v")


@pytest.mark.parametrize("expr", [
    sympy.Abs(v) / v,                         # a jump: -1 on the left, 1 on the right
    sympy.sqrt(v) / v,                        # no finite limit
    sympy.sign(v) * v / v ** 2,
    sympy.Max(v, 0) / v,
    (sympy.Piecewise((v, v > 0), (2 * v, True))) / v,
])
def test_no_guard_without_a_two_sided_limit(expr):
    assert guard_expression(expr, [v]) == expr


@pytest.mark.parametrize("expr, limit", [
    ((v + 60) / (1 - sympy.exp(-0.1 * (v + 60))), 10.0),
    (sympy.sin(v) / v, 1.0),
])
def test_a_true_removable_singularity_is_guarded(expr, limit):
    guarded = guard_expression(expr, [v])
    root = -60.0 if expr.has(sympy.exp) else 0.0
    value = float(guarded.xreplace({v: sympy.Float(root)}))
    assert value == pytest.approx(limit, rel=1e-12)


def test_abs_over_v_keeps_its_sign_next_to_zero_in_the_kernel():
    neuron = eq.Neuron("equations:\n    dv/dt = 0*v\n    r = abs(v)/v\n")
    pop = eq.Population(neuron, 4)
    pop.v = [-1e-8, -1e-12, 1e-12, 1e-8]
    trace = eq.StateMonitor(pop, "r")
    eq.Network(pop, trace, dt=0.1).run(0.1)
    np.testing.assert_array_equal(trace.r[0], [-1.0, -1.0, 1.0, 1.0])
    np.testing.assert_array_equal(pop.r, [-1.0, -1.0, 1.0, 1.0])
