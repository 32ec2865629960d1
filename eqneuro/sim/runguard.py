"""What makes a run safe to interrupt and to share: Ctrl-C takes effect at the end of the
current chunk, where time, state and monitors agree, and each Network or Population takes
part in one run at a time."""
from __future__ import annotations

import contextlib
import signal
import threading


class DeferredInterrupt:
    """While active (in the main thread only: Python delivers signals there), SIGINT is
    noted instead of raised; `deliver()` raises it where the caller is consistent."""

    def __init__(self):
        self.pending = False
        self.previous = None

    def __enter__(self) -> DeferredInterrupt:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None:          # None: a handler not installed from Python
                signal.signal(signal.SIGINT, self._note)
                self.previous = previous
        return self

    def _note(self, signum, frame) -> None:
        self.pending = True

    def deliver(self) -> None:
        """Act on a noted SIGINT as the handler before us would have."""
        if not self.pending:
            return
        self.pending = False
        previous = self.previous
        signal.signal(signal.SIGINT, previous)
        try:
            if previous is signal.default_int_handler:
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)    # ignored, the default, or a custom handler
        finally:
            signal.signal(signal.SIGINT, self._note)

    def __exit__(self, kind, error, traceback) -> None:
        if self.previous is None:
            return
        try:
            if kind is None:
                self.deliver()
        finally:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


@contextlib.contextmanager
def exclusive(claims):
    """Hold every (lock, description) of `claims` for the body, or raise RuntimeError."""
    taken = []
    try:
        for lock, what in claims:
            if not lock.acquire(blocking=False):
                raise RuntimeError(
                    f"{what} is already running (in another thread): a Network, and each "
                    "population, takes part in one run() at a time. Wait for that run to "
                    "finish, or give each thread its own Network and populations")
            taken.append(lock)
        yield
    finally:
        for lock in reversed(taken):
            lock.release()
