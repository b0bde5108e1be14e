"""The incident life cycle: new -> triaged -> assigned -> in progress -> resolved -> closed."""

from __future__ import annotations

from deskapp.domain.errors import ValidationError
from deskapp.domain.vocabulary import Status

S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.TRIAGED, S.ASSIGNED, S.CLOSED}),
    S.TRIAGED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED, S.REFERRED, S.RESOLVED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.TRIAGED, S.ESCALATED, S.REFERRED, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.ESCALATED, S.REFERRED, S.RESOLVED, S.ASSIGNED}),
    S.ESCALATED: frozenset({S.IN_PROGRESS, S.REFERRED, S.RESOLVED}),
    S.REFERRED: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}

#: Statuses that still need work (shown in the queue by default).
OPEN_STATUSES = frozenset(s for s in Status if s not in (S.RESOLVED, S.CLOSED))


def allowed_next(current: Status | str) -> list[Status]:
    """Valid next statuses, in life-cycle order (what a picker should offer)."""
    now = parse_status(current)
    return [s for s in Status if s in TRANSITIONS[now]]


def check_transition(current: Status | str, new: Status | str) -> Status:
    """Return the new status, or raise a clear error if the move is not allowed."""
    cur, nxt = parse_status(current), parse_status(new)
    if nxt not in TRANSITIONS[cur]:
        options = ", ".join(allowed_next(cur)) or "none"
        raise ValidationError(
            f"An incident cannot go from '{cur}' to '{nxt}'. From '{cur}' it can go to: {options}."
        )
    return nxt


def parse_status(value: Status | str) -> Status:
    try:
        return Status(str(value).replace("_", "-").replace(" ", "-").lower())
    except ValueError:
        raise ValidationError(
            f"Unknown status {value!r}. Statuses: {', '.join(s.value for s in Status)}."
        ) from None
