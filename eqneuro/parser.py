"""Text -> Lark parse tree. Syntax errors become ModelError, labelled by example."""
from __future__ import annotations

import functools
import textwrap

from lark import Lark, Token, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import UnexpectedEOF
from lark.indenter import DedentError, Indenter

from .errors import ModelError, Source, Span, did_you_mean
from .resources import resource_dir

SECTIONS = ("parameters", "equations", "functions", "spike", "reset", "refractory", "method")

# Display text for the grammar's terminals, used in "expected ..." hints.
_TERMINAL_TEXT = {
    "NAME": "a name", "NUMBER": "a number", "DERIVATIVE": "a derivative dX/dt",
    "LPAR": "'('", "RPAR": "')'", "EQUAL": "'='", "COLON": "':'", "COMMA": "','",
    "SEMICOLON": "';'", "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'",
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
    """Dedent a model text given as a whole and end it with one newline (line numbers kept)."""
    text = textwrap.dedent(text.expandtabs(4)).rstrip()
    return text + "\n"


def parse(source: Source):
    """Parse a Source (already normalised) into a Lark tree, or raise ModelError."""
    if not source.text.strip() or all(
            not line.strip() or line.lstrip().startswith("#") for line in source.text.splitlines()):
        raise ModelError("the model text is empty", source, None,
                         "write at least an 'equations:' section")
    _check_parentheses(source)
    try:
        return _parser().parse(source.text)
    except ParseFailure as failure:
        raise ModelError(failure.message, source, failure.span, failure.hint) from None
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None


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
        char = source.line_text(line)[column - 1:column] or "?"
        return ModelError(f"unexpected character '{char}'", source, Span(line, column),
                          "expressions use names, numbers, + - * / ^ ( ) and comparisons")
    token = getattr(error, "token", None)
    expected = set(getattr(error, "expected", ()) or ())
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        last = len(source.text.rstrip("\n").split("\n"))
        text = source.line_text(last)
        return ModelError("the text ends in the middle of a statement", source,
                          Span(last, len(text) + 1), _expected_hint(expected))
    label = _label(error)
    shown = _token_text(token)
    span = Span(line, column, max(1, len(str(token)) if token is not None and token.type not in (
        "_NL", "_INDENT", "_DEDENT") else 1))
    if token is not None and token.type == "NAME" and "PARAMETERS" in expected:
        return ModelError(f"unknown section '{token}'", source, span,
                          did_you_mean(str(token), SECTIONS, "sections") or
                          "sections are " + ", ".join(SECTIONS))
    if token is not None and token.type == "_INDENT":
        indent = len(str(token).rsplit("\n", 1)[-1]) if str(token) else 0
        return ModelError("unexpected indentation", source,
                          Span(token.end_line or line, indent + 1),
                          "only the lines of a section are indented under its header")
    message = label or f"unexpected {shown}"
    return ModelError(message, source, span, _expected_hint(expected))


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
    ],
    "a parameter is written 'name = value'": [
        "parameters:\n    a 1\n", "parameters:\n    a\n",
    ],
    "a reset statement is written 'name = value' or 'name += value'": [
        "reset: v\n", "reset: 1 = v\n", "reset: v 1\n",
    ],
    "an equation needs '=' between its two sides": [
        "equations:\n    dv/dt\n", "equations:\n    v + 1\n",
    ],
}


@functools.cache
def _compiled_examples():
    """Each example at top level, inside `neuron X:` and inside a variant, as a first or a
    later section: Lark compares the parser's stack depth too."""
    def contexts(example: str):
        texts = [example, "method: euler\n" + example]
        return texts + [head + textwrap.indent(text, "    ") for text in texts
                        for head in ("neuron X:\n", "neuron X extends Y:\n")]
    return {label: [c for example in examples for c in contexts(example)]
            for label, examples in _EXAMPLES.items()}


def _label(error: UnexpectedInput) -> str | None:
    if not isinstance(error, UnexpectedToken):
        return None
    try:
        return error.match_examples(_parser().parse, _compiled_examples(), use_accepts=True)
    except Exception:      # a labelling failure must never hide the real error
        return None
