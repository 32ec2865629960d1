"""The language's names, each written once: integration methods, sections, time names.

SymPy-free (a warm start imports it): the parser, the checks, the façades, the command line
and the simulator all read these tables. The grammar (grammar/eqneuro.lark) spells the
section keywords too; tests/test_grammar.py checks that it accepts every row of SECTIONS.
"""
from __future__ import annotations

from dataclasses import dataclass

# ---- integration methods --------------------------------------------------------------

METHOD_NAMES = ("euler", "midpoint", "heun", "rk4", "exponential", "exact", "implicit",
                "milstein")

# The methods to suggest when a run blows up, most robust first (sim/network.py).
FALLBACK_METHODS = ("rk4", "implicit", "exponential", "heun", "midpoint", "euler")

# ---- time -----------------------------------------------------------------------------

TIME_NAMES = ("t", "dt")        # readable in expressions, never defined
TIME_MEANINGS = {"t": "time", "dt": "time step"}

# ---- sections -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionKind:
    """One section of a declaration. `owners` are the declarations that accept it
    ("neuron", "synapse"); `reserved` those where it parses but is refused until a later
    version adds it (a synapse's equations and on_post come with plasticity); `example` is
    what a hint suggests; `one_line` sections hold one item written on their header line.
    `merged_by` says how a variant (`extends`) changes the section: item by item, keyed by
    "name" (parameters, functions) or by the variable an "equation" defines; "" replaces
    the whole section."""

    name: str
    owners: tuple[str, ...]
    example: str
    one_line: bool = False
    merged_by: str = ""
    reserved: tuple[str, ...] = ()


# In the order of the keyword forms (Neuron(parameters=..., ...)) and of hints.
SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("parameters", ("neuron", "synapse"), "parameters: tau = 10.0",
                merged_by="name"),
    SectionKind("functions", ("neuron",), "functions: f(x) = 1/(1 + exp(-x))",
                merged_by="name"),
    SectionKind("equations", ("neuron", "synapse"), "equations: tau*dv/dt = -v",
                merged_by="equation"),
    SectionKind("spike", ("neuron",), "spike: v > V_T", one_line=True),
    SectionKind("reset", ("neuron",), "reset: v = V_r"),
    SectionKind("refractory", ("neuron",), "refractory: 2.0", one_line=True),
    SectionKind("method", ("neuron",), "method: rk4", one_line=True),
    SectionKind("on_pre", ("synapse",), "on_pre: g_exc += w"),
    SectionKind("on_post", ("synapse",), "on_post: w = clip(w + x, 0, 1)"),
    SectionKind("psp", ("synapse",), "psp: w * r_pre", one_line=True),
)

SECTION_NAMES = tuple(s.name for s in SECTIONS)
BY_NAME = {s.name: s for s in SECTIONS}


def sections_of(owner: str) -> tuple[str, ...]:
    """The section names a "neuron" or a "synapse" accepts, in table order."""
    return tuple(s.name for s in SECTIONS if owner in s.owners)


DECLARATIONS = ("neuron", "synapse")      # the keywords that open a declaration

# ---- synapses -------------------------------------------------------------------------

WEIGHT = "w"                  # every synapse's weight parameter
DEFAULT_WEIGHT = 1.0
PRE_SUFFIX, POST_SUFFIX = "_pre", "_post"   # v_pre, v_post: a neuron variable of one side
