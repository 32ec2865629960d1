"""Every invalid model raises ModelError at the exact line and column, with a useful message.

Each fixture in tests/models/invalid/ states its expectation in its first line:
    # expect: LINE:COLUMN: words that must appear in the message or hint
A second line says what is built, when it is not eq.Neuron(text):
    # synapse                              eq.Synapse(text): the file's first synapse
    # bind: S pre=A post=B [target=T]      bind synapse S to neurons A and B of the file
"""
import re
from pathlib import Path

import pytest

import eqneuro as eq
from eqneuro.lang.binding import bind, names_of
from eqneuro.synapse import Synapse

INVALID = sorted((Path(__file__).parent / "models" / "invalid").glob("*.eqn"))
_EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")
_BIND = re.compile(r"# bind: (\w+) pre=(\w+) post=(\w+)(?: target=(\w+))?$")


def build(path: Path, text: str) -> None:
    """Construct what the fixture's header asks for (it must raise ModelError)."""
    second = text.splitlines()[1] if len(text.splitlines()) > 1 else ""
    if second.strip() == "# synapse":
        Synapse(text, file=str(path))
        return
    binding = _BIND.match(second)
    if binding:
        synapse, pre, post, target = binding.groups()
        neurons = [names_of(eq.Neuron(text, name=n, file=str(path)).info) for n in (pre, post)]
        bind(Synapse(text, name=synapse, file=str(path)).info, *neurons, target)
        return
    eq.Neuron(text, file=str(path))


def test_there_are_at_least_forty_invalid_models():
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_model_reports_exact_position(path):
    text = path.read_text()
    line, column, gist = _EXPECT.match(text.splitlines()[0]).groups()
    with pytest.raises(eq.ModelError) as caught:
        build(path, text)
    error = caught.value
    rendered = str(error)
    assert (error.line, error.column) == (int(line), int(column)), rendered
    assert gist in rendered, rendered
    assert error.file == str(path)
    assert rendered.startswith(f"{path}:{line}:{column}: ")
    lines = rendered.splitlines()
    source_line, caret_line = lines[1], lines[2]
    assert source_line.strip() == text.splitlines()[int(line) - 1].strip()
    assert caret_line.index("^") - source_line.index(source_line.strip()[0]) == \
        int(column) - 1 - (len(text.splitlines()[int(line) - 1]) -
                           len(text.splitlines()[int(line) - 1].lstrip()))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_every_error_has_a_hint_or_a_clear_message(path):
    with pytest.raises(eq.ModelError) as caught:
        build(path, path.read_text())
    assert len(caught.value.message) > 10
    assert "Traceback" not in str(caught.value)


def test_the_fixture_header_builds_what_it_says(tmp_path):
    """A fixture that builds fine must fail the test (so a wrong header cannot hide)."""
    path = tmp_path / "valid.eqn"
    text = ("# expect: 1:1: nothing\n# bind: S pre=A post=A\nneuron A:\n"
            "    equations: dv/dt = -v\n    spike: v > 1\nsynapse S:\n    on_pre: v += w\n")
    path.write_text(text)
    build(path, text)                   # builds: no error to report
    with pytest.raises(eq.ModelError, match="unknown name 'u'"):
        build(path, text.replace("v += w", "u += w"))
