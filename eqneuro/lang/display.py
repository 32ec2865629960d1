"""Readable text and LaTeX renderings of a model, close to how it was written: the model text
is transformed again with SymPy's automatic evaluation off, so that `0.01*(v + 60)` stays as
written instead of becoming `0.6 + 0.01*v`; each ODE is shown solved for d/dt."""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from . import syntax as ast
from ..functions import derivative_symbol, draw_kind, input_target, timed_name
from .model import NeuronModel, SynapseModel


@dataclass(frozen=True, slots=True)
class Written:
    """The model's expressions as written (unevaluated SymPy), by name."""

    derivatives: tuple[tuple[str, sympy.Basic], ...] = ()
    assignments: tuple[tuple[str, sympy.Basic], ...] = ()
    flags: tuple[tuple[str, str, sympy.Basic], ...] = ()        # variable, flag, value
    spike: sympy.Basic | None = None
    reset: tuple[tuple[str, str, sympy.Basic], ...] = ()        # target, operator, value
    refractory: sympy.Basic | None = None


def written_forms(sections: dict[str, tuple]) -> Written:
    """From the merged sections of an AST built with evaluate(False)."""
    derivatives, assignments, flags = [], [], []
    for equation in sections.get("equations", ()):
        uses = equation.lhs.derivatives + equation.rhs.derivatives
        if not uses:
            assignments.append((equation.lhs.value.name, equation.rhs.value))
            continue
        name = uses[0].name
        derivatives.append((name, _solved(equation, name)))
        flags += [(name, f.name, f.value.value) for f in equation.flags if f.value is not None]
    spike = sections.get("spike", (None,))[0]
    refractory = sections.get("refractory", (None,))[0]
    reset = tuple((s.target, s.operator, s.value.value) for s in sections.get("reset", ()))
    return Written(tuple(derivatives), tuple(assignments), tuple(flags),
                   spike.value if spike is not None else None, reset,
                   refractory.value if refractory is not None else None)


def _solved(equation: ast.Equation, name: str):
    """`tau*dv/dt + v = I` -> `(I - v)/tau`, keeping the written terms; None when the
    derivative is inside a product or function that SymPy must solve."""
    d = derivative_symbol(name)
    for side, other in ((equation.lhs.value, equation.rhs.value),
                        (equation.rhs.value, equation.lhs.value)):
        if other.has(d) or not side.has(d):
            continue
        terms = list(side.args) if isinstance(side, sympy.Add) else [side]
        with_d = [term for term in terms if term.has(d)]
        coefficient = _coefficient(with_d[0], d) if len(with_d) == 1 else None
        if coefficient is None:
            return None
        rest = [sympy.Mul(-1, term, evaluate=False) for term in terms if not term.has(d)]
        numerator = sympy.Add(other, *rest, evaluate=False) if rest else other
        if coefficient == 1:
            return numerator
        return sympy.Mul(numerator, sympy.Pow(coefficient, -1, evaluate=False), evaluate=False)
    return None


def _coefficient(term, d):
    """c for a term c*dX/dt written as a product; 1 for dX/dt itself."""
    if term == d:
        return sympy.Integer(1)
    if isinstance(term, sympy.Mul) and sum(a == d for a in term.args) == 1:
        factors = [a for a in term.args if a != d]
        if not any(f.has(d) for f in factors):
            return sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0]
    return None


def _fmt(value: float) -> str:
    return repr(float(value)) if value != int(value) or abs(value) >= 1e15 else f"{value:.1f}"


