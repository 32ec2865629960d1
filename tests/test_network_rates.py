"""Continuous transmission: sum(T) from the presynaptic state at t, against NumPy."""
import numpy as np
import pytest

import eqneuro as eq

RATE = """
neuron Rate:
    parameters: tau = 10.0; g = 1.5; b = 0.1
    equations:
        tau*dv/dt + v = sum(inp) + g*sum(rec) + b
        r = tanh(v)
    method: {method}
"""


def rate_network(W, method, steps, dt=1.0, durations=None):
    n = W.shape[0]
    pop = eq.Population(eq.Neuron(RATE.format(method=method)), n)
    v0 = np.random.default_rng(5).normal(0.0, 1.0, n)
    pop.v = v0
    rec = eq.Projection(pop, pop, target="rec")
    rec.connect(matrix=W)
    net = eq.Network(pop, rec, dt=dt)
    for duration in durations or [steps * dt]:
        net.run(duration)
    return pop, v0


@pytest.mark.parametrize("density", [1.0, 0.1])
def test_a_rate_network_equals_numpy_euler(density):
    rng = np.random.default_rng(2)
    n, steps, dt = 50, 300, 1.0
    W = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n)) * (rng.random((n, n)) < density)
    pop, v = rate_network(W, "euler", steps, durations=[100.0, 1.0, 199.0])
    v = v.copy()
    for _ in range(steps):
        total = 1.5 * (W @ np.tanh(v)) + 0.1
        v = v + dt * (total - v) / 10.0
    np.testing.assert_allclose(pop.v, v, rtol=0, atol=1e-10)
    assert np.abs(v).max() > 0.1                      # g > 1: the activity does not die out


def test_exact_integration_holds_the_input_over_the_step():
    """tau dv/dt + v = s with s constant over the step: v' = s + (v - s) exp(-dt/tau)."""
    rng = np.random.default_rng(4)
    n, steps, dt = 30, 100, 1.0
    W = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n))
    pop, v = rate_network(W, "exact", steps)
    decay = np.exp(-dt / 10.0)
    for _ in range(steps):
        s = 1.5 * (W @ np.tanh(v)) + 0.1
        v = s + (v - s) * decay
    np.testing.assert_allclose(pop.v, v, rtol=0, atol=1e-10)


GAP = """
neuron Cell:
    parameters: C = 1.0; g_L = 0.1; E = -65.0
    equations: C*dv/dt = -g_L*(v - E) + sum(gap)
    method: euler
"""


def test_gap_junctions_pull_towards_the_neighbours():
    n, steps, dt = 4, 200, 0.1
    pop = eq.Population(eq.Neuron(GAP), n)
    v = np.array([-70.0, -60.0, -65.0, -50.0])
    pop.v = v
    gap = eq.Projection(pop, pop, target="gap", psp="w * (v_pre - v_post)", w=0.05)
    pairs = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)]
    gap.connect(i=[a for a, _ in pairs], j=[b for _, b in pairs])
    eq.Network(pop, gap, dt=dt).run(steps * dt)
    G = np.zeros((n, n))
    for a, b in pairs:
        G[b, a] = 0.05
    for _ in range(steps):
        current = G @ v - G.sum(axis=1) * v
        v = v + dt * (-0.1 * (v + 65.0) + current)
    np.testing.assert_allclose(pop.v, v, rtol=0, atol=1e-10)


def test_sum_is_zero_without_a_projection():
    pop = eq.Population(eq.Neuron(RATE.format(method="exact")), 3)
    eq.Network(pop, dt=1.0).run(50.0)
    np.testing.assert_allclose(pop.v, 0.1 * (1 - np.exp(-5.0)), rtol=1e-12)


@pytest.mark.parametrize("weights", ["matrix", "one value"])
def test_all_pairs_with_a_presynaptic_psp_go_through_the_dense_path(weights):
    """Every pair once and psp = w * f(pre): one mat-vec (BLAS dgemv), or with one weight
    w * sum(f) — equal to NumPy as the sparse path is."""
    rng = np.random.default_rng(8)
    n, steps = 40, 200
    W = rng.normal(0.0, 1.0 / np.sqrt(n), (n, n)) if weights == "matrix" else np.full((n, n), 0.03)
    pop = eq.Population(eq.Neuron(RATE.format(method="euler")), n)
    v = rng.normal(0.0, 1.0, n)
    pop.v = v
    rec = eq.Projection(pop, pop, target="rec", w=0.03)
    if weights == "matrix":
        rec.connect(matrix=W)
    else:
        rec.connect(all_to_all=True, allow_self=True)
    net = eq.Network(pop, rec, dt=1.0)
    assert net._structure().projections[0].storage == "dense"
    net.run(steps * 1.0)
    for _ in range(steps):
        v = v + (1.5 * (W @ np.tanh(v)) + 0.1 - v) / 10.0
    np.testing.assert_allclose(pop.v, v, rtol=0, atol=1e-10)


def test_a_psp_that_reads_the_post_side_stays_sparse():
    pop = eq.Population(eq.Neuron(GAP), 5)
    gap = eq.Projection(pop, pop, target="gap", psp="w * (v_pre - v_post)")
    gap.connect(all_to_all=True, allow_self=True)
    assert eq.Network(pop, gap)._structure().projections[0].storage == "csr"


def test_a_derived_variable_that_reads_an_input_follows_the_state():
    """pop.y of y = heaviside(sum(in) + b): the sums of the current state (0 before a run)."""
    unit = eq.Neuron("parameters: b = -1.5\nequations: y = heaviside(sum(inp) + b)")
    source = eq.Neuron("parameters: level = 1.0\nequations: r = level")
    inputs, units = eq.Population(source, 2), eq.Population(unit, 3)
    inputs.level = [1.0, 0.0]
    proj = eq.Projection(inputs, units, target="inp")
    proj.connect(all_to_all=True)
    proj.w = [1.0, 1.0, 0.0, 1.0, 1.0, 1.0]           # unit 2: weight 0 from input 0
    np.testing.assert_array_equal(units.y, [0.0, 0.0, 0.0])
    net = eq.Network(inputs, units, proj, dt=1.0)
    net.run(1.0)
    np.testing.assert_array_equal(units.y, [0.0, 0.0, 0.0])    # sums 1, 1, 0 < 1.5
    proj.w = 2.0
    net.run(1.0)
    np.testing.assert_array_equal(units.y, [1.0, 1.0, 1.0])    # sums 2 > 1.5
