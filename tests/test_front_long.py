"""Long generated expressions: flat chains of 10,000 operands parse and transform, quickly and
without recursion; nesting beyond parser.MAX_NESTING is a ModelError at its exact position."""
import time

import pytest
import sympy

import eqneuro as eq
from eqneuro.errors import Span
from eqneuro.functions import symbol
from eqneuro.lang.parser import MAX_NESTING
from eqneuro.lang.transform import parse_text

N = 10_000
v = symbol("v")


def first_rhs(model):
    for section in model.neurons[0].sections:
        if section.kind == "equations":
            return section.items[0].rhs


def section_item(model, kind):
    return next(s for s in model.neurons[0].sections if s.kind == kind).items[0]


def test_sum_of_ten_thousand_terms_is_one_flat_add():
    terms = [f"{'-' if i % 3 == 1 else '+'} x{i}" for i in range(1, N)]
    text = "equations:\n    dv/dt = x0 " + " ".join(terms) + "\n"
    start = time.process_time()
    rhs = first_rhs(parse_text(text))
    seconds = time.process_time() - start
    expected = sympy.Add(symbol("x0"), *[(-1 if i % 3 == 1 else 1) * symbol(f"x{i}")
                                         for i in range(1, N)])
    assert rhs.value == expected
    assert len(rhs.value.args) == N
    assert [u.name for u in rhs.names] == [f"x{i}" for i in range(N)]
    last = rhs.names[-1]
    assert last.span == Span(2, len(text.split("\n")[1]) - len(f"x{N - 1}") + 1, len(f"x{N - 1}"))
    assert seconds < 15, f"{seconds:.1f} s: parsing must stay linear"   # measured ~1 s


def test_products_and_divisions_chain_left_to_right():
    text = "equations:\n    dv/dt = " + " * ".join(["v"] * 50) + " / a / b % c * 2\n"
    rhs = first_rhs(parse_text(text))
    a, b, c = symbol("a"), symbol("b"), symbol("c")
    assert rhs.value == 2 * sympy.Mod(v ** 50 / (a * b), c)
    assert [(o.kind, o.value) for o in rhs.operations] == [("divide", a), ("divide", b),
                                                            ("divide", c)]


def test_ten_thousand_ors_in_a_spike_condition():
    condition = " or ".join(f"v > {i}" for i in range(N))
    text = f"equations:\n    dv/dt = 1\nspike: {condition}\n"
    start = time.process_time()
    spike = section_item(parse_text(text), "spike")
    seconds = time.process_time() - start
    assert isinstance(spike.value, sympy.Or)
    assert set(spike.value.args) == {sympy.Gt(v, i, evaluate=False) for i in range(N)}
    assert len(spike.names) == N
    assert seconds < 15, f"{seconds:.1f} s: building Or must stay linear"   # measured ~2 s


def test_ten_thousand_ands_and_a_short_or_keep_sympy_semantics():
    text = ("equations:\n    dv/dt = 1\nspike: " + " and ".join(f"v > {i}" for i in range(N))
            + "\n")
    spike = section_item(parse_text(text), "spike")
    assert isinstance(spike.value, sympy.And) and len(spike.value.args) == N
    short = section_item(parse_text("equations: dv/dt = 1\nspike: v > 1 or w < 2 or v > 1\n"),
                         "spike")
    w = symbol("w")
    assert short.value == sympy.Or(v > 1, w < 2)


def test_a_long_sum_is_a_working_model():
    text = "equations:\n    dv/dt = " + " + ".join(["1"] * 2000) + " - v\n"
    neuron = eq.Neuron(text)
    assert neuron.model.state[0].derivative == 2000 - v


@pytest.mark.parametrize("written, column", [
    # 51st level: the 26th `-(` of `-(1 + -(1 + ...`
    ("-(1 + " * 60 + "v" + ")" * 60, 13 + 6 * 25),
    ("sin(" * 51 + "v" + ")" * 51, 13 + 4 * 50),
    ("-" * 51 + "v", 13 + 50),
    # 50 conditionals deep, the 51st level is the test `v > 49` of the 50th
    (" ".join(f"{i} if v > {i} else" for i in range(60)) + " v",
     13 + sum(len(f"{i} if v > {i} else ") for i in range(49)) + len("49 if ")),
])
def test_nesting_deeper_than_the_limit_is_a_model_error(written, column):
    assert MAX_NESTING == 50
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(f"equations:\n    dv/dt = {written}\n")
    error = caught.value
    assert (error.line, error.column) == (2, column), str(error)
    assert error.message == "this expression is nested more than 50 levels deep"
    assert "derived variable" in error.hint


def test_nesting_at_the_limit_is_accepted():
    neuron = eq.Neuron("equations:\n    dv/dt = " + "sin(" * 50 + "v" + ")" * 50 + "\n")
    value = neuron.model.state[0].derivative
    for _ in range(50):
        assert isinstance(value, sympy.sin)
        (value,) = value.args
    assert value == v


def test_error_messages_show_a_window_of_a_long_line():
    text = "equations:\n    dv/dt = " + " + ".join(f"x{i}" for i in range(N)) + " + 1/0\n"
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text)
    error = caught.value
    assert (error.line, error.column) == (2, len(text.split("\n")[1]))
    head, line, caret, hint = str(error).splitlines()
    assert len(line) <= 110 and line.startswith("    ...") and line.endswith("1/0")
    assert caret.index("^") == line.index("1/0") + 2
