"""SymPy function classes that eqneuro adds to SymPy's own (imported only with SymPy)."""
from __future__ import annotations

import sympy


class Exprel(sympy.Function):
    """exprel(x) = (exp(x) - 1)/x with exprel(0) = 1 (Brian2's exprel, SciPy's exprel)."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sympy.Integer(1)
        return None

    def fdiff(self, argindex=1):
        x = self.args[0]
        return (sympy.exp(x) - self) / x

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sympy.Piecewise((sympy.Integer(1), sympy.Eq(x, 0)), ((sympy.exp(x) - 1) / x, True))

    def _eval_evalf(self, prec):
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_number:
            return None
        return ((sympy.exp(x) - 1) / x)._eval_evalf(prec) if x != 0 else sympy.Float(1, prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class PoissonCount(sympy.Function):
    """PoissonCount(u, lam): the Poisson count of mean lam that the uniform draw u selects
    (the smallest k with u < P(N <= k)); `poisson(lam)` in model text. Piecewise constant in
    both arguments, so its derivatives are 0. The kernel's form has exp(-lam) as a third
    argument (compile/codegen.py)."""

    nargs = (2, 3)

    def fdiff(self, argindex=1):
        return sympy.Integer(0)

    def _eval_is_real(self):
        return True
