"""Random and mutated model texts raise nothing but ModelError, never hang, never execute."""
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eqneuro as eq
from eqneuro.lang.analysis import analyse_file
from eqneuro.lang.transform import parse_text

VALID = [
    """neuron LIF:
    parameters:
        C = 1.0; g_L = 0.1; V_L = -70; V_T = -50; V_r = -70; I = 0
    equations:
        C * dv/dt = -g_L * (v - V_L) + I : init = -70.0
        r = pos(v) if v > 0 and not v < -100 else sigmoid(v)^2
    spike: v > V_T
    reset: v = V_r
    refractory: 2.0
""",
    """neuron Izh:
    parameters: a = 0.02; b = 0.2; c = -65; d = 8; I = 10
    functions: sq(x) = x*x
    equations:
        dv/dt = 0.04*sq(v) + 5*v + 140 - u + I : init = c
        du/dt = a*(b*v - u) : init = b*c
    spike: v >= 30
    reset: v = c; u += d
    method: euler
neuron FS extends Izh:
    parameters: a = 0.1
""",
]
ALPHABET = string.ascii_letters[:8] + "dtv_0123456789 .+-*/^()=<>:;,#\n" + "    "
FRAGMENTS = ["dv/dt", " = ", ":", "\n    ", "(", ")", " if ", " else ", " and ", "exp(",
             "neuron X:\n", "parameters:", "equations:", "spike:", "reset:", "**", "1e-3",
             "init = ", "extends ", "t", "dt", "max(v, ", "\t", "\\\n"]


def _only_model_errors(text: str) -> None:
    try:
        analyse_file(parse_text(text))
    except eq.ModelError as error:
        assert error.message
        str(error)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "fragment", "duplicate"]))
        if kind == "delete":
            end = min(len(text), position + draw(st.integers(1, 6)))
            text = text[:position] + text[end:]
        elif kind == "insert":
            text = text[:position] + draw(st.text(ALPHABET, min_size=1, max_size=4)) + \
                text[position:]
        elif kind == "fragment":
            text = text[:position] + draw(st.sampled_from(FRAGMENTS)) + text[position:]
        else:
            lines = text.splitlines(keepends=True)
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "".join(lines)
    return text


@settings(max_examples=300, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_models_raise_only_model_errors(text):
    _only_model_errors(text)


@settings(max_examples=200, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=80))
def test_random_text_raises_only_model_errors(text):
    _only_model_errors(text)


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_models_through_the_public_api(text):
    try:
        eq.Neuron(text)
    except eq.ModelError:
        pass


@pytest.mark.parametrize("expression", [
    "__import__('os').system('touch /tmp/eqneuro_pwned')",
    "exec('import os')",
    "eval('1')",
    "(lambda: 1)()",
    "v.__class__",
    "open('/etc/passwd').read()",
    "globals()",
])
def test_model_text_is_never_executed(expression, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import os
    if os.path.exists("/tmp/eqneuro_pwned"):
        os.remove("/tmp/eqneuro_pwned")
    with pytest.raises(eq.ModelError):
        eq.Neuron(f"equations:\n    dv/dt = {expression}\n")
    with pytest.raises(eq.ModelError):
        eq.Neuron(f"parameters: a = {expression}\nequations: dv/dt = -v\n")
    assert not os.path.exists("/tmp/eqneuro_pwned")


def test_huge_constant_powers_do_not_hang():
    with pytest.raises(eq.ModelError, match="not a finite real number"):
        eq.Neuron("parameters: a = 9^9^9\nequations: dv/dt = -a*v\n")
    with pytest.raises(eq.ModelError, match="exponent is too large"):
        eq.Neuron("equations: dv/dt = -v^100000\n")
