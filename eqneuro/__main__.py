"""`python -m eqneuro ...`: the same as the `eqneuro` command."""
from .cli import main

raise SystemExit(main())
