"""eqneuro: neuron models written as text equations, compiled to fast Cython kernels."""
__version__ = "0.1.0"

from .errors import BuildError, ModelError, SimulationError  # noqa: E402
from .library import load, shipped_models  # noqa: E402
from .sim.monitors import SpikeMonitor, StateMonitor  # noqa: E402
from .neuron import Neuron  # noqa: E402
from .synapse import Synapse  # noqa: E402
from .sim.network import Network, Population  # noqa: E402
from .sim.projection import Projection  # noqa: E402
from .sim.sources import PoissonGroup, SpikeSource  # noqa: E402
from . import plot  # noqa: E402
from .rates import fi_curve, firing_rates, population_rate  # noqa: E402
from .compile.stability import StabilityWarning  # noqa: E402
from .timed_array import TimedArray  # noqa: E402

_LAZY = {"fixed_points": "analysis.equilibria", "FixedPoint": "analysis.equilibria",
         "rheobase": "analysis.rheobase", "Rheobase": "analysis.rheobase",
         "DtCheck": "analysis.dt_check", "sweep": "sweeps.runner",
         "save": "sim.nwb", "read": "sim.nwb"}


def __getattr__(name: str):
    """The analysis, sweep and file functions load SymPy, SciPy, pandas, Dask and pynwb on
    first use, not on import."""
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'eqneuro' has no attribute {name!r}")

__all__ = ["Neuron", "Synapse", "load", "shipped_models", "Population", "Network", "Projection", "PoissonGroup",
           "SpikeSource", "SpikeMonitor",
           "StateMonitor", "ModelError", "BuildError", "SimulationError", "plot", "fi_curve",
           "firing_rates", "population_rate", "fixed_points", "FixedPoint", "rheobase",
           "Rheobase", "StabilityWarning", "TimedArray", "DtCheck", "sweep", "save", "read", "__version__"]
