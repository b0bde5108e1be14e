"""Campaign events: what an event's fields may hold, and the notice the protocol expects.

The Defending Democracy policing protocol asks organisers to give the police 48 hours'
notice of an event; an event told later than that is flagged (``short_notice``). Pure
rules: the store validates with them, the CLI and the TUI show their messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.domain.vocabulary import EventKind, Risk

#: Hours of notice the protocol expects before an event starts.
NOTICE_HOURS = 48
#: Words officers use for a kind, beyond its stored value.
KIND_WORDS = {"briefing": EventKind.SECURITY_BRIEFING}
#: The longest patrol one event may request (a week), and the largest cost (£1,000,000).
MAX_PATROL_MINUTES = 7 * 24 * 60
MAX_PENCE = 100_000_000

EDITABLE = (
    "title", "kind", "starts_at", "ends_at", "place", "organiser", "organiser_contact",
    "notice_received_at", "risk", "risk_reason", "patrol_requested", "patrol_minutes",
    "patrol_additional_pence", "patrol_opportunity_pence", "attendance", "notes", "outcome",
)  # fmt: skip
#: Free text of several lines.
NOTES = ("notes", "outcome")
TIMES = ("starts_at", "ends_at", "notice_received_at")

_MONEY = re.compile(r"^£?\s*(\d{1,7}(?:,\d{3})*|\d+)(\.\d{1,2})?$")


def event_ref(event_id: str) -> str:
    """The short reference read out over the phone: ``E-`` and the id's last 8 hex digits."""
    return "E-" + event_id.replace("-", "")[-8:].upper()


def ref_suffix(text: str) -> str | None:
    """The id ending a typed reference names (``E-1A2B3C4D`` gives ``1a2b3c4d``), or None."""
    text = text.strip()
    if len(text) == 10 and text[:2].upper() == "E-":
        tail = text[2:].lower()
        if all(c in "0123456789abcdef" for c in tail):
            return tail
    return None


def kind(value: str) -> str:
    word = value.strip().lower()
    if word in KIND_WORDS:
        return str(KIND_WORDS[word])
    return str(v.choice(EventKind, value, field="kind"))


def parse_time(value: str, *, field: str, zone: tzinfo) -> datetime | None:
    """An ISO time ("2026-05-07 19:00", "2026-05-07T19:00+01:00") as UTC. One without an
    offset is a time on the force's clock (``zone``): 19:00 in May is 18:00 UTC. A time
    the clocks skip (01:30 on the March night they go forward) is refused; one they pass
    twice (01:30 in October) is the first. Empty: None."""
    value = value.strip()
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ValidationError(
            f"Give the {field_label(field)} as a time like 2026-05-07 19:00 or "
            "2026-05-07T19:00+01:00."
        ) from None
    if found.tzinfo is not None:
        return found.astimezone(UTC)
    placed = found.replace(tzinfo=zone)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != found:
        raise ValidationError(
            f"The {field_label(field)} {found:%H:%M} does not happen on {found:%d %b %Y}: the "
            "clocks go forward then. Give a time after the change."
        )
    return placed.astimezone(UTC)


def parse_hours(value: str) -> int:
    """Patrol hours ("2", "2.5", "1:30") as whole minutes."""
    text = value.strip()
    try:
        if ":" in text:
            hours, minutes = text.split(":", 1)
            total = int(hours or "0") * 60 + int(minutes)
            if not 0 <= int(minutes) < 60:
                raise ValueError
        else:
            total = int(Decimal(text or "0") * 60)
    except (ValueError, InvalidOperation):
        raise ValidationError("Patrol hours must be a number of hours like 2.5 or 1:30.") from None
    if not 0 <= total <= MAX_PATROL_MINUTES:
        raise ValidationError(f"Patrol hours must be between 0 and {MAX_PATROL_MINUTES // 60}.")
    return total