def _flat(expr):
    """Unevaluated sums and products flattened in written order, so that `a + b + c` prints
    without the parentheses of its left-nested tree."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    args = [_flat(a) for a in expr.args]
    nested = isinstance(expr, (sympy.Add, sympy.Mul)) and \
        any(type(arg) is type(expr) for arg in args)
    if not nested and all(new is old for new, old in zip(args, expr.args)):
        return expr
    if nested:
        spliced = []
        for arg in args:
            spliced += list(arg.args) if type(arg) is type(expr) else [arg]
        return expr.func(*spliced, evaluate=False)
    with sympy.evaluate(False):
        return expr.func(*args)


# SymPy's names of built-ins -> the language's
_LANGUAGE_NAMES = {"Max": "max", "Min": "min", "Abs": "abs", "Exprel": "exprel",
                   "ceiling": "ceil", "asin": "arcsin", "acos": "arccos", "atan": "arctan"}


class _TextPrinter(StrPrinter):
    """SymPy's str printer, with eqneuro's spelling of conditions and conditionals."""

    def _print_Symbol(self, expr):
        kind = draw_kind(expr)            # one random call: shown as written, uniform()
        if kind:
            return f"{kind}()"
        timed = timed_name(expr)
        return f"{timed}(t)" if timed else super()._print_Symbol(expr)

    # The language's precedence: comparison > not > and > or.
    def _condition(self, arg, looser) -> str:
        text = self._print(arg)
        return f"({text})" if isinstance(arg, looser) else text

    def _print_And(self, expr):
        return " and ".join(self._condition(a, sympy.Or) for a in expr.args)

    def _print_Or(self, expr):
        return " or ".join(self._print(a) for a in expr.args)

    def _print_Not(self, expr):
        return "not " + self._condition(expr.args[0], (sympy.And, sympy.Or))

    def _print_Function(self, expr):
        name = _LANGUAGE_NAMES.get(type(expr).__name__, type(expr).__name__)
        if name == "PoissonCount":            # poisson(lam), the inversion of a uniform draw
            return f"poisson({self._print(expr.args[1])})"
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    _print_Min = _print_Max = _print_Abs = _print_Function

    def _print_Mod(self, expr):
        return f"mod({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Piecewise(self, expr):
        *pieces, last = expr.args
        out = self._print(last.expr)
        for value, condition in reversed(pieces):
            out = f"({self._print(value)} if {self._print(condition)} else {out})"
        return out


class _Latex(LatexPrinter):
    """SymPy's LaTeX printer; a written conditional raised to a power keeps its exponent,
    and sum(T) is shown as written."""

    def _print_Symbol(self, expr, style="plain"):
        kind = draw_kind(expr)
        if kind:
            return rf"\operatorname{{{kind}}}()"
        timed = timed_name(expr)
        if timed:
            return rf"\operatorname{{{timed.replace('_', chr(92) + '_')}}}(t)"
        target = input_target(expr)
        if target is None:
            return super()._print_Symbol(expr, style)
        escaped = target.replace("_", "\\_")
        return rf"\operatorname{{sum}}(\text{{{escaped}}})"

    def _print_PoissonCount(self, expr, exp=None):
        tex = rf"\operatorname{{poisson}}\left({self._print(expr.args[1])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Piecewise(self, expr, exp=None):
        tex = super()._print_Piecewise(expr)
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


def _expr(expr) -> str:
    printer = _TextPrinter({"order": "none", "full_prec": False})
    return printer.doprint(_flat(expr)).replace("$", "")


def _lookup(pairs, name, default):
    """The written form of `name`, else the analysed one."""
    return next((value for key, value in pairs if key == name), default)


def model_text(model: NeuronModel, method: str | None = None,
               written: Written | None = None) -> str:
    written = written or Written()
    method = method or model.method or "automatic"
    lines = [f"neuron {model.name}  (method: {method})"]
    if model.parameters:
        lines.append("  parameters:")
        for p in model.parameters:
            lines.append(f"    {p.name} = {_fmt(p.value)}" + ("  (shared)" if p.shared else ""))
    lines.append("  equations:")
    for a in model.assignments:
        lines.append(f"    {a.name} = {_expr(_lookup(written.assignments, a.name, a.value))}")
    for s in model.state:
        shown = _lookup(written.derivatives, s.name, None)
        flags = {f: v for var, f, v in written.flags if var == s.name}
        items = [f"init = {_expr(flags.get('init', s.init))}"]
        for flag, value in (("min", s.lower), ("max", s.upper)):
            if value is not None:
                items.append(f"{flag} = {_expr(flags.get(flag, value))}")
        lines.append(f"    d{s.name}/dt = {_expr(shown if shown is not None else s.derivative)}"
                     f"    [{', '.join(items)}]")
    if model.spike is not None:
        lines.append(f"  spike: {_expr(written.spike if written.spike is not None else model.spike)}")
    if model.reset:
        lines.append("  reset: " + "; ".join(_reset_text(r, written) for r in model.reset))
    if model.refractory is not None:
        held = [s.name for s in model.state if s.hold_when_refractory]
        value = written.refractory if written.refractory is not None else model.refractory
        lines.append(f"  refractory: {_expr(value)} ms"
                     + (f"  (holds {', '.join(held)})" if held else "  (blocks spikes only)"))
    return "\n".join(lines)


def _reset_text(reset, written: Written) -> str:
    for target, operator, value in written.reset:
        if target == reset.target:
            return f"{target} {operator} {_expr(value)}"
    return f"{reset.target} = {_expr(reset.value)}"


def _written_increment(statement) -> sympy.Basic:
    """The right side as written of `target op value`, from the stored new value."""
    current = sympy.Symbol(statement.target, real=True)
    new = statement.value
    return {"=": new, "+=": new - current, "-=": current - new, "*=": new / current,
            "/=": current / new}[statement.operator]


@dataclass(frozen=True, slots=True)
class WrittenSynapse:
    """A synapse's expressions as written (unevaluated SymPy)."""

    on_pre: tuple[tuple[str, str, sympy.Basic], ...] = ()      # target, operator, value
    psp: sympy.Basic | None = None
    on_post: tuple[tuple[str, str, sympy.Basic], ...] = ()


