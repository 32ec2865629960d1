"""Compiled kernels for workers that cannot compile: the cache files a run used (kernels,
model records) sent to every worker, present and future, and written into its own cache."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from ..compile.build import cache_dir


def cache_files(paths) -> dict[str, bytes]:
    """The files among `paths` that lie in this process's cache, by relative path."""
    root = cache_dir().resolve()
    files = {}
    for path in paths:
        path = Path(path).resolve()
        if path.is_file() and path.is_relative_to(root):
            files[str(path.relative_to(root))] = path.read_bytes()
    return files


class CacheFiles(WorkerPlugin):
    """Writes the given cache files into a worker's cache (those it lacks), atomically."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    def setup(self, worker) -> None:
        install(self.files)


def install(files: dict[str, bytes]) -> int:
    """Write the files this process's cache lacks; the number written."""
    root, written = cache_dir(), 0
    for relative, content in files.items():
        target = root / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
        written += 1
    return written
