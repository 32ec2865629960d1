"""Lark parse tree -> AST (syntax.py). Expressions become SymPy objects built from the tree."""
from __future__ import annotations

import re

import sympy
from lark import Token, Transformer, v_args
from lark.exceptions import VisitError

from . import syntax as ast
from .errors import ModelError, Source, Span, did_you_mean
from .functions import BUILTINS, derivative_symbol, symbol
from .parser import normalise, parse

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")
_COMPARE = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge,
            "==": sympy.Eq, "!=": sympy.Ne}


class TransformFailure(Exception):
    def __init__(self, message: str, span: Span, hint: str | None = None):
        super().__init__(message)
        self.message, self.span, self.hint = message, span, hint


def span_of(item) -> Span:
    if isinstance(item, Token):
        return Span(item.line, item.column, max(1, len(item)))
    length = item.end_pos - item.start_pos if item.end_line == item.line else 1
    return Span(item.line, item.column, max(1, length))


def _join(value, meta, *parts: ast.Expr) -> ast.Expr:
    return ast.Expr(value, span_of(meta),
                    tuple(n for p in parts for n in p.names),
                    tuple(c for p in parts for c in p.calls),
                    tuple(d for p in parts for d in p.derivatives))


def _arithmetic(op: str, meta, *parts: ast.Expr) -> ast.Expr:
    for part in parts:
        if part.is_condition():
            raise TransformFailure(f"a condition cannot be used as a number in '{op}'", part.span,
                                   "write '1 if cond else 0' or use heaviside(x)")
    values = [p.value for p in parts]
    builders = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                "/": lambda a, b: a / b, "^": lambda a, b: a ** b, "neg": lambda a: -a,
                "plus": lambda a: a}
    return _join(builders[op](*values), meta, *parts)


def _logical(op: str, meta, *parts: ast.Expr) -> ast.Expr:
    for part in parts:
        if not part.is_condition():
            raise TransformFailure(f"'{op}' needs conditions on both sides", part.span,
                                   "compare a value, e.g. 'v > 0'")
    builders = {"and": sympy.And, "or": sympy.Or, "not": sympy.Not}
    return _join(builders[op](*[p.value for p in parts]), meta, *parts)


def _constant_power(a: ast.Expr, b: ast.Expr, meta) -> sympy.Expr:
    """A power of two numbers, folded in floating point (SymPy would expand 9^9^9 exactly)."""
    try:
        value = float(a.value) ** float(b.value)
    except (OverflowError, ZeroDivisionError):
        value = float("inf")
    if isinstance(value, complex) or value != value or abs(value) == float("inf"):
        raise TransformFailure("this power of two numbers is not a finite real number",
                               span_of(meta))
    return sympy.Float(value)


