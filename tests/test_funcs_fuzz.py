"""Seeded random expressions over the language's constructs and every built-in, as model text:
each batch is one model (one kernel) with many derived variables. The kernel (a StateMonitor)
must equal pop.r (NumPy op-trees) and SymPy's own lambdify of the analysed expression, NaN
where NaN, and agree with an independent NumPy evaluation written alongside the text."""
import random

import numpy as np
import pytest
import sympy

import eqneuro as eq
from eqneuro.functions import BUILTINS, symbol

pytestmark = pytest.mark.compiler

NAMES = ("v", "w", "p", "q")
NUMBERS = (0.5, 1.0, 2.0, 3.0, 0.25, 1.5, 10.0)


def _exprel(x):
    with np.errstate(all="ignore"):
        safe = np.where(x == 0, 1.0, x)
        return np.where(x == 0, 1.0, np.where(x == np.inf, np.inf, np.expm1(x) / safe))


def _fold(f):
    def call(*args):
        out = args[0]
        for a in args[1:]:
            out = f(out, a)
        return out
    return call


REFERENCE = {   # name -> (arity, NumPy reference); independent of eqneuro's own table
    "exp": (1, np.exp), "log": (1, np.log), "sqrt": (1, np.sqrt), "abs": (1, np.abs),
    "sin": (1, np.sin), "cos": (1, np.cos), "tan": (1, np.tan), "tanh": (1, np.tanh),
    "sinh": (1, np.sinh), "cosh": (1, np.cosh), "pow": (2, np.power),
    "min": (3, _fold(np.minimum)), "max": (2, _fold(np.maximum)),
    "clip": (3, lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)),
    "pos": (1, lambda x: np.maximum(x, 0.0)), "sigmoid": (1, lambda x: 1 / (1 + np.exp(-x))),
    "logistic": (1, lambda x: 1 / (1 + np.exp(-x))),
    "heaviside": (1, lambda x: np.where(x > 0, 1.0, 0.0)), "sign": (1, np.sign),
    "floor": (1, np.floor), "ceil": (1, np.ceil), "exprel": (1, _exprel),
    "expm1": (1, np.expm1), "log1p": (1, np.log1p), "log10": (1, np.log10),
    "log2": (1, np.log2), "arcsin": (1, np.arcsin), "asin": (1, np.arcsin),
    "arccos": (1, np.arccos), "acos": (1, np.arccos), "arctan": (1, np.arctan),
    "atan": (1, np.arctan), "atan2": (2, np.arctan2), "hypot": (2, np.hypot),
    "mod": (2, np.mod),
}
RELATIONS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
             "==": np.equal, "!=": np.not_equal}


DOMAIN = {"sqrt", "log", "log10", "log2", "log1p", "asin", "acos", "arcsin", "arccos", "pow"}


def real(text, f):
    """abs() around a piecewise argument of a function with a restricted domain: SymPy turns
    sqrt(-heaviside(q)) into I*sqrt(...), which analysis rejects as a complex constant
    (reported; not a kernel defect)."""
    if " if " in text or "heaviside" in text or "sign" in text:
        return f"abs({text})", (lambda s: np.abs(f(s)))
    return text, f


