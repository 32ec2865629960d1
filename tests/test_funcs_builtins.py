"""The built-ins added for Brian2/NumPy users: the kernel agrees with math/Python references at
edge points (0 for exprel, negative operands for mod, NaN and infinities), and with pop.r."""
import math

import numpy as np
import pytest

import eqneuro as eq
from eqneuro.functions import BUILTINS, TABLE

pytestmark = pytest.mark.compiler

NAN, INF = math.nan, math.inf
X = [0.0, -0.0, 1e-300, -1e-12, 1e-9, 0.5, -0.5, 1.0, -1.0, 2.0, -3.5, 7.25, -7.25, 700.0,
     710.0, -800.0, NAN, INF, -INF, 3.0, -3.0, 1e-20, -1e-20]
Y = [1.0, 1.0, 2.0, 3.0, -3.0, -0.2, 0.2, 0.0, -0.0, -2.0, 1.5, -2.5, 2.5, NAN, -1.0, 3.0,
     1.0, 1.0, 1.0, INF, INF, 1.0, 1.0]


def guarded(function):
    """A math function, NaN where it raises (the edge cases are handled in reference())."""
    def call(*args):
        if any(math.isnan(a) for a in args):
            return NAN
        try:
            return function(*args)
        except (ValueError, ZeroDivisionError):
            return NAN
    return call


def exprel(x):
    if x == 0:
        return 1.0
    if x > 709.78:
        return INF          # expm1 overflows: the limit
    return math.expm1(x) / x


REFERENCE = {
    "exprel(x)": guarded(exprel),
    "expm1(x)": guarded(math.expm1),
    "log1p(x)": guarded(math.log1p),
    "log10(x)": guarded(math.log10),
    "log2(x)": guarded(math.log2),
    "arcsin(x/8)": guarded(lambda x: math.asin(x / 8)),
    "asin(x/8)": guarded(lambda x: math.asin(x / 8)),
    "arccos(x/8)": guarded(lambda x: math.acos(x / 8)),
    "acos(x/8)": guarded(lambda x: math.acos(x / 8)),
    "arctan(x)": guarded(math.atan),
    "atan(x)": guarded(math.atan),
    "atan2(y, x)": guarded(lambda x, y: math.atan2(y, x)),
    "hypot(x, y)": lambda x, y: math.hypot(x, y),
    "mod(x, y)": guarded(lambda x, y: x % y),
}
def reference(text, x, y):
    function = REFERENCE[text]
    if text in ("log10(x)", "log2(x)", "log1p(x)", "expm1(x)"):
        with np.errstate(all="ignore"):
            numpy = {"log10(x)": np.log10, "log2(x)": np.log2, "log1p(x)": np.log1p,
                     "expm1(x)": np.expm1}[text]
            if math.isinf(x) or x <= (-1.0 if text == "log1p(x)" else 0.0):
                return float(numpy(x))      # C semantics: -inf at the pole, NaN beyond
    if text in ("arcsin(x/8)", "asin(x/8)", "arccos(x/8)", "acos(x/8)") and abs(x / 8) > 1:
        return NAN
    if text == "mod(x, y)" and (math.isinf(x) or y == 0):
        return NAN                          # as NumPy (Python raises)
    if text == "exprel(x)" and x == -INF:
        return 0.0
    if text == "expm1(x)" and x > 709.78:
        return INF
    return function(x, y) if "y" in text else function(x)


def close(a, b) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 4e-16 * max(abs(a), abs(b)) or abs(a - b) < 1e-300


@pytest.fixture(scope="module")
def recorded():
    names = {text: f"r{k}" for k, text in enumerate(REFERENCE)}
    lines = "\n".join(f"    {name} = {text}" for text, name in names.items())
    # Parameters are finite: NaN and infinities are made inside the model, from a kind code.
    made = "(sqrt(-1 - {0}a*{0}a) if {0}k == 1 else (exp(800 + {0}a*{0}a) if {0}k == 2 else -exp(800 + {0}a*{0}a)))"
    text = (f"parameters: xa = 0; xk = 0; ya = 1; yk = 0\nequations:\n    dv/dt = 0\n"
            f"    x = (xa if xk == 0 else {made.format('x')})\n"
            f"    y = (ya if yk == 0 else {made.format('y')})\n{lines}\n")
    pop = eq.Population(eq.Neuron(text, method="euler"), len(X))
    for axis, values in (("x", X), ("y", Y)):
        kind = [0 if math.isfinite(z) else 1 if math.isnan(z) else 2 if z > 0 else 3 for z in values]
        setattr(pop, axis + "a", np.array([z if math.isfinite(z) else 0.5 for z in values]))
        setattr(pop, axis + "k", np.array(kind, dtype=float))
    assert np.array_equal(pop.x, X, equal_nan=True) and np.array_equal(pop.y, Y, equal_nan=True)
    trace = eq.StateMonitor(pop, list(names.values()))
    from_python = {text: getattr(pop, name) for text, name in names.items()}
    eq.Network(pop, trace, dt=0.1).run(0.1)
    return {text: (getattr(trace, name)[0], from_python[text]) for text, name in names.items()}


@pytest.mark.parametrize("text", list(REFERENCE))
def test_new_builtin_matches_reference_in_the_kernel_and_in_python(recorded, text):
    kernel, python = recorded[text]
    for k, (x, y) in enumerate(zip(X, Y)):
        want = reference(text, x, y)
        assert close(kernel[k], want), (text, x, y, kernel[k], want)
        assert close(python[k], want), (text, x, y, python[k], want)


def test_mod_has_the_sign_of_the_divisor_and_zero_keeps_it(recorded):
    kernel, _ = recorded["mod(x, y)"]
    assert kernel[X.index(-3.5)] == 1.0 and kernel[X.index(7.25)] == pytest.approx(-0.25)
    assert math.isnan(kernel[X.index(-1.0)])                      # -1 % -0.0
    assert math.copysign(1.0, kernel[X.index(3.0)]) == 1.0 and kernel[X.index(-3.0)] == INF
    assert kernel[X.index(-1e-20)] == 1.0                         # as Python: -1e-20 % 1


def test_every_table_entry_is_complete():
    for row in TABLE:
        assert row.summary and row.min_args <= row.max_args
        assert (row.node is None) == (row.c is None) == (row.numpy is None), row.name
    for name in ("arcsin", "asin", "atan2", "hypot", "mod", "exprel", "log2"):
        assert name in BUILTINS
