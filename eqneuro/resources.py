"""Where the data directories (grammar/, templates/, models/) are, installed or in a checkout."""
from __future__ import annotations

import importlib.util
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """`grammar`, `templates` or `models`: the installed sub-package, else the checkout folder."""
    spec = importlib.util.find_spec(f"eqneuro.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    folder = _CHECKOUT / name
    if folder.is_dir():
        return folder
    raise FileNotFoundError(f"eqneuro data folder '{name}' is missing from the installation")
