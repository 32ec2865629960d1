"""Grammar stage: text -> Lark tree."""
import pytest
from lark import Tree

from eqneuro.errors import ModelError, Source
from eqneuro.lang.parser import normalise, parse
from eqneuro.lang.tables import SECTIONS


def tree(text: str) -> Tree:
    return parse(Source(normalise(text)))


def first_expression(text: str) -> Tree:
    """The right-hand side of the first equation of an `equations:` one-liner."""
    equation = next(tree(f"equations: x = {text}").find_data("equation"))
    return equation.children[1]


def shape(node) -> object:
    if isinstance(node, Tree):
        return (node.data, *[shape(c) for c in node.children])
    return str(node)


@pytest.mark.parametrize("text, expected", [
    ("a + b * c", ("sum", ("name", "a"), "+", ("product", ("name", "b"), "*", ("name", "c")))),
    ("(a + b) * c", ("product", ("sum", ("name", "a"), "+", ("name", "b")), "*", ("name", "c"))),
    ("-a^2", ("neg", ("pow", ("name", "a"), "^", ("number", "2")))),
    ("a ** b ** c", ("pow", ("name", "a"), "**", ("pow", ("name", "b"), "**", ("name", "c")))),
    ("a - b - c", ("sum", ("name", "a"), "-", ("name", "b"), "-", ("name", "c"))),
    ("a / b / c", ("product", ("name", "a"), "/", ("name", "b"), "/", ("name", "c"))),
    ("a * b % c / d", ("product", ("name", "a"), "*", ("name", "b"), "%", ("name", "c"), "/",
                       ("name", "d"))),
    ("a or b or c and d", ("or_", ("name", "a"), ("name", "b"),
                           ("and_", ("name", "c"), ("name", "d")))),
    ("1 if a > 0 else 2", ("ifelse", ("number", "1"), ("compare", ("name", "a"), ">",
                                                       ("number", "0")), ("number", "2"))),
    ("1 if a > 0 and not b <= 1 or c == 2 else 0",
     ("ifelse", ("number", "1"),
      ("or_", ("and_", ("compare", ("name", "a"), ">", ("number", "0")),
               ("not_", ("compare", ("name", "b"), "<=", ("number", "1")))),
       ("compare", ("name", "c"), "==", ("number", "2"))), ("number", "0"))),
    ("max(a, 1e-3)", ("call", "max", ("call_args", ("name", "a"), ("number", "1e-3")))),
    ("f()", ("call", "f")),
    ("tau * dv/dt", ("product", ("name", "tau"), "*", ("derivative", "dv/dt"))),
    ("dv / dt", ("derivative", "dv / dt")),
    (".5e+2", ("number", ".5e+2")),
])
def test_expression_trees(text, expected):
    assert shape(first_expression(text)) == expected


def test_full_model_file_structure():
    parsed = tree("""
        # a comment line
        neuron LIF:   # trailing comment
            parameters:
                C = 1.0 : shared
                I = 0.0
            equations:
                C * dv/dt = -v + I : init = -70.0, min = -90
                r = pos(v); s = 2*r
            functions:
                f(x, y) = x*y
            spike: v > -50
            reset:
                v = -70
                u += 2; w *= 0.5
            refractory: 2.0
            method: rk4

        neuron Fast extends LIF:
            parameters: C = 0.5
    """)
    neurons = list(parsed.find_data("neuron"))
    assert [str(n.children[0]) for n in neurons] == ["LIF", "Fast"]
    kinds = [c.data for c in neurons[0].children[1:]]
    assert kinds == ["parameters", "equations", "functions", "spike", "reset", "refractory",
                     "method"]
    ops = [str(s.children[1]) for s in parsed.find_data("statement")]
    assert ops == ["=", "+=", "*="]
    assert len(list(parsed.find_data("equation"))) == 3
    assert str(next(neurons[1].find_data("extends")).children[0]) == "LIF"


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.name)
def test_the_grammar_accepts_every_section_of_the_table(section):
    parsed = tree(section.example + "\n")
    (body,) = parsed.children
    assert [c.data for c in body.children] == [section.name]


def test_the_section_table_is_the_grammar_s_list_of_sections():
    """A section keyword of the grammar that the table lacks would get no hints."""
    import re

    from eqneuro.resources import resource_dir
    grammar = (resource_dir("grammar") / "eqneuro.lark").read_text()
    rule = re.search(r"^\?section: (.+)$", grammar, re.MULTILINE).group(1)
    assert {name.strip() for name in rule.split("|")} == {s.name for s in SECTIONS}


