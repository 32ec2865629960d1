"""Analysis stage: ODEs solved for d/dt, assignments ordered, flags, variants, functions."""
import pytest
import sympy

import eqneuro as eq
from eqneuro.lang.analysis import analyse_file
from eqneuro.functions import symbol
from eqneuro.lang.transform import parse_text

v, u, w, I, tau, C, g_L, V_L = (symbol(n) for n in ("v", "u", "w", "I", "tau", "C", "g_L", "V_L"))


def analyse(text: str):
    return analyse_file(parse_text(text))[0]


def same(a, b) -> bool:
    return sympy.simplify(a - b) == 0


@pytest.mark.parametrize("equation", [
    "tau*dv/dt + v = I", "dv/dt = (I - v)/tau", "I - v = tau*dv/dt", "tau*dv/dt = I - v",
    "v + tau*dv/dt - I = 0", "2*tau*dv/dt = 2*(I - v)",
])
def test_every_way_of_writing_the_rate_ode_solves_the_same(equation):
    model = analyse(f"parameters: tau = 10; I = 1\nequations: {equation}\n")
    (state,) = model.state
    assert state.name == "v"
    assert same(state.derivative, (I - v) / tau)


def test_lif_solved_form_and_flags():
    model = analyse("""
        parameters: C = 1; g_L = 0.1; V_L = -70; I = 0
        equations:
            C * dv/dt = -g_L * (v - V_L) + I : init = V_L, min = -90, max = 40
        spike: v > -50
        reset: v = V_L
        refractory: 2
    """)
    (state,) = model.state
    assert same(state.derivative, (-g_L * (v - V_L) + I) / C)
    assert state.init == V_L and state.lower == -90 and state.upper == 40
    assert state.hold_when_refractory
    assert model.spike == (v > -50)
    assert model.refractory == 2


def test_assignments_are_ordered_by_dependency_and_read_by_odes():
    model = analyse("""
        equations:
            r = s + 1
            dv/dt = r - v
            s = 2*v
    """)
    assert model.assignment_names == ("s", "r")
    assert same(model.inline_assignments(model.state[0].derivative), 2 * v + 1 - v)


def test_parameters_state_and_derived_are_told_apart():
    model = analyse("""
        parameters:
            a = 0.02
            b = 0.2 : shared
            c = a * 10
        equations:
            dv/dt = a - v
            du/dt = b*v - u
            r = u + v
    """)
    assert [(p.name, p.value, p.shared) for p in model.parameters] == \
        [("a", 0.02, False), ("b", 0.2, True), ("c", 0.2, False)]
    assert model.state_names == ("v", "u")
    assert model.assignment_names == ("r",)


def test_user_functions_are_inlined_with_their_arguments():
    model = analyse("""
        functions:
            sig2(x) = 1/(1 + exp(-2*x))
            twice(x, y) = sig2(x) + sig2(y)
        equations:
            dv/dt = twice(v, 1) - v
    """)
    expected = 1 / (1 + sympy.exp(-2 * v)) + 1 / (1 + sympy.exp(-2)) - v
    assert same(model.state[0].derivative, expected)


def test_a_function_without_arguments_is_a_call_without_arguments():
    model = analyse("""
        parameters: a = 3.0
        functions: f() = 2*a
        equations: dv/dt = f() - v
    """)
    assert model.state[0].derivative == 2 * symbol("a") - v


@pytest.mark.parametrize("text, position, message", [
    ("equations: dv/dt = g() - v\n", (1, 20), "unknown function 'g'"),
    ("equations: dv/dt = exp() - v\n", (1, 20), "exp() takes 1 argument, not 0"),
    ("equations: dv/dt = v() - v\n", (1, 20), "'v' is a variable, not a function"),
    ("functions: f(x) = x\nequations: dv/dt = f() - v\n", (2, 20),
     "f() takes 1 argument, not 0"),
    ("functions: f() = 1\nequations: dv/dt = f(v) - v\n", (2, 20),
     "f() takes 0 arguments, not 1"),
])
def test_calls_without_arguments_keep_their_errors(text, position, message):
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text)
    assert (caught.value.line, caught.value.column) == position
    assert caught.value.message == message


def test_method_names_are_the_methods_that_exist():
    from eqneuro.compile.methods import EXPLICIT
    from eqneuro.lang.tables import FALLBACK_METHODS, METHOD_NAMES
    assert set(METHOD_NAMES) == set(EXPLICIT) | {"exponential", "exact", "implicit"}
    assert set(FALLBACK_METHODS) == set(METHOD_NAMES) - {"exact"}
    for method in METHOD_NAMES:        # each name is accepted by the method section
        assert eq.Neuron(f"equations: dv/dt = -v\nmethod: {method}\n").method == method


