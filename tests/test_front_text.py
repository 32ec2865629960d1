"""Text artefacts: byte-order marks, \\r line endings, look-alike and invisible characters,
files that are not UTF-8, empty or unindented sections."""
import pytest

import eqneuro as eq
from eqneuro.lang.parser import LOOKALIKES

LIF = "equations:\n    dv/dt = -v / 10 : init = 1\n"


def error_of(text: str, **kwargs) -> eq.ModelError:
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text, **kwargs)
    return caught.value


def test_a_byte_order_mark_at_the_start_is_accepted():
    assert eq.Neuron("\ufeff" + LIF).model == eq.Neuron(LIF).model


def test_a_byte_order_mark_elsewhere_is_named():
    error = error_of("equations:\n    dv/dt = -v\ufeff / 10\n")
    assert (error.line, error.column) == (2, 15)
    assert error.message == "invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE"


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_cr_line_endings_work(ending):
    text = LIF.replace("\n", ending)
    assert eq.Neuron(text).model == eq.Neuron(LIF).model


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_a_cr_never_appears_raw_in_a_message(ending):
    error = error_of(f"equations:{ending}    dv/dt = -v +{ending}")
    assert (error.line, error.column) == (2, 17)
    assert "\r" not in str(error)
    assert str(error).splitlines()[1] == "        dv/dt = -v +"


@pytest.mark.parametrize("char, name, intended, column", [
    ("\u2212", "MINUS SIGN", "'-'", 14),
    ("\u2013", "EN DASH", "'-'", 14),
    ("\u00d7", "MULTIPLICATION SIGN", "'*'", 14),
    ("\u00a0", "NO-BREAK SPACE", "' ' (a plain space)", 14),
    ("\u201c", "LEFT DOUBLE QUOTATION MARK", "'\"'", 14),
    ("\u2264", "LESS-THAN OR EQUAL TO", "'<='", 14),
])
def test_look_alike_characters_are_named_with_the_ascii_intended(char, name, intended, column):
    error = error_of(f"equations:\n    dv/dt = v{char}1\n")
    assert (error.line, error.column) == (2, column)
    code = f"U+{ord(char):04X}"
    assert error.message == f"unexpected character {code} {name}: did you mean {intended}?"


def test_every_look_alike_has_a_unicode_name():
    import unicodedata
    for char in LOOKALIKES:
        assert unicodedata.name(char)


def test_other_non_ascii_characters_are_named_too():
    error = error_of("equations:\n    dv/dt = -v / \u03c4\n")
    assert (error.line, error.column) == (2, 18)
    assert error.message == "unexpected character U+03C4 GREEK SMALL LETTER TAU"
    assert "ASCII" in error.hint


def test_control_characters_are_named_not_printed():
    error = error_of("equations:\n    dv/dt = -v \x07 1\n")
    assert error.message == "unexpected character U+0007 a control character"
    assert "\x07" not in str(error)


def test_non_ascii_in_comments_is_fine():
    assert eq.Neuron("# τ × 2 − 1 “quoted”\n" + LIF).variables == ("v",)


def test_a_latin1_file_is_a_model_error_at_the_first_undecodable_byte(tmp_path):
    path = tmp_path / "latin1.eqn"
    path.write_bytes("equations:\n    dv/dt = -v  # café\n".encode("latin-1"))
    with pytest.raises(eq.ModelError) as caught:
        eq.load(str(path))
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), 2, 22)
    assert error.message == "the file is not UTF-8 text: byte 0xe9 cannot be read"
    assert "UTF-8" in error.hint


def test_a_utf8_file_with_a_bom_and_crlf_loads(tmp_path):
    path = tmp_path / "windows.eqn"
    path.write_bytes(b"\xef\xbb\xbf" + "# café\r\n".encode() + LIF.replace("\n", "\r\n").encode())
    assert eq.load(str(path)).model == eq.Neuron(LIF).model


@pytest.mark.parametrize("text, position, message", [
    ("parameters:\nequations:\n    dv/dt = 1\n", (1, 1), "section 'parameters' is empty"),
    ("equations:\n    dv/dt = 1\nparameters:\n", (3, 1), "section 'parameters' is empty"),
    ("equations:\n    dv/dt = 1\nparameters:\n  # nothing yet\n\n", (3, 1),
     "section 'parameters' is empty"),
    ("equations: dv/dt = 1\nspike:\nreset: v = 0\n", (2, 1), "section 'spike' is empty"),
    ("neuron X:\n", (1, 1), "neuron 'X' has no sections"),
    ("neuron X:\n    parameters:\n    equations: dv/dt = 1\n", (2, 5),
     "section 'parameters' is empty"),
    ("parameters:\na = 1\nequations:\n    dv/dt = a\n", (2, 1),
     "the lines of section 'parameters' must be indented under its header"),
    ("neuron X:\n  parameters:\n  a = 1\n", (3, 3),
     "the lines of section 'parameters' must be indented under its header"),
    ("neuron X:\nequations: dv/dt = 1\n", (2, 1),
     "the sections of neuron 'X' must be indented under its header"),
    ("equations: dv/dt = 1\nspike:\n    v > 1\n", (3, 5), "'spike' is written on its header line"),
])
def test_empty_and_unindented_sections_say_so(text, position, message):
    error = error_of(text)
    assert (error.line, error.column) == position, str(error)
    assert error.message == message


INDENTED_FILE = """
    # two neurons, the whole file indented (and a comment that mentions
    # neuron Fake: which is not a declaration)
    neuron Slow:
        parameters: tau = 20.0
        equations: tau*dv/dt = -v
    neuron Fast extends Slow:
        parameters: tau = 5.0
"""


def test_declarations_are_read_by_the_parser(tmp_path):
    """load() and `eqneuro check` find the neurons of a file by parsing it: a file
    indented as a whole (which eq.Neuron accepts) has them too, and a comment has none."""
    from eqneuro.library import declared
    assert [(d.kind, d.name) for d in declared(INDENTED_FILE)] == \
        [("neuron", "Slow"), ("neuron", "Fast")]
    path = tmp_path / "indented.eqn"
    path.write_text(INDENTED_FILE)
    assert eq.load(str(path), variant="fast").parameters == {"tau": 5.0}
    assert eq.load(f"{path}:Slow").name == "Slow"
    with pytest.raises(ValueError, match=r"has no neuron or variant 'Fake' .*has: Slow, Fast"):
        eq.load(str(path), variant="Fake")


def test_check_command_counts_the_declarations_the_parser_finds(tmp_path, capsys):
    from eqneuro.cli import main
    path = tmp_path / "indented.eqn"
    path.write_text(INDENTED_FILE)
    assert main(["check", str(path)]) == 0
    assert f"{path}: 2 model(s) OK" in capsys.readouterr().out
    path.write_text("neuron A:\n    equations: dv/dt = -v +\n")
    assert main(["check", str(path)]) == 1
    assert f"{path}:2:" in capsys.readouterr().err
