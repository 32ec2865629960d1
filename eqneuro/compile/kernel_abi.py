"""The kernel's calling convention, shared by codegen (which writes it) and runtime (which
calls it): argument names, C spellings of user names, the specialisation Layout. No SymPy."""
from __future__ import annotations

from dataclasses import dataclass

BLOCK = 256

# The generated Cython has three namespaces: user names get USER_PREFIX (which no C, Cython,
# Python or libc name has), internal names start with '_', C helpers with 'eq_', input sums with 'eqs_'.
USER_PREFIX = "eqv_"


@dataclass(frozen=True, slots=True)
class Layout:
    """What a kernel is specialised for: per-neuron parameters and recorded variables."""

    array_parameters: tuple[str, ...] = ()
    monitors: tuple[tuple[str, ...], ...] = ()


def c_name(name: str) -> str:
    """The C spelling of a user name: one fixed prefix, so injective and collision-free."""
    return USER_PREFIX + name


def state_pointer(name: str) -> str:
    return "_s_" + name


def parameter_pointer(name: str) -> str:
    return "_p_" + name


def monitor_buffer(index: int, name: str) -> str:
    """A state monitor's buffer of a variable, or of an input `sum(T)`."""
    from ..functions import input_target
    target = input_target(name)
    return f"_m{index}_sum_{target}" if target else f"_m{index}_var_{name}"


def input_pointer(target: str) -> str:
    """The array of a population's sum(target), one value per neuron."""
    return "_in_" + target


def input_local(target: str) -> str:
    return "eqs_" + target


def field_name(prefix: str, argument: str) -> str:
    """The kernel's _Net field of an object's argument: p0_s_v, p0_eqv_tau (injective:
    arguments are internal `_x` names or user `eqv_x` names)."""
    return prefix + argument if argument.startswith("_") else f"{prefix}_{argument}"


def synapse_pointer(name: str) -> str:
    """The array of a synapse parameter, one value per synapse."""
    return "_y_" + name


def snapshot_pointer(side: str, name: str) -> str:
    """The array of a derived variable of a projection's `side`, taken at the step's start."""
    return f"_snap_{side}_{name}"


# A TimedArray's kernel arguments: neuron _i reads values[k * cols + colstep * _i] with
# k = floor(t / dt + SLACK) clipped to the samples (eqneuro/timed_array.py).
TIMED_FIELDS = (("values", "d"), ("rows", "n"), ("cols", "n"), ("colstep", "n"), ("dt", "f"))


def timed_field(k: int, part: str) -> str:
    return f"_ta{k}_{part}"


def timed_read(k: int, time: str) -> str:
    args = ", ".join(timed_field(k, part) for part, _ in TIMED_FIELDS)
    return f"eq_timed({args}, {time}, _i)"
