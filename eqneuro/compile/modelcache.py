"""First-level cache: a model's canonical text and options -> what runtime needs (names,
defaults, initial values and derived variables as op-trees, its printed forms) and, per
network structure, the name of its compiled kernel. A warm start thus needs neither SymPy nor code
generation. Keys include a fingerprint of eqneuro's own code, so edits invalidate them."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .. import __version__
from .build import cache_dir, note_cache_file


@functools.cache
def _fingerprint() -> str:
    from ..resources import resource_dir
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    files = sorted(package.rglob("*.py")) + sorted(resource_dir("grammar").glob("*.lark")) + \
        sorted(resource_dir("templates").glob("*.j2"))
    for path in files:
        digest.update(str(path.relative_to(package) if path.is_relative_to(package) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_key(text: str, selected: str | None, name: str | None, method: str | None,
              timed: tuple[str, ...] = ()) -> str:
    parts = [_fingerprint(), text, repr(selected), repr(name), repr(method)]
    if timed:
        parts.append(repr(timed))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _folder() -> Path:
    return cache_dir() / "models"


def _enabled() -> bool:
    return not os.environ.get("EQNEURO_NO_CACHE")


def load_record(key: str) -> dict | None:
    if not _enabled():
        return None
    path = _folder() / f"{key}.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    note_cache_file(path)
    return record


def save_record(key: str, record: dict) -> None:
    _write(_folder() / f"{key}.json", json.dumps(record))
    note_cache_file(_folder() / f"{key}.json")


def _write(path: Path, text: str) -> None:
    """Atomic: readers see the old file or the whole new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass      # a read-only cache only costs speed


def network_kernel_name(structure_key: str) -> str | None:
    """The module built for a NetworkStructure (its key), if one was built before."""
    if not _enabled():
        return None
    path = _folder() / f"{structure_key}.network"
    try:
        name = path.read_text().strip() or None
    except OSError:
        return None
    note_cache_file(path)
    return name


def save_network_kernel_name(structure_key: str, module: str) -> None:
    _write(_folder() / f"{structure_key}.network", module)
    note_cache_file(_folder() / f"{structure_key}.network")
