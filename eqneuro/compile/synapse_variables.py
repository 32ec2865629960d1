"""The printing of a plastic synapse's per-synapse variables (compile/projection.py's
_Sides uses it): their closed forms between events, bounds and update times, and the
forward Euler step of the every-step ones. sim/synapse_state.py computes the same closed
forms in NumPy."""
from __future__ import annotations

import sympy

from ..functions import symbol, sympy_object

ELAPSED = sympy.Symbol("$elapsed", real=True)    # ms since a synapse's last update


def closed_form(synapse_model) -> tuple:
    """The per-synapse variables integrated between events."""
    return tuple(v for v in synapse_model.state if v.name not in synapse_model.every_step)


def _local(constant: sympy.Symbol) -> str:
    """The C local of a symbol `const:<local>`."""
    return constant.name.partition(":")[2]


class VariablePrinting:
    """Methods of _Sides (which provides use, field, own, expression and printer) for the
    per-synapse variables."""

    def constant(self, expr) -> sympy.Symbol:
        """A symbol for `expr` (of shared values only), a local computed once per call."""
        printed = self.printer("_t").doprint(self.expression(expr, snapshot=False))
        for name, value in self.constants:
            if value == printed:
                return sympy.Symbol(f"const:{name}", real=True)
        name = f"_c{len(self.constants)}"
        self.constants.append((name, printed))
        return sympy.Symbol(f"const:{name}", real=True)

    def is_shared(self, expr) -> bool:
        return all(s.name not in self.part.array_parameters for s in expr.free_symbols)

    def last(self) -> str:
        """The time (ms) each synapse's variables were last brought up to date."""
        return self.per_synapse(self.field('_last'))

    def evolved(self, variable, decays: dict | None = None) -> sympy.Expr:
        """A per-synapse variable after ELAPSED ms: x*exp(a*D) + b/a*expm1(a*D) (no second
        term when b is 0), or x + b*D when a is 0 (sim/synapse_state.py computes the same
        in NumPy); a and b/a of shared values are locals computed once per call. With
        `decays` (shared rate -> its local), exp(a*D) of a shared rate is that local."""
        x = symbol(variable.name)
        rate = sympy.diff(variable.derivative, x)
        drive = sympy.simplify(variable.derivative - rate * x)
        if rate == 0:
            value = x + drive * ELAPSED
        else:
            scale = drive / rate
            factor = None
            if self.is_shared(rate):        # once per call, not a division per synapse
                rate = self.constant(rate)
                scale = self.constant(scale) if self.is_shared(scale) else scale
                factor = decays.get(rate) if decays is not None else None
            value = x * (factor if factor is not None else sympy.exp(rate * ELAPSED))
            if drive != 0:
                value += scale * sympy_object("codegen.cfunctions.expm1")(rate * ELAPSED)
        return self.expression(value, snapshot=False)

    def decay_lines(self, synapse_model, decays: dict) -> list[str]:
        """exp(a*D) once per synapse for each distinct shared rate a of the closed forms,
        into the locals _E0.. (filling `decays`); a rate equal at run time to an earlier
        one takes its value instead of a second exp (STDP's tau_plus == tau_minus)."""
        printer, lines = self.printer("_t"), []
        for variable in closed_form(synapse_model):
            x = symbol(variable.name)
            rate = sympy.diff(variable.derivative, x)
            if rate == 0 or not self.is_shared(rate):
                continue
            rate = self.constant(rate)
            if rate in decays:
                continue
            local = f"_E{len(decays)}"
            value = printer.doprint(sympy.exp(rate * ELAPSED))
            for earlier, name in reversed(decays.items()):
                value = f"{_local(name)} if {_local(earlier)} == {_local(rate)} else {value}"
            decays[rate] = sympy.Symbol(f"const:{local}", real=True)
            self.decays.append(local)
            lines.append(f"{local} = {value}")
        return lines

    def bounded(self, variable, value: str) -> str:
        """`value` within the variable's min and max."""
        for bound, function in ((variable.lower, "eq_max"), (variable.upper, "eq_min")):
            if bound is not None:
                value = f"{function}({value}, " \
                        f"{self.printer('_t').doprint(self.expression(bound, snapshot=False))})"
        return value

    def bring_up_to_date(self, synapse_model) -> list[str]:
        """Every per-synapse variable of synapse _k from its last update to _t (then within
        its bounds)."""
        if not closed_form(synapse_model):
            return []
        lines = [f"_D = _t - {self.last()}"]
        decays: dict = {}
        if len(closed_form(synapse_model)) > 1:
            lines += self.decay_lines(synapse_model, decays)
        printer = self.printer("_t")
        for variable in closed_form(synapse_model):
            value = printer.doprint(self.evolved(variable, decays))
            lines.append(f"{self.own(variable.name)} = {self.bounded(variable, value)}")
        return lines

    def settle(self, synapse_model) -> list[str]:
        """After an event's statements: the bounds again, and the time of the update."""
        if not closed_form(synapse_model):
            return []
        lines = [f"{self.own(v.name)} = {self.bounded(v, self.own(v.name))}"
                 for v in closed_form(synapse_model)
                 if v.lower is not None or v.upper is not None]
        return lines + [f"{self.last()} = _t"]

    def every_step(self, synapse_model) -> tuple[str, ...]:
        """Forward Euler from t to t+dt of the every-step variables of synapse _k (pre _i,
        post _j), all from the values at t, then their bounds."""
        printer = self.printer("_t")
        stepped = [v for v in synapse_model.state if v.name in synapse_model.every_step]
        lines = [f"_f{k} = {printer.doprint(self.expression(v.derivative, snapshot=False))}"
                 for k, v in enumerate(stepped)]
        lines += [f"{self.own(v.name)} = "
                  f"{self.bounded(v, f'{self.own(v.name)} + _dt * _f{k}')}"
                  for k, v in enumerate(stepped)]
        return tuple(lines)
