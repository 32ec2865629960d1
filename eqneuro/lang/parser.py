"""Text -> Lark parse tree. Syntax errors become ModelError, labelled by example."""
from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
from dataclasses import dataclass

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import UnexpectedEOF
from lark.indenter import DedentError, Indenter

from . import habits
from .tables import BY_NAME, DECLARATIONS, SECTION_NAMES
from ..errors import ModelError, Source, Span, did_you_mean
from ..resources import resource_dir

# Display text for the grammar's terminals, used in "expected ..." hints.
_TERMINAL_TEXT = {
    "NAME": "a name", "NUMBER": "a number", "DERIVATIVE": "a derivative dX/dt",
    "LPAR": "'('", "RPAR": "')'", "EQUAL": "'='", "COLON": "':'", "COMMA": "','",
    "SEMICOLON": "';'", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'",
    "PERCENT": "'%'",
    "POWER": "'^'", "COMPARE": "a comparison", "ASSIGN_OP": "'=' or '+='", "_NL": "end of line",
    "_INDENT": "an indented block", "_DEDENT": "end of block", "$END": "end of text",
}


class ParseFailure(Exception):
    """Raised inside the postlexer, where only a position is known."""

    def __init__(self, message: str, span: Span, hint: str | None = None):
        super().__init__(message)
        self.message, self.span, self.hint = message, span, hint


class _Indenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types: list = []
    CLOSE_PAREN_types: list = []
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4

    def handle_NL(self, token: Token):
        try:
            yield from super().handle_NL(token)
        except DedentError:
            indent = token.rsplit("\n", 1)[1]
            raise ParseFailure("inconsistent indentation: this line does not line up with "
                               "any enclosing block",
                               Span(token.end_line, len(indent) + 1),
                               "indent every line of a section by the same amount") from None


@functools.cache
def _parser() -> Lark:
    return Lark.open(str(resource_dir("grammar") / "eqneuro.lark"), parser="lalr",
                     postlex=_Indenter(), propagate_positions=True, strict=True,
                     maybe_placeholders=False, cache=True)


def normalise(text: str) -> str:
    """Dedent a model text given as a whole and end it with one newline (line numbers kept).

    A byte-order mark at the start is dropped; \\r\\n and a lone \\r end a line, as when Python
    reads a file."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = textwrap.dedent(text.expandtabs(4)).rstrip()
    return text + "\n"


@functools.lru_cache(maxsize=16)
def parse(source: Source):
    """Parse a Source (already normalised) into a Lark tree, or raise ModelError. The tree
    is cached: analysis and the display transform the same text (they never change it)."""
    if not source.text.strip() or all(
            not line.strip() or line.lstrip().startswith("#") for line in source.text.splitlines()):
        raise ModelError("the model text is empty", source, None,
                         "write at least an 'equations:' section")
    _check_parentheses(source)
    try:
        tree = _parser().parse(source.text)
    except ParseFailure as failure:
        raise ModelError(failure.message, source, failure.span, failure.hint) from None
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None
    _check_nesting(source, tree)
    return tree


@dataclass(frozen=True, slots=True)
class Declared:
    """A declaration of a model text as the grammar sees it: `kind` is the keyword that
    opens it ("neuron"), or "body" for sections written without a header."""

    kind: str
    name: str | None
    line: int


def declarations(source: Source) -> tuple[Declared, ...]:
    """The declarations of a text in order, from its parse tree (ModelError if it does not
    parse). Only their headers are read: no transform, no SymPy."""
    return tuple(Declared("body", None, node.meta.line) if node.data == "body" else
                 Declared(str(node.data), str(node.children[0]), node.meta.line)
                 for node in parse(source).children)


# How deeply expressions may nest: parentheses around an operation, conditionals, calls,
# unary minus, powers, `not`. SymPy and Cython recurse once or more per level; flat chains
# (a + b + c ..., x or y or ...) do not nest and have no limit.
MAX_NESTING = 50
_NESTING_NODES = frozenset({"ifelse", "or_", "and_", "not_", "compare", "sum", "product",
                            "neg", "plus", "pow", "call"})


def _check_nesting(source: Source, tree) -> None:
    """`dv/dt = -(-(-(...)))` more than MAX_NESTING levels deep, found without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Tree):
            continue
        if node.data in _NESTING_NODES:
            depth += 1
            if depth > MAX_NESTING:
                raise ModelError(f"this expression is nested more than {MAX_NESTING} levels "
                                 "deep", source, Span(node.meta.line, node.meta.column),
                                 "name a part of it as a derived variable (r1 = ...); flat "
                                 "sums and products (a + b + c) do not nest")
        stack.extend((child, depth) for child in reversed(node.children))