def test_reset_operators_become_new_values():
    model = analyse("""
        equations:
            dv/dt = 1 - v
            du/dt = -u
            dw/dt = -w
        spike: v > 1
        reset: v = 0; u += 2; w *= 0.5
    """)
    assert [(r.target, r.value) for r in model.reset] == \
        [("v", 0), ("u", u + 2), ("w", 0.5 * w)]
    held = {s.name: s.hold_when_refractory for s in model.state}
    assert held == {"v": True, "u": False, "w": False}


def test_refractory_flags_override_the_default_hold():
    model = analyse("""
        equations:
            dv/dt = 1 - v : evolve_refractory
            du/dt = -u : unless_refractory
        spike: v > 1
        reset: v = 0
        refractory: 1
    """)
    held = {s.name: s.hold_when_refractory for s in model.state}
    assert held == {"v": False, "u": True}


def test_variants_override_parameters_equations_and_sections():
    text = """
        neuron Base:
            parameters: a = 1; b = 2
            equations:
                dv/dt = a - v
                du/dt = b - u
            spike: v > 1
            reset: v = 0
        neuron Variant extends Base:
            parameters: b = 5
            equations:
                du/dt = b*v - u
            reset: v = -1
        neuron Grandchild extends Variant:
            parameters: a = 3
    """
    base, variant, grandchild = analyse_file(parse_text(text))
    assert [p.value for p in variant.parameters] == [1.0, 5.0]
    assert same(variant.state[1].derivative, symbol("b") * v - u)
    assert same(variant.state[0].derivative, symbol("a") - v)
    assert variant.reset[0].value == -1 and base.reset[0].value == 0
    assert [p.value for p in grandchild.parameters] == [3.0, 5.0]
    assert grandchild.reset[0].value == -1


def test_str_shows_solved_equations_and_method():
    neuron = eq.Neuron("parameters: tau = 10; I = 1\nequations: tau*dv/dt + v = I\n")
    text = str(neuron)
    assert "dv/dt = (I - v)/tau" in text
    assert "method: exact" in text
    assert neuron.method == "exact"


def test_latex_rendering_for_jupyter():
    neuron = eq.Neuron("parameters: tau_m = 10; I = 1\nequations:\n    tau_m*dv/dt + v = I\n"
                       "    r = pos(v)\n")
    latex = neuron._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    assert r"\frac{dv}{dt}" in latex and r"\tau_{m}" in latex and r"\max" in latex


def test_keyword_form_equals_text_form():
    by_keywords = eq.Neuron(parameters="tau = 10.0\nI = 0.0", equations="tau*dv/dt + v = I",
                            name="Rate")
    by_text = eq.Neuron("neuron Rate:\n    parameters:\n        tau = 10.0\n        I = 0.0\n"
                        "    equations:\n        tau*dv/dt + v = I\n")
    assert str(by_keywords) == str(by_text)
    assert by_keywords.name == "Rate"


def test_keyword_form_with_all_sections():
    neuron = eq.Neuron(parameters="a = 0.02\nb = 0.2\nc = -65\nd = 8\nI = 10",
                       equations="""
                           dv/dt = 0.04*v^2 + 5*v + 140 - u + I : init = c
                           du/dt = a*(b*v - u) : init = b*c
                       """,
                       spike="v >= 30", reset="v = c; u += d", refractory=0.5,
                       functions="sq(x) = x*x", method="euler", name="Izh")
    assert neuron.method == "euler" and neuron.name == "Izh"
    assert neuron.variables == ("v", "u")


def test_keyword_form_rejects_wrong_types():
    with pytest.raises(TypeError):
        eq.Neuron(equations=42)
    with pytest.raises(TypeError):
        eq.Neuron("equations: dv/dt = -v", spike="v > 1")
    with pytest.raises(ValueError, match="unknown method"):
        eq.Neuron("equations: dv/dt = -v", method="rk5")


def test_text_may_be_indented_as_a_whole():
    neuron = eq.Neuron("""
            parameters:
                tau = 5
            equations:
                tau * dv/dt = -v
    """)
    assert neuron.parameters == {"tau": 5.0}


def test_name_names_a_text_without_header_and_selects_in_a_file():
    assert eq.Neuron("equations: dv/dt = -v", name="Decay").name == "Decay"
    text = "neuron A:\n    equations: dv/dt = -v\nneuron B extends A:\n    method: euler\n"
    assert eq.Neuron(text, name="b").name == "B"
    with pytest.raises(eq.ModelError, match="no neuron named 'C'"):
        eq.Neuron(text, name="C")
