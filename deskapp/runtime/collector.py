"""Pausing Python's cyclic garbage collector for one batch of bulk work.

A sync batch makes tens of thousands of small containers (rows, dicts, tuples) that
refcounting frees when the batch ends, so the collector finds nothing among them; but
their number keeps triggering it, and each full collection walks every object in the
process (the app's screens, SQLAlchemy's metadata): about a fifth of a 10,000-change
push. Pausing it for the length of a batch and resuming after bounds any cyclic garbage
to what one batch makes, and the collector runs again between batches.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector is off inside (nested and concurrent uses share one pause) and back
    as it was when the last one leaves."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
