"""Every shipped model file: loads, cites its source, names its base first, and (for the
McCulloch & Pitts neuron, which has no dynamics) computes its output without a run."""
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

import eqneuro as eq

SHIPPED = {"hh": "HH", "lif": "LIF", "izhikevich": "Izhikevich", "adex": "AdEx",
           "rate": "Rate", "mcculloch_pitts": "McCullochPitts"}
SOURCES = {"hh": "Hodgkin & Huxley, 1952", "lif": "Lapicque, 1907",
           "izhikevich": "Izhikevich, 2003", "adex": "Brette & Gerstner, 2005",
           "rate": "Neuron models", "mcculloch_pitts": "McCulloch & Pitts, 1943"}


def test_every_model_is_shipped_with_its_base_first():
    models = eq.shipped_models()
    assert set(SHIPPED) <= set(models)
    for name, base in SHIPPED.items():
        assert models[name][0] == base
        assert eq.load(name).name == base


@pytest.mark.parametrize("name", list(SHIPPED))
def test_every_neuron_loads_and_cites_its_source(name):
    text = Path(eq.load(name).file).read_text()
    header = "".join(itertools.takewhile(lambda line: line.startswith("#"),
                                         text.splitlines(keepends=True)))
    assert SOURCES[name] in header and "lecture" in header
    for neuron in eq.shipped_models()[name]:
        loaded = eq.load(name, variant=neuron)
        assert loaded.name == neuron
        assert loaded == eq.load(f"{name}.{neuron.lower()}")
        # every variant is preceded by a comment saying what it is
        assert re.search(rf"#[^\n]*\n(?:#[^\n]*\n)*neuron {neuron}\b", text), neuron


def test_mcculloch_pitts_is_a_logic_gate_without_dynamics():
    x1, x2 = np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.0, 1.0, 0.0, 1.0])
    for variant, truth in (("McCullochPitts", [0, 0, 0, 1]), ("Or", [0, 1, 1, 1])):
        neuron = eq.load("mcculloch_pitts", variant=variant)
        assert neuron.variables == () and neuron.derived == ("y",)
        pop = eq.Population(neuron, 4)
        pop.x1, pop.x2 = x1, x2
        np.testing.assert_array_equal(pop.y, truth)


def test_mcculloch_pitts_output_is_the_side_of_the_hyperplane():
    rng = np.random.default_rng(4)
    x = rng.uniform(-2.0, 2.0, size=(2, 200))
    pop = eq.Population(eq.load("mcculloch_pitts"), 200)
    pop.w1, pop.w2, pop.b = 0.7, -1.3, 0.25
    pop.x1, pop.x2 = x
    np.testing.assert_array_equal(pop.y, (0.7 * x[0] - 1.3 * x[1] + 0.25 > 0).astype(float))
