"""The documentation stays true: every code block of README.md and docs/*.md is executed.

- ```python (or ```py) blocks of one file run in order in ONE namespace, in a temporary
  working directory, with matplotlib's Agg backend. A block that raises fails the file's
  test, with the traceback pointing into the Markdown file (its real line numbers). A
  block that starts with `>>>` is run as a doctest (its shown output is compared).
- ```eqn blocks are model text: each neuron of the block must be accepted by eq.Neuron.
  A block whose first line is `# invalid` must raise eq.ModelError instead.
- ```text, ```bash and every other language are shown, not executed. To show Python that
  must not run, add `no-run` to the info string: ```python no-run.
"""
from __future__ import annotations

import doctest
import re
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import pytest  # noqa: E402

import eqneuro as eq  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ("python", "py", "python3")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_NEURON = re.compile(r"^[ \t]*neuron[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    path: Path
    line: int            # 1-based line of the first line of code (after the fence)
    language: str
    flags: tuple[str, ...]
    code: str

    @property
    def where(self) -> str:
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}"


def documents() -> list[Path]:
    """README.md (if it exists yet) and docs/*.md."""
    readme = [ROOT / "README.md"] if (ROOT / "README.md").is_file() else []
    return readme + sorted((ROOT / "docs").glob("*.md"))


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, with their language and position."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        opening = _FENCE.match(lines[number])
        number += 1
        if opening is None:
            continue
        fence, indent = opening["fence"], len(opening["indent"].expandtabs(4))
        words = opening["info"].split()
        start, body = number, []
        while number < len(lines):
            closing = _FENCE.match(lines[number])
            if closing and closing["fence"][0] == fence[0] and \
                    len(closing["fence"]) >= len(fence) and not closing["info"]:
                break
            line = lines[number].expandtabs(4)
            strip = min(indent, len(line) - len(line.lstrip(" ")))
            body.append(line[strip:])
            number += 1
        number += 1       # the closing fence (or the end of an unclosed block)
        language = words[0].lower() if words else ""
        found.append(Block(path, start + 1, language, tuple(words[1:]), "\n".join(body) + "\n"))
    return found


def _python_blocks(path: Path) -> list[Block]:
    return [b for b in blocks(path) if b.language in PYTHON and "no-run" not in b.flags]


def _eqn_blocks() -> list[Block]:
    return [b for path in documents() for b in blocks(path) if b.language == "eqn"]


# ---- python ---------------------------------------------------------------------------

def _run_doctest(block: Block, namespace: dict) -> None:
    test = doctest.DocTestParser().get_doctest(block.code, namespace, block.where,
                                               str(block.path), block.line - 1)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    if runner.failures:
        pytest.fail(f"{block.where}: doctest failed\n" + "".join(report), pytrace=False)


def _run_script(block: Block, namespace: dict) -> None:
    # Pad with empty lines so that tracebacks show the Markdown file's own line numbers.
    source = "\n" * (block.line - 1) + block.code
    try:
        exec(compile(source, str(block.path), "exec"), namespace)
        problem = None
    except Exception:
        problem = traceback.format_exc()
    if problem is not None:
        shown = textwrap.indent(block.code.rstrip(), "    ")
        pytest.fail(f"{block.where}: this python block raised\n{shown}\n\n{problem}",
                    pytrace=False)


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(path, tmp_path, monkeypatch):
    """All python blocks of one file, in order, in one namespace."""
    code = _python_blocks(path)
    if not code:
        pytest.skip(f"{path.name} has no python blocks")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    try:
        for block in code:
            if block.code.lstrip().startswith(">>>"):
                _run_doctest(block, namespace)
            else:
                _run_script(block, namespace)
    finally:
        plt.close("all")


# ---- eqn ------------------------------------------------------------------------------

def _neurons(text: str) -> list[str | None]:
    """Every neuron of a model text (None: one neuron without a `neuron` header)."""
    return _NEURON.findall(text) or [None]


def _check_model(text: str) -> None:
    for name in _neurons(text):
        eq.Neuron(text, name=name)


@pytest.mark.parametrize("block", _eqn_blocks(), ids=lambda b: b.where)
def test_eqn_block(block):
    invalid = block.code.lstrip().lower().startswith("# invalid")
    if invalid:
        try:
            _check_model(block.code)
        except eq.ModelError:
            return
        pytest.fail(f"{block.where}: this block starts with '# invalid', but eq.Neuron "
                    "accepts it", pytrace=False)
    try:
        _check_model(block.code)
        problem = None
    except eq.ModelError as error:
        problem = str(error)
    if problem is not None:
        pytest.fail(f"{block.where}: this model text is invalid (start the block with "
                    f"'# invalid' if that is the point):\n{problem}", pytrace=False)


# ---- the collector itself -------------------------------------------------------------

def test_blocks_are_found_with_language_position_and_indentation(tmp_path):
    sample = tmp_path / "sample.md"
    sample.write_text(
        "text\n```python\nx = 1\n```\n\n- item\n\n  ```eqn\n  equations: dv/dt = -v\n  ```\n"
        "````text\n```python\nnot code\n```\n````\n```python no-run\nraise SystemExit\n```\n")
    found = blocks(sample)
    assert [(b.language, b.line, b.code) for b in found] == [
        ("python", 3, "x = 1\n"), ("eqn", 9, "equations: dv/dt = -v\n"),
        ("text", 12, "```python\nnot code\n```\n"), ("python", 17, "raise SystemExit\n")]
    assert found[3].flags == ("no-run",)


def test_the_docs_have_code_to_check():
    names = {p.name for p in documents()}
    assert {"language.md", "api.md"} <= names
    assert len(_eqn_blocks()) >= 10
