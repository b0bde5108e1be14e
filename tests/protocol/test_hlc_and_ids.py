"""The hybrid logical clock (protocol/hlc.py) and time-ordered ids (protocol/ids.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from deskapp.protocol import hlc
from deskapp.protocol.ids import uuid7, uuid7_time_ms


def test_hlc_monotonic_and_skew_capped() -> None:
    wall = [1_000_000]
    clock = hlc.HybridClock(wall=lambda: wall[0])
    a, b = clock.now(), clock.now()
    assert b > a
    wall[0] -= 500  # the wall clock steps back: the HLC does not
    assert clock.now() > b
    far = hlc.encode(wall[0] + hlc.MAX_DRIFT_MS * 10, 0)
    skew = clock.observe(far)
    assert skew is not None and skew.ahead_ms > hlc.MAX_DRIFT_MS
    assert hlc.decode(clock.last)[0] <= wall[0] + hlc.MAX_DRIFT_MS + 500


def test_uuid7_ordered_and_versioned() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == 2000
    assert all(i[14] == "7" for i in ids)
    assert abs(uuid7_time_ms(ids[0]) - datetime.now(UTC).timestamp() * 1000) < 60_000
