"""Plots of recorded activity (spike raster, state traces, population rate, f-I curve) and of
a model's phase plane.

matplotlib is imported only when something is drawn. With `ax=None` a function draws into
pyplot's current Axes; pass an Axes (e.g. of a `matplotlib.figure.Figure`) to keep pyplot
out of it. Every function returns the Axes it drew into.
"""
from __future__ import annotations

import math

import numpy as np

from .sim.rates import check_ms, population_rate, smooth_rate

_MANY_POINTS = 20_000     # beyond this a raster is rasterised inside vector files


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.gca()


def raster(spikes, ax=None, *, duration: float | None = None, **scatter_options):
    """Spike raster of a SpikeMonitor: one dot per spike, time (ms) against neuron index."""
    from .sim.rates import _check_spikes
    _check_spikes(spikes)
    duration = check_ms("duration", duration, none=True)
    ax = _axes(ax)
    t, i = spikes.t, spikes.i
    options = dict(s=4.0, c="k", marker=".", linewidths=0, rasterized=len(t) > _MANY_POINTS)
    options.update(scatter_options)
    ax.scatter(t, i, **options)
    ax.set_ylim(-0.5, len(spikes.population) - 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if duration is not None:
        ax.set_xlim(0.0, duration)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    return ax


def traces(state_monitor, variable: str | None = None, ax=None, **plot_options):
    """One line per recorded neuron of `variable` (default: the first recorded) over time."""
    if not hasattr(state_monitor, "variables") or not hasattr(state_monitor, "indices"):
        raise TypeError(f"traces needs a StateMonitor, not {type(state_monitor).__name__}")
    variable = variable or state_monitor.variables[0]
    if not isinstance(variable, str) or variable not in state_monitor.variables:
        raise ValueError(f"the StateMonitor records {', '.join(state_monitor.variables)}; "
                         f"not {variable!r}")
    ax = _axes(ax)
    lines = ax.plot(state_monitor.t, getattr(state_monitor, variable),
                    **{"linewidth": 1.0, **plot_options})
    for line, index in zip(lines, state_monitor.indices):
        line.set_label(f"neuron {index}")
    if 1 < len(lines) <= 8:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  frameon=False)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(variable)
    return ax


def rate(spikes, bin: float = 1.0, smooth: float | None = 5.0, ax=None, *,
         duration: float | None = None, color: str = "C0"):
    """Population firing rate (Hz): a histogram of `bin` ms and its Gaussian smoothing.

    `smooth` is the kernel's standard deviation in ms (None or 0: no curve). Without
    `duration` the time axis ends at the last spike, rounded up to a bin.
    """
    from .sim.rates import _check_spikes
    _check_spikes(spikes)
    bin = check_ms("bin", bin)
    smooth = check_ms("smooth", smooth, zero=True, none=True)
    duration = check_ms("duration", duration, none=True)
    ax = _axes(ax)
    if duration is None:
        last = float(spikes.t.max()) if len(spikes.t) else bin
        duration = max(1, math.ceil(last / bin - 1e-9)) * bin
    centres, rates = population_rate(spikes, bin, duration)
    edges = np.append(0.0, np.minimum(centres + 0.5 * bin, duration))
    ax.stairs(rates, edges, fill=True, color=color, alpha=0.35, label=f"{bin:g} ms bins")
    if smooth:
        ax.plot(centres, smooth_rate(rates, bin, smooth), color=color, linewidth=1.5,
                label=f"Gaussian, σ = {smooth:g} ms")
        ax.legend(fontsize="small", loc="upper right", frameon=False)
    ax.set_xlim(0.0, duration)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    return ax


def fi_curve(currents, rates, ax=None, *, current: str = "I", **plot_options):
    """Firing rate (Hz) against input current, e.g. `fi_curve(*eqneuro.fi_curve(lif, I))`."""
    ax = _axes(ax)
    ax.plot(currents, rates, **{"marker": "o", "markersize": 3.0, **plot_options})
    ax.set_xlabel(f"input current {current}")
    ax.set_ylabel("firing rate (Hz)")
    return ax


def overview(spikes=None, state_monitor=None, duration: float | None = None,
             bin: float = 1.0, smooth: float | None = 5.0, title: str | None = None):
    """A Figure with whichever apply: raster, one trace panel per recorded variable, rate."""
    from matplotlib.figure import Figure

    bin = check_ms("bin", bin)
    smooth = check_ms("smooth", smooth, zero=True, none=True)
    duration = check_ms("duration", duration, none=True)
    panels = []
    if spikes is not None:
        panels.append((2.0, lambda ax: raster(spikes, ax, duration=duration)))
    if state_monitor is not None:
        for variable in state_monitor.variables:
            panels.append((1.3, lambda ax, v=variable: traces(state_monitor, v, ax)))
    if spikes is not None:
        panels.append((1.2, lambda ax: rate(spikes, bin, smooth, ax, duration=duration)))
    if not panels:
        raise ValueError("overview needs a SpikeMonitor or a StateMonitor")
    heights = [height for height, _ in panels]
    figure = Figure(figsize=(8.0, 1.0 + 1.6 * sum(heights)), layout="constrained")
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False,
                           gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (_, draw) in zip(axes, panels):
        draw(ax)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    if duration is not None:
        axes[-1].set_xlim(0.0, duration)
    if title:
        figure.suptitle(title)
    return figure


_KIND_STYLES = {   # marker, face colour: filled = stable, open = unstable
    "stable node": ("o", "k"), "stable focus": ("o", "tab:blue"), "stable": ("o", "k"),
    "unstable node": ("o", "white"), "unstable focus": ("o", "lightblue"),
    "unstable": ("o", "white"), "saddle": ("X", "tab:red"), "center": ("D", "tab:green"),
    "degenerate": ("s", "tab:orange"),
}


