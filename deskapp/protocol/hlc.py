"""Hybrid logical clock: a 64-bit timestamp of wall-clock milliseconds and a counter.

Encoded as one integer ``(ms << 16) | counter`` so that versions compare as integers
and sort in SQL. Ties between desks are broken by site id (see ``wins``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

COUNTER_BITS = 16
COUNTER_MAX = (1 << COUNTER_BITS) - 1
#: A remote clock more than this far ahead of ours is capped (section 5: clock skew).
MAX_DRIFT_MS = 5 * 60 * 1000


def encode(ms: int, counter: int) -> int:
    return (ms << COUNTER_BITS) | counter


def decode(value: int) -> tuple[int, int]:
    return value >> COUNTER_BITS, value & COUNTER_MAX


def wins(a: tuple[int, str], b: tuple[int, str]) -> bool:
    """True when version ``a`` (hlc, site) beats version ``b``."""
    return a > b


@dataclass
class ClockSkew:
    """Reported when a remote timestamp was ahead of the local clock by too much."""

    remote_ms: int
    local_ms: int

    @property
    def ahead_ms(self) -> int:
        return self.remote_ms - self.local_ms


class HybridClock:
    """Thread-safe HLC. ``now()`` for local events, ``observe()`` for remote ones."""

    def __init__(self, last: int = 0, wall: Callable[[], int] | None = None) -> None:
        self._last = last
        self._wall = wall or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def wall_ms(self) -> int:
        """The wall clock this clock reads, in milliseconds."""
        return self._wall()

    def now(self) -> int:
        with self._lock:
            ms, counter = decode(self._last)
            wall = self._wall()
            if wall > ms:
                self._last = encode(wall, 0)
            else:
                self._last = encode(ms, counter + 1) if counter < COUNTER_MAX else encode(ms + 1, 0)
            return self._last

    def observe(self, remote: int) -> ClockSkew | None:
        """Advance past a remote timestamp; cap it if it is implausibly far ahead."""
        with self._lock:
            wall = self._wall()
            remote_ms, _ = decode(remote)
            skew = None
            if remote_ms - wall > MAX_DRIFT_MS:
                skew = ClockSkew(remote_ms=remote_ms, local_ms=wall)
                remote = encode(wall + MAX_DRIFT_MS, 0)
            if remote > self._last:
                self._last = remote
            return skew
