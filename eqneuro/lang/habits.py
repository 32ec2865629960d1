"""Habits from Brian2 and ANNarchy, one row each, with the hint that teaches eqneuro's way.

checks.py and parser.py consult this table only once something is already an error (an
unknown name, function, flag or section, or a syntax error), so it never changes a valid
model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .tables import METHOD_NAMES

# Brian2's unit names (and their common prefixed forms).
UNITS = (
    "second", "ms", "msecond", "us", "usecond", "minute", "hour",
    "volt", "mV", "mvolt", "uV", "uvolt", "amp", "mA", "uA", "nA", "pA", "namp", "pamp",
    "ohm", "kohm", "Mohm", "Gohm", "siemens", "mS", "uS", "nS", "pS", "msiemens", "usiemens",
    "nsiemens", "farad", "uF", "nF", "pF", "ufarad", "nfarad", "pfarad", "Hz", "hertz",
    "kHz", "meter", "metre", "cm", "mm", "um", "umeter", "cm2", "um2", "molar", "mM", "uM",
    "mmolar", "umolar", "liter", "litre", "kelvin", "celsius",
)

_OTHER_RANDOM = ("eqneuro draws uniform() and normal() (see 'Random draws' in "
                 "docs/language.md); build others from them, e.g. exp(normal(mu, sigma)) "
                 "for a log-normal or -log(1 - uniform())/rate for an exponential")


@dataclass(frozen=True, slots=True)
class Habit:
    """`kind` says where the habit shows: an unknown "name", "function", "flag" or "section"
    spelled as one of `written`, or "text": a syntax error on a line that matches the regular
    expression written[0] (then `message` replaces the syntax error's message)."""

    kind: str
    written: tuple[str, ...]
    hint: str
    message: str = ""


HABITS: tuple[Habit, ...] = (
    Habit("name", UNITS, "'{name}' is a Brian2 unit, but numbers carry no units in eqneuro: "
          "write values in the model's own units, with time in ms (10*ms is 10, 1*second "
          "is 1000, a rate of 10*Hz is 0.01 per ms)"),
    Habit("flag", UNITS, "': {name}' is a Brian2 unit, but numbers carry no units in eqneuro: "
          "remove it"),
    Habit("flag", ("population", "constant"), "a parameter with one value for the whole "
          "population is written 'name = value : shared'"),
    Habit("flag", METHOD_NAMES + ("explicit",),
          "the integration method is a section: 'method: {name}'"),
    Habit("flag", ("integer", "boolean", "bool", "int"),
          "eqneuro has one number type (double): remove ': {name}'"),
    Habit("section", ("threshold",), "the threshold is eqneuro's 'spike:' section: "
          "'spike: v > V_T'"),
    Habit("section", ("model", "eqs", "equation", "ode", "odes"),
          "equations go in the 'equations:' section"),
    Habit("section", ("parameter", "params"), "parameters go in the 'parameters:' section"),
    Habit("section", ("pre_spike",), "ANNarchy's 'pre_spike:' is eqneuro's 'on_pre:'"),
    Habit("section", ("post_spike",), "ANNarchy's 'post_spike:' is eqneuro's 'on_post:', "
          "which comes with plasticity"),
    Habit("name", ("g_target",), "ANNarchy's g_target is written with the target's name in "
          "eqneuro: 'g_exc += w' for the projections with target 'exc'"),
    Habit("function", ("rand",), "a uniform random number in [0, 1) is uniform()"),
    Habit("function", ("randn",), "a standard normal random number is normal()"),
    Habit("function", ("Uniform",), "ANNarchy's Uniform(a, b) is uniform(a, b)"),
    Habit("function", ("Normal",), "ANNarchy's Normal(mu, sigma) is normal(mu, sigma)"),
    Habit("function", ("LogNormal", "Exponential", "Gamma", "Binomial", "poisson"),
          _OTHER_RANDOM),
    Habit("function", ("int", "round", "trunc"), "eqneuro has one number type (double): "
          "round with floor(x) or ceil(x)"),
    Habit("function", ("ite", "ifelse", "where"), "write a conditional as 'a if c else b'"),
    Habit("function", ("positive",), "write pos(x) (the rectifier max(x, 0))"),
    Habit("function", ("negative",), "write min(x, 0)"),
    Habit("function", ("modulo", "fmod"), "write a % b (the sign of b, as in Python)"),
    Habit("text", (r"\(\s*unless[\s_]+refractory\s*\)",),
          "write the flag ': unless_refractory' after the equation, e.g. "
          "'dv/dt = -v/tau : unless_refractory'",
          "Brian2's '(unless refractory)' is the flag ': unless_refractory' in eqneuro"),
    Habit("text", (r"\b(?:pre|post)\.[A-Za-z_]",), "write r_pre for ANNarchy's pre.r, and "
          "v_post for post.v", "ANNarchy's 'pre.x' and 'post.x' are written x_pre and x_post "
          "in eqneuro"),
    Habit("text", (r":\s*1\s*(#.*)?$",), "numbers carry no units in eqneuro: remove ': 1'",
          "Brian2's dimensionless unit ': 1' is not needed in eqneuro"),
)


def hint(kind: str, name: str) -> str | None:
    """The habit hint for an unknown `name` of this kind, or None."""
    for habit in HABITS:
        if habit.kind == kind and name in habit.written:
            return habit.hint.format(name=name)
    return None


def on_line(line: str, column: int | None = None) -> tuple[int, str, str] | None:
    """(1-based column, message, hint) of a written habit on a line with a syntax error;
    with `column`, only a habit written over that column."""
    for habit in HABITS:
        if habit.kind == "text":
            for found in re.finditer(habit.written[0], line):
                if column is None or found.start() < column <= found.end():
                    return found.start() + 1, habit.message, habit.hint
    return None
