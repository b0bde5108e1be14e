"""Grading (domain/grading.py): due times by grade, a force's own targets, a bad grade, how a
due time reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskapp.domain.errors import ValidationError
from deskapp.domain.grading import GradeTargets, check_grade, format_due

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
