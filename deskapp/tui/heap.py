"""Short garbage-collector pauses once the desk is open.

Textual allocates freely on every frame, so Python's full (generation 2) collections
come round every few seconds, and each one walks every live object: the modules,
the widget trees and the ranked lists of a 100,000-row desk. That walk took ~100 ms,
long enough to stall a filter keystroke. Once the desk's long-lived state is built it
is frozen (moved out of the collector's reach; reference counting still frees it), so
a full pass walks only what was made since: ~10 ms. Locking unfreezes, so the closed
screens' reference cycles can be collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """The state built so far lives on: keep it out of the collector's full passes."""
    gc.freeze()


def release() -> None:
    """Hand everything back to the collector (the desk was locked)."""
    gc.unfreeze()
