"""Error types and their rendering: `file:line:col: message`, the line, a caret, a hint."""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Model text plus where it came from (a file name, or None for a Python string)."""

    text: str
    file: str | None = None

    def line_text(self, line: int) -> str:
        lines = self.text.split("\n")          # the grammar's line breaks, not str.splitlines
        return lines[line - 1].rstrip("\r") if 1 <= line <= len(lines) else ""


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based position in a Source; `length` is how many characters the caret covers."""

    line: int
    column: int
    length: int = 1


class ModelError(ValueError):
    """An invalid model text. Has `.file`, `.line`, `.column`, `.message` and `.hint`."""

    def __init__(self, message: str, source: Source | None = None, span: Span | None = None,
                 hint: str | None = None):
        self.message = message
        self.source = source
        self.file = source.file if source else None
        self.line = span.line if span else None
        self.column = span.column if span else None
        self.span = span
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file or "<model>"
        if self.line is None:
            head = f"{where}: {self.message}"
            return head + (f"\n  hint: {self.hint}" if self.hint else "")
        head = f"{where}:{self.line}:{self.column}: {self.message}"
        text = self.source.line_text(self.line) if self.source else ""
        text, start = _window(text.rstrip(), self.column)
        caret = " " * (self.column - 1 - start) + "^" * max(1, min(self.span.length,
                                                                 _SHOWN - self.column + start))
        out = [head, "    " + text, "    " + caret]
        if self.hint:
            out.append("  hint: " + self.hint)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self):
        return (ModelError, (self.message, self.source, self.span, self.hint))


_SHOWN = 100     # at most this many characters of a long line are shown around the caret


def _window(text: str, column: int) -> tuple[str, int]:
    """The part of a long line around `column`, and how many characters were cut before it;
    a cut is shown as '...' replacing the characters it covers, so the caret stays aligned.
    Control characters (a stray \\r) are shown as spaces."""
    text = "".join(" " if unicodedata.category(c) == "Cc" and c != "\t" else c for c in text)
    if len(text) <= _SHOWN:
        return text, 0
    start = max(0, min(column - 1 - _SHOWN // 2, len(text) - _SHOWN))
    shown = text[start:start + _SHOWN]
    if start > 0:
        shown = "..." + shown[3:]
    if start + _SHOWN < len(text):
        shown = shown[:-3] + "..."
    return shown, start


class BuildError(RuntimeError):
    """The C compiler or Cython failed on a generated kernel; carries the log and the .pyx path."""

    def __init__(self, message: str, log: str = "", pyx_path: str | None = None):
        self.log = log
        self.pyx_path = pyx_path
        detail = f"\n  kernel source: {pyx_path}" if pyx_path else ""
        detail += f"\n--- compiler log ---\n{log.strip()}" if log.strip() else ""
        super().__init__(message + detail)


class SimulationError(RuntimeError):
    """The state became NaN or infinite during a run."""


def closest(name: str, candidates) -> str | None:
    """The known name closest to `name`, or None when nothing is close."""
    same_letters = [c for c in sorted(set(candidates)) if c.lower() == name.lower()]
    if same_letters:
        return same_letters[0]
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(name: str, candidates, what: str = "") -> str | None:
    best = closest(name, candidates)
    if best is not None:
        return f"did you mean '{best}'?"
    known = sorted(set(candidates))
    if known and what:
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        return f"known {what}: {shown}"
    return None
