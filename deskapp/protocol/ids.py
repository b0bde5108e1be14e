"""UUIDv7 identifiers made on the desk (RFC 9562): time-ordered, globally unique."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable

_lock = threading.Lock()
_last_ms = 0
_seq = 0
#: Random bytes from the OS, drawn a page at a time: one system call per 400 ids
#: rather than one or two each, which cost more than the rest of making an id.
_random = b""
_at = 0


def uuid7() -> str:
    """A new UUIDv7 as a string; monotonic within this process."""
    global _last_ms, _seq, _random, _at
    with _lock:
        if _at + 10 > len(_random):
            _random, _at = os.urandom(4000), 0
        bits = int.from_bytes(_random[_at : _at + 10], "big")
        _at += 10
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            # Same or earlier millisecond: bump a 12-bit counter (rand_a) to stay ordered.
            _seq += 1
            if _seq > 0xFFF:
                _last_ms += 1
                _seq = 0
            ms = _last_ms
        else:
            _last_ms = ms
            _seq = (bits >> 64) & 0x3FF
        rand_b = bits & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= (_seq & 0xFFF) << 64
        value |= 0b10 << 62
        value |= rand_b
    # Formatted here rather than by uuid.UUID, whose checks cost more than the rest
    # (an import makes one id a row; a million-row file, a million ids).
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid7_time_ms(value: str) -> int:
    """The millisecond timestamp carried by a UUIDv7."""
    return uuid.UUID(value).int >> 80


def new_site_id() -> str:
    """A random identifier for one desk (one database), used to break HLC ties."""
    return os.urandom(8).hex()


def short_ids(ids: Iterable[str], min_len: int = 8) -> dict[str, str]:
    """Each id's shortest prefix (at least ``min_len`` characters) that no other id in
    ``ids`` shares, so a short id shown to an officer can be typed back as a unique prefix.
    UUIDv7s made in the same minute share their first eight characters."""
    ordered = sorted(set(ids))
    out: dict[str, str] = {}
    for i, value in enumerate(ordered):
        length = min_len
        for other in (ordered[i - 1] if i else "", ordered[i + 1] if i + 1 < len(ordered) else ""):
            common = 0
            while common < min(len(value), len(other)) and value[common] == other[common]:
                common += 1
            length = max(length, common + 1)
        out[value] = value[:length]
    return out
