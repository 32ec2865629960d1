"""The Cython printer: exact strings for each construct it overrides."""
import pytest
import sympy

from eqneuro.functions import symbol
from eqneuro.compile.kernel_abi import c_name
from eqneuro.lang.special import Exprel
from eqneuro.compile.printer import CythonPrinter, cse_statements

x, y, v = symbol("x"), symbol("y"), symbol("v")


@pytest.mark.parametrize("expr, expected", [
    (x ** 2, "eqv_x*eqv_x"),
    (x ** 4, "eqv_x*eqv_x*eqv_x*eqv_x"),
    (x ** -1, "(1.0/(eqv_x))"),
    (x ** -3, "(1.0/(eqv_x*eqv_x*eqv_x))"),
    (sympy.sqrt(x), "_libm.sqrt(eqv_x)"),
    (x ** y, "_libm.pow(eqv_x, eqv_y)"),
    (x ** sympy.Rational(3, 2), "_libm.pow(eqv_x, 1.5)"),
    (sympy.Rational(1, 6) * x, "(0.16666666666666666)*eqv_x"),
    (3 * x, "3.0*eqv_x"),
    (sympy.E * x, "2.718281828459045*eqv_x"),
    (sympy.Max(x, 0), "eq_max(0.0, eqv_x)"),
    (sympy.Piecewise((x, x > 0), (2 * x, y < 1), (0, True)),
     "(eqv_x if (eqv_x > 0.0) else (2.0*eqv_x if (eqv_y < 1.0) else 0.0))"),
    (sympy.And(x > 0, y < 1), "(<int>(eqv_x > 0.0) & <int>(eqv_y < 1.0))"),
    (sympy.Or(x > 0, y < 1), "(<int>(eqv_x > 0.0) | <int>(eqv_y < 1.0))"),
    (sympy.Not(x > 0), "(eqv_x <= 0.0)"),
    (sympy.sign(x), "eq_sign(eqv_x)"),
    (Exprel(-x), "eq_exprel(-eqv_x)"),
    (sympy.exp(-v) + sympy.Abs(v), "_libm.fabs(eqv_v) + _libm.exp(-eqv_v)"),
])
def test_printed_forms(expr, expected):
    assert CythonPrinter().doprint(expr) == expected


def test_user_names_get_one_prefix_so_they_never_collide():
    printed = CythonPrinter().doprint(symbol("int") * symbol("lambda") * symbol("_x") * symbol("I"))
    assert sorted(printed.split("*")) == ["eqv_I", "eqv__x", "eqv_int", "eqv_lambda"]
    pairs = [("int", "int_"), ("_a", "u_a"), ("exp", "exp_")]
    assert all(c_name(a) != c_name(b) for a, b in pairs)
    assert c_name("prange") == "eqv_prange" and c_name("NAN") == "eqv_NAN"


@pytest.mark.parametrize("expr, expected", [
    (sympy.Min(x, y, v), "eq_min(eq_min(eqv_v, eqv_x), eqv_y)"),
    (sympy.ITE(x > 0, y > 0, True), "(<int>(eqv_y > 0.0) if (eqv_x > 0.0) else <int>1)"),
    (sympy.Mod(x, y), "eq_mod(eqv_x, eqv_y)"),
    (sympy.Heaviside(x), "eq_heaviside(eqv_x, 0.5)"),
    (sympy.atan2(y, x), "_libm.atan2(eqv_y, eqv_x)"),
    (sympy.asin(x), "_libm.asin(eqv_x)"),
    (sympy.nan, "eq_nan"), (sympy.oo, "eq_inf"), (-sympy.oo, "(-eq_inf)"), (sympy.zoo, "eq_nan"),
    (sympy.Add(x, sympy.Float("-inf"), evaluate=False), "eqv_x + (-eq_inf)"),
])
def test_printed_nodes_from_the_table_and_non_finite_constants(expr, expected):
    assert CythonPrinter().doprint(expr) == expected


def test_unknown_nodes_fail_loudly_instead_of_printing_a_comment():
    with pytest.raises(TypeError, match="cannot print DiracDelta"):
        CythonPrinter().doprint(sympy.DiracDelta(x))


def test_internal_symbols_and_name_table():
    printer = CythonPrinter({"t": "_t"})
    assert printer.doprint(sympy.Symbol("$k1_v", real=True) * symbol("t")) == "_k1_v*_t"


def test_cse_orders_statements_by_dependency():
    statements, updates = cse_statements([], [("v", sympy.exp(-x) * x + sympy.exp(-x)),
                                              ("w", sympy.exp(-x) * y)])
    names = [s.name for s, _ in statements]
    assert len(names) == 1
    assert updates[0][1].has(statements[0][0]) and updates[1][1].has(statements[0][0])
