"""Parameters of neurons and synapses, and the constant parts of expressions evaluated with
their default values (SymPy)."""
from __future__ import annotations

import math

import sympy

from . import checks
from . import syntax as ast
from ..errors import Source
from ..functions import symbol


def checked_parameters(source: Source, params: tuple[ast.Parameter, ...]
                       ) -> tuple[ast.Parameter, ...]:
    """Each parameter: a new, unreserved name, known flags, a number of earlier parameters."""
    checks.no_duplicate_names(source, ((p.name, p.span) for p in params), "parameter")
    for index, param in enumerate(params):
        checks.not_reserved(source, param.name, param.span)
        checks.no_duplicate_flags(source, param.flags)
        checks.known_flags(source, param.flags, (), checks.PARAMETER_FLAGS, "a parameter")
        checks.no_derivatives(source, param.value, "a parameter value")
        checks.no_inputs(source, param.value, "a parameter value")
        checks.no_draws(source, param.value, "a parameter value", "parameters hold one value "
                        "over a run; set random values per neuron from Python")
        checks.is_number(source, param.value, "a parameter value")
        earlier = [p.name for p in params[:index]]
        later = {p.name for p in params[index + 1:]}
        for use in param.value.names:
            if use.name in later:
                checks.fail(source, use.span,
                            f"parameter '{use.name}' is used before it is defined",
                            "define it on an earlier line")
        checks.calls_known(source, param.value, {}, earlier)
        checks.names_known(source, param.value, earlier, "a parameter value")
    return params


def parameter_values(source: Source, params) -> list[tuple[ast.Parameter, float, bool]]:
    """(parameter, default value, shared) of each parameter, in order."""
    values: dict[sympy.Symbol, float] = {}
    out = []
    for param in params:
        value = param.value.value.xreplace(values)
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            checks.fail(source, param.value.span,
                        f"the value of parameter '{param.name}' is not a finite number")
        values[symbol(param.name)] = sympy.Float(number)
        out.append((param, number, any(f.name == "shared" for f in param.flags)))
    return out


def constant_value(value, values: dict) -> float | None:
    """The value of an expression of parameters (`values`: Symbol -> sympy.Float), else None."""
    number = value.xreplace(values)
    if not number.is_number:
        return None
    try:
        return float(number)
    except OverflowError:
        return math.inf
    except (TypeError, ValueError):
        return math.nan


def real_and_finite(source: Source, value, span, where: str, values: dict) -> None:
    """Real constants only, and every constant part (of numbers and parameters) finite
    with the parameters' values: `1e308*10`, `big*big`, `v/z` with z = 0."""
    checks.is_real(source, value, span, where)
    parameters = set(values)
    pending = [value]
    while pending:
        node = pending.pop()
        if not isinstance(node, sympy.Expr) or node.is_Symbol:
            pending += [a for a in getattr(node, "args", ()) if isinstance(a, sympy.Basic)]
            continue
        number = constant_value(node, values) if node.free_symbols <= parameters else None
        if number is None:
            pending += node.args
        elif not math.isfinite(number):
            checks.fail(source, span, f"{where} has a constant part that is "
                        f"{number} with the parameters' values: {sympy.sstr(node)}",
                        "numbers are double precision (at most about 1.8e308); "
                        "check the parameter values and divisions")
