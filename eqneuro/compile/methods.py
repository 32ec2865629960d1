"""Integration methods: explicit schemes as Butcher tableaus (data), plus exponential Euler,
exact (linear systems) and implicit (backward Euler). `plan(model)` -> UpdatePlan."""
from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy import Rational as R

from ..functions import draw_kind, held_over_step, input_target, noise_draw, noise_name, symbol
from ..lang.model import NeuronModel
from ..lang.special import Exprel

T, DT = symbol("t"), symbol("dt")
ACTIVE = sympy.Symbol("$active", real=True)   # 1 while not refractory, else 0
_NOT_FINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


class Unsupported(Exception):
    """This method cannot integrate this model; the message says why."""


@dataclass(frozen=True, slots=True)
class Propagator:
    """The matrix exponential exp(A) of an augmented matrix A = [[M*dt, B*dt], [0, 0]] whose
    entries are expressions of parameters and dt: computed numerically once per run (per
    neuron where the parameters differ). `outputs` are the entries the update reads, as
    (row, column, symbol); column n of row i is the constant term of variable i."""

    matrix: tuple[tuple[sympy.Expr, ...], ...]
    outputs: tuple[tuple[int, int, sympy.Symbol], ...]
    kind: str = "expm"    # "noise": Van Loan's matrix; outputs: a factor L of the covariance

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(symbol for _, _, symbol in self.outputs)


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """Statements computing one step: locals in order, then the new value of each state var.
    `propagators` are coefficients the statements read, computed once per run."""

    method: str
    statements: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    updates: tuple[tuple[str, sympy.Expr], ...]
    propagators: tuple[Propagator, ...] = ()

    def __str__(self) -> str:
        lines = [f"# {self.method}"]
        for propagator in self.propagators:
            size = len(propagator.matrix)
            if propagator.kind == "noise":
                lines.append(f"# once per run: L L^T = S, the covariance of one step's noise "
                             f"(Van Loan, {size}x{size})")
                lines += [f"{s.name} = L[{i}, {j}]" for i, j, s in propagator.outputs]
                continue
            lines.append(f"# once per run: P = expm(A), A = [[M*dt, B*dt], [0, 0]] "
                         f"({size}x{size})")
            lines += [f"{s.name} = P[{i}, {j}]" for i, j, s in propagator.outputs]
        lines += [f"{s.name} = {sympy.sstr(e)}" for s, e in self.statements]
        lines += [f"{n}_new = {sympy.sstr(e)}" for n, e in self.updates]
        return "\n".join(lines).replace("$", "")


@dataclass(frozen=True, slots=True)
class ExplicitScheme:
    """A Runge-Kutta scheme: stage i evaluates f at x + dt*sum_j a[i][j]*k_j, time t + c[i]*dt."""

    a: tuple[tuple, ...]
    b: tuple
    c: tuple
    order: int


EXPLICIT = {
    "euler": ExplicitScheme(a=((),), b=(1,), c=(0,), order=1),
    "midpoint": ExplicitScheme(a=((), (R(1, 2),)), b=(0, 1), c=(0, R(1, 2)), order=2),
    "heun": ExplicitScheme(a=((), (1,)), b=(R(1, 2), R(1, 2)), c=(0, 1), order=2),
    "rk4": ExplicitScheme(a=((), (R(1, 2),), (0, R(1, 2)), (0, 0, 1)),
                          b=(R(1, 6), R(1, 3), R(1, 3), R(1, 6)), c=(0, R(1, 2), R(1, 2), 1),
                          order=4),
}


def _held(model: NeuronModel) -> set[str]:
    if model.refractory is None:
        return set()
    return {s.name for s in model.state if s.hold_when_refractory}


def _derivatives(model: NeuronModel, hold: bool = True) -> dict[str, sympy.Expr]:
    """d/dt of each state variable, assignments inlined; with `hold`, zero while held
    (refractory), so that every stage of a Runge-Kutta scheme sees the held value."""
    held = _held(model) if hold else set()
    return {name: ACTIVE * expr if name in held else expr
            for name, expr in model.inlined_derivatives().items()}


