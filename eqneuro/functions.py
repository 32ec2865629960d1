"""The closed table of built-in functions: per name, its SymPy constructor, arity, summary,
C spelling and NumPy callable. The transformer, the checks, the printer, the kernel's helper
declarations and the NumPy evaluator all read this one table.

Model text reaches SymPy only through this table and `symbol()`; nothing is sympified.
SymPy is imported lazily, so that a warm start (NumPy evaluation only) never loads it.
"""
from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Callable

import numpy as np


def symbol(name: str):
    """The SymPy symbol of a user name: always a plain real Symbol (never sympy.I, E, S, N...)."""
    import sympy
    return sympy.Symbol(name, real=True)


DERIVATIVE_SUFFIX = "/dt"


def derivative_symbol(variable: str):
    """The placeholder for `dX/dt`; its name cannot be written as a user name."""
    import sympy
    return sympy.Symbol(f"d{variable}{DERIVATIVE_SUFFIX}", real=True)


INPUT_FUNCTION = "sum"


def input_name(target: str) -> str:
    """`sum(exc)`: the name of the input of a target, which no user name can spell."""
    return f"{INPUT_FUNCTION}({target})"


def input_symbol(target: str):
    """The symbol of `sum(target)` in a neuron's expressions: constant over one step (the
    network computes it from the presynaptic state at t), like a per-neuron parameter."""
    import sympy
    return sympy.Symbol(input_name(target), real=True)


def input_target(value) -> str | None:
    """The target of an input symbol or name (`sum(exc)` -> "exc"), else None. Takes a
    SymPy symbol or a plain name (op-trees hold names: no SymPy needed)."""
    name = value if isinstance(value, str) else getattr(value, "name", None)
    if not isinstance(name, str):
        return None
    prefix = INPUT_FUNCTION + "("
    if name.startswith(prefix) and name.endswith(")") and name[len(prefix):-1].isidentifier():
        return name[len(prefix):-1]
    return None


@functools.cache
def sympy_object(path: str):
    """`"exp"` -> sympy.exp; `"codegen.cfunctions.log10"`; `"eqneuro.lang.special.Exprel"`."""
    module, _, name = ("sympy." + path if not path.startswith("eqneuro.") else path).rpartition(".")
    return getattr(importlib.import_module(module), name)


def _constructor(path: str) -> Callable:
    return lambda *args: sympy_object(path)(*args)


def _sqrt(x):
    return sympy_object("sqrt")(x)


def _pow(x, y):
    return sympy_object("Pow")(x, y)


def _heaviside(x):
    import sympy
    return sympy.Piecewise((sympy.Float(1.0), x > 0), (sympy.Float(0.0), True))


def _logistic(x):
    import sympy
    return 1 / (1 + sympy.exp(-x))


def _clip(x, lo, hi):
    import sympy
    return sympy.Min(sympy.Max(x, lo), hi)


def _pos(x):
    import sympy
    return sympy.Max(x, 0)


