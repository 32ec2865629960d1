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


def test_declarations_have_a_kind_and_the_file_lists_neurons_and_synapses():
    model = parse_text("neuron A:\n    equations: dv/dt = -v\nsynapse S:\n    on_pre: v += w\n"
                       "synapse T extends S:\n    psp: w * r_pre\n")
    assert [(d.kind, d.name) for d in model.declarations] == \
        [("neuron", "A"), ("synapse", "S"), ("synapse", "T")]
    assert [d.name for d in model.neurons] == ["A"]
    assert [d.name for d in model.synapses] == ["S", "T"]
    assert model.synapses[1].base == ast.NameUse("S", Span(5, 19, 1))
    (body,) = parse_text("on_pre: v += w\n").declarations
    assert body.kind is None and parse_text("on_pre: v += w\n").neurons == (body,)


def test_on_pre_statements_and_psp():
    (synapse,) = parse_text("on_pre:\n    g_exc += w; v = 2*x\npsp: w * r_pre\n").synapses
    on_pre, psp = synapse.sections
    assert on_pre.kind == "on_pre" and psp.kind == "psp"
    assert on_pre.items == (
        ast.Statement("g_exc", "+=", ast.Expr(symbol("w"), Span(2, 14, 1),
                                              names=(ast.NameUse("w", Span(2, 14, 1)),)),
                      Span(2, 5, 5)),
        ast.Statement("v", "=", ast.Expr(2 * symbol("x"), Span(2, 21, 3),
                                         names=(ast.NameUse("x", Span(2, 23, 1)),)),
                      Span(2, 17, 1)))
    assert psp.items[0].value == symbol("w") * symbol("r_pre")


def test_an_input_sum_is_a_symbol_no_name_can_spell():
    from eqneuro.functions import input_name, input_symbol, input_target
    (neuron,) = parse_text("equations: tau*dv/dt = -v + sum(exc) - 2*sum( inh )\n").neurons
    rhs = neuron.sections[0].items[0].rhs
    assert rhs.value == -v + input_symbol("exc") - 2 * input_symbol("inh")
    assert rhs.inputs == (ast.NameUse("exc", Span(1, 29, 8)), ast.NameUse("inh", Span(1, 42, 10)))
    assert [u.name for u in rhs.names] == ["v"]          # the targets are not variables
    assert input_symbol("exc") == sympy.Symbol("sum(exc)", real=True)
    assert (input_name("exc"), input_target("sum(exc)"), input_target(input_symbol("a_1"))) \
        == ("sum(exc)", "exc", "a_1")
    assert input_target(v) is None and input_target("sum(1+x)") is None
    assert input_target("summary") is None and input_target(None) is None


def test_input_sums_stay_symbols_when_sympy_does_not_evaluate():
    from eqneuro.functions import input_symbol
    with sympy.evaluate(False):
        (neuron,) = parse_text("equations: dv/dt = sum(exc) + 0\n").neurons
    assert neuron.sections[0].items[0].rhs.value.has(input_symbol("exc"))
