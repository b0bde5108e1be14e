"""Short garbage-collector pauses once the desk is open.

Textual allocates freely on every frame, so Python's full (generation 2) collections
come round every few seconds, and each one walks every live object: the modules,
the widget trees and the ranked lists of a 100,000-row desk. That walk took ~100 ms,
long enough to stall a filter keystroke. Once the desk's long-lived state is built it
is frozen (moved out of the collector's reach; reference counting still frees it), so
a full pass walks only what was made since: ~10 ms. Locking unfreezes, so the closed
screens' reference cycles can be collected.

After a large sync the app hands memory back (``after_large_sync``): the desk's connections
close (their page caches had filled) and freed heap is returned to the system, so reloading
the lists afterwards starts from the app's usual size rather than on top of the sync's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskapp.store.desk import Desk

#: Rows pulled above which a sync is worth releasing memory after.
LARGE_SYNC_ROWS = 10_000


def settle() -> None:
    """The state built so far lives on: keep it out of the collector's full passes."""
    gc.freeze()


def release() -> None:
    """Hand everything back to the collector (the desk was locked)."""
    gc.unfreeze()


def after_large_sync(desk: Desk, pulled: int) -> None:
    """Release what a sync of many rows left behind (see the module's docstring)."""
    if pulled < LARGE_SYNC_ROWS:
        return
    desk.release_memory()
    gc.collect()
    _trim_heap()


def _trim_heap() -> None:
    """glibc keeps freed memory for reuse; ``malloc_trim`` returns it to the system.
    Elsewhere (macOS, Windows, musl) there is no such call and nothing to do."""
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
