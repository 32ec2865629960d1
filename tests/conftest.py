"""Shared test set-up: one kernel cache for the whole session (CI sets EQNEURO_CACHE_DIR)."""
import os
from pathlib import Path

os.environ.setdefault("EQNEURO_CACHE_DIR",
                      str(Path(__file__).resolve().parent.parent / ".eqneuro_cache"))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running test (deselect with -m 'not slow')")
    config.addinivalue_line("markers", "compiler: needs a C compiler (builds kernels)")
