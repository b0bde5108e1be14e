"""Short garbage-collector pauses once the desk is open.

Textual allocates freely on every frame, so Python's full (generation 2) collections
come round every few seconds, and each one walks every live object: the modules,
the widget trees and the ranked lists of a 100,000-row desk: long enough to stall a
filter keystroke. Once the desk's long-lived state is built it is frozen (moved out of
the collector's reach; reference counting still frees it), so a full pass walks only
what was made since. Locking unfreezes, so the closed screens' reference cycles can be
collected.

At start the app asks glibc for at most two malloc arenas and a fixed mmap threshold
(``limit_arenas``). After a large sync the app hands memory back (``after_large_sync``):
the desk's connections close (their page caches had filled) and freed heap is returned
to the system, so reloading the lists afterwards starts from the app's usual size rather
than on top of the sync's.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskapp.db.desk import Desk

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


#: glibc's mallopt parameters (malloc.h): the number of arenas, the mmap threshold.
_M_ARENA_MAX = -8
_M_MMAP_THRESHOLD = -3
#: Blocks from this size up get their own mapping (glibc's starting value).
MMAP_THRESHOLD = 128 * 1024


def limit_arenas(count: int = 2, platform: str = sys.platform) -> bool:
    """Let glibc's malloc keep at most ``count`` arenas (True if it agreed).

    By default every thread that allocates may get an arena of its own (up to eight a
    core), and memory freed in one is not reused by another: rows decoded on one thread
    and freed on another (the app's sync worker and its screen) raise the peak of a large
    first sync. Called before the app starts its threads;
    elsewhere (macOS, Windows, musl) there is no such setting and nothing to do."""
    libc = _libc(platform)
    if libc is None:
        return False
    try:
        # A fixed threshold for handing large blocks to mmap: glibc raises it each time
        # such a block is freed, after which a sync's per-batch buffers (a batch's JSON
        # text, SQLite's working tables) are carved from the heap and leave it holed;
        # fixed, each is returned whole when freed.
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        return bool(libc.mallopt(_M_ARENA_MAX, count))
    except AttributeError:
        return False


def _libc(platform: str = sys.platform) -> ctypes.CDLL | None:
    """The C library this process already runs on, on Linux (no search: ``find_library``
    would start a subprocess, before the first paint). Elsewhere None: Windows has no
    process-wide handle of this kind (``CDLL(None)`` is refused), and macOS's C library
    has neither ``mallopt`` nor ``malloc_trim``."""
    if not platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:  # a static or unusual build: nothing to ask
        return None


def _trim_heap() -> None:
    """glibc keeps freed memory for reuse; ``malloc_trim`` returns it to the system.
    Elsewhere (macOS, Windows, musl) there is no such call and nothing to do."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)
