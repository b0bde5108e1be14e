"""Domain rules: grading, due times, status transitions, THRIVE, HLC, ids, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskapp.domain import thrive
from deskapp.domain.errors import ConfigError, ValidationError
from deskapp.domain.grading import GradeTargets, check_grade, format_due
from deskapp.domain.status import allowed_next, check_transition
from deskapp.protocol import hlc
from deskapp.protocol.ids import uuid7, uuid7_time_ms
from deskapp.runtime.settings import load_settings, parse_settings

T0 = datetime(2026, 5, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("grade", "minutes"), [(1, 15), (2, 60), (3, 2880), (4, 7200)])
def test_default_due_times(grade: int, minutes: int) -> None:
    assert GradeTargets().due(grade, T0) == T0 + timedelta(minutes=minutes)


def test_force_configured_targets() -> None:
    assert GradeTargets({1: 10, 2: 30, 3: 60, 4: 120}).due(1, T0) == T0 + timedelta(minutes=10)


def test_bad_grade() -> None:
    with pytest.raises(ValidationError, match="1, 2, 3 or 4"):
        check_grade(5)


def test_format_due() -> None:
    assert format_due(T0 + timedelta(minutes=12), T0) == "12m"
    assert format_due(T0 + timedelta(hours=3, minutes=5), T0) == "3h05m"
    assert format_due(T0 - timedelta(minutes=7), T0) == "OVERDUE 7m"
    assert format_due(T0 + timedelta(days=2, hours=4), T0) == "2d4h"


def test_transitions() -> None:
    assert check_transition("new", "triaged") == "triaged"
    assert "closed" not in allowed_next("in-progress")
    with pytest.raises(ValidationError, match="From 'new' it can go to"):
        check_transition("new", "resolved")
    with pytest.raises(ValidationError, match="Unknown status"):
        check_transition("new", "flying")


def test_thrive_spec() -> None:
    parsed = thrive.parse_spec("threat=high,harm=m:repeat caller,vuln=l")
    assert parsed["harm"] == thrive.Score("medium", "repeat caller")
    assert thrive.summary(parsed).startswith("T:H H:M R:-")
    assert thrive.from_json(thrive.to_json(parsed)) == parsed
    with pytest.raises(ValidationError):
        thrive.parse_spec("threat=extreme")
    with pytest.raises(ValidationError):
        thrive.parse_spec("colour=high")


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


def test_settings_defaults_and_errors(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml").auto_lock_minutes == 5
    good = parse_settings({"auto_lock_minutes": 2, "grade_targets": {"g1": 10}})
    assert good.grade_targets.minutes[1] == 10 and good.grade_targets.minutes[2] == 60
    for raw, key in [
        ({"auto_lok": 1}, "auto_lok"),
        ({"theme": "pink"}, "theme"),
        ({"grade_targets": {"g9": 1}}, "g9"),
        ({"grade_targets": {"g1": -1}}, "g1"),
        ({"hub_url": "postgresql://u:secret@host/db"}, "hub_url"),
    ]:
        with pytest.raises(ConfigError, match=key):
            parse_settings(raw)
    bad = tmp_path / "bad.toml"
    bad.write_text("auto_lock_minutes = = 3")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)
