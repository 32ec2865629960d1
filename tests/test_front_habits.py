"""Habits from Brian2 and ANNarchy get a hint that teaches eqneuro's way; the `%` operator;
an unknown function is reported before its arguments."""
import dataclasses

import pytest
import sympy

import eqneuro as eq
from eqneuro.lang import habits
from eqneuro.functions import symbol
from eqneuro.lang.transform import parse_text


def error_of(text: str) -> eq.ModelError:
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text)
    return caught.value


@pytest.mark.parametrize("text, position, message, hint", [
    ("equations:\n    dv/dt = -v / (10*ms)\n", (2, 22), "unknown name 'ms' in this equation",
     "'ms' is a Brian2 unit, but numbers carry no units in eqneuro: write values in the "
     "model's own units, with time in ms (10*ms is 10, 1*second is 1000, a rate of 10*Hz "
     "is 0.01 per ms)"),
    ("parameters:\n    I = 0.5*nA\nequations: dv/dt = I\n", (2, 13),
     "unknown name 'nA' in a parameter value", "'nA' is a Brian2 unit"),
    ("equations:\n    dv/dt = -v / 10 : volt\n", (2, 23),
     "unknown flag 'volt' on a differential equation", "': volt' is a Brian2 unit"),
    ("equations:\n    dv/dt = -v / 10 : mV\n", (2, 23),
     "unknown flag 'mV' on a differential equation", "no units"),
    ("equations:\n    dv/dt = -v / 10 : volt (unless refractory)\n", (2, 28),
     "Brian2's '(unless refractory)' is the flag ': unless_refractory' in eqneuro",
     "': unless_refractory'"),
    ("equations:\n    r = 2 : 1\n", (2, 11),
     "Brian2's dimensionless unit ': 1' is not needed in eqneuro", "remove ': 1'"),
    ("parameters:\n    tau = 10 : population\nequations: dv/dt = -v/tau\n", (2, 16),
     "unknown flag 'population' on a parameter", "'name = value : shared'"),
    ("equations:\n    tau*dv/dt = -v : exponential\n", (2, 22),
     "unknown flag 'exponential' on a differential equation", "'method: exponential'"),
    ("equations: dv/dt = 1\nthreshold: v > 1\n", (2, 1), "unknown section 'threshold'",
     "the threshold is eqneuro's 'spike:' section: 'spike: v > V_T'"),
    ("model:\n    dv/dt = 1\n", (1, 1), "unknown section 'model'", "'equations:'"),
    ("equations: dv/dt = -v + randn()\n", (1, 25), "unknown function 'randn'",
     "a standard normal random number is normal()"),
    ("equations: dv/dt = -v + rand()\n", (1, 25), "unknown function 'rand'", "uniform()"),
    ("equations: dv/dt = -v + Normal(0, 1)\n", (1, 25), "unknown function 'Normal'",
     "normal(mu, sigma)"),
    ("equations: dv/dt = Uniform(0, 1)\n", (1, 20), "unknown function 'Uniform'",
     "uniform(a, b)"),
    ("equations: dv/dt = LogNormal(0, 1)\n", (1, 20), "unknown function 'LogNormal'",
     "exp(normal(mu, sigma))"),
    ("equations: dv/dt = int(v)\n", (1, 20), "unknown function 'int'", "floor(x) or ceil(x)"),
    ("equations: dv/dt = ite(v > 0, 1, 2)\n", (1, 20), "unknown function 'ite'",
     "write a conditional as 'a if c else b'"),
    ("equations: dv/dt = positive(v)\n", (1, 20), "unknown function 'positive'", "pos(x)"),
    ("equations: dv/dt = modulo(v, 2)\n", (1, 20), "unknown function 'modulo'", "a % b"),
])
def test_habit_gets_a_hint(text, position, message, hint):
    error = error_of(text)
    assert (error.line, error.column) == position, str(error)
    assert error.message == message
    assert hint in error.hint


def test_a_name_the_user_defines_is_not_a_habit():
    neuron = eq.Neuron("parameters: ms = 2.0\nequations: dv/dt = -v / (10*ms)\n")
    assert neuron.parameters == {"ms": 2.0}


