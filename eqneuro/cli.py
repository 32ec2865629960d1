"""The `eqneuro` command: run a model, check a model file, list the shipped models.

Exit codes: 0 success, 1 an invalid model or a failed build or simulation, 2 bad options.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

import numpy as np

from .randomness import check_seed

DEFAULT_RECORDED = 5        # neurons recorded by --record unless --record-neurons is given


class OptionError(Exception):
    """A bad command-line option: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message):
        raise OptionError(f"{message} (see '{self.prog} --help')")


# ---- option values --------------------------------------------------------------------

def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptionError(f"{what}: '{text}' is not a number") from None
    if not math.isfinite(value):
        raise OptionError(f"{what}: '{text}' is not a finite number")
    return value


def parse_setting(text: str, n: int) -> tuple[str, float | np.ndarray]:
    """`NAME=VALUE` -> (name, value); `NAME=A:B` spreads A..B over the n neurons."""
    name, equals, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not name.isidentifier() or not value:
        raise OptionError(f"--set '{text}': expected NAME=VALUE or NAME=START:STOP")
    if ":" not in value:
        return name, _number(value, f"--set {name}")
    parts = value.split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise OptionError(f"--set {name}={value}: a range is START:STOP, e.g. {name}=0:4")
    start, stop = (_number(p, f"--set {name}") for p in parts)
    return name, np.linspace(start, stop, n)


def record_indices(text: str | None, n: int) -> np.ndarray:
    """Neurons to record: `--record-neurons 0,5,9`, else up to 5 spread over the population."""
    if text is None:
        return np.unique(np.linspace(0, n - 1, min(DEFAULT_RECORDED, n)).round().astype(int))
    try:
        indices = [int(part) for part in text.split(",")]
    except ValueError:
        raise OptionError(f"--record-neurons '{text}': expected indices such as 0,10,20") \
            from None
    bad = [i for i in indices if not 0 <= i < n]
    if bad:
        raise OptionError(f"--record-neurons: {bad[0]} is not a neuron index (0..{n - 1})")
    return np.asarray(indices)


# ---- commands -------------------------------------------------------------------------

def _check_method(method: str | None) -> None:
    from .lang.tables import METHOD_NAMES
    from .errors import did_you_mean

    if method is not None and method not in METHOD_NAMES:
        hint = did_you_mean(method, METHOD_NAMES)
        raise OptionError(f"unknown method '{method}'" + (f"; {hint}" if hint else "")
                          + f" (methods: {', '.join(METHOD_NAMES)})")


def _load(model: str, method: str | None):
    import eqneuro as eq

    _check_method(method)
    try:
        return eq.load(model, method=method)
    except eq.ModelError:
        raise
    except (ValueError, FileNotFoundError) as why:
        raise OptionError(str(why)) from None


def _apply_settings(population, settings) -> None:
    neuron = population._eq_neuron
    settable = list(neuron.parameters) + list(neuron.variables)
    for name, value in settings:
        if name not in settable:
            from .errors import did_you_mean
            hint = did_you_mean(name, settable)
            raise OptionError(f"--set {name}: {neuron.name} has no parameter or state variable "
                              f"'{name}'" + (f"; {hint}" if hint else
                                             f" (known: {', '.join(settable)})"))
        try:
            setattr(population, name, value)
        except (ValueError, TypeError) as why:
            raise OptionError(f"--set {name}: {why}") from None


def _state_monitor(population, args):
    import eqneuro as eq

    names = [v.strip() for v in args.record.split(",")] if args.record else []
    if not names and args.plot:     # a plot shows the membrane potential if there is one
        variables = population._eq_neuron.variables + population._eq_neuron.derived
        names = ["v" if "v" in variables else variables[0]] if variables else []
    if not names:
        if args.plot and not population._eq_neuron.info.has_spike:
            raise OptionError(f"--plot: {population._eq_neuron.name} has no variables or spikes "
                              "to plot")
        if args.record_neurons:
            raise OptionError("--record-neurons needs --record VAR (or --plot)")
        return None
    indices = record_indices(args.record_neurons, len(population))
    try:
        return eq.StateMonitor(population, names, record=indices)
    except (ValueError, TypeError) as why:
        raise OptionError(f"--record: {why}") from None


def _check_plot_file(path: str) -> None:
    from matplotlib.figure import Figure

    suffix = Path(path).suffix.lstrip(".").lower()
    formats = Figure().canvas.get_supported_filetypes()
    if suffix not in formats:
        raise OptionError(f"--plot {path}: unknown image format '{suffix}' "
                          f"(use one of: {', '.join(sorted(formats))})")
    if not Path(path).resolve().parent.is_dir():
        raise OptionError(f"--plot {path}: the folder {Path(path).parent} does not exist")


def _run_network(network, duration: float, quiet: bool) -> None:
    """A progress bar for runs expected to last more than a couple of seconds, unless -q."""
    network.run(duration, progress=False if quiet else None)