def _hold_selected(model: NeuronModel, plan: UpdatePlan) -> UpdatePlan:
    """Held variables keep their value while refractory (a select, so that the update's
    coefficients stay loop-invariant for exact and exponential integration)."""
    held = _held(model)
    updates = tuple((name, sympy.Piecewise((expr, ACTIVE > 0), (symbol(name), True))
                     if name in held else expr) for name, expr in plan.updates)
    return UpdatePlan(plan.method, plan.statements, updates)


def explicit(model: NeuronModel, name: str) -> UpdatePlan:
    scheme = EXPLICIT[name]
    f = _derivatives(model)
    names = list(f)
    statements: list[tuple[sympy.Symbol, sympy.Expr]] = []
    ks: list[dict[str, sympy.Symbol]] = []
    for stage, (row, c) in enumerate(zip(scheme.a, scheme.c), start=1):
        subs = {}
        if any(coef != 0 for coef in row):
            for var in names:
                increment = sum((coef * ks[j][var] for j, coef in enumerate(row) if coef != 0),
                                sympy.Integer(0))
                local = sympy.Symbol(f"$x{stage}_{var}", real=True)
                statements.append((local, symbol(var) + DT * increment))
                subs[symbol(var)] = local
        if c != 0:
            subs[T] = T + c * DT
        k = {var: sympy.Symbol(f"$k{stage}_{var}", real=True) for var in names}
        for var in names:
            statements.append((k[var], f[var].xreplace(subs)))
        ks.append(k)
    updates = []
    for var in names:
        total = sum((b * ks[i][var] for i, b in enumerate(scheme.b) if b != 0), sympy.Integer(0))
        updates.append((var, symbol(var) + DT * total))
    if name == "euler":   # fold the single stage into the update for readability
        statements, updates = [], [(v, symbol(v) + DT * f[v]) for v in names]
    return UpdatePlan(name, tuple(statements), tuple(updates))


def exponential(model: NeuronModel) -> UpdatePlan:
    """Exponential Euler: each ODE must be linear in its own variable (dx/dt = A*x + B)."""
    f = _derivatives(model, hold=False)
    updates = []
    for var, expr in f.items():
        x = symbol(var)
        a = sympy.diff(expr, x)
        if a.has(x, *_NOT_FINITE) or expr.has(sympy.Piecewise) and x in _piecewise_symbols(expr):
            raise Unsupported(f"d{var}/dt is not linear in {var}")
        if a == 0:
            updates.append((var, x + DT * expr))
        else:
            updates.append((var, x + DT * expr * Exprel(a * DT)))
    return _hold_selected(model, UpdatePlan("exponential", (), tuple(updates)))


def _piecewise_symbols(expr) -> set:
    return {s for p in expr.atoms(sympy.Piecewise, sympy.Max, sympy.Min, sympy.Abs)
            for s in p.free_symbols}


def _may_be_linear(expr, xs: set) -> bool:
    """False when the shape of `expr` alone shows it is not linear in `xs` (a function of a
    variable, a power of one, a product of two): one pass, before any differentiation, which
    is slow on long expressions."""
    pending = [expr]
    while pending:
        node = pending.pop()
        if node.is_Atom or not (node.free_symbols & xs):
            continue
        if node.is_Add:
            pending += node.args
        elif node.is_Mul:
            varying = [a for a in node.args if a.free_symbols & xs]
            if len(varying) > 1:
                return False
            pending += varying
        else:                 # exp(v), v^2, abs(v), min(v, 1), a conditional on v, ...
            return False
    return True


def _linear_system(model: NeuronModel, allow_time: bool):
    """(M, B) with f = M*x + B (refractory holds not included), or Unsupported."""
    f = _derivatives(model, hold=False)
    xs = [symbol(v) for v in f]
    rows, consts = [], []
    for var, expr in f.items():
        if not _may_be_linear(expr, set(xs)):
            raise Unsupported(f"d{var}/dt is not linear in the state")
        row = [sympy.diff(expr, x) for x in xs]
        if any(entry.has(*xs, *_NOT_FINITE) for entry in row):    # 0^v: diff is nan
            raise Unsupported(f"d{var}/dt is not linear in the state")
        const = sympy.expand(expr - sum((r * x for r, x in zip(row, xs)), sympy.Integer(0)))
        if const.has(*xs):
            raise Unsupported(f"d{var}/dt is not linear in the state")
        if not allow_time and (const.has(T) or any(r.has(T) for r in row)):
            raise Unsupported(f"d{var}/dt depends on time t")
        rows.append(row)
        consts.append(sympy.simplify(const))
    return xs, sympy.Matrix(rows), sympy.Matrix(consts)