def _np_exprel(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.expm1(x) / np.where(x == 0.0, 1.0, x)
        return np.where(x == 0.0, 1.0, np.where(x == np.inf, np.inf, ratio))


def _np_heaviside(x, h0=0.5):
    return np.heaviside(x, h0)


@dataclass(frozen=True, slots=True)
class Builtin:
    """One built-in. `node` is the SymPy class `build` returns, with its C spelling `c`
    (libc math, or an eq_* helper of the kernel template) and NumPy callable; a built-in
    made of other nodes (pos, clip, sqrt...) has none of the three."""

    name: str
    build: Callable
    min_args: int
    max_args: int
    summary: str
    node: str | None = None
    c: str | None = None
    numpy: Callable | None = None
    callable: bool = True        # False: a node that SymPy produces, not a user name
    draws: bool = False          # a random draw: build(line, column, *args)

    def arity_text(self) -> str:
        if self.min_args == self.max_args:
            n = self.min_args
            return f"{n} argument" + ("" if n == 1 else "s")
        if self.max_args > 99:
            return f"at least {self.min_args} arguments"
        return f"{self.min_args} to {self.max_args} arguments"


MANY = 1000

DRAW_PREFIX = "$draw:"


def draw_symbol(kind: str, line: int, column: int):
    """The symbol of one random call as written (`uniform()` at 12:5): one value per neuron
    (synapse) and step, the same in every stage of the step. The position keeps two calls
    apart, so that `uniform() - uniform()` is not 0."""
    return symbol(f"{DRAW_PREFIX}{kind}:{line}:{column}")


def draw_kind(value) -> str | None:
    """"uniform" or "normal" for a draw symbol (or its name), else None."""
    name = value if isinstance(value, str) else getattr(value, "name", None)
    if not isinstance(name, str) or not name.startswith(DRAW_PREFIX):
        return None
    return name[len(DRAW_PREFIX):].split(":", 1)[0]


NOISE_PREFIX = "$noise:"


def is_noise_name(name: str) -> bool:
    """`xi` or `xi_<suffix>`: white noise, in differential equations only."""
    return name == "xi" or (name.startswith("xi_") and len(name) > 3
                            and name[3:].replace("_", "a").isalnum() and name.isascii())


def noise_symbol(name: str):
    """White noise `xi` (`xi_e`...) as solved into a derivative: a name no user can write."""
    return symbol(NOISE_PREFIX + name)


def noise_name(value) -> str | None:
    """"xi" (or "xi_e"...) for a noise symbol, else None."""
    name = value if isinstance(value, str) else getattr(value, "name", None)
    if isinstance(name, str) and name.startswith(NOISE_PREFIX):
        return name[len(NOISE_PREFIX):]
    return None


def noise_draw(name: str):
    """The standard normal draw of noise `name` in one step (Euler-Maruyama's dW/sqrt(dt))."""
    return symbol(f"{DRAW_PREFIX}normal:{NOISE_PREFIX}{name}")


SCHEDULED = "$scheduled"


def scheduled_symbol():
    """A SpikeSource's number of events given for a neuron in the step (eq_scheduled)."""
    return symbol(SCHEDULED)


TIMED_PREFIX = "$timed:"


def timed_symbol(name: str):
    """The value of the TimedArray `name` in the step, as `name(t)` reads it: one value per
    neuron (one for all when the array is 1-D), held over the step like an input sum(T)."""
    return symbol(f"{TIMED_PREFIX}{name}")


def timed_name(value) -> str | None:
    """The TimedArray of a timed symbol (or its name), else None."""
    name = value if isinstance(value, str) else getattr(value, "name", None)
    if not isinstance(name, str) or not name.startswith(TIMED_PREFIX):
        return None
    return name[len(TIMED_PREFIX):]


def held_over_step(value) -> bool:
    """Inputs sum(T), random draws and TimedArray values: one value per neuron and step,
    the same in every stage of an integration method."""
    return input_target(value) is not None or draw_kind(value) is not None \
        or timed_name(value) is not None


def draw_order(name: str) -> tuple:
    """Draws in a fixed order: random calls by their place in the text, then noises by name."""
    rest = name[len(DRAW_PREFIX):].split(":", 1)[1]
    if rest.startswith(NOISE_PREFIX):
        return (1, 0, 0, rest)
    line, column = rest.split(":")
    return (0, int(line), int(column), "")


def _uniform(line, column, low=None, high=None):
    u = draw_symbol("uniform", line, column)
    return u if low is None else low + (high - low) * u


def _normal(line, column, mean=None, sd=None):
    x = draw_symbol("normal", line, column)
    return x if mean is None else mean + sd * x


def _poisson(line, column, mean):
    """A Poisson count of mean `mean`: the inversion of one uniform draw (PoissonCount)."""
    return sympy_object("eqneuro.lang.special.PoissonCount")(
        draw_symbol("uniform", line, column), mean)


def _np_poisson_count(u, mean, _p0=None):
    from .randomness import poisson_count
    return poisson_count(u, mean)


def _draw(name, build, summary, arity=(0, 2)) -> Builtin:
    """arity: the one count of arguments, or (no arguments, or the two of a scaled draw)."""
    low, high = arity if isinstance(arity, tuple) else (arity, arity)
    return Builtin(name, build, low, high, summary, draws=True)


def _node(name, node, arity, summary, c, numpy, callable=True) -> Builtin:
    low, high = arity if isinstance(arity, tuple) else (arity, arity)
    return Builtin(name, _constructor(node), low, high, summary, node, c, numpy, callable)


def _composite(name, build, arity, summary) -> Builtin:
    return Builtin(name, build, arity, arity, summary)


TABLE: tuple[Builtin, ...] = (
    _node("exp", "exp", 1, "exponential", "exp", np.exp),
    _node("log", "log", 1, "natural logarithm", "log", np.log),
    _composite("sqrt", _sqrt, 1, "square root"),
    _node("abs", "Abs", 1, "absolute value", "fabs", np.abs),
    _node("sin", "sin", 1, "sine", "sin", np.sin),
    _node("cos", "cos", 1, "cosine", "cos", np.cos),
    _node("tan", "tan", 1, "tangent", "tan", np.tan),
    _node("tanh", "tanh", 1, "hyperbolic tangent", "tanh", np.tanh),
    _node("sinh", "sinh", 1, "hyperbolic sine", "sinh", np.sinh),
    _node("cosh", "cosh", 1, "hyperbolic cosine", "cosh", np.cosh),
    _composite("pow", _pow, 2, "pow(x, y) = x^y"),
    _node("min", "Min", (2, MANY), "smallest argument (NaN if any is NaN)", "eq_min",
          np.minimum),
    _node("max", "Max", (2, MANY), "largest argument (NaN if any is NaN)", "eq_max",
          np.maximum),
    _composite("clip", _clip, 3, "clip(x, lo, hi) = min(max(x, lo), hi)"),
    _composite("pos", _pos, 1, "rectifier, max(x, 0)"),
    _composite("sigmoid", _logistic, 1, "logistic 1/(1 + exp(-x))"),
    _composite("logistic", _logistic, 1, "logistic 1/(1 + exp(-x))"),
    _composite("heaviside", _heaviside, 1, "1 if x > 0 else 0"),
    _node("sign", "sign", 1, "-1, 0 or 1 (NaN for NaN)", "eq_sign", np.sign),
    _node("floor", "floor", 1, "round down", "floor", np.floor),
    _node("ceil", "ceiling", 1, "round up", "ceil", np.ceil),
    _node("exprel", "eqneuro.lang.special.Exprel", 1, "(exp(x) - 1)/x, and 1 at x = 0",
          "eq_exprel", _np_exprel),
    _node("expm1", "codegen.cfunctions.expm1", 1, "exp(x) - 1, accurate near 0", "expm1",
          np.expm1),
    _node("log1p", "codegen.cfunctions.log1p", 1, "log(1 + x), accurate near 0", "log1p",
          np.log1p),
    _node("log10", "codegen.cfunctions.log10", 1, "base-10 logarithm", "log10", np.log10),
    _node("log2", "codegen.cfunctions.log2", 1, "base-2 logarithm", "log2", np.log2),
    _node("arcsin", "asin", 1, "inverse sine", "asin", np.arcsin),
    _node("asin", "asin", 1, "inverse sine", "asin", np.arcsin),
    _node("arccos", "acos", 1, "inverse cosine", "acos", np.arccos),
    _node("acos", "acos", 1, "inverse cosine", "acos", np.arccos),
    _node("arctan", "atan", 1, "inverse tangent", "atan", np.arctan),
    _node("atan", "atan", 1, "inverse tangent", "atan", np.arctan),
    _node("atan2", "atan2", 2, "atan2(y, x): the angle of the point (x, y)", "atan2",
          np.arctan2),
    _node("hypot", "codegen.cfunctions.hypot", 2, "hypot(x, y) = sqrt(x^2 + y^2)", "hypot",
          np.hypot),
    _node("mod", "Mod", 2, "mod(a, b) = a % b, with the sign of b (as Python)", "eq_mod",
          np.mod),
    _draw("uniform", _uniform, "a random number in [0, 1) (uniform(a, b): in [a, b)), "
          "new for every neuron and step"),
    _draw("normal", _normal, "a standard normal random number (normal(mu, sigma): mean mu, "
          "standard deviation sigma), new for every neuron and step"),
    _draw("poisson", _poisson, "a Poisson-distributed count (0, 1, 2, ...) of mean lam: "
          "poisson(lam), new for every neuron and step", arity=1),
    _node("PoissonCount", "eqneuro.lang.special.PoissonCount", (2, 3),
          "the Poisson count of mean lam at uniform draw u (p0 = exp(-lam))", "eq_poisson_count",
          _np_poisson_count, callable=False),
    # Produced by SymPy itself (derivatives of max/min), not written by users.
    _node("Heaviside", "Heaviside", (1, 2), "step", "eq_heaviside", _np_heaviside,
          callable=False),
)

BUILTINS: dict[str, Builtin] = {row.name: row for row in TABLE if row.callable}
NUMPY: dict[str, Callable] = {row.name: row.numpy for row in TABLE if row.numpy is not None}


@functools.cache
def node_table() -> dict[type, Builtin]:
    """SymPy class -> its built-in row (the first row naming it, e.g. arcsin for asin)."""
    nodes: dict[type, Builtin] = {}
    for row in TABLE:
        if row.node is not None:
            nodes.setdefault(sympy_object(row.node), row)
    return nodes

