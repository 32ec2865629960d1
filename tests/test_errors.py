"""Every invalid model raises ModelError at the exact line and column, with a useful message.

Each fixture in tests/models/invalid/ states its expectation in its first line:
    # expect: LINE:COLUMN: words that must appear in the message or hint
"""
import re
from pathlib import Path

import pytest

import eqneuro as eq

INVALID = sorted((Path(__file__).parent / "models" / "invalid").glob("*.eqn"))
_EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")


def test_there_are_at_least_forty_invalid_models():
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_model_reports_exact_position(path):
    text = path.read_text()
    line, column, gist = _EXPECT.match(text.splitlines()[0]).groups()
    with pytest.raises(eq.ModelError) as caught:
        eq.Neuron(text, file=str(path))
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
        eq.Neuron(path.read_text(), file=str(path))
    assert len(caught.value.message) > 10
    assert "Traceback" not in str(caught.value)
