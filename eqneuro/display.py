"""Readable text and LaTeX renderings of a NeuronModel."""
from __future__ import annotations

import sympy

from .functions import symbol
from .model import NeuronModel


def _fmt(value: float) -> str:
    return repr(float(value)) if value != int(value) or abs(value) >= 1e15 else f"{value:.1f}"


def _expr(expr) -> str:
    return sympy.sstr(expr, order="none", full_prec=False)


def model_text(model: NeuronModel, method: str | None = None) -> str:
    method = method or model.method or "automatic"
    lines = [f"neuron {model.name}  (method: {method})"]
    if model.parameters:
        lines.append("  parameters:")
        for p in model.parameters:
            lines.append(f"    {p.name} = {_fmt(p.value)}" + ("  (shared)" if p.shared else ""))
    lines.append("  equations:")
    for a in model.assignments:
        lines.append(f"    {a.name} = {_expr(a.value)}")
    for s in model.state:
        flags = [f"init = {_expr(s.init)}"]
        if s.lower is not None:
            flags.append(f"min = {_expr(s.lower)}")
        if s.upper is not None:
            flags.append(f"max = {_expr(s.upper)}")
        lines.append(f"    d{s.name}/dt = {_expr(s.derivative)}    [{', '.join(flags)}]")
    if model.spike is not None:
        lines.append(f"  spike: {_expr(model.spike)}")
    if model.reset:
        lines.append("  reset: " + "; ".join(
            f"{r.target} = {_expr(r.value)}" for r in model.reset))
    if model.refractory is not None:
        held = [s.name for s in model.state if s.hold_when_refractory]
        lines.append(f"  refractory: {_expr(model.refractory)} ms"
                     + (f"  (holds {', '.join(held)})" if held else "  (blocks spikes only)"))
    return "\n".join(lines)


def model_latex(model: NeuronModel, method: str | None = None) -> str:
    rows = []
    names = {symbol(n): sympy.Symbol(n) for n in
             model.state_names + model.parameter_names + model.assignment_names}
    latex = lambda e: sympy.latex(e.xreplace(names) if hasattr(e, "xreplace") else e)
    for a in model.assignments:
        rows.append(f"{sympy.latex(sympy.Symbol(a.name))} &= {latex(a.value)}")
    for s in model.state:
        rows.append(rf"\frac{{d{sympy.latex(sympy.Symbol(s.name))}}}{{dt}} &= "
                    f"{latex(s.derivative)}")
    if model.spike is not None:
        rows.append(rf"\text{{spike}} &: {latex(model.spike)}")
    if model.reset:
        rows.append(r"\text{reset} &: " + r",\; ".join(
            f"{sympy.latex(sympy.Symbol(r.target))} \\leftarrow {latex(r.value)}"
            for r in model.reset))
    title = rf"\text{{{model.name}}}\ (\text{{{method or model.method or 'automatic'}}})"
    return "$$" + title + r"\\ \begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"
