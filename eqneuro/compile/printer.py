"""SymPy -> Cython expressions: a C99 printer subclass plus rewrites and CSE.

Every SymPy node a model can produce prints here or fails loudly: the built-ins through the
one table in functions.py (libc math as `_libm.name`, NaN-propagating eq_* helpers of the
kernel template), numbers (NaN and infinities included), conditionals and conditions as
0/1 C integers (so that a condition inside a conditional never becomes a Python object)."""
from __future__ import annotations

import math

import sympy
from sympy.printing.c import C99CodePrinter

from ..functions import BUILTINS, MANY, node_table
from .kernel_abi import c_name

LIBM = "_libm"      # the template's `from libc cimport math as _libm`


def internal_name(symbol: sympy.Symbol) -> str:
    """Internal symbols ($k1_v, $active) print as _k1_v, _active: users cannot write '$'."""
    return "_" + symbol.name[1:].replace("$", "_")


def c_call(c: str, args: list[str]) -> str:
    """A call of a table C spelling: eq_* helpers by name, libc math through _libm."""
    function = c if c.startswith("eq_") else f"{LIBM}.{c}"
    return f"{function}({', '.join(args)})"


# Operands per flat chain of + * & | in the printed kernel; longer chains are split in halves.
CHAIN = 32


class CythonPrinter(C99CodePrinter):
    """Prints expressions as Cython: conditionals, boolean words, safe identifiers."""

    printmethod = "_cython"

    def __init__(self, names: dict[str, str] | None = None):
        super().__init__({"strict": False})
        self.known_functions = {}
        self.names = names or {}

    def _print(self, expr, **kwargs):
        row = node_table().get(type(expr))
        if row is not None:
            return self._print_builtin(row, expr)
        return super()._print(expr, **kwargs)

    def _print_builtin(self, row, expr):
        args = [self._print(a) for a in expr.args]
        if row.max_args == MANY and len(args) > 2:         # min, max: fold
            out = args[0]
            for arg in args[1:]:
                out = c_call(row.c, [out, arg])
            return out
        if row.node == "Heaviside" and len(args) == 1:
            args.append("0.5")
        return c_call(row.c, args)

    def _print_not_supported(self, expr):
        raise TypeError(f"eqneuro cannot print {type(expr).__name__} into a kernel: {expr}")

    def _print_Symbol(self, expr):
        if expr.name in self.names:
            return self.names[expr.name]
        if expr.name.startswith("$"):
            return internal_name(expr)
        return c_name(expr.name)

    def _print_Float(self, expr):
        value = float(expr)
        if math.isnan(value):
            return "eq_nan"
        if math.isinf(value):
            return "eq_inf" if value > 0 else "(-eq_inf)"
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"

    def _print_NaN(self, expr):
        return "eq_nan"

    _print_ComplexInfinity = _print_NaN       # 1/0 in SymPy: no real value

    def _print_Infinity(self, expr):
        return "eq_inf"

    def _print_NegativeInfinity(self, expr):
        return "(-eq_inf)"

    def _print_Rational(self, expr):
        return self._print_Float(sympy.Float(expr))

    def _print_Integer(self, expr):
        return f"{int(expr)}.0"

    def _print_NumberSymbol(self, expr):
        return self._print_Float(sympy.Float(expr.evalf(20)))

    _print_Exp1 = _print_Pi = _print_NumberSymbol

    def _print_Pow(self, expr):
        base, exponent = expr.as_base_exp()
        if exponent.is_Integer and 0 < abs(exponent) <= 6:
            product = self._repeated(base, abs(int(exponent)))
            return product if exponent > 0 else f"(1.0/({product}))"
        if exponent.is_Integer and exponent < 0:
            return f"(1.0/{c_call('pow', [self._print(base), self._print(-exponent)])})"
        if exponent == sympy.Rational(1, 2):
            return c_call("sqrt", [self._print(base)])
        if exponent == sympy.Rational(-1, 2):
            return f"(1.0/{c_call('sqrt', [self._print(base)])})"
        return c_call("pow", [self._print(base), self._print(exponent)])

    def _repeated(self, base, n: int) -> str:
        """x^n for small n as a product (the C compiler computes a repeated base once)."""
        text = self._print(base)
        if not (base.is_Symbol or base.is_Number):
            text = f"({text})"
        return "*".join([text] * n)

    def _print_Piecewise(self, expr):
        *pieces, last = expr.args
        if last.cond != sympy.true:
            raise ValueError("a conditional expression needs a final 'else' branch")
        out = self._print(last.expr)
        for value, condition in reversed(pieces):
            out = f"({self._print(value)} if {self._print(condition)} else {out})"
        return out

    # Conditions are C ints 0/1 without side effects: bitwise operators keep loops
    # branch-free, and a conditional between conditions (ITE) stays an int.
    def _chain(self, args, operator: str) -> str:
        if len(args) > CHAIN:             # balanced, so that Cython's parser never recurses deep
            half = len(args) // 2
            return f"({self._chain(args[:half], operator)} {operator} " \
                   f"{self._chain(args[half:], operator)})"
        return "(" + f" {operator} ".join(f"<int>{self._print(a)}" for a in args) + ")"

    def _print_And(self, expr):
        return self._chain(expr.args, "&")

    def _print_Or(self, expr):
        return self._chain(expr.args, "|")

    def _print_Xor(self, expr):
        return self._chain(expr.args, "^")

    def _print_Add(self, expr, order=None):
        if len(expr.args) <= CHAIN:
            return super()._print_Add(expr, order=order)
        half = len(expr.args) // 2
        left, right = (sympy.Add(*part, evaluate=False)
                       for part in (expr.args[:half], expr.args[half:]))
        return f"({self._print(left)}) + ({self._print(right)})"

    def _print_Mul(self, expr, **kwargs):
        if len(expr.args) <= CHAIN:
            return super()._print_Mul(expr, **kwargs)
        half = len(expr.args) // 2
        left, right = (sympy.Mul(*part, evaluate=False)
                       for part in (expr.args[:half], expr.args[half:]))
        return f"({self._print(left)})*({self._print(right)})"

    def _print_Not(self, expr):
        return f"(1 - <int>{self._print(expr.args[0])})"

    def _print_ITE(self, expr):
        condition, then, otherwise = (self._print(a) for a in expr.args)
        return f"(<int>{then} if {condition} else <int>{otherwise})"

    def _print_BooleanTrue(self, expr):
        return "1"

    def _print_BooleanFalse(self, expr):
        return "0"

    def _print_Relational(self, expr):
        return f"({self._print(expr.lhs)} {expr.rel_op} {self._print(expr.rhs)})"


