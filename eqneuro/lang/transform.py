"""Lark parse tree -> AST (syntax.py). Expressions become SymPy objects built from the tree."""
from __future__ import annotations

import dataclasses
import math
import re
from itertools import chain

import sympy
from lark import Token, Transformer_NonRecursive, v_args
from lark.exceptions import VisitError

from . import syntax as ast
from ..errors import ModelError, Source, Span, did_you_mean
from ..functions import BUILTINS, INPUT_FUNCTION, derivative_symbol, input_symbol, symbol
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


def _join(value, meta, *parts: ast.Expr, operations: tuple[ast.Operation, ...] = ()) -> ast.Expr:
    """An Expr over `parts` plus `operations`; linear in the parts' sizes."""
    return ast.Expr(value, span_of(meta),
                    tuple(chain.from_iterable(p.names for p in parts)),
                    tuple(chain.from_iterable(p.calls for p in parts)),
                    tuple(chain.from_iterable(p.derivatives for p in parts)),
                    tuple(chain.from_iterable(p.operations for p in parts)) + operations,
                    tuple(chain.from_iterable(p.inputs for p in parts)))


def _numbers(op: str, parts) -> None:
    for part in parts:
        if part.is_condition():
            raise TransformFailure(f"a condition cannot be used as a number in '{op}'", part.span,
                                   "write '1 if cond else 0' or use heaviside(x)")


def _chain_numbers(first: ast.Expr, rest: tuple) -> None:
    """`a + (v > 1) - b`: each operand of a flat chain, named with the operator beside it."""
    _numbers(str(rest[0]), (first,))
    for op, part in zip(rest[::2], rest[1::2]):
        _numbers(str(op), (part,))


def _conditions(op: str, parts) -> None:
    for part in parts:
        if not part.is_condition():
            raise TransformFailure(f"'{op}' needs conditions on both sides", part.span,
                                   "compare a value, e.g. 'v > 0'")


def _divisor(operator: str, divisor: ast.Expr) -> ast.Operation:
    if divisor.value.is_zero:
        raise TransformFailure("division by zero", divisor.span,
                               f"the right side of '{operator}' is 0")
    return ast.Operation("divide", divisor.value, divisor.span)


# Up to this many operands And/Or are SymPy's own (canonical order, comparisons merged);
# beyond, SymPy's filters take seconds to minutes (Or compares every pair), so longer
# chains are built directly, in written order, with the same meaning.
_SYMPY_LOGIC_OPERANDS = 64


def _logic(kind, values) -> sympy.Basic:
    """sympy.And/Or of `values` (kind is sympy.And or sympy.Or): nested ones flattened,
    the neutral element dropped, the absorbing one returned, repeats dropped."""
    neutral, absorbing = (sympy.true, sympy.false) if kind is sympy.And else \
        (sympy.false, sympy.true)
    args = []
    for arg in dict.fromkeys(chain.from_iterable(
            v.args if isinstance(v, kind) else (v,) for v in values)):
        if arg == absorbing:
            return absorbing
        if arg != neutral:
            args.append(arg)
    if len(args) <= _SYMPY_LOGIC_OPERANDS:
        return kind(*args)
    return sympy.Basic.__new__(kind, *args)


def _guarded(branch: ast.Expr, test, outcome: bool) -> tuple[ast.Operation, ...]:
    return tuple(dataclasses.replace(o, guards=((test, outcome),) + o.guards)
                 for o in branch.operations)


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


def _input_sum(meta, span: Span, args) -> ast.Expr:
    """`sum(exc)`: the weighted input of target `exc`, a symbol no user name can spell."""
    if not args:
        raise TransformFailure("sum() needs a target: the name that projections deliver to",
                               span, "write e.g. sum(exc) for the input of the projections "
                               "with target 'exc'")
    if len(args) > 1:
        raise TransformFailure(f"sum() takes one target, not {len(args)}", args[1].span,
                               "add the inputs of two targets: sum(exc) + sum(inh)")
    (arg,) = args
    if not (len(arg.names) == 1 and arg.span == arg.names[0].span):     # a name as written
        raise TransformFailure("the argument of sum() must be a target name, e.g. sum(exc)",
                               arg.span, "sum(T) is the weighted input of the projections "
                               "with target T; to add values, write a + b")
    target, where = arg.names[0].name, span_of(meta)
    return ast.Expr(input_symbol(target), where, inputs=(ast.NameUse(target, where),))


