"""Domain rules: grading, due times, status transitions, THRIVE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskapp.domain import thrive
from deskapp.domain.errors import ValidationError
from deskapp.domain.grading import GradeTargets, check_grade, format_due
from deskapp.domain.status import allowed_next, check_transition

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