def command_run(args) -> int:
    import eqneuro as eq

    if args.n < 1:
        raise OptionError(f"--n must be at least 1, not {args.n}")
    if not (0 < args.duration < math.inf and 0 < args.dt < math.inf):
        raise OptionError("--duration and --dt must be positive numbers of ms")
    steps = round(args.duration / args.dt)
    if abs(steps * args.dt - args.duration) > 1e-6 * args.dt:
        raise OptionError(f"--duration {args.duration:g} is not a multiple of --dt {args.dt:g}")
    settings = [parse_setting(text, args.n) for text in args.set]
    if args.plot:
        _check_plot_file(args.plot)
    if args.seed is not None:
        try:
            check_seed(args.seed)
        except ValueError as why:
            raise OptionError(f"--seed: {why}") from None
    neuron = _load(args.model, args.method)
    try:
        population = eq.Population(neuron, args.n)
    except ValueError as why:
        raise OptionError(f"--n: {why}") from None
    _apply_settings(population, settings)
    spikes = eq.SpikeMonitor(population) if neuron.info.has_spike else None
    trace = _state_monitor(population, args)
    network = eq.Network(population, *[m for m in (spikes, trace) if m is not None],
                         dt=args.dt, seed=args.seed)
    build = (network.build_seconds, network.cache_hits == len(network.populations))
    started = time.perf_counter()
    _run_network(network, args.duration, args.quiet)
    simulated = time.perf_counter() - started
    if args.plot:
        from .plot import overview
        overview(spikes, trace, args.duration, title=f"{neuron.name} ({neuron.method}), "
                 f"N = {args.n}").savefig(args.plot, dpi=120)
    if not args.quiet:
        print(run_summary(args, neuron, spikes, build, simulated))
    return 0


def run_summary(args, neuron, spikes, build: tuple[float, bool], simulated: float) -> str:
    """The lines printed after `eqneuro run`; `build` is (seconds, cache hit)."""
    rows = [("model", f"{neuron.name} ({args.model})"), ("method", neuron.method),
            ("neurons", f"{args.n}"),
            ("duration", f"{args.duration:g} ms (dt = {args.dt:g} ms)")]
    if spikes is None:
        rows.append(("spikes", "none (the model has no spike condition)"))
    else:
        rate = spikes.num_spikes / (args.n * args.duration * 1e-3)
        silent = " (none fired; give input, e.g. --set I=START:STOP)" \
            if spikes.num_spikes == 0 and "I" in neuron.parameters else ""
        rows += [("spikes", f"{spikes.num_spikes}{silent}"), ("mean rate", f"{rate:.3g} Hz")]
    rows += [("build", f"{build[0]:.2f} s ({'cache hit' if build[1] else 'compiled'})"),
             ("simulation", f"{simulated:.3f} s")]
    if args.plot:
        rows.append(("plot", args.plot))
    return "\n".join(f"{key:<11}{value}" for key, value in rows)


def command_check(args) -> int:
    import eqneuro as eq

    path = Path(args.file)
    if not path.is_file():
        from .library import shipped_synapses
        shipped = {**eq.shipped_models(), **shipped_synapses()}
        base = args.file.split(".")[0].split(":")[0]
        if base not in shipped:
            raise OptionError(f"no model file {path} (and no shipped model '{base}')")
        from .resources import resource_dir
        path = resource_dir("models") / f"{base}.eqn"
    _check_method(args.method)
    from .library import declared, read_model_file
    from .synapse import Synapse
    text = read_model_file(path)
    try:
        found = declared(text, str(path))
    except eq.ModelError as error:          # the text does not parse: nothing to check
        found, errors = (), [str(error)]
    else:
        errors = []
    for declaration in found:
        try:
            if declaration.kind == "synapse":
                model = Synapse(text, name=declaration.name, file=str(path))
            else:
                model = eq.Neuron(text, name=declaration.name, file=str(path),
                                  method=args.method)
        except eq.ModelError as error:
            if str(error) not in errors:
                errors.append(str(error))
            continue
        if errors:
            continue
        if declaration.kind == "synapse":
            print(f"{model}\n")
            continue
        origin = ("--method" if args.method else "the model's method section"
                  if model.model.method else "chosen automatically")
        print(f"{model}\n  -> method: {model.method} ({origin})\n")
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    print(f"{path}: {len(found)} model(s) OK")
    return 0