def exact(model: NeuronModel) -> UpdatePlan:
    """Linear systems with constant coefficients: uncoupled variables in closed form, any
    coupled system through its matrix exponential, computed numerically once per run (a
    symbolic closed form of even a two-variable cascade cancels catastrophically when the
    time constants are close, and overflows when one is tiny)."""
    xs, m, b = _linear_system(model, allow_time=False)
    n = len(xs)
    if all(m[i, j] == 0 for i in range(n) for j in range(n) if i != j):
        updates = []
        for i, x in enumerate(xs):
            a = m[i, i]
            f = a * x + b[i]
            updates.append((x.name, x + DT * f * Exprel(sympy.simplify(a * DT)) if a != 0
                            else x + DT * b[i]))
        return _hold_selected(model, UpdatePlan("exact", (), tuple(updates)))
    held = [i for i, x in enumerate(xs) if x.name in _held(model)]
    return _numeric_exact(model, xs, m, b, held)


def _numeric_exact(model: NeuronModel, xs, m, b, held: list[int]) -> UpdatePlan:
    """x(t + dt) = P x(t) + q with [P q] the top rows of expm([[M*dt, B*dt], [0, 0]]).
    While refractory, held variables stand still: a second propagator with their rows
    zeroed gives the exact evolution of the others."""
    states = {x.name for x in xs}
    xs, m, b = _with_inputs(xs, m, b)
    active_part = _only(_propagated(xs, m, b, "$pa"), states)
    if not held or model.refractory is None:
        updates, propagator = active_part
        return UpdatePlan("exact", (), updates, (propagator,))
    frozen_m, frozen_b = m.copy(), b.copy()
    for i in held:
        frozen_m[i, :] = sympy.zeros(1, len(xs))
        frozen_b[i] = 0
    refractory_part = _only(_propagated(xs, frozen_m, frozen_b, "$pr"), states)
    # A variable that depends on no held one (transitively) evolves the same either way
    # (AdEx's w, CUBA's synaptic currents): one update, no select.
    affected = _depending_on(m, held)
    updates = tuple((name, sympy.Piecewise((active, ACTIVE > 0), (still, True))
                     if index in affected else active)
                    for index, ((name, active), (_, still))
                    in enumerate(zip(active_part[0], refractory_part[0])))
    used = set().union(*(expr.free_symbols for _, expr in updates))
    frozen = refractory_part[1]
    frozen = Propagator(frozen.matrix, tuple(o for o in frozen.outputs if o[2] in used))
    propagators = tuple(p for p in (active_part[1], frozen) if p.outputs)
    return UpdatePlan("exact", (), updates, propagators)


def _depending_on(m, held: list[int]) -> set[int]:
    """Rows i of the coupling matrix from which a held variable is reachable (or held)."""
    n = len(held) and m.shape[0]
    found = set(held)
    changed = True
    while changed:
        changed = False
        for i in range(n):
            if i not in found and any(m[i, j] != 0 for j in found):
                found.add(i)
                changed = True
    return found


def _with_inputs(xs, m, b):
    """Inputs sum(T), random draws and TimedArray values hold one value over a step: in the
    propagator they are extra variables with zero derivative, so that their coefficients are
    parameters' functions (computed once per run) and the kernel multiplies them by the
    step's values."""
    if any(held_over_step(s) for entry in m for s in entry.free_symbols):
        raise Unsupported("an input sum(T), a random draw or a TimedArray multiplies a state "
                          "variable of a coupled system")
    inputs = sorted({s for entry in b for s in entry.free_symbols if held_over_step(s)},
                    key=lambda s: s.name)
    if not inputs:
        return xs, m, b
    n, k = len(xs), len(inputs)
    wide, rest = sympy.zeros(n + k, n + k), sympy.zeros(n + k, 1)
    wide[:n, :n] = m
    for i in range(n):
        const = sympy.expand(b[i])
        for j, u in enumerate(inputs):
            coefficient = sympy.diff(const, u)
            if coefficient.has(*inputs, *xs):
                raise Unsupported("an input sum(T), a random draw or a TimedArray enters "
                                  "the equations non-linearly")
            wide[i, n + j] = coefficient
            const = const - coefficient * u
        rest[i] = sympy.simplify(const)
    return list(xs) + inputs, wide, rest


