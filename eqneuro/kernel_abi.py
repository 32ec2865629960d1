"""The kernel's calling convention, shared by codegen (which writes it) and runtime (which
calls it): argument names, C spellings of user names, the specialisation Layout. No SymPy."""
from __future__ import annotations

import keyword
from dataclasses import dataclass

BLOCK = 256

# Identifiers a user name must not become in the generated Cython/C.
RESERVED = frozenset(keyword.kwlist) | frozenset("""
    auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while bint cdef cpdef cimport ctypedef DEF IF ELIF ELSE
    include nogil gil noexcept object print exec NULL True False None self cython
    exp log sqrt fabs sin cos tan tanh sinh cosh pow fmax fmin floor ceil expm1 log1p fma
    isnan isinf isfinite abs min max range len int32_t int64_t uint64_t uint8_t uintptr_t
    size_t Py_ssize_t memcpy malloc free M_E M_PI main errno
""".split())


@dataclass(frozen=True, slots=True)
class Layout:
    """What a kernel is specialised for: per-neuron parameters and recorded variables."""

    array_parameters: tuple[str, ...] = ()
    monitors: tuple[tuple[str, ...], ...] = ()


def c_name(name: str) -> str:
    """The C spelling of a user name: unchanged unless it is reserved or starts with '_'."""
    if name in RESERVED or name.startswith("_"):
        return "u" + name if name.startswith("_") else name + "_"
    return name


def state_pointer(name: str) -> str:
    return "_s_" + c_name(name)


def parameter_pointer(name: str) -> str:
    return "_p_" + c_name(name)


def monitor_buffer(index: int, name: str) -> str:
    return f"_m{index}_var_{c_name(name)}"