def parse_money(value: str, *, field: str) -> int:
    """A cost in pounds ("120", "£1,250.50") as pence."""
    text = value.strip() or "0"
    found = _MONEY.match(text)
    if not found:
        raise ValidationError(f"Give the {field_label(field)} in pounds, like 1250.50.")
    pounds = int(found.group(1).replace(",", ""))
    pence = int((found.group(2) or ".00")[1:].ljust(2, "0"))
    total = pounds * 100 + pence
    if total > MAX_PENCE:
        raise ValidationError(f"The {field_label(field)} is more than £{MAX_PENCE // 100:,}.")
    return total


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def field_label(field: str) -> str:
    """A field's name as written in a message ("notice_received_at": "notice received")."""
    return {
        "starts_at": "start",
        "ends_at": "end",
        "notice_received_at": "time notice came",
        "patrol_additional_pence": "additional cost",
        "patrol_opportunity_pence": "opportunity cost",
    }.get(field, field.replace("_", " "))


def clean_event(fields: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """Validate and normalise the given event fields (any subset of ``EDITABLE``); text
    times (on the clock of ``zone``), hours and money are parsed. An error names its
    field (``ValidationError.field``) and never quotes a sensitive value."""
    return v.clean_fields(
        fields, EDITABLE, lambda key, value: _clean(key, value, zone), record="an event"
    )


def _clean(key: str, value: Any, zone: tzinfo) -> Any:
    if key == "title":
        return v.clean_text(value, field="title", required=True, max_len=200)
    if key == "kind":
        return kind(value)
    if key in TIMES:
        found = parse_time(value, field=key, zone=zone) if isinstance(value, str) else value
        if key == "starts_at" and found is None:
            raise ValidationError("Start is required.")
        return found
    if key == "risk":
        return str(v.choice(Risk, value, field="risk"))
    if key == "patrol_requested":
        return bool(value)
    if key == "patrol_minutes":
        return parse_hours(value) if isinstance(value, str) else _whole(value, key)
    if key in ("patrol_additional_pence", "patrol_opportunity_pence"):
        return parse_money(value, field=key) if isinstance(value, str) else _whole(value, key)
    if key in NOTES:
        return v.clean_note(value, field=key, max_len=10000)
    return v.clean_text(value, field=field_label(key), max_len=500)


def _whole(value: Any, field: str) -> int:
    if type(value) is not int or value < 0:
        raise ValidationError(f"The {field_label(field)} must be a whole number, not negative.")
    return value


def check_event(row: dict[str, Any]) -> None:
    """Rules across fields, on the event as it would be stored: it ends after it starts,
    and a medium or high risk says why."""
    starts, ends = row.get("starts_at"), row.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError("End must be after the start.", field="ends_at")
    if row.get("risk", Risk.LOW) != Risk.LOW and not row.get("risk_reason"):
        raise ValidationError(f"Risk {row['risk']} needs its reason.", field="risk_reason")


def check_risk_change(old: str, new: str, reason_given: bool) -> None:
    """A new risk level above low comes with its own reason, not the last one's."""
    if new != old and new != Risk.LOW and not reason_given:
        raise ValidationError(f"Give the reason for risk {new}.", field="risk_reason")


@dataclass(frozen=True)
class Notice:
    """How much notice the police had of an event."""

    hours: float | None  # None: when notice came is not recorded
    short: bool

    def describe(self) -> str:
        if self.hours is None:
            return "notice not recorded"
        if self.hours < 0:
            return "notice after the start"
        if self.hours >= 72:
            return f"{self.hours / 24:.0f} days' notice"
        text = f"{self.hours:.0f} h notice"
        return text + (f" (short: the protocol expects {NOTICE_HOURS} h)" if self.short else "")


def notice(starts_at: datetime, received_at: datetime | None) -> Notice:
    """The notice given before ``starts_at``; short when under ``NOTICE_HOURS``."""
    if received_at is None:
        return Notice(None, False)
    given = starts_at - received_at
    return Notice(given / timedelta(hours=1), given < timedelta(hours=NOTICE_HOURS))


def short_notice(starts_at: datetime, received_at: datetime | None) -> bool:
    return notice(starts_at, received_at).short