def _only(part, states: set):
    """The updates of the state variables (not of the inputs carried along)."""
    updates, propagator = part
    return tuple(u for u in updates if u[0] in states), propagator


def _propagated(xs, m, b, prefix: str):
    """The updates x_i' = sum_j P_ij x_j + q_i over the entries that are not structurally
    zero (x_j reaches x_i through the coupling graph), and the Propagator computing them."""
    n = len(xs)
    reach = [[i == j or m[i, j] != 0 for j in range(n)] for i in range(n)]
    for k in range(n):                       # transitive closure (Warshall)
        for i in range(n):
            if reach[i][k]:
                reach[i] = [reach[i][j] or reach[k][j] for j in range(n)]
    matrix = sympy.zeros(n + 1, n + 1)
    matrix[:n, :n] = m * DT
    matrix[:n, n] = b * DT
    outputs, updates = [], []
    for i, x in enumerate(xs):
        if all(m[i, j] == 0 for j in range(n)) and b[i] == 0:
            updates.append((x.name, x))           # dx/dt = 0: x stands still
            continue
        terms = []
        for j in range(n + 1):
            constant = j == n
            if constant and not any(reach[i][k] and b[k] != 0 for k in range(n)):
                continue
            if not constant and not reach[i][j]:
                continue
            entry = sympy.Symbol(f"{prefix}{i}_{j}", real=True)
            outputs.append((i, j, entry))
            terms.append(entry if constant else entry * xs[j])
        updates.append((x.name, sympy.Add(*terms)))
    rows = tuple(tuple(matrix[i, j] for j in range(n + 1)) for i in range(n + 1))
    return tuple(updates), Propagator(rows, tuple(outputs))


def implicit(model: NeuronModel) -> UpdatePlan:
    """Backward Euler x' = x + dt*f(x', t+dt), solved exactly when f is linear in the state;
    otherwise one Newton step from x (linearly implicit Euler) for up to two variables."""
    try:
        xs, m, b = _linear_system(model, allow_time=True)
    except Unsupported:
        return _linearly_implicit(model)
    n = len(xs)
    shifted_m, shifted_b = m.xreplace({T: T + DT}), b.xreplace({T: T + DT})
    lhs = sympy.eye(n) - DT * shifted_m
    rhs = sympy.Matrix(xs) + DT * shifted_b
    solution = lhs.LUsolve(rhs)
    return _hold_selected(model, UpdatePlan("implicit", (), tuple(
        (x.name, sympy.simplify(solution[i])) for i, x in enumerate(xs))))


def _linearly_implicit(model: NeuronModel) -> UpdatePlan:
    f = _derivatives(model, hold=False)
    xs = [symbol(v) for v in f]
    if len(xs) > 2:
        raise Unsupported("implicit integration of a non-linear system of more than two "
                          "variables is not available")
    values = sympy.Matrix([f[x.name] for x in xs])
    jacobian = _jacobian_almost_everywhere(values, xs)
    if jacobian.has(*_NOT_FINITE):
        raise Unsupported("the Jacobian of the equations is not finite (as for 0^v)")
    step = (sympy.eye(len(xs)) - DT * jacobian).LUsolve(DT * values)
    return _hold_selected(model, UpdatePlan("implicit", (), tuple(
        (x.name, x + step[i]) for i, x in enumerate(xs))))


def _jacobian_almost_everywhere(values, xs):
    """The Jacobian where it exists: floor, ceil, sign and heaviside have slope 0 between their
    jumps (SymPy leaves Derivative(floor(v), v) and DiracDelta(v), which no kernel can
    evaluate), and mod(a, b) = a - b*floor(a/b) has the slope of a."""
    rewritten = values.replace(sympy.Mod, lambda a, b: a - b * sympy.floor(a / b))
    jacobian = rewritten.jacobian(xs)
    steps = (sympy.floor, sympy.ceiling, sympy.sign, sympy.Heaviside)
    jacobian = jacobian.replace(
        lambda e: isinstance(e, sympy.Derivative) and isinstance(e.expr, steps),
        lambda e: sympy.Integer(0))
    jacobian = jacobian.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))
    return jacobian.replace(lambda e: isinstance(e, sympy.Subs), lambda e: e.doit())