def _statements_text(statements, written) -> str:
    shown = {target: (operator, value) for target, operator, value in written}
    return "; ".join(
        f"{s.target} {s.operator} "
        f"{_expr(shown[s.target][1] if s.target in shown else _written_increment(s))}"
        for s in statements)


def synapse_text(model: SynapseModel, written: WrittenSynapse | None = None) -> str:
    written = written or WrittenSynapse()
    lines = [f"synapse {model.name}", "  parameters:"]
    for p in model.parameters:
        lines.append(f"    {p.name} = {_fmt(p.value)}" + ("  (shared)" if p.shared else ""))
    if model.state:
        lines.append("  equations:  (integrated between events, in closed form)")
        for v in model.state:
            flags = [f"init = {_expr(v.init)}"] if not v.init.is_zero else []
            flags += [f"{k} = {_expr(b)}" for k, b in (("min", v.lower), ("max", v.upper))
                      if b is not None]
            lines.append(f"    d{v.name}/dt = {_expr(v.derivative)}"
                         + (f" : {', '.join(flags)}" if flags else ""))
    if model.on_pre:
        lines.append("  on_pre: " + _statements_text(model.on_pre, written.on_pre))
    if model.on_post:
        lines.append("  on_post: " + _statements_text(model.on_post, written.on_post))
    if model.psp is not None:
        lines.append(f"  psp: {_expr(written.psp if written.psp is not None else model.psp)}")
    return "\n".join(lines)


def written_synapse(source, selected: str | None) -> WrittenSynapse:
    """The written forms of the synapse `selected` in `source` (already checked)."""
    from .transform import to_ast
    from .variants import find_declaration, merged_sections
    from ..errors import ModelError
    try:
        with sympy.evaluate(False):
            tree = to_ast(source)
            decl = find_declaration(tree, selected, "synapse")
            sections = merged_sections(source, tree, decl, (), "synapse")
            psp = sections.get("psp", (None,))[0]
            return WrittenSynapse(tuple((s.target, s.operator, s.value.value)
                                        for s in sections.get("on_pre", ())),
                                  psp.value if psp is not None else None,
                                  tuple((s.target, s.operator, s.value.value)
                                        for s in sections.get("on_post", ())))
    except (ModelError, TypeError, ValueError, AttributeError, RecursionError):
        return WrittenSynapse()


def model_latex(model: NeuronModel, method: str | None = None,
                written: Written | None = None) -> str:
    written = written or Written()

    def latex(expr) -> str:
        return _Latex({"order": "none"}).doprint(_flat(expr))

    rows = [f"{sympy.latex(sympy.Symbol(a.name))} &= "
            f"{latex(_lookup(written.assignments, a.name, a.value))}"
            for a in model.assignments]
    for s in model.state:
        shown = _lookup(written.derivatives, s.name, None)
        flags = {f: v for var, f, v in written.flags if var == s.name}
        extra = [rf"\text{{{f}}} = {latex(flags.get(f, v))}" for f, v in
                 (("init", s.init), ("min", s.lower), ("max", s.upper)) if v is not None]
        rows.append(rf"\frac{{d{sympy.latex(sympy.Symbol(s.name))}}}{{dt}} &= "
                    f"{latex(shown if shown is not None else s.derivative)}"
                    r" \quad (" + r",\ ".join(extra) + ")")
    if model.spike is not None:
        rows.append(rf"\text{{spike}} &: {latex(model.spike if written.spike is None else written.spike)}")
    if model.reset:
        ops = {"=": r"\leftarrow", "+=": r"\mathrel{+}=", "-=": r"\mathrel{-}=",
               "*=": r"\mathrel{*}=", "/=": r"\mathrel{/}="}
        shown = {t: (op, v) for t, op, v in written.reset}
        rows.append(r"\text{reset} &: " + r",\; ".join(
            f"{sympy.latex(sympy.Symbol(r.target))} {ops[shown.get(r.target, ('=', r.value))[0]]} "
            f"{latex(shown.get(r.target, ('=', r.value))[1])}" for r in model.reset))
    if model.refractory is not None:
        value = written.refractory if written.refractory is not None else model.refractory
        rows.append(rf"\text{{refractory}} &: {latex(value)}\ \text{{ms}}")
    title = rf"\text{{{model.name}}}\ (\text{{{method or model.method or 'automatic'}}})"
    return "$$" + title + r"\\ \begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"


def written_of(source, selected: str | None) -> Written:
    """The written forms of the neuron `selected` in `source` (already checked); the plain
    forms are shown instead where SymPy cannot hold an expression unevaluated."""
    from .transform import to_ast
    from .variants import find_neuron, merged_sections
    from ..errors import ModelError
    try:
        with sympy.evaluate(False):
            tree = to_ast(source)
            decl = find_neuron(tree, selected)
            return written_forms(merged_sections(source, tree, decl, ()))
    except (ModelError, TypeError, ValueError, AttributeError, RecursionError):
        return Written()