def command_analyse(args) -> int:
    """Fixed points with their kinds, and the rheobase, of one neuron model."""
    import eqneuro as eq

    neuron = _load(args.model, None)
    values = dict(parse_setting(text, 1) for text in args.set)
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            raise OptionError(f"--set {name}: analyse takes one value, not a range")
    try:
        points = eq.fixed_points(neuron, **values)
    except (ValueError, TypeError) as why:
        raise OptionError(str(why)) from None
    shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
    print(f"{neuron.name}" + (f" ({shown})" if shown else "") + f": {len(points)} fixed "
          f"point{'s' if len(points) != 1 else ''}")
    for point in points:
        state = ", ".join(f"{k} = {v:.6g}" for k, v in point.state.items())
        eigenvalues = ", ".join(_shown_complex(e) for e in point.eigenvalues)
        how = "exact" if point.exact else "numeric"
        print(f"  {state}: {point.kind}{' (fires there)' if point.fires else ''}; "
              f"eigenvalues {eigenvalues} ({how})")
    if not neuron.info.has_spike:
        return 0
    current = args.current
    if current not in neuron.parameters:
        print(f"  rheobase: no parameter {current!r} to vary (use --current)")
        return 0
    rest = {k: v for k, v in values.items() if k != current}
    try:
        found = eq.rheobase(neuron, current, **rest)
    except (ValueError, TypeError) as why:
        print(f"  rheobase: {why}")
        return 0
    detail = "exact" if found.exact else (f"bracket {found.bracket[0]:.6g} .. "
                                          f"{found.bracket[1]:.6g}" if found.bracket else "")
    print(f"  rheobase ({current}): {float(found):.6g} by {found.method}" +
          (f" ({detail})" if detail else ""))
    if found.hopf is not None:
        print(f"    the rest loses stability at {current} = {found.hopf:.6g}")
    if found.saddle_node is not None:
        print(f"    fixed points merge (saddle-node) at {current} = {found.saddle_node:.6g}")
    return 0


def _shown_complex(value) -> str:
    value = complex(value)
    return f"{value.real:.4g}" if value.imag == 0 else f"{value.real:.4g}{value.imag:+.4g}i"


def command_list(args) -> int:
    import eqneuro as eq
    from .resources import resource_dir

    models = eq.shipped_models()
    width = max((len(name) for name in models), default=0) + 2
    print("run a variant as MODEL.VARIANT, e.g. eqneuro run izhikevich.chattering")
    for name, neurons in models.items():
        variants = ", ".join(snake_case(v) for v in neurons[1:]) or "-"
        description = model_description(resource_dir("models") / f"{name}.eqn")
        print(f"{name:<{width}}variants: {variants}" + (f"  | {description}"
                                                        if description else ""))
    return 0


def snake_case(name: str) -> str:
    """`RegularSpiking` -> `regular_spiking` (load() ignores case and underscores)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def model_description(path: Path) -> str:
    """The file's opening comment up to its first top-level `,` `:` or `. `.

    `# Leaky integrate-and-fire neuron (Lapicque, 1907), as in ...` gives
    `Leaky integrate-and-fire neuron (Lapicque, 1907)`.
    """
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or line.startswith("#  ") or not line.strip("# "):
            break
        lines.append(line.strip("# "))
    text, depth = " ".join(lines), 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and (char in ",:" or text.startswith(". ", position)):
            return text[:position]
    return text.rstrip(".")


# ---- the parser -----------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="eqneuro", description="Neuron models written as text equations.")
    parser.add_argument("--version", action="version", version=f"eqneuro {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                     metavar="{run,check,analyse,list}")
    run = commands.add_parser("run", help="simulate a shipped model or a .eqn file",
                              description="Simulate N neurons of a model and summarise.")
    run.add_argument("model", help="shipped name (lif, izhikevich.chattering) or a .eqn path")
    run.add_argument("-n", "--n", type=int, default=100, help="number of neurons (100)")
    run.add_argument("--duration", type=float, default=1000.0, help="ms (1000)")
    run.add_argument("--dt", type=float, default=0.1, help="time step in ms (0.1)")
    run.add_argument("--method", help="integration method (default: the model's choice)")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="a parameter or initial value: a number, or START:STOP spread "
                          "over the neurons (I=0:4); repeatable")
    run.add_argument("--record", metavar="VAR[,VAR]", help="variables to record and plot")
    run.add_argument("--record-neurons", metavar="I[,I]",
                     help=f"neurons to record (default: {DEFAULT_RECORDED} spread out)")
    run.add_argument("--plot", metavar="FILE.png", help="save raster, traces and rate")
    run.add_argument("--seed", type=int, help="seed of the model's random draws "
                     "(uniform(), normal()); default: a fresh one")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    run.set_defaults(handler=command_run)
    check = commands.add_parser("check", help="validate a model file and show its equations",
                                description="Check every neuron of a model file.")
    check.add_argument("file", help="a .eqn model file")
    check.add_argument("--method", help="check with this integration method")
    check.set_defaults(handler=command_check)
    analyse = commands.add_parser("analyse", help="fixed points and rheobase of a model",
                                  description="Fixed points (state, kind, eigenvalues) and "
                                              "the rheobase of one neuron model.")
    analyse.add_argument("model", help="shipped name (lif, izhikevich:chattering) or a .eqn path")
    analyse.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                         help="a parameter value (I=5); repeatable")
    analyse.add_argument("--current", default="I", help="the input the rheobase varies (I)")
    analyse.set_defaults(handler=command_analyse)
    listing = commands.add_parser("list", help="list the shipped models and variants")
    listing.set_defaults(handler=command_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `eqneuro` and `python -m eqneuro`; returns the exit code."""
    from .errors import BuildError, ModelError, SimulationError

    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except OptionError as why:
        print(f"eqneuro: error: {why}", file=sys.stderr)
        return 2
    except ModelError as why:
        print(why, file=sys.stderr)
        return 1
    except (BuildError, SimulationError) as why:
        print(f"eqneuro: {type(why).__name__}: {why}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("eqneuro: interrupted", file=sys.stderr)
        return 130