@v_args(inline=True, meta=True)
class ToAST(Transformer_NonRecursive):
    """One short method per grammar alias; expressions become ast.Expr with SymPy values."""

    # ---- expressions -------------------------------------------------------------
    def number(self, meta, token):
        text = str(token)
        if not _NUMBER.match(text):
            raise TransformFailure(f"malformed number '{text}'", span_of(token),
                                   "numbers look like 3, 0.5, .5, 1e-3 or 2.5E+2; "
                                   "write 2*x for a product")
        if not math.isfinite(float(text)):
            raise TransformFailure(f"the number {text} is too large", span_of(token),
                                   "numbers are double precision: at most about 1.8e308")
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

    def sum(self, meta, first, *rest):
        """`a + b - c ...`: one flat Add, however many terms."""
        parts = (first,) + rest[1::2]
        _chain_numbers(first, rest)
        terms = [first.value] + [-p.value if str(op) == "-" else p.value
                                 for op, p in zip(rest[::2], rest[1::2])]
        return _join(sympy.Add(*terms), meta, *parts)

    def product(self, meta, first, *rest):
        """`a * b / c % d ...`, left to right; `%` is Python's modulo (sign of the divisor)."""
        parts = (first,) + rest[1::2]
        _chain_numbers(first, rest)
        factors, divisions = [first.value], []
        for op, part in zip(rest[::2], rest[1::2]):
            if str(op) == "*":
                factors.append(part.value)
                continue
            divisions.append(_divisor(str(op), part))
            if str(op) == "/":
                factors.append(1 / part.value)
            else:
                factors = [sympy.Mod(sympy.Mul(*factors), part.value)]
        return _join(sympy.Mul(*factors), meta, *parts, operations=tuple(divisions))

    def pow(self, meta, a, _op, b):
        _numbers("^", (a, b))
        if a.value.is_Number and b.value.is_Number:
            return _join(_constant_power(a, b, meta), meta, a, b)
        if b.value.is_Number and abs(b.value) > 1000:
            raise TransformFailure("the exponent is too large", b.span,
                                   "exponents of variables are limited to 1000")
        value = a.value ** b.value
        return _join(value, meta, a, b, operations=(ast.Operation("power", value, span_of(meta)),))

    def neg(self, meta, a):
        _numbers("-", (a,))
        return _join(-a.value, meta, a)

    def plus(self, meta, a):
        _numbers("+", (a,))
        return _join(a.value, meta, a)

    def compare(self, meta, a, op, b):
        for part in (a, b):
            if part.is_condition():
                raise TransformFailure("comparisons cannot be chained", part.span,
                                       "join two comparisons with 'and'")
        # SymPy would ask its assumptions whether v - 3 > 0 (milliseconds per comparison);
        # only comparisons of constants are decided now.
        constant = not (a.value.free_symbols or b.value.free_symbols)
        return _join(_COMPARE[str(op)](a.value, b.value, evaluate=constant), meta, a, b)

    def and_(self, meta, *parts):
        _conditions("and", parts)
        return _join(_logic(sympy.And, [p.value for p in parts]), meta, *parts)

    def or_(self, meta, *parts):
        _conditions("or", parts)
        return _join(_logic(sympy.Or, [p.value for p in parts]), meta, *parts)

    def not_(self, meta, a):
        _conditions("not", (a,))
        return _join(sympy.Not(a.value), meta, a)

    def ifelse(self, meta, then, condition, otherwise):
        if not condition.is_condition():
            raise TransformFailure("the test of 'a if test else b' must be a condition",
                                   condition.span, "compare a value, e.g. 'v > 0'")
        for part in (then, otherwise):
            if part.is_condition():
                raise TransformFailure("both branches of 'a if test else b' must be numbers",
                                       part.span)
        value = sympy.Piecewise((then.value, condition.value), (otherwise.value, True))
        joined = _join(value, meta, then, condition, otherwise)
        return dataclasses.replace(joined, operations=_guarded(then, condition.value, True)
                                   + condition.operations
                                   + _guarded(otherwise, condition.value, False))

    def call_args(self, meta, *args):
        return args

    def call(self, meta, token, args=()):
        name, span = str(token), span_of(token)
        if name == INPUT_FUNCTION:
            return _input_sum(meta, span, args)
        condition = next((a.span for a in args if a.is_condition()), None)
        use = ast.CallUse(name, len(args), span, condition, tuple(a.value for a in args))
        builtin = BUILTINS.get(name)
        if builtin is None:     # a user function, or unknown: checks.calls_known decides
            value = sympy.Function(name, real=True)(*[a.value for a in args])
            return _join(value, meta, ast.Expr(sympy.S.Zero, span, calls=(use,)), *args)
        if condition is not None:
            raise TransformFailure(f"the arguments of {name}() must be numbers", condition)
        if builtin.draws and builtin.min_args == 0 and len(args) not in (0, 2):
            raise TransformFailure(f"{name}() takes no arguments or two, not {len(args)}", span,
                                   f"{name}: {builtin.summary}")
        if not builtin.min_args <= len(args) <= builtin.max_args:
            raise TransformFailure(
                f"{name}() takes {builtin.arity_text()}, not {len(args)}", span,
                f"{name}: {builtin.summary}")
        if builtin.draws:
            value = builtin.build(span.line, span.column, *[a.value for a in args])
        else:
            value = builtin.build(*[a.value for a in args])
        return _join(value, meta, ast.Expr(sympy.S.Zero, span, calls=(use,)), *args,
                     operations=(ast.Operation("call", value, span_of(meta), name),))

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

    def statement(self, meta, token, op, value):
        return ast.Statement(str(token), str(op), value, span_of(token))

    def _line(self, meta, *items):
        return tuple(items)

    param_line = equation_line = function_line = statement_line = _line

    def _block(kind):
        def build(self, meta, *lines):
            return ast.Section(kind, tuple(item for line in lines for item in line),
                               span_of(meta))
        return build

    parameters = _block("parameters")
    equations = _block("equations")
    functions = _block("functions")
    reset = _block("reset")
    on_pre = _block("on_pre")
    on_post = _block("on_post")

    def _one_item(kind):
        def build(self, meta, item):
            return ast.Section(kind, (item,), span_of(meta))
        return build

    spike = _one_item("spike")
    refractory = _one_item("refractory")
    psp = _one_item("psp")

    def method(self, meta, token):
        return ast.Section("method", (ast.MethodName(str(token), span_of(token)),),
                           span_of(meta))

    def extends(self, meta, token):
        return ast.NameUse(str(token), span_of(token))

    def _declaration(kind):
        def build(self, meta, token, *rest):
            base = rest[0] if rest and isinstance(rest[0], ast.NameUse) else None
            sections = tuple(r for r in rest if isinstance(r, ast.Section))
            return ast.Declaration(kind, str(token), base, sections, span_of(token))
        return build

    neuron = _declaration("neuron")
    synapse = _declaration("synapse")

    def body(self, meta, *sections):
        return ast.Declaration(None, None, None, tuple(sections), span_of(meta))

    def start(self, meta, *declarations):
        return tuple(declarations)


def to_ast(source: Source) -> ast.ModelFile:
    """Parse and transform a Source; every failure is a ModelError."""
    tree = parse(source)
    try:
        declarations = ToAST(visit_tokens=False).transform(tree)
    except VisitError as error:
        failure = error.orig_exc
        if isinstance(failure, TransformFailure):
            raise ModelError(failure.message, source, failure.span, failure.hint) from None
        span = span_of(error.obj.meta) if hasattr(error.obj, "meta") else None
        if isinstance(failure, RecursionError):
            raise ModelError("this expression is nested too deeply", source, span,
                             "name a part of it as a derived variable (r1 = ...)") from None
        raise ModelError(f"cannot build this expression: {failure}", source, span) from None
    return ast.ModelFile(declarations, source)


def parse_text(text: str, file: str | None = None) -> ast.ModelFile:
    return to_ast(Source(normalise(text), file))


__all__ = ["to_ast", "parse_text", "ToAST", "did_you_mean"]