def _check_parentheses(source: Source) -> None:
    for number, line in enumerate(source.text.split("\n"), start=1):
        code = line.split("#", 1)[0]
        opened: list[int] = []
        for column, char in enumerate(code, start=1):
            if char == "(":
                opened.append(column)
            elif char == ")":
                if not opened:
                    raise ModelError("unbalanced parentheses: this ')' closes nothing", source,
                                     Span(number, column), "remove it or add the matching '('")
                opened.pop()
        if opened:
            raise ModelError("unbalanced parentheses: this '(' is never closed", source,
                             Span(number, opened[-1]),
                             "add the matching ')' on the same line")


def _syntax_error(source: Source, error: UnexpectedInput) -> ModelError:
    line, column = max(error.line, 1), max(error.column, 1)
    if isinstance(error, UnexpectedCharacters):
        return _habit(source, line, column) or _unexpected_character(source, line, column)
    token = getattr(error, "token", None)
    expected = set(getattr(error, "expected", ()) or ())
    at_end = isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END")
    if at_end:
        line = len(source.text.rstrip("\n").split("\n"))
        column = len(source.line_text(line)) + 1
    found = _empty_section(source, line, column, at_end) or _habit(source, line)
    if found is not None:
        return found
    if at_end:
        return ModelError("the text ends in the middle of a statement", source,
                          Span(line, column), _expected_hint(expected))
    label = _label(error)
    shown = _token_text(token)
    span = Span(line, column, max(1, len(str(token)) if token is not None and token.type not in (
        "_NL", "_INDENT", "_DEDENT") else 1))
    if token is not None and token.type == "NAME" and "PARAMETERS" in expected:
        return ModelError(f"unknown section '{token}'", source, span,
                          habits.hint("section", str(token)) or
                          did_you_mean(str(token), SECTION_NAMES, "sections") or
                          "sections are " + ", ".join(SECTION_NAMES))
    if token is not None and token.type == "_INDENT":
        indent = len(str(token).rsplit("\n", 1)[-1]) if str(token) else 0
        return ModelError("unexpected indentation", source,
                          Span(token.end_line or line, indent + 1),
                          "only the lines of a section are indented under its header")
    message = label or f"unexpected {shown}"
    return ModelError(message, source, span, _expected_hint(expected))


def _unexpected_character(source: Source, line: int, column: int) -> ModelError:
    char = source.line_text(line)[column - 1:column] or "?"
    span = Span(line, column)
    if char.isascii() and char.isprintable():
        return ModelError(f"unexpected character '{char}'", source, span,
                          "expressions use names, numbers, + - * / % ^ ( ) and comparisons")
    name = unicodedata.name(char, "a control character")
    code = f"U+{ord(char):04X} {name}"
    intended = LOOKALIKES.get(char)
    if intended is None:
        return ModelError(f"unexpected character {code}", source, span,
                          "model text is ASCII outside comments: names use A-Z, a-z, 0-9 "
                          "and _")
    if intended == "":
        return ModelError(f"invisible character {code}", source, span, "delete it")
    shown = "' ' (a plain space)" if intended == " " else f"'{intended}'"
    return ModelError(f"unexpected character {code}: did you mean {shown}?", source,
                      span, f"replace it with {shown} (such characters come from word "
                      "processors and web pages)")


