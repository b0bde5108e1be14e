"""The hybrid logical clock (protocol/hlc.py) and time-ordered ids (protocol/ids.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from deskapp.protocol import hlc
from deskapp.protocol.ids import uuid7, uuid7_many, uuid7_time_ms


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


def test_hlc_now_many_is_now_called_in_a_row() -> None:
    """A batch's timestamps are those of as many readings one after another, also when
    the counter runs over into the next millisecond."""
    for start in (hlc.encode(1_000_000, 0), hlc.encode(1_000_000, hlc.COUNTER_MAX - 2)):
        one, many = (hlc.HybridClock(start, wall=lambda: 1_000_000) for _ in range(2))
        expected = [one.now() for _ in range(6)]
        got = [many.now(), *many.now_many(4), many.now()]
        assert got == expected and many.last == one.last
    assert list(hlc.HybridClock().now_many(0)) == []


def test_uuid7_many_ordered_distinct_and_versioned() -> None:
    ids = [uuid7(), *uuid7_many(5000), uuid7(), *uuid7_many(3)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == 5005
    assert all(i[14] == "7" and i[19] in "89ab" for i in ids)  # version 7, RFC variant
    assert abs(uuid7_time_ms(ids[1]) - datetime.now(UTC).timestamp() * 1000) < 60_000
    assert uuid7_many(0) == []