def test_sections_without_neuron_header():
    parsed = tree("parameters: tau = 10\nequations: tau*dv/dt + v = 1\n")
    assert parsed.children[0].data == "body"


def test_one_line_sections_with_semicolons():
    parsed = tree("parameters: a = 1; b = 2; c = 3\nequations: dv/dt = -v\n")
    assert len(list(parsed.find_data("param"))) == 3


def test_backslash_continues_a_line():
    parsed = tree("equations:\n    dv/dt = 1 + \\\n        2 - v\n")
    assert len(list(parsed.find_data("equation"))) == 1


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_text_is_a_model_error(text):
    with pytest.raises(ModelError, match="empty"):
        tree(text)


NEURON_AND_SYNAPSES = """
    neuron COBA:
        equations:
            tau * dv/dt = -v + g_exc * (E - v) + sum(gap)
            tau_e * dg_exc/dt = -g_exc
    synapse Exc:
        parameters:
            w = 0.5
            tau = 2.0 : shared
        on_pre:
            g_exc += w
            v = v + w * x; y -= 1
        psp: w * r_pre
    synapse Strong extends Exc:
        parameters: w = 2.0
"""


def test_synapses_are_declared_beside_neurons():
    parsed = tree(NEURON_AND_SYNAPSES)
    assert [(c.data, str(c.children[0])) for c in parsed.children] == \
        [("neuron", "COBA"), ("synapse", "Exc"), ("synapse", "Strong")]
    exc = parsed.children[1]
    assert [c.data for c in exc.children[1:]] == ["parameters", "on_pre", "psp"]
    statements = [shape(s) for s in exc.children[2].find_data("statement")]
    assert statements == [
        ("statement", "g_exc", "+=", ("name", "w")),
        ("statement", "v", "=", ("sum", ("name", "v"), "+",
                                 ("product", ("name", "w"), "*", ("name", "x")))),
        ("statement", "y", "-=", ("number", "1"))]
    assert shape(exc.children[3]) == ("psp", ("product", ("name", "w"), "*", ("name", "r_pre")))
    assert str(next(parsed.children[2].find_data("extends")).children[0]) == "Exc"


def test_input_sums_are_calls_in_the_grammar():
    assert shape(first_expression("sum(exc) - sum(inh)")) == (
        "sum", ("call", "sum", ("call_args", ("name", "exc"))), "-",
        ("call", "sum", ("call_args", ("name", "inh"))))


def test_plasticity_sections_parse_in_a_synapse():
    """equations and on_post are refused by the analysis, not by the grammar: the later
    plasticity version only changes the analysis."""
    parsed = tree("synapse STDP:\n    equations:\n        tau * dx/dt = -x\n"
                  "    on_pre: g_exc += w; x += 1\n    on_post: w = clip(w + x, 0, 1)\n")
    (synapse,) = parsed.children
    assert [c.data for c in synapse.children[1:]] == ["equations", "on_pre", "on_post"]
    assert len(list(synapse.find_data("statement"))) == 3


@pytest.mark.parametrize("text, position, message", [
    ("on_pre: g_exc\n", (1, 14), "a statement is written 'name = value' or 'name += value'"),
    ("synapse S:\n    on_pre:\n        g_exc\n", (3, 14), "a statement is written"),
    ("psp: w r_pre\n", (1, 8), "two values without an operator between them"),
    ("synapse S:\n    psp: w *\n", (2, 13), "an operator is missing its right-hand operand"),
    ("synapse S:\n    on_pre:\n    psp: w\n", (2, 5), "section 'on_pre' is empty"),
    ("synapse S:\npsp: w\n", (2, 1), "the sections of synapse 'S' must be indented"),
    ("synapse S:\n", (1, 1), "synapse 'S' has no sections"),
    ("pre_spike: g_exc += w\n", (1, 1), "unknown section 'pre_spike'"),
    ("psp: w * pre.r\n", (1, 10), "ANNarchy's 'pre.x' and 'post.x' are written x_pre"),
])
def test_synapse_syntax_errors(text, position, message):
    with pytest.raises(ModelError) as caught:
        tree(text)
    assert (caught.value.line, caught.value.column) == position, str(caught.value)
    assert message in str(caught.value)
