"""checks.constants_finite: each division, built-in call and power as written is evaluated once
in double precision with the parameter values; SymPy's folding (z/z -> 1, 0*log(z) -> 0) does
not hide it. Also: literals that overflow a double, and the operations the transformer records."""
import math

import pytest
import sympy

import eqneuro as eq
from eqneuro.lang import checks
from eqneuro.lang import syntax as ast
from eqneuro.errors import Span
from eqneuro.functions import symbol
from eqneuro.lang.transform import parse_text


def transformed(rhs: str):
    model = parse_text(f"equations:\n    dv/dt = {rhs}\n")
    return model.source, model.neurons[0].sections[0].items[0].rhs


def check(rhs: str, **values):
    source, expr = transformed(rhs)
    checks.constants_finite(source, expr, {symbol(k): float(x) for k, x in values.items()})


def error_of(rhs: str, **values) -> eq.ModelError:
    with pytest.raises(eq.ModelError) as caught:
        check(rhs, **values)
    return caught.value


@pytest.mark.parametrize("rhs, values, column, message", [
    ("-v + exp(1000)", {}, 18, "exp() is infinite"),
    ("x/z", {"z": 0}, 15, "division by zero: the divisor is 0 with z = 0"),
    ("z/z", {"z": 0}, 15, "division by zero: the divisor is 0 with z = 0"),
    ("0*log(z)", {"z": 0}, 15, "log() is infinite with z = 0"),
    ("log(a)", {"a": -1}, 13, "log() is not a real number with a = -1"),
    ("log(-1)", {}, 13, "log() is not a real number"),
    ("sqrt(a - b)", {"a": 1, "b": 2}, 13, "sqrt() is not a real number with a = 1, b = 2"),
    ("a^-1", {"a": 0}, 13, "this power is infinite with a = 0"),
    ("a^0.5", {"a": -2}, 13, "this power is not a real number with a = -2"),
    ("v % a", {"a": 0}, 17, "division by zero: the divisor is 0 with a = 0"),
    ("1/(a - b)", {"a": 2, "b": 2}, 16, "division by zero: the divisor is 0 with a = 2, b = 2"),
    ("exp(exp(a))", {"a": 10}, 13, "exp() is infinite with a = 10"),
    ("v / exp(-1000)", {}, 17, "division by zero: the divisor is 0"),   # underflows to 0
    ("(1/a if a == 0 else 0)", {"a": 0}, 16, "division by zero: the divisor is 0 with a = 0"),
    ("(1 if a > 0 else (2 if b > 0 else log(b)))", {"a": -1, "b": -1}, 47,
     "log() is not a real number with b = -1"),
])
def test_non_finite_constant_operation_is_an_error_at_it(rhs, values, column, message):
    error = error_of(rhs, **values)
    assert (error.line, error.column) == (2, column), str(error)
    assert error.message == message
    assert error.hint


@pytest.mark.parametrize("rhs, values", [
    ("exp(a) + sqrt(b) + v/b + b^-2 + log(b)", {"a": 700, "b": 2}),
    ("(1/a if a != 0 else 0)", {"a": 0}),           # the test selects the other branch
    ("(0 if a == 0 else log(a))", {"a": 0}),
    ("v/w + log(v)", {}),                           # not constant: the kernel's business
    ("exp(v*a)", {"a": 1e6}),
    ("f(a)", {"a": 0}),                             # a user function: checked when inlined
])
def test_finite_or_state_dependent_operations_pass(rhs, values):
    check(rhs, **values)


def test_the_innermost_operation_is_reported_first():
    error = error_of("log(exp(a))", a=1000)
    assert (error.column, error.message) == (17, "exp() is infinite with a = 1000")


def test_operations_are_recorded_as_written():
    source, expr = transformed("z/z + 0*log(z) + w^2 + exp(1/w)")
    z, w = symbol("z"), symbol("w")
    assert expr.value == 1 + w ** 2 + sympy.exp(1 / w)       # what SymPy made of it
    assert expr.operations == (
        ast.Operation("divide", z, Span(2, 15, 1)),
        ast.Operation("call", sympy.log(z), Span(2, 21, 6), "log"),
        ast.Operation("power", w ** 2, Span(2, 30, 3)),
        ast.Operation("divide", w, Span(2, 42, 1)),
        ast.Operation("call", sympy.exp(1 / w), Span(2, 36, 8), "exp"),
    )


def test_guards_record_the_branch_of_each_conditional():
    source, expr = transformed("(1/a if a > 0 else log(a))")
    a = symbol("a")
    divide, call = expr.operations
    assert divide.guards == ((sympy.Gt(a, 0, evaluate=False), True),)
    assert call.guards == ((sympy.Gt(a, 0, evaluate=False), False),)


@pytest.mark.parametrize("literal", ["1e400", "2.5E+309", "1" + "0" * 400])
def test_a_literal_that_overflows_a_double_is_an_error_at_it(literal):
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(f"equations:\n    dv/dt = -v + {literal}\n")
    error = caught.value
    assert (error.line, error.column) == (2, 18)
    assert error.message == f"the number {literal} is too large"
    assert "1.8e308" in error.hint


def test_the_largest_double_literal_is_accepted():
    source, expr = transformed("-v + 1.7976931348623157e308")
    assert float(expr.value.args[0]) == 1.7976931348623157e308
    assert math.isfinite(float(expr.value.args[0]))