@v_args(inline=True, meta=True)
class ToAST(Transformer):
    """One short method per grammar alias; expressions become ast.Expr with SymPy values."""

    # ---- expressions -------------------------------------------------------------
    def number(self, meta, token):
        text = str(token)
        if not _NUMBER.match(text):
            raise TransformFailure(f"malformed number '{text}'", span_of(token),
                                   "numbers look like 3, 0.5, .5, 1e-3 or 2.5E+2; "
                                   "write 2*x for a product")
        return ast.Expr(sympy.Float(float(text)) if any(c in text for c in ".eE")
                        else sympy.Integer(int(text)), span_of(token))

    def name(self, meta, token):
        use = ast.NameUse(str(token), span_of(token))
        return ast.Expr(symbol(str(token)), span_of(token), names=(use,))

    def derivative(self, meta, token):
        variable = re.match(r"d([A-Za-z_][A-Za-z0-9_]*)", str(token)).group(1)
        span = span_of(token)
        return ast.Expr(derivative_symbol(variable), span,
                        derivatives=(ast.NameUse(variable, Span(span.line, span.column + 1,
                                                                len(variable))),))

    def add(self, meta, a, b):
        return _arithmetic("+", meta, a, b)

    def sub(self, meta, a, b):
        return _arithmetic("-", meta, a, b)

    def mul(self, meta, a, b):
        return _arithmetic("*", meta, a, b)

    def div(self, meta, a, b):
        if b.value == 0:
            raise TransformFailure("division by zero", b.span)
        return _arithmetic("/", meta, a, b)

    def pow(self, meta, a, _op, b):
        if a.value.is_Number and b.value.is_Number:
            return _join(_constant_power(a, b, meta), meta, a, b)
        if b.value.is_Number and abs(b.value) > 1000:
            raise TransformFailure("the exponent is too large", b.span,
                                   "exponents of variables are limited to 1000")
        return _arithmetic("^", meta, a, b)

    def neg(self, meta, a):
        return _arithmetic("neg", meta, a)

    def plus(self, meta, a):
        return _arithmetic("plus", meta, a)

    def compare(self, meta, a, op, b):
        for part in (a, b):
            if part.is_condition():
                raise TransformFailure("comparisons cannot be chained", part.span,
                                       "join two comparisons with 'and'")
        return _join(_COMPARE[str(op)](a.value, b.value), meta, a, b)

    def and_(self, meta, a, b):
        return _logical("and", meta, a, b)

    def or_(self, meta, a, b):
        return _logical("or", meta, a, b)

    def not_(self, meta, a):
        return _logical("not", meta, a)

    def ifelse(self, meta, then, condition, otherwise):
        if not condition.is_condition():
            raise TransformFailure("the test of 'a if test else b' must be a condition",
                                   condition.span, "compare a value, e.g. 'v > 0'")
        for part in (then, otherwise):
            if part.is_condition():
                raise TransformFailure("both branches of 'a if test else b' must be numbers",
                                       part.span)
        value = sympy.Piecewise((then.value, condition.value), (otherwise.value, True))
        return _join(value, meta, then, condition, otherwise)

    def call_args(self, meta, *args):
        return args

    def call(self, meta, token, args=()):
        name, span = str(token), span_of(token)
        use = ast.CallUse(name, len(args), span)
        for arg in args:
            if arg.is_condition():
                raise TransformFailure(f"the arguments of {name}() must be numbers", arg.span)
        builtin = BUILTINS.get(name)
        if builtin is None:
            value = sympy.Function(name, real=True)(*[a.value for a in args]) if args else \
                sympy.Function(name, real=True)(sympy.Integer(0))
            return _join(value, meta, *args, ast.Expr(sympy.S.Zero, span, calls=(use,)))
        if not builtin.min_args <= len(args) <= builtin.max_args:
            raise TransformFailure(
                f"{name}() takes {builtin.arity_text()}, not {len(args)}", span,
                f"{name}: {builtin.summary}")
        value = builtin.build(*[a.value for a in args])
        return _join(value, meta, *args, ast.Expr(sympy.S.Zero, span, calls=(use,)))

    # ---- statements --------------------------------------------------------------
    def valued_flag(self, meta, token, value):
        return ast.Flag(str(token), value, span_of(token))

    def bare_flag(self, meta, token):
        return ast.Flag(str(token), None, span_of(token))

    def flags(self, meta, *flags):
        return tuple(flags)

    def param(self, meta, token, value, flags=()):
        return ast.Parameter(str(token), value, flags, span_of(token))

    def equation(self, meta, lhs, rhs, flags=()):
        return ast.Equation(lhs, rhs, flags, span_of(meta))

    def function_args(self, meta, *tokens):
        return tuple(ast.NameUse(str(t), span_of(t)) for t in tokens)

    def function_def(self, meta, token, *rest):
        args, body = (rest[0], rest[1]) if len(rest) == 2 else ((), rest[0])
        return ast.FunctionDef(str(token), args, body, span_of(token))

    def reset_stmt(self, meta, token, op, value):
        return ast.ResetStatement(str(token), str(op), value, span_of(token))

    def _line(self, meta, *items):
        return tuple(items)

    param_line = equation_line = function_line = reset_line = _line

    def _block(kind):
        def build(self, meta, *lines):
            return ast.Section(kind, tuple(item for line in lines for item in line),
                               span_of(meta))
        return build

    parameters = _block("parameters")
    equations = _block("equations")
    functions = _block("functions")
    reset = _block("reset")

    def spike(self, meta, condition):
        return ast.Section("spike", (condition,), span_of(meta))

    def refractory(self, meta, value):
        return ast.Section("refractory", (value,), span_of(meta))

    def method(self, meta, token):
        return ast.Section("method", (ast.MethodName(str(token), span_of(token)),),
                           span_of(meta))

    def extends(self, meta, token):
        return ast.NameUse(str(token), span_of(token))

    def neuron(self, meta, token, *rest):
        base = rest[0] if rest and isinstance(rest[0], ast.NameUse) else None
        sections = tuple(r for r in rest if isinstance(r, ast.Section))
        return ast.NeuronDecl(str(token), base, sections, span_of(token))

    def body(self, meta, *sections):
        return ast.NeuronDecl(None, None, tuple(sections), span_of(meta))

    def start(self, meta, *neurons):
        return tuple(neurons)


def to_ast(source: Source) -> ast.ModelFile:
    """Parse and transform a Source; every failure is a ModelError."""
    tree = parse(source)
    try:
        neurons = ToAST().transform(tree)
    except VisitError as error:
        failure = error.orig_exc
        if isinstance(failure, TransformFailure):
            raise ModelError(failure.message, source, failure.span, failure.hint) from None
        raise ModelError(f"cannot build this expression: {failure}", source,
                         span_of(error.obj.meta) if hasattr(error.obj, "meta") else None
                         ) from None
    return ast.ModelFile(neurons, source)


def parse_text(text: str, file: str | None = None) -> ast.ModelFile:
    return to_ast(Source(normalise(text), file))


__all__ = ["to_ast", "parse_text", "ToAST", "did_you_mean"]
