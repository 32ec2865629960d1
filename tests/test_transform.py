"""Transform stage: text -> AST (frozen dataclasses), compared with ==."""
import pytest
import sympy

from eqneuro.lang import syntax as ast
from eqneuro.errors import Span
from eqneuro.functions import derivative_symbol, symbol
from eqneuro.lang.transform import parse_text

v, tau, I = symbol("v"), symbol("tau"), symbol("I")


def test_equation_ast_with_positions():
    model = parse_text("equations:\n    tau*dv/dt + v = I : init = -70\n")
    (neuron,) = model.neurons
    (section,) = neuron.sections
    (equation,) = section.items
    dv = derivative_symbol("v")
    assert equation.lhs == ast.Expr(
        tau * dv + v, Span(2, 5, 13),
        names=(ast.NameUse("tau", Span(2, 5, 3)), ast.NameUse("v", Span(2, 17, 1))),
        derivatives=(ast.NameUse("v", Span(2, 10, 1)),))
    assert equation.rhs == ast.Expr(I, Span(2, 21, 1), names=(ast.NameUse("I", Span(2, 21, 1)),))
    assert equation.flags == (ast.Flag("init", ast.Expr(sympy.Integer(-70), Span(2, 32, 3)),
                                       Span(2, 25, 4)),)


def test_parameters_and_flags():
    (neuron,) = parse_text("parameters:\n    a = 2.5 : shared\n    b = 3\n").neurons
    (section,) = neuron.sections
    assert section == ast.Section("parameters", (
        ast.Parameter("a", ast.Expr(sympy.Float(2.5), Span(2, 9, 3)),
                      (ast.Flag("shared", None, Span(2, 15, 6)),), Span(2, 5, 1)),
        ast.Parameter("b", ast.Expr(sympy.Integer(3), Span(3, 9, 1)), (), Span(3, 5, 1)),
    ), Span(1, 1, section.span.length))


def test_reset_statements_keep_their_operator():
    (neuron,) = parse_text("reset: v = c; u += d\n").neurons
    (section,) = neuron.sections
    assert [(s.target, s.operator, s.value.value) for s in section.items] == \
        [("v", "=", symbol("c")), ("u", "+=", symbol("d"))]


def test_expressions_become_sympy_without_sympify():
    (neuron,) = parse_text("equations: r = 1 if v > 0 and not v >= 3 else -v^2\n").neurons
    value = neuron.sections[0].items[0].rhs.value
    expected = sympy.Piecewise((1, sympy.And(v > 0, sympy.Not(v >= 3))), (-v ** 2, True))
    assert value == expected


def test_sympy_names_stay_plain_symbols():
    text = "equations: x = I + E + S + N + beta + gamma + lambda + pi + Q + O + zeta\n"
    (neuron,) = parse_text(text).neurons
    value = neuron.sections[0].items[0].rhs.value
    names = {"I", "E", "S", "N", "beta", "gamma", "lambda", "pi", "Q", "O", "zeta"}
    assert {s.name for s in value.free_symbols} == names
    assert all(isinstance(s, sympy.Symbol) for s in value.args)
    assert not value.has(sympy.I, sympy.E, sympy.pi)


def test_builtin_calls_are_built_from_the_table():
    (neuron,) = parse_text("equations: r = pos(v) + clip(v, 0, 1) + sigmoid(v)\n").neurons
    value = neuron.sections[0].items[0].rhs.value
    assert value == sympy.Max(v, 0) + sympy.Min(sympy.Max(v, 0), 1) + 1 / (1 + sympy.exp(-v))


def test_variant_declaration():
    model = parse_text("neuron A:\n    equations: dv/dt = -v\nneuron B extends A:\n"
                       "    method: euler\n")
    a, b = model.neurons
    assert (a.name, a.base, b.name) == ("A", None, "B")
    assert b.base == ast.NameUse("A", Span(3, 18, 1))
    assert b.sections == (ast.Section("method", (ast.MethodName("euler", Span(4, 13, 5)),),
                                      b.sections[0].span),)


def test_ast_nodes_are_frozen_and_hashable():
    (neuron,) = parse_text("equations: dv/dt = -v\n").neurons
    assert hash(neuron) == hash(parse_text("equations: dv/dt = -v\n").neurons[0])
    with pytest.raises(AttributeError):
        neuron.name = "x"


def test_a_call_without_arguments_has_no_stand_in_argument():
    (neuron,) = parse_text("equations: dv/dt = f() - v\n").neurons
    value = neuron.sections[0].items[0].rhs.value
    (call,) = [a for a in value.args if isinstance(a, sympy.core.function.AppliedUndef)]
    assert call.func.__name__ == "f" and call.args == ()
    assert not value.has(sympy.Integer(0))
