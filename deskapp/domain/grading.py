"""National incident grading and the due time each grade gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from deskapp.domain.errors import ValidationError

GRADE_NAMES = {
    1: "Emergency",
    2: "Priority",
    3: "Scheduled",
    4: "Resolution without deployment",
}

#: Force-configurable; these are the defaults from the design brief.
DEFAULT_TARGET_MINUTES: dict[int, int] = {
    1: 15,
    2: 60,
    3: 48 * 60,
    4: 5 * 24 * 60,
}


@dataclass(frozen=True)
class GradeTargets:
    minutes: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_TARGET_MINUTES))

    def due(self, grade: int, from_time: datetime) -> datetime:
        """When an incident graded ``grade`` at ``from_time`` falls due."""
        check_grade(grade)
        return from_time + timedelta(minutes=self.minutes[grade])


def check_grade(grade: int) -> int:
    if grade not in GRADE_NAMES:
        raise ValidationError(f"Grade must be 1, 2, 3 or 4 (got {grade!r}).")
    return grade


def grade_label(grade: int) -> str:
    return f"G{grade} {GRADE_NAMES[grade]}"


def time_to_due(due_at: datetime, now: datetime) -> timedelta:
    """Negative when overdue."""
    return due_at - now


def format_due(due_at: datetime | None, now: datetime) -> str:
    """A compact, human time-to-due: ``12m``, ``3h05m``, ``2d4h``, ``OVERDUE 7m``."""
    if due_at is None:
        return "-"
    delta = time_to_due(due_at, now)
    overdue = delta.total_seconds() < 0
    seconds = int(abs(delta.total_seconds()))
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    if days:
        text = f"{days}d{hours}h"
    elif hours:
        text = f"{hours}h{minutes:02d}m"
    else:
        text = f"{minutes}m"
    return f"OVERDUE {text}" if overdue else text
