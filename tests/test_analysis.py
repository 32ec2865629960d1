"""Analysis stage: ODEs solved for d/dt, assignments ordered, flags, variants, functions."""
import numpy as np
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
    assert set(METHOD_NAMES) == set(EXPLICIT) | {"exponential", "exact", "implicit",
                                                 "milstein"}
    # suggested after a blow-up: not exact (not a choice) nor milstein (Euler without noise)
    assert set(FALLBACK_METHODS) == set(METHOD_NAMES) - {"exact", "milstein"}
    for method in METHOD_NAMES:        # each name is accepted by the method section
        noise = " + xi" if method == "milstein" else ""
        assert eq.Neuron(f"equations: dv/dt = -v{noise}\nmethod: {method}\n").method == method


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


# ---- inputs: sum(T) -------------------------------------------------------------------

def test_inputs_are_listed_in_order_of_first_use():
    model = analyse("""
        spike: v > sum(c)
        equations:
            dv/dt = sum(b) - v + sum(a) + r
            r = sum(b) * 2
        reset: v = sum(d)
    """)
    assert model.inputs == ("c", "b", "a", "d")


def test_a_variant_has_the_inputs_of_its_equations():
    text = """
        neuron A:
            equations:
                dv/dt = sum(exc) - v
                r = pos(v)
        neuron B extends A:
            equations: dv/dt = sum(inh) - v
    """
    a, b = analyse_file(parse_text(text))
    assert (a.inputs, b.inputs) == (("exc",), ("inh",))


def test_a_lif_with_an_input_sum_stays_linear_and_exact():
    """sum(exc) is constant over a step, like a per-neuron parameter: the exact update of
    v reads it, and the integration is still exact (no propagator: one variable)."""
    from eqneuro.functions import input_symbol
    lif = eq.Neuron("""
        parameters: tau = 10.0; V_L = -70.0
        equations: tau * dv/dt = -(v - V_L) + sum(exc) - sum(inh) : init = -70.0
        spike: v > -50.0
        reset: v = -70.0
    """)
    assert lif.method == "exact" and lif.plan.propagators == ()
    derivative = lif.model.state[0].derivative
    exc, inh = input_symbol("exc"), input_symbol("inh")
    assert same(derivative, (-(v - symbol("V_L")) + exc - inh) / tau)
    ((name, update),) = lif.plan.updates
    assert update.has(exc) and update.has(inh)
    # the exact update for a constant input (e = 2, i = 0.5 over one step of 0.1 ms)
    values = {v: -60.0, tau: 10.0, symbol("V_L"): -70.0, exc: 2.0, inh: 0.5,
              symbol("dt"): 0.1}
    steady = -70.0 + 1.5
    expected = steady + (-60.0 - steady) * np.exp(-0.1 / 10.0)
    assert abs(float(update.xreplace(values)) - expected) < 1e-12
    assert lif.info.inputs == ("exc", "inh")


def test_input_sums_print_as_written():
    neuron = eq.Neuron("equations: dv/dt = sum(in_a) - v\n")
    assert "dv/dt = sum(in_a) - v" in str(neuron)
    assert r"\operatorname{sum}(\text{in\_a})" in neuron._repr_latex_()


@pytest.mark.parametrize("text, position, message", [
    ("equations: dv/dt = sum() - v\n", (1, 20), "sum() needs a target"),
    ("equations: dv/dt = sum(1 + x) - v\n", (1, 24), "the argument of sum() must be a target"),
    ("equations: dv/dt = sum(v) * sum(2*v) - v\n", (1, 33), "must be a target name"),
    ("equations: dv/dt = sum(dv/dt) - v\n", (1, 24), "must be a target name"),
    ("equations: dv/dt = sum(a, b) - v\n", (1, 27), "sum() takes one target, not 2"),
    ("parameters: a = sum(exc)\nequations: dv/dt = -v\n", (1, 17),
     "sum(exc) cannot appear in a parameter value"),
    ("equations: dv/dt = -v : init = sum(exc)\n", (1, 32),
     "sum(exc) cannot appear in the 'init' flag"),
    ("equations: dv/dt = -v : max = 2*sum(exc)\n", (1, 33),
     "sum(exc) cannot appear in the 'max' flag"),
    ("functions: f(x) = x + sum(exc)\nequations: dv/dt = f(v)\n", (1, 23),
     "sum(exc) cannot appear in a function body"),
    ("functions: sum(x) = x\nequations: dv/dt = -v\n", (1, 12),
     "'sum' is the input of a target"),
    ("equations:\n    sum(exc) = v\n    dv/dt = -v\n", (2, 5), "sum(exc) cannot be assigned"),
])
def test_input_sum_mistakes(text, position, message):
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text)
    assert (caught.value.line, caught.value.column) == position, str(caught.value)
    assert message in caught.value.message
    assert caught.value.hint


def test_sum_is_an_input_not_a_numpy_habit():
    from eqneuro.lang import habits
    assert habits.hint("function", "sum") is None


# ---- sections of neurons and synapses -------------------------------------------------

@pytest.mark.parametrize("section", ["on_pre: v += w", "psp: w * r_pre", "on_post: w = 0"])
def test_a_synapse_section_in_a_neuron_is_an_error(section):
    text = f"neuron A:\n    equations: dv/dt = -v\n    {section}\n"
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text)
    kind = section.split(":")[0]
    assert (caught.value.line, caught.value.column, caught.value.span.length) == (3, 5, len(kind))
    assert caught.value.message == f"section '{kind}' belongs to synapses, not to neurons"
    assert "synapse Name:" in caught.value.hint


def test_neuron_finds_neurons_among_synapses():
    text = "synapse S:\n    on_pre: v += w\nneuron A:\n    equations: dv/dt = -v\n"
    assert eq.Neuron(text).name == "A"
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text, name="S")
    assert caught.value.message == "'S' is a synapse, not a neuron"
    assert (caught.value.line, caught.value.column) == (1, 9)
    assert "eq.Synapse(text, name='S')" in caught.value.hint
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron("synapse S:\n    on_pre: v += w\n")
    assert caught.value.message == "this model declares no neuron"
    with pytest.raises(eq.ModelError, match="neuron 'B' cannot extend 'S', which is a synapse"):
        eq.Neuron(text + "neuron B extends S:\n    method: euler\n", name="B")
    with pytest.raises(eq.ModelError, match="neuron 'S' is defined twice"):
        eq.Neuron(text + "neuron S:\n    equations: dv/dt = -v\n", name="A")