def cse_statements(statements, updates, prefix: str = "_c"):
    """Common-subexpression elimination over a list of (symbol, expr) statements and the
    final (name, expr) updates. Returns (statements, updates) with new `$c*` locals."""
    targets = [e for _, e in statements] + [e for _, e in updates]
    if not targets:
        return list(statements), list(updates)
    symbols = sympy.numbered_symbols(prefix="$" + prefix.lstrip("_").lstrip("$"), real=True)
    replacements, reduced = sympy.cse(targets, symbols=symbols, order="none")
    new_statements = list(replacements)
    reduced_statements = [(s, e) for (s, _), e in zip(statements, reduced[:len(statements)])]
    reduced_updates = [(n, e) for (n, _), e in zip(updates, reduced[len(statements):])]
    # Statements must come in dependency order: interleave replacements before their use.
    ordered = _dependency_order(new_statements + reduced_statements)
    return ordered, reduced_updates


def _dependency_order(statements):
    defined = {s for s, _ in statements}
    done: set = set()
    out = []
    pending = list(statements)
    while pending:
        progressed = False
        for item in list(pending):
            needs = item[1].free_symbols & defined
            if needs <= done:
                out.append(item)
                done.add(item[0])
                pending.remove(item)
                progressed = True
        if not progressed:
            raise RuntimeError("cyclic statements after CSE")
    return out


__all__ = ["CythonPrinter", "cse_statements", "c_name"]
