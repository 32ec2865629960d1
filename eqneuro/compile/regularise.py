"""Removable singularities: 0/0 points such as the HH rate (v+60)/(1-exp(-0.1*(v+60))) at
v = -60 are replaced near the point by their limit, so that the model stays finite for every
finite state. Works on any quotient whose numerator and denominator vanish together at a
real root of the denominator in one state variable, when both are smooth there (so that the
limit exists and is the same from both sides: abs(v)/v, a jump, is left alone)."""
from __future__ import annotations

import dataclasses

import sympy

from ..functions import symbol
from ..lang.model import Assignment, NeuronModel, StateVariable

# Half-width of the guard around a singular point. The quotient's rounding error there is
# about 1e-16/1e-7 = 1e-9 relative; the limit's error is |f'| * 1e-7.
GUARD = 1e-7


def regularise(model: NeuronModel) -> NeuronModel:
    variables = [symbol(n) for n in model.state_names]
    fix = lambda e: guard_expression(e, variables)
    assignments = tuple(Assignment(a.name, fix(a.value)) for a in model.assignments)
    state = tuple(StateVariable(s.name, fix(s.derivative), s.init, s.lower, s.upper,
                                s.hold_when_refractory) for s in model.state)
    return dataclasses.replace(model, state=state, assignments=assignments)


def guard_expression(expr, variables):
    if not isinstance(expr, sympy.Expr) or expr.is_Atom:
        return expr
    expr = expr.func(*[guard_expression(a, variables) for a in expr.args]) if expr.args else expr
    if not expr.is_Mul:
        return expr
    numerator, denominator = sympy.fraction(expr)
    if denominator == 1:
        return expr
    for x in variables:
        if not denominator.has(x) or not _smooth_in(numerator, x) or \
                not _smooth_in(denominator, x):
            continue
        for root in _real_roots(denominator, x):
            if not _vanishes(numerator, x, root):
                continue
            slope = sympy.diff(denominator, x).xreplace({x: root})
            if _is_zero(slope):
                continue     # a double root: not a simple 0/0, leave the expression alone
            limit = sympy.diff(numerator, x).xreplace({x: root}) / slope   # l'Hopital
            if limit.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.I):
                continue     # sqrt(v)/v: the quotient has no finite limit
            return sympy.Piecewise((limit, sympy.Abs(x - root) < GUARD), (expr, True))
    return expr


# Functions with a kink or a jump somewhere: l'Hopital's rule does not apply through them.
_NOT_SMOOTH = (sympy.Abs, sympy.sign, sympy.Piecewise, sympy.Max, sympy.Min, sympy.floor,
               sympy.ceiling, sympy.Heaviside, sympy.Mod)


def _smooth_in(expr, x) -> bool:
    return not any(node.has(x) for node in expr.atoms(*_NOT_SMOOTH))


def _real_roots(denominator, x):
    """Real roots in x of a denominator, factor by factor (exp(...) factors never vanish)."""
    found = []
    for factor in sympy.Mul.make_args(denominator):
        base, exponent = factor.as_base_exp()
        if not base.has(x) or isinstance(base, sympy.exp) or not exponent.is_positive:
            continue
        try:
            roots = sympy.solveset(base, x, domain=sympy.S.Reals)
        except Exception:
            continue
        if isinstance(roots, sympy.FiniteSet) and len(roots) <= 4:
            found += [r for r in roots if not r.has(x) and r not in found]
    return found


def _vanishes(numerator, x, root) -> bool:
    return _is_zero(numerator.xreplace({x: root}))


def _is_zero(value) -> bool:
    """Zero symbolically, or numerically up to rounding of the float coefficients."""
    if value == 0:
        return True
    if value.is_number:
        return abs(complex(value.evalf())) < 1e-9
    try:
        return sympy.simplify(value) == 0
    except Exception:
        return False
