"""Parameter sweeps: one run per point of a grid, on local processes or any Dask cluster,
results as a pandas DataFrame (runner.sweep)."""