# Characters that look like ASCII (or cannot be seen), with the ASCII intended; "" = delete.
LOOKALIKES = {
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ",
    "\u200a": " ", "\u202f": " ", "\u3000": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00d7": "*", "\u2217": "*", "\u22c5": "*", "\u00b7": "*", "\u2219": "*",
    "\u00f7": "/", "\u2215": "/", "\u2044": "/",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "==",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'",
    "\uff08": "(", "\uff09": ")", "\uff1d": "=", "\uff0b": "+", "\uff1a": ":",
    "\uff1b": ";", "\uff0c": ",", "\u2236": ":",
}

_HEADER = re.compile(r"^\s*(?:(?P<kind>" + "|".join(DECLARATIONS) + r")\s+"
                     r"(?P<neuron>[A-Za-z_]\w*)(?:\s+extends\s+[A-Za-z_]\w*)?"
                     r"|(?P<section>" + "|".join(SECTION_NAMES) + r"))\s*:\s*(?:#.*)?$")
_STARTS_SECTION = re.compile(r"^\s*(?:(?:" + "|".join(DECLARATIONS) + r")\s+[A-Za-z_]\w*[^:]*|"
                             + "|".join(SECTION_NAMES) + r")\s*:")
_ONE_LINE = {s.name: s.example for s in BY_NAME.values() if s.one_line}


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _code_line(source: Source, line: int, step: int) -> int | None:
    """The nearest line from `line` on (going by `step`) that is neither blank nor comment."""
    total = len(source.text.split("\n"))
    while 1 <= line <= total:
        text = source.line_text(line).strip()
        if text and not text.startswith("#"):
            return line
        line += step
    return None


def _empty_section(source: Source, line: int, column: int, at_end: bool) -> ModelError | None:
    """`parameters:` with nothing under it, or with its lines not indented."""
    here = _HEADER.match(source.line_text(line))
    if here and column > len(source.line_text(line).split("#")[0].rstrip()):
        below = _code_line(source, line + 1, 1)
        kind = here["section"]
        if kind in _ONE_LINE and below and \
                _indent(source.line_text(below)) > _indent(source.line_text(line)):
            return ModelError(f"'{kind}' is written on its header line", source,
                              Span(below, _indent(source.line_text(below)) + 1),
                              f"write e.g. '{_ONE_LINE[kind]}'")
        return _empty(source, line, here)
    header_line = _code_line(source, line if at_end else line - 1, -1)
    if header_line is None:
        return None
    header_text = source.line_text(header_line)
    header = _HEADER.match(header_text)
    text = source.line_text(line)
    if header is None or (not at_end and (column != _indent(text) + 1
                                          or _indent(text) > _indent(header_text))):
        return None
    starts = _STARTS_SECTION.match(text)
    if at_end or starts and (header["section"] or text.lstrip().startswith(DECLARATIONS)):
        return _empty(source, header_line, header)
    what = f"the lines of section '{header['section']}'" if header["section"] else \
        f"the sections of {header['kind']} '{header['neuron']}'"
    return ModelError(f"{what} must be indented under its header", source,
                      Span(line, column), f"indent them under '{header_text.strip()}'")


def _empty(source: Source, line: int, header) -> ModelError:
    text = source.line_text(line)
    start = _indent(text) + 1
    if header["neuron"]:
        return ModelError(f"{header['kind']} '{header['neuron']}' has no sections", source,
                          Span(line, start, len(header["kind"])),
                          f"indent its sections under '{text.strip()}'")
    kind = header["section"]
    return ModelError(f"section '{kind}' is empty", source, Span(line, start, len(kind)),
                      f"write e.g. '{_ONE_LINE[kind]}'" if kind in _ONE_LINE else
                      f"indent its lines under '{kind}:', or remove it")