class Generator:
    """Expressions as (text, NumPy function of the values); every sub-expression uses a
    name, so that no constant sub-expression is folded into something invalid."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def leaf(self):
        name = self.rng.choice(NAMES + ("t",))
        return name, (lambda s, n=name: s[n])

    def number(self):
        x = self.rng.choice(NUMBERS)
        return repr(x), (lambda s, x=x: x)

    def value(self, depth: int):
        if depth <= 0:
            return self.leaf()
        kind = self.rng.choice(["leaf", "binary", "binary", "unary", "call", "call", "call",
                                "conditional"])
        if kind == "leaf":
            return self.leaf()
        if kind == "unary":
            text, f = self.value(depth - 1)
            return f"(-{text})", (lambda s: -f(s))
        if kind == "binary":
            return self.binary(depth)
        if kind == "call":
            return self.call(depth)
        (a, fa), (b, fb), (c, fc) = self.value(depth - 1), self.value(depth - 1), \
            self.condition(depth - 1)
        return f"({a} if {c} else {b})", (lambda s: np.where(fc(s), fa(s), fb(s)))

    def binary(self, depth: int):
        op = self.rng.choice(["+", "-", "*", "/", "^", "%"])
        left = self.value(depth - 1)
        right = self.value(depth - 1) if self.rng.random() < 0.6 else self.number()
        if op == "^" and self.rng.random() < 0.7:
            right = (repr(self.rng.choice([2, 3, -1, 0.5])), None)
            right = (right[0], lambda s, e=float(right[0]): e)
        if op == "^" or op == "%":
            left = real(*left)
        (a, fa), (b, fb) = left, right
        functions = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide,
                     "^": np.power, "%": np.mod}
        return f"({a} {op} {b})", (lambda s: functions[op](fa(s), fb(s)))

    def call(self, depth: int):
        name = self.rng.choice(sorted(REFERENCE))
        arity, reference = REFERENCE[name]
        args = [self.value(depth - 1)] + [
            self.value(depth - 1) if self.rng.random() < 0.5 else self.number()
            for _ in range(arity - 1)]
        if name in DOMAIN:
            args[0] = real(*args[0])
        text = f"{name}({', '.join(a for a, _ in args)})"
        return text, (lambda s: reference(*[np.asarray(f(s), dtype=float) for _, f in args]))

    def condition(self, depth: int):
        kind = self.rng.choice(["relation", "relation", "relation", "and", "or", "not"])
        if kind == "relation" or depth <= 0:
            op = self.rng.choice(sorted(RELATIONS))
            (a, fa), (b, fb) = self.value(depth), self.value(max(depth - 1, 0))
            return f"({a} {op} {b})", (lambda s: RELATIONS[op](fa(s), fb(s)))
        if kind == "not":
            c, fc = self.condition(depth - 1)
            return f"(not {c})", (lambda s: np.logical_not(fc(s)))
        (c1, f1), (c2, f2) = self.condition(depth - 1), self.condition(depth - 1)
        combine = np.logical_and if kind == "and" else np.logical_or
        return f"({c1} {kind} {c2})", (lambda s: combine(f1(s), f2(s)))


def nan_equal(a, b, rtol):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    same = (np.isnan(a) & np.isnan(b)) | (a == b)
    finite = np.isfinite(a) & np.isfinite(b)
    with np.errstate(invalid="ignore"):
            close = finite & (np.abs(a - b) <= rtol * np.maximum(np.abs(a), np.abs(b)) + 1e-12)
    return same | close


def lambdified(expr):
    modules = [{"Exprel": _exprel, "Heaviside": np.heaviside}, "numpy"]
    return sympy.lambdify([symbol(n) for n in NAMES + ("t",)], expr, modules=modules)


def batch(seed: int, count: int = 40, n: int = 48):
    generator = Generator(seed)
    expressions = [generator.value(generator.rng.randint(1, 4)) for _ in range(count)]
    lines = "\n".join(f"    r{k} = {text}" for k, (text, _) in enumerate(expressions))
    # p and q are state variables too: a parameter's default makes a sub-expression constant,
    # and a non-finite constant (log10(-q) with q = 1) is a ModelError by design
    text = (f"equations:\n    dv/dt = 0\n    dw/dt = 0\n    dp/dt = 0\n    dq/dt = 0\n{lines}\n")
    pop = eq.Population(eq.Neuron(text, method="euler"), n)
    rng = np.random.default_rng(seed)
    values = {name: rng.choice([-1, 1], n) * rng.choice([0.0, 0.5, 1.0, 2.0], n)
              + rng.uniform(-3, 3, n) * rng.integers(0, 2, n) for name in NAMES}
    for name in NAMES:
        setattr(pop, name, values[name])
    values["t"] = np.zeros(n)
    trace = eq.StateMonitor(pop, [f"r{k}" for k in range(count)])
    python = {k: getattr(pop, f"r{k}") for k in range(count)}
    eq.Network(pop, trace, dt=0.1).run(0.1)
    assigned = {a.name: a.value for a in pop.neuron._analysis().numeric.assignments}
    return expressions, values, trace, python, assigned, pop


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_expressions_kernel_equals_numpy(seed):
    expressions, values, trace, python, assigned, _ = batch(seed)
    loose = 0
    for k, (text, reference) in enumerate(expressions):
        kernel = getattr(trace, f"r{k}")[0]
        assert nan_equal(kernel, python[k], 1e-12).all(), (text, kernel, python[k])
        with np.errstate(all="ignore"):
            symbolic = lambdified(assigned[f"r{k}"])(*[values[n] for n in NAMES + ("t",)])
            independent = np.broadcast_to(np.asarray(reference(values), dtype=float),
                                          kernel.shape)
        assert nan_equal(kernel, np.broadcast_to(symbolic, kernel.shape), 1e-9).all(), \
            (text, assigned[f"r{k}"], kernel, symbolic)
        # SymPy simplifies as for real numbers (sqrt(x)^2 -> x, x/x -> 1), which can
        # remove a NaN the text would produce; elsewhere the values agree.
        finite = np.isfinite(independent) & np.isfinite(kernel)
        assert nan_equal(kernel[finite], independent[finite], 1e-6).all(), \
            (text, kernel[finite], independent[finite])
        loose += int(np.sum(np.isnan(kernel) != np.isnan(independent)))
    assert loose <= 0.05 * len(expressions) * len(kernel)


def test_state_dependent_conditionals_inside_conditions_compile():
    text = """
        equations:
            dv/dt = -v : init = 1
            r = (1 if v >= (2 if v <= 1 else 3) else 0)
        spike: heaviside(t if v > 0 else 1) > 0 and (1 if (t if v > 0 else -1) > 0 else 0) > 0
    """
    pop = eq.Population(eq.Neuron(text, method="euler"), 3)
    pop.v = np.array([0.5, 2.5, 3.5])
    trace = eq.StateMonitor(pop, "r")
    spikes = eq.SpikeMonitor(pop)
    assert list(pop.r) == [0.0, 0.0, 1.0]
    eq.Network(pop, trace, spikes, dt=0.1).run(0.3)
    assert list(trace.r[0]) == [0.0, 0.0, 1.0]
    assert len(spikes.i) > 0
