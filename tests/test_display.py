"""print(neuron) and the LaTeX view show the equations as written (solved for d/dt, numbers
not expanded) with their flags, the reset as written and the refractory period."""
import eqneuro as eq

TEXT = """
parameters: tau = 10.0; V_T = 1.0
equations:
    tau * dv/dt + v = 2*(I + 1) : init = 0.5, min = -1, max = 2*tau
    I - w = tau * dw/dt
    I = 0.01*(v + 60)/(1 - exp(-0.1*(v + 60)))
    s = (1 if v > 0 or w < 1 else 0)
spike: v > V_T and not w < 0
reset: v = 0; w += 2
refractory: 1 + tau/10
"""


def test_text_is_close_to_how_the_model_was_written():
    lines = str(eq.Neuron(TEXT)).splitlines()
    assert "    I = 0.01*(v + 60)/(1 - exp(-0.1*(v + 60)))" in lines
    assert "    s = (1 if v > 0 or w < 1 else 0)" in lines
    assert "    dv/dt = (2*(I + 1) - v)/tau    [init = 0.5, min = -1, max = 2*tau]" in lines
    assert "    dw/dt = (I - w)/tau    [init = 0.0]" in lines
    assert "  spike: v > V_T and not w < 0" in lines
    assert "  reset: v = 0; w += 2" in lines
    assert "  refractory: 1 + tau/10 ms  (holds v)" in lines


def test_shipped_hh_shows_its_rates_unexpanded():
    text = str(eq.load("hh"))
    assert "a_n = 0.01*(v + 60)/(1 - exp(-0.1*(v + 60)))" in text
    assert "dv/dt = (g_L*(V_L - v) + g_K*n**4*(V_K - v) + g_Na*m**3*h*(V_Na - v) + I)/C" in text
    assert "dv/dt = 0.04*v**2 + 5*v + 140 - u + I    [init = -65.0]" in str(eq.load("izhikevich"))


def test_latex_shows_flags_reset_and_refractory_as_written():
    latex = eq.Neuron(TEXT)._repr_latex_()
    assert r"\frac{0.01 \left(v + 60\right)}{1 - e^{- 0.1 \left(v + 60\right)}}" in latex
    assert r"(\text{init} = 0.5,\ \text{min} = -1,\ \text{max} = 2 \tau)" in latex
    assert r"w \mathrel{+}= 2" in latex
    assert r"\text{refractory} &: 1 + \frac{\tau}{10}\ \text{ms}" in latex


def test_an_equation_sympy_must_solve_is_shown_solved():
    neuron = eq.Neuron("equations: (2 + v)*(dv/dt + 1) = 3")
    assert "    dv/dt = (1 - v)/(2 + v)    [init = 0.0]" in str(neuron).splitlines()


def test_latex_of_a_written_conditional_raised_to_a_power():
    """SymPy's LaTeX printer failed on an unevaluated conditional inside a power."""
    latex = eq.Neuron("equations: dv/dt = -(v if v > 0 else 1)^2")._repr_latex_()
    assert r"\right)^{2}" in latex and r"\text{for}\: v > 0" in latex


def test_printed_conditions_keep_their_parentheses_and_the_language_names():
    """Found by review: `not (a or b)` printed as `not a or b`, and SymPy's Max/Mod showed."""
    neuron = eq.Neuron("""
        equations:
            dv/dt = -v + pos(v) + clip(v, -1, 1) + v % 3 + abs(v)
            dw/dt = 1
        spike: v > 1 and not (w < 0 or t > 100) and (v > 2 or w > 3)
    """)
    text = str(neuron)
    # SymPy orders the operands of and/or/min/max; the meaning is kept
    assert "spike: v > 1 and (v > 2 or w > 3) and not (t > 100 or w < 0)" in text
    assert "max(0, v)" in text and "min(1, max(-1, v))" in text
    assert "mod(v, 3)" in text and "abs(v)" in text and "Max" not in text
