"""Python functions a Network calls during its runs at fixed times (`net.every`), between
kernel calls: the kernel runs uninterrupted from one call time to the next."""
from __future__ import annotations

import inspect
import math
import numbers
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Every:
    """`function` at every t = k * period (k = 0, 1, 2, ...) that a run passes through,
    before the step from t; it is given t (ms) when it needs an argument."""

    period: float
    function: Callable
    takes_time: bool

    def steps(self, dt: float) -> int:
        """The period in steps of dt (ValueError unless it is a whole number of them)."""
        steps = round(self.period / dt)
        if steps < 1 or abs(steps * dt - self.period) > 1e-9 * max(1.0, self.period):
            raise ValueError(f"the period {self.period:g} ms of {_name(self.function)} is not "
                             f"a multiple of dt = {dt} ms")
        return steps

    def call(self, t: float) -> None:
        if self.takes_time:
            self.function(t)
        else:
            self.function()


def every(period, function) -> Every:
    """The checked registration of net.every(period, function)."""
    if isinstance(period, bool) or not isinstance(period, numbers.Real) \
            or not math.isfinite(period) or period <= 0:
        raise ValueError(f"the period must be a positive number of ms, not {period!r}")
    if not callable(function):
        raise TypeError(f"net.every needs a function to call, not {type(function).__name__}")
    return Every(float(period), function, _takes_time(function))


def _takes_time(function) -> bool:
    """Whether `function` is called with t: it has a positional parameter without a
    default (f(t)) or *args; f(pop=pop) is called bare."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):           # a builtin without a signature: call it bare
        return False
    positional = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    required = [p for p in positional if p.default is p.empty and p.kind != p.VAR_POSITIONAL]
    if len(required) > 1:
        raise TypeError(f"{_name(function)} takes {len(required)} arguments; net.every calls "
                        "it with the time t (ms) or with none")
    return bool(required) or any(p.kind == p.VAR_POSITIONAL for p in positional)


def next_stop(callbacks, step: int, end: int, dt: float) -> int:
    """The first step after `step` (at most `end`) at which a callback is due."""
    stop = end
    for callback in callbacks:
        period = callback.steps(dt)
        stop = min(stop, (step // period + 1) * period)
    return stop


def due(callbacks, step: int, dt: float) -> list[Every]:
    """The callbacks due at `step`, in the order they were registered."""
    return [c for c in callbacks if step % c.steps(dt) == 0]


def _name(function) -> str:
    return getattr(function, "__qualname__", None) or repr(function)