def phase_plane(neuron, x: str = "v", y: str = "u", ax=None, *, xlim=None, ylim=None,
                trajectory: float | None = None, start: dict | None = None, dt: float = 0.01,
                density: float = 1.0, **values):
    """The phase plane of state variables x and y: the vector field (streamlines), both
    nullclines (from the equations: SymPy's solution where it finds one, else the zero
    contour of the derivative), the fixed points marked by kind, and with `trajectory`
    (ms) a simulated trajectory from `start` (default the initial values), its reset jumps
    dashed. `values` set parameters, or hold other state variables (by default they are
    held at the stable fixed point)."""
    from .analysis.phase import phase_plane_data
    plane = phase_plane_data(neuron, x, y, values)
    path = _trajectory(neuron, x, y, values, start, trajectory, dt) if trajectory else None
    xlim, ylim = _limits(plane, path, xlim, ylim)
    ax = _axes(ax)
    xs, ys = np.linspace(*xlim, 60), np.linspace(*ylim, 60)
    u, w = plane.field(xs, ys)
    scale_x, scale_y = xlim[1] - xlim[0], ylim[1] - ylim[0]
    ax.streamplot(xs, ys, u / scale_x, w / scale_y, density=density, color="0.75",
                  linewidth=0.7, arrowsize=0.8)
    for variable, colour in ((x, "tab:orange"), (y, "tab:purple")):
        curves = plane.nullcline(variable, xlim, ylim)
        label = f"d{variable}/dt = 0"
        if curves is None:
            fine_x, fine_y = np.linspace(*xlim, 400), np.linspace(*ylim, 400)
            field = plane.field(fine_x, fine_y)[0 if variable == x else 1]
            ax.contour(fine_x, fine_y, field, levels=[0.0], colors=[colour], linewidths=1.5)
            ax.plot([], [], color=colour, label=label)
        else:
            for k, (cx, cy) in enumerate(curves):
                ax.plot(cx, cy, color=colour, lw=1.5, label=label if k == 0 else None)
    if path is not None:
        for k, (px, py) in enumerate(path["segments"]):
            ax.plot(px, py, color="k", lw=1.0, label="trajectory" if k == 0 else None)
        for (x0, y0), (x1, y1) in path["jumps"]:
            ax.plot([x0, x1], [y0, y1], color="k", lw=0.8, ls="--")
    seen = set()
    for point in plane.fixed_points:
        marker, face = _KIND_STYLES[point.kind]
        ax.plot(point.state[x], point.state[y], marker=marker, ms=9, mfc=face, mec="k",
                ls="none", zorder=5, label=point.kind if point.kind not in seen else None)
        seen.add(point.kind)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.legend(loc="best", fontsize="small")
    return ax


def _trajectory(neuron, x, y, values, start, duration, dt) -> dict:
    """A simulated trajectory split at the spikes: segments, and the reset jumps."""
    from .sim.monitors import SpikeMonitor, StateMonitor
    from .sim.network import Network
    from .sim.population import Population
    inputs = [name for name in values if name.startswith("sum(")]
    if inputs:
        raise ValueError(f"{inputs[0]} is an input sum: the plane takes it, but a simulated "
                         "trajectory of the neuron alone has no projection to give it")
    for name in start or {}:
        if name not in neuron.variables:
            raise ValueError(f"start: {name!r} is not a state variable of {neuron.name!r} "
                             f"({', '.join(neuron.variables)})")
    pop = Population(neuron, 1)
    for name, value in values.items():
        setattr(pop, name, value)
    for name, value in (start or {}).items():
        setattr(pop, name, value)
    trace = StateMonitor(pop, [x, y], record=[0])
    objects = [pop, trace]
    spikes = SpikeMonitor(pop) if neuron.info.has_spike else None
    if spikes is not None:
        objects.append(spikes)
    steps = int(round(duration / dt))
    Network(*objects, dt=dt).run(steps * dt, progress=False)
    px, py = np.asarray(getattr(trace, x))[:, 0], np.asarray(getattr(trace, y))[:, 0]
    resets = spikes is not None and bool(neuron.model.reset)
    cuts = sorted({int(round(t / dt)) for t in spikes.t}) if resets else []
    segments, jumps, begin = [], [], 0
    for cut in cuts:              # sample `cut` is the first after the reset
        if 0 < cut < len(px):
            segments.append((px[begin:cut], py[begin:cut]))
            jumps.append(((px[cut - 1], py[cut - 1]), (px[cut], py[cut])))
            begin = cut
    segments.append((px[begin:], py[begin:]))
    return {"segments": segments, "jumps": jumps, "x": px, "y": py}


def _limits(plane, path, xlim, ylim):
    def span(name, given):
        if given is not None:
            low, high = (float(v) for v in given)
            if not low < high:
                raise ValueError(f"limits of {name} must be (low, high) with low < high")
            return low, high
        values = [p.state[name] for p in plane.fixed_points]
        if path is not None:
            values += list(path["x" if name == plane.x else "y"])
        values = [v for v in values if np.isfinite(v)]
        if not values:
            raise ValueError(f"no fixed point or trajectory to place the plane: give "
                             f"{'xlim' if name == plane.x else 'ylim'}")
        low, high = min(values), max(values)
        margin = max(0.2 * (high - low), 0.1 * max(abs(low), abs(high)), 1e-3)
        return low - margin, high + margin
    return span(plane.x, xlim), span(plane.y, ylim)