# ---- white noise: dx = f dt + sum_k g_k dW_k (Ito), dW_k = sqrt(dt) * N_k per step ----

def _noises(model: NeuronModel) -> tuple[sympy.Symbol, ...]:
    found = {s for e in model.inlined_derivatives().values() for s in e.free_symbols
             if noise_name(s)}
    return tuple(sorted(found, key=lambda s: s.name))


def _drift_and_diffusion(model: NeuronModel, noises, hold: bool = True):
    """f and g (var -> {noise: coefficient}) of d/dt = f + sum g*xi (linear in xi: the
    analysis checked it); held variables get neither while refractory."""
    f = _derivatives(model, hold)
    silent = {xi: sympy.Integer(0) for xi in noises}
    drift = {var: expr.xreplace(silent) for var, expr in f.items()}
    diffusion = {var: {xi: sympy.diff(expr, xi) for xi in noises if expr.has(xi)}
                 for var, expr in f.items()}
    return drift, diffusion


def _increment(xi) -> sympy.Expr:
    return sympy.sqrt(DT) * noise_draw(noise_name(xi))


def euler_maruyama(model: NeuronModel, noises) -> UpdatePlan:
    """x + f dt + sum_k g_k dW_k: strong order 1/2, weak order 1 (Ito)."""
    drift, diffusion = _drift_and_diffusion(model, noises)
    return UpdatePlan("euler", (), tuple(
        (var, symbol(var) + DT * drift[var]
         + sum((g * _increment(xi) for xi, g in diffusion[var].items()), sympy.Integer(0)))
        for var in drift))


def milstein(model: NeuronModel, noises) -> UpdatePlan:
    """Euler-Maruyama plus 1/2 g dg/dx (dW^2 - dt): strong order 1 for diagonal noise (each
    noise in one equation, its coefficient depending on no other noisy variable)."""
    drift, diffusion = _drift_and_diffusion(model, noises)
    users = {xi: [v for v, g in diffusion.items() if xi in g] for xi in noises}
    updates = []
    for var in drift:
        x, total = symbol(var), symbol(var) + DT * drift[var]
        for xi, g in diffusion[var].items():
            if len(users[xi]) > 1:
                raise Unsupported(f"milstein needs each noise in one equation; "
                                  f"{noise_name(xi)} drives {', '.join(users[xi])}")
            others = [v for v, gs in diffusion.items() if gs and v != var and g.has(symbol(v))]
            if others:
                raise Unsupported(f"milstein needs the noise coefficient of d{var}/dt to "
                                  f"depend on no other noisy variable ({others[0]})")
            dw = _increment(xi)
            total += g * dw + sympy.Rational(1, 2) * g * sympy.diff(g, x) * (dw ** 2 - DT)
        updates.append((var, total))
    return UpdatePlan("milstein", (), tuple(updates))


