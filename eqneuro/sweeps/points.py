"""The points of a sweep (a product grid or given points) and the seed of each."""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np

RESERVED = ("seed", "error", "seconds")     # columns every sweep's table has


def sweep_points(grid, points) -> tuple[tuple[str, ...], list[dict]]:
    """(parameter names, one dict per point): the product of `grid`'s lists (the last
    name varies fastest), or `points` as given (every point with the same names)."""
    if (grid is None) == (points is None):
        raise TypeError("give a grid ({name: values}) or points ([{name: value}, ...]), "
                        "not both and not neither")
    if grid is not None:
        if not isinstance(grid, Mapping) or not grid:
            raise TypeError("grid must be a non-empty dict of name -> list of values")
        names = tuple(grid)
        values = []
        for name in names:
            _check_name(name)
            column = grid[name]
            if isinstance(column, (str, bytes)) or not isinstance(column, (Sequence, np.ndarray)) \
                    or np.ndim(column) != 1:
                raise TypeError(f"grid[{name!r}] must be a list (or 1-D array) of values")
            if len(column) == 0:
                raise ValueError(f"grid[{name!r}] is empty")
            values.append(list(column))
        return names, [dict(zip(names, combo)) for combo in itertools.product(*values)]
    if isinstance(points, (str, bytes, Mapping)) or not isinstance(points, Sequence) \
            or not points:
        raise TypeError("points must be a non-empty list of dicts")
    names = None
    for k, point in enumerate(points):
        if not isinstance(point, Mapping):
            raise TypeError(f"points[{k}] must be a dict of name -> value")
        if names is None:
            names = tuple(point)
            for name in names:
                _check_name(name)
        elif set(point) != set(names):
            raise ValueError(f"points[{k}] has the names {sorted(point)}, points[0] "
                             f"{sorted(names)}: every point needs the same names")
    return names, [{n: point[n] for n in names} for point in points]


def point_seed(seed: int, index: int) -> int:
    """The seed of point `index`: from the sweep's seed and the point alone, so that the
    results do not depend on which worker ran which point, or in which order."""
    state = np.random.SeedSequence([seed, index]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def _check_name(name) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"parameter names must be identifiers, got {name!r}")
    if name in RESERVED:
        raise ValueError(f"{name!r} names a column of every sweep's result "
                         f"({', '.join(RESERVED)}): call the parameter something else")
