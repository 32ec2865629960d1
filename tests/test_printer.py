"""The Cython printer: exact strings for each construct it overrides."""
import pytest
import sympy

from eqneuro.functions import symbol
from eqneuro.kernel_abi import c_name
from eqneuro.methods import Phi1
from eqneuro.printer import CythonPrinter, cse_statements

x, y, v = symbol("x"), symbol("y"), symbol("v")


@pytest.mark.parametrize("expr, expected", [
    (x ** 2, "x*x"),
    (x ** 4, "x*x*x*x"),
    (x ** -1, "(1.0/(x))"),
    (x ** -3, "(1.0/(x*x*x))"),
    (sympy.sqrt(x), "sqrt(x)"),
    (x ** y, "pow(x, y)"),
    (x ** sympy.Rational(3, 2), "pow(x, 1.5)"),
    (sympy.Rational(1, 6) * x, "(0.16666666666666666)*x"),
    (3 * x, "3.0*x"),
    (sympy.E * x, "2.718281828459045*x"),
    (sympy.Max(x, 0), "fmax(0.0, x)"),
    (sympy.Piecewise((x, x > 0), (2 * x, y < 1), (0, True)),
     "(x if (x > 0.0) else (2.0*x if (y < 1.0) else 0.0))"),
    (sympy.And(x > 0, y < 1), "(<int>(x > 0.0) & <int>(y < 1.0))"),
    (sympy.Or(x > 0, y < 1), "(<int>(x > 0.0) | <int>(y < 1.0))"),
    (sympy.Not(x > 0), "(x <= 0.0)"),
    (sympy.sign(x), "(<double>(x > 0) - <double>(x < 0))"),
    (Phi1(-x), "_eq_phi1(-x)"),
    (sympy.exp(-v) + sympy.Abs(v), "fabs(v) + exp(-v)"),
])
def test_printed_forms(expr, expected):
    assert CythonPrinter().doprint(expr) == expected


def test_reserved_and_underscore_names_are_renamed():
    printed = CythonPrinter().doprint(symbol("int") * symbol("lambda") * symbol("_x") * symbol("I"))
    assert sorted(printed.split("*")) == ["I", "int_", "lambda_", "u_x"]
    assert c_name("int") == "int_" and c_name("lambda") == "lambda_"
    assert c_name("_x") == "u_x" and c_name("I") == "I" and c_name("exp") == "exp_"


def test_internal_symbols_and_name_table():
    printer = CythonPrinter({"t": "_t"})
    assert printer.doprint(sympy.Symbol("$k1_v", real=True) * symbol("t")) == "_k1_v*_t"


def test_cse_orders_statements_by_dependency():
    statements, updates = cse_statements([], [("v", sympy.exp(-x) * x + sympy.exp(-x)),
                                              ("w", sympy.exp(-x) * y)])
    names = [s.name for s, _ in statements]
    assert len(names) == 1
    assert updates[0][1].has(statements[0][0]) and updates[1][1].has(statements[0][0])