def _habit(source: Source, line: int, column: int | None = None) -> ModelError | None:
    """A Brian2 or ANNarchy spelling such as `(unless refractory)` on the line of a syntax
    error (with `column`: written over the unexpected character)."""
    found = habits.on_line(source.line_text(line), column)
    if found is None:
        return None
    column, message, hint = found
    return ModelError(message, source, Span(line, column), hint)


def _token_text(token) -> str:
    if token is None:
        return "input"
    if token.type == "_NL":
        return "end of line"
    if token.type == "_DEDENT":
        return "end of block"
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "NUMBER":
        return f"number {token}"
    return f"'{token}'"


def _expected_hint(expected: set[str]) -> str | None:
    if not expected:
        return None
    words = sorted({_TERMINAL_TEXT.get(name, f"'{name.lower()}'") for name in expected})
    if len(words) > 8:
        return None
    return "expected " + " or ".join(words)


# Syntax errors labelled by example (Lark's match_examples): the parser state and token
# of each failing example identify a class of mistakes.
_EXAMPLES = {
    "two values without an operator between them": [
        "equations:\n    dv/dt = 2 v\n", "spike: v 2\n", "equations:\n    x = a b\n",
        "equations:\n    dv/dt = (a) b\n", "equations: dv/dt = 2 v\n", "parameters: a = 2 b\n",
        "equations:\n    dv/dt = v 2\n", "equations: dv/dt = v 2\n",
        "equations:\n    dv/dt = 2*v 3\n", "equations: dv/dt = 2*v 3\n", "psp: w r_pre\n",
        "psp: w*r 2\n",
    ],
    "a section header needs ':' after its name": [
        "parameters\n    a = 1\n", "equations\n    dv/dt = 1\n",
    ],
    "comparisons cannot be chained; join them with 'and'": [
        "spike: 0 < v < 1\n", "spike: a > b > c\n",
    ],
    "an operator is missing its right-hand operand": [
        "spike: v >\n", "equations:\n    dv/dt = v +\n", "equations:\n    dv/dt = v *\n",
        "equations:\n    dv/dt = -\n", "equations: dv/dt = v +\n", "reset: v = v *\n",
        "equations:\n    dv/dt = v /\n", "equations: dv/dt = v /\n", "equations: dv/dt = v %\n",
        "equations:\n    dv/dt = v %\n", "equations:\n    dv/dt = v ^\n",
        "equations: dv/dt = v ^\n", "parameters: a = 1 /\n", "spike: v > 1 or\n",
        "spike: v > 1 and\n", "spike: not\n", "psp: w *\n", "psp: w +\n",
    ],
    "a parameter is written 'name = value'": [
        "parameters:\n    a 1\n", "parameters:\n    a\n",
    ],
    "a statement is written 'name = value' or 'name += value'": [
        "reset: v\n", "reset: 1 = v\n", "reset: v 1\n", "on_pre: g\n", "on_pre: 1 = v\n",
    ],
    "an equation needs '=' between its two sides": [
        "equations:\n    dv/dt\n", "equations:\n    v + 1\n",
    ],
}


@functools.cache
def _compiled_examples():
    """Each example at top level, inside `neuron X:`, `synapse X:` and a variant, as a first or a
    later section: Lark compares the parser's stack depth too."""
    def contexts(example: str):
        texts = [example, "method: euler\n" + example]
        return texts + [head + textwrap.indent(text, "    ") for text in texts
                        for head in ("neuron X:\n", "neuron X extends Y:\n", "synapse X:\n")]
    return {label: [c for example in examples for c in contexts(example)]
            for label, examples in _EXAMPLES.items()}


def _label(error: UnexpectedInput) -> str | None:
    if not isinstance(error, UnexpectedToken):
        return None
    try:
        return error.match_examples(_parser().parse, _compiled_examples(), use_accepts=True)
    except Exception:      # a labelling failure must never hide the real error
        return None