def exact_noisy(model: NeuronModel, noises) -> UpdatePlan:
    """Linear systems with additive noise, dx = (M x + b) dt + G dW with M, b, G constant:
    the exact Gaussian update x(t+dt) = P x + q + L N, N standard normal per variable, where
    L L^T is the covariance of one step's noise (Van Loan), computed once per run. An
    uncoupled variable (an Ornstein-Uhlenbeck process) in closed form,
    x e^(a dt) + b (e^(a dt) - 1)/a + sqrt(sum_k g_k^2 (e^(2 a dt) - 1)/(2a)) N."""
    silent = _silenced(model, noises)
    xs, m, b = _linear_system(silent, allow_time=False)
    _, diffusion = _drift_and_diffusion(model, noises, hold=False)
    g = sympy.Matrix([[diffusion[x.name].get(xi, sympy.Integer(0)) for xi in noises]
                      for x in xs])
    if g.has(*xs, T, *_NOT_FINITE):
        raise Unsupported("exact integration with noise needs additive noise (a noise "
                          "coefficient that depends on neither the state nor t)")
    n = len(xs)
    users = {xi: [x.name for i, x in enumerate(xs) if g[i, k] != 0]
             for k, xi in enumerate(noises)}
    uncoupled = all(m[i, j] == 0 for i in range(n) for j in range(n) if i != j)
    if uncoupled and all(len(v) == 1 for v in users.values()):
        updates = []
        for i, x in enumerate(xs):
            a = m[i, i]
            update = x + DT * (a * x + b[i]) * Exprel(sympy.simplify(a * DT))
            for k, xi in enumerate(noises):
                if g[i, k] != 0:
                    update += g[i, k] * sympy.sqrt(DT * Exprel(sympy.simplify(2 * a * DT))) \
                        * noise_draw(noise_name(xi))
            updates.append((x.name, update))
        return _hold_selected(model, UpdatePlan("exact", (), tuple(updates)))
    held = [i for i, x in enumerate(xs) if x.name in _held(model)]
    base = _numeric_exact(silent, xs, m, b, held)
    active = _noise_terms(xs, m, g, "$pn")
    if held and model.refractory is not None:
        frozen_m, frozen_g = m.copy(), g.copy()
        for i in held:
            frozen_m[i, :] = sympy.zeros(1, n)
            frozen_g[i, :] = sympy.zeros(1, len(noises))
        frozen = _noise_terms(xs, frozen_m, frozen_g, "$pm")
        terms = {name: sympy.Piecewise((active[0][name], ACTIVE > 0), (frozen[0][name], True))
                 for name in active[0]}
        propagators = (active[1], frozen[1])
    else:
        terms, propagators = active[0], (active[1],)
    updates = tuple((name, expr + terms[name]) for name, expr in base.updates)
    return UpdatePlan("exact", base.statements, updates, base.propagators + propagators)


def _noise_terms(xs, m, g, prefix: str):
    """{variable: sum_j L_ij N_j} and the Propagator computing L from Van Loan's matrix
    C = [[-M, G G^T], [0, M^T]] dt; N_j is the draw of the j-th variable's exact noise."""
    n = len(xs)
    van_loan = sympy.zeros(2 * n, 2 * n)
    van_loan[:n, :n] = -m * DT
    van_loan[:n, n:] = g * g.T * DT
    van_loan[n:, n:] = m.T * DT
    outputs, terms = [], {}
    for i, x in enumerate(xs):
        total = sympy.Integer(0)
        for j in range(n):
            entry = sympy.Symbol(f"{prefix}{i}_{j}", real=True)
            outputs.append((i, j, entry))
            total += entry * noise_draw(f"_exact{j}")
        terms[x.name] = total
    rows = tuple(tuple(van_loan[i, j] for j in range(2 * n)) for i in range(2 * n))
    return terms, Propagator(rows, tuple(outputs), "noise")


def _silenced(model: NeuronModel, noises) -> NeuronModel:
    """The model without its noise terms."""
    import dataclasses
    zero = {xi: sympy.Integer(0) for xi in noises}
    return dataclasses.replace(model, state=tuple(
        dataclasses.replace(s, derivative=s.derivative.xreplace(zero)) for s in model.state))


def _noisy_plan(model: NeuronModel, method: str | None, noises) -> UpdatePlan:
    if method is None:          # exact for linear additive noise, else the best that fits
        for choice in (exact_noisy, milstein):
            try:
                return choice(model, noises)
            except Unsupported:
                pass
        return euler_maruyama(model, noises)
    if method == "euler":
        return euler_maruyama(model, noises)
    if method == "milstein":
        return milstein(model, noises)
    if method == "exact":
        return exact_noisy(model, noises)
    raise Unsupported(f"{method} integrates equations without noise; with white noise (xi) "
                      "use euler (Euler-Maruyama), milstein, or exact for linear equations "
                      "with additive noise")


def plan(model: NeuronModel, method: str | None = None) -> UpdatePlan:
    """The update for `method` (or the model's, or the automatic choice). Unsupported if the
    requested method cannot integrate the model."""
    method = method or model.method
    if not model.state:
        return UpdatePlan(method or "none", (), ())
    noises = _noises(model)
    if noises:
        return _noisy_plan(model, method, noises)
    if method == "milstein":
        raise Unsupported("milstein integrates white noise (xi), and this model has none "
                          "(without noise it would be euler)")
    if method is None:      # exact where possible; never less accurate than rk4
        try:
            return exact(model)
        except Unsupported:
            return explicit(model, "rk4")
    if method in EXPLICIT:
        return explicit(model, method)
    return {"exponential": exponential, "exact": exact, "implicit": implicit}[method](model)
