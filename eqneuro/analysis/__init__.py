"""Model analysis from the equations: fixed points and their kinds (equilibria), the
rheobase, phase planes (plot.phase_plane), and whether dt is safe for the integration
method (stability). SymPy and SciPy load only when an analysis runs."""
