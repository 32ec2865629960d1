"""The shipped rate-coded neuron (models/rate.eqn): tau dv/dt + v = I, r = f(v).

For a step of the input from 0 to I at t0, v(t) = I (1 - exp(-(t - t0)/tau)); the model is
linear with a constant input, so it is integrated exactly and the trace agrees to rounding.
The variants differ only in the activation function f, checked against NumPy.
"""
import numpy as np
import pytest

import eqneuro as eq

pytestmark = pytest.mark.compiler

ACTIVATIONS = {
    "Rate": lambda v: np.maximum(v, 0.0),
    "Rectifier": lambda v: np.maximum(v, 0.0),
    "Logistic": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "Tanh": np.tanh,
}


def test_file_holds_the_base_and_its_activation_variants():
    assert eq.shipped_models()["rate"] == tuple(ACTIVATIONS)
    assert eq.load("rate").name == "Rate"
    for name in ACTIVATIONS:
        neuron = eq.load("rate", variant=name)
        assert neuron.name == name
        assert neuron.parameters == {"tau": 10.0, "I": 0.0}
        assert neuron.variables == ("v",) and neuron.derived == ("r",)
        assert neuron.method == "exact"
    assert eq.load("rate.logistic") == eq.load("rate", variant="Logistic")


@pytest.mark.parametrize("dt", [0.1, 0.05])
def test_step_response_for_several_time_constants(dt):
    taus = np.array([1.0, 5.0, 10.0, 20.0, 30.0])
    currents = np.array([1.0, -2.0, 0.5, 3.0, 1.0])
    pop = eq.Population(eq.load("rate"), len(taus))
    pop.tau = taus
    trace = eq.StateMonitor(pop, ["v", "r"])
    net = eq.Network(pop, trace, dt=dt)
    net.run(10.0)                      # no input yet: v stays at 0
    pop.I = currents                   # the step, at t0 = 10 ms
    net.run(100.0)
    t = trace.t[:, None]
    expected = np.where(t < 10.0, 0.0, currents * (1.0 - np.exp(-(t - 10.0) / taus)))
    np.testing.assert_allclose(trace.v, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace.r, np.maximum(expected, 0.0), rtol=1e-12, atol=1e-12)
    # tau is the time at which v covers 1 - 1/e of the step
    k = np.rint((10.0 + taus) / dt).astype(int)
    np.testing.assert_allclose(trace.v[k, range(5)], currents * (1 - np.exp(-1)), rtol=1e-12)


@pytest.mark.parametrize("variant", list(ACTIVATIONS))
def test_activation_function_matches_numpy(variant):
    f = ACTIVATIONS[variant]
    v = np.concatenate([np.linspace(-8.0, 8.0, 161), [-40.0, 40.0, 0.0, 1e-300, -1e-300]])
    pop = eq.Population(eq.load("rate", variant=variant), len(v))
    pop.v = v
    pop.I = v                            # v is at equilibrium and stays put
    np.testing.assert_allclose(pop.r, f(v), rtol=1e-14, atol=1e-300)   # read from Python
    trace = eq.StateMonitor(pop, "r")
    eq.Network(pop, trace, dt=0.1).run(0.2)
    np.testing.assert_allclose(trace.r, np.tile(f(v), (2, 1)), rtol=1e-14,
                               atol=1e-300)                            # computed in the kernel
    lower, upper = {"Rate": (0, np.inf), "Rectifier": (0, np.inf), "Logistic": (0, 1),
                    "Tanh": (-1, 1)}[variant]
    assert np.all((trace.r >= lower) & (trace.r <= upper))
