"""Every user name reaches the kernel under its own C name: reserved words of C, Cython and
Python, libc and macro names, eqneuro's own internal names, and pairs that used to collide."""
import builtins
import keyword

import numpy as np
import pytest

import eqneuro as eq
from eqneuro.compile.kernel_abi import c_name

C11 = """auto break case char const continue default do double else enum extern float for goto
    if inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local""".split()
CYTHON = """cdef cpdef cimport ctypedef cppclass DEF IF ELIF ELSE include nogil gil noexcept object
    bint prange parallel cython readonly public api new del typeof fused NULL Py_ssize_t size_t
    Py_INCREF PyObject""".split()
PYTHON = keyword.kwlist + keyword.softkwlist + """int float len range print min max abs str list
    dict object type id sum exec eval open self super bool complex round pow map zip""".split()
LIBC = """NAN INFINITY HUGE_VAL M_PI M_E errno exp log sqrt fabs fmax fmin pow fmod isnan isinf
    isfinite signbit copysign expm1 log1p floor ceil lround malloc free memcpy EOF stdin printf
    main assert int32_t int64_t uint8_t uintptr_t u_int u_char""".split()
EQNEURO = """_i _j _n _dt _t _tn _kv _k0 _c0 _flag _bad _fire _r _active _events _libm dptr iptr
    eq_min eq_nan eq_inf eq_not_finite eq_exprel _s_v _p_I _m0_var_v _new_v _err ARGUMENTS
    run""".split()
LOOKALIKES = ["eqv_", "eqv_int"]     # user names that look like prefixed ones
PAIRS = ["int", "int_", "_a", "u_a", "exp", "exp_", "a", "eqv_a"]
LANGUAGE_KEYWORDS = {"and", "else", "if", "not", "or", "t", "dt", "neuron", "parameters",
                     "equations", "functions", "spike", "reset", "refractory", "method", "extends"}
NAMES = [n for n in dict.fromkeys(C11 + CYTHON + PYTHON + LIBC + EQNEURO + LOOKALIKES + PAIRS)
         if n not in LANGUAGE_KEYWORDS]


def test_c_names_are_injective_and_never_a_reserved_or_internal_name():
    spellings = [c_name(n) for n in NAMES]
    assert len(set(spellings)) == len(NAMES)
    everything = set(C11 + CYTHON + PYTHON + LIBC + EQNEURO) | set(dir(builtins))
    assert not set(spellings) & everything
    assert all(not s.startswith(("_", "eq_")) for s in spellings)


@pytest.mark.compiler
def test_every_reserved_word_as_a_parameter_reaches_the_kernel():
    assert {"prange", "NAN", "cdef", "int", "int_", "_a", "u_a", "lambda", "print"} <= set(NAMES)
    parameters = "\n".join(f"    {name} = {k + 1.0}" for k, name in enumerate(NAMES))
    total = " + ".join(f"{k + 1}*{name}" for k, name in enumerate(NAMES))
    text = (f"parameters:\n{parameters}\nequations:\n    dv/dt = {total} : init = 0\n"
            f"    _Pragma = v + NAN\n")
    pop = eq.Population(eq.Neuron(text, method="euler"), 2)
    values = {}
    for k, name in enumerate(NAMES):
        # Half of them per neuron (pointer arguments), half shared (scalar arguments).
        value = np.array([1.0 / (k + 2), 2.0 + k]) if k % 2 else 0.5 + k / 7.0
        setattr(pop, name, value)
        values[name] = value
    trace = eq.StateMonitor(pop, ["v", "_Pragma"])
    eq.Network(pop, trace, dt=0.25).run(0.5)
    slope = sum((k + 1) * np.broadcast_to(values[name], (2,)) for k, name in enumerate(NAMES))
    np.testing.assert_allclose(pop.v, 0.5 * slope, rtol=1e-13)
    np.testing.assert_allclose(trace.v[:, 0], [0.0, 0.25 * slope[0]], rtol=1e-13)
    np.testing.assert_allclose(getattr(trace, "_Pragma"), trace.v + values["NAN"], rtol=1e-13)
    np.testing.assert_allclose(getattr(pop, "_Pragma"), pop.v + values["NAN"], rtol=1e-13)