def test_habits_are_one_frozen_table():
    assert all(dataclasses.is_dataclass(h) for h in habits.HABITS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        habits.HABITS[0].hint = "x"
    keys = [(h.kind, w) for h in habits.HABITS if h.kind != "text" for w in h.written]
    assert len(keys) == len(set(keys)), "each spelling has one row"


def test_a_condition_passed_to_a_user_function_is_reported_at_it():
    error = error_of("functions: f(x) = 2*x\nequations: dv/dt = f(v > 0)\n")
    assert (error.line, error.column) == (2, 22)
    assert error.message == "the arguments of f() must be numbers"


def test_an_unknown_function_with_a_condition_argument_is_unknown():
    error = error_of("equations: dv/dt = foo(v > 0)\n")
    assert (error.line, error.column, error.message) == (1, 20, "unknown function 'foo'")


def test_an_unknown_function_is_reported_before_its_unknown_arguments():
    error = error_of("equations: dv/dt = foo(x_unknown)\n")
    assert (error.line, error.column, error.message) == (1, 20, "unknown function 'foo'")


def test_calls_are_recorded_in_written_order_outer_first():
    error = error_of("equations: dv/dt = foo(bar(1))\n")
    assert (error.line, error.column, error.message) == (1, 20, "unknown function 'foo'")
    rhs = parse_text("equations: dv/dt = exp(sin(v)) + f(1)\n").neurons[0].sections[0].items[0].rhs
    assert [c.name for c in rhs.calls] == ["exp", "sin", "f"]


# ---- the % operator -------------------------------------------------------------------

a, b, c, v = symbol("a"), symbol("b"), symbol("c"), symbol("v")


@pytest.mark.parametrize("text, expected", [
    ("a % b", sympy.Mod(a, b)),
    ("a + b % c", a + sympy.Mod(b, c)),
    ("a * b % c", sympy.Mod(a * b, c)),
    ("a % b * c", sympy.Mod(a, b) * c),
    ("a / b % c", sympy.Mod(a / b, c)),
    ("-a % b", sympy.Mod(-a, b)),
    ("a % b ^ 2", sympy.Mod(a, b ** 2)),
    ("a % b % c", sympy.Mod(sympy.Mod(a, b), c)),
])
def test_modulo_has_the_precedence_of_times_and_divide(text, expected):
    rhs = parse_text(f"equations: dv/dt = {text}\n").neurons[0].sections[0].items[0].rhs
    assert rhs.value == expected


@pytest.mark.parametrize("x, y, expected", [(7, 3, 1), (-7, 3, 2), (7, -3, -2), (-7, -3, -1),
                                            (5.5, 2, 1.5), (-0.5, 1, 0.5)])
def test_modulo_of_numbers_has_the_sign_of_the_divisor_as_in_python(x, y, expected):
    rhs = parse_text(f"equations: dv/dt = ({x}) % ({y})\n").neurons[0].sections[0].items[0].rhs
    assert float(rhs.value) == expected == x % y


def test_modulo_by_a_literal_zero_is_an_error():
    error = error_of("equations: dv/dt = v % 0\n")
    assert (error.line, error.column, error.message) == (1, 24, "division by zero")
    assert error.hint == "the right side of '%' is 0"


@pytest.mark.parametrize("text, column, message", [
    ("equations: dv/dt = v %\n", 23, "an operator is missing its right-hand operand"),
    ("equations:\n    dv/dt = v / \n", 16, "an operator is missing its right-hand operand"),
    ("equations: dv/dt = 2*v 3\n", 24, "two values without an operator between them"),
    ("equations: dv/dt = v 2\n", 22, "two values without an operator between them"),
])
def test_syntax_errors_around_products_are_labelled(text, column, message):
    error = error_of(text)
    assert (error.column, error.message) == (column, message), str(error)


@pytest.mark.compiler
def test_modulo_in_a_running_model_agrees_with_python():
    import numpy as np
    neuron = eq.Neuron("equations:\n    dv/dt = 0\n    r = v % 3\n    q = -v % -2.5\n")
    pop = eq.Population(neuron, 4)
    pop.v = np.array([-7.0, 7.0, 5.5, -0.5])
    trace = eq.StateMonitor(pop, ("r", "q"))
    eq.Network(pop, trace, dt=0.1).run(0.2)
    expected_r = [x % 3 for x in pop.v]
    expected_q = [-x % -2.5 for x in pop.v]
    assert trace.r[-1].tolist() == expected_r == [2.0, 1.0, 2.5, 2.5]
    assert trace.q[-1].tolist() == expected_q
    assert pop.r.tolist() == expected_r and pop.q.tolist() == expected_q
