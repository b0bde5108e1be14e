"""Field validation shared by the CLI, the TUI and import. Messages never echo values
of sensitive fields back (they may end up in a terminal scrollback or a log)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from deskapp.domain.errors import ValidationError
from deskapp.domain.text import LINE_BREAKS, has_control

E = TypeVar("E", bound=StrEnum)

#: Something, @, a domain with a dot, ending in a letter or digit (``a@b.c.`` is refused:
#: the trailing dot is a typing slip more often than a fully-qualified domain).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


def _subject(field: str) -> str:
    """A field's name at the start of a message, which is a sentence: 'crime reference'
    gives 'Crime reference', 'review_date' gives 'Review date'."""
    label = field.replace("_", " ")
    return label[:1].upper() + label[1:]


def no_controls(value: str, *, field: str, multiline: bool = False) -> str:
    """Refuse control characters (C0, DEL, C1: ESC, BEL, CSI...), which could drive a
    terminal that later shows the text. A note or summary (``multiline``) may hold line
    breaks and tabs. The message names the field, never the value."""
    if has_control(value, LINE_BREAKS if multiline else ""):
        raise ValidationError(
            f"{_subject(field)} holds a control character (such as ESC or a line break); remove it."
            if not multiline
            else f"{_subject(field)} holds a control character (such as ESC); remove it."
        )
    return value


def clean_text(
    value: str, *, field: str, required: bool = False, max_len: int = 2000, multiline: bool = False
) -> str:
    """Refuse control characters (``no_controls``); trim, collapse runs of whitespace,
    NFC-normalise; accents survive exactly."""
    no_controls(value, field=field, multiline=multiline)
    text = unicodedata.normalize("NFC", " ".join(value.split()))
    if required and not text:
        raise ValidationError(f"{_subject(field)} is required.")
    if len(text) > max_len:
        raise ValidationError(f"{_subject(field)} is longer than {max_len} characters.")
    return text


def choice(enum: type[E], value: str, *, field: str) -> E:
    key = value.strip().lower().replace("_", "-")
    for member in enum:
        if key in (member.value, member.name.lower().replace("_", "-")):
            return member
    options = ", ".join(m.value for m in enum)
    raise ValidationError(f"{_subject(field)} must be one of: {options} (got {value!r}).")


def is_email(value: str) -> bool:
    """Whether ``value`` (trimmed) looks like an email address: the one rule for every
    form, the CLI and import."""
    return _EMAIL.match(value) is not None


def email(value: str) -> str:
    value = no_controls(value, field="email").strip()
    if value and not is_email(value):
        raise ValidationError("Email does not look like an email address.")
    return value


def phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE.match(value):
        raise ValidationError("Phone may hold only digits, spaces, +, ( ) and -.")
    return value


def iso_date(value: str, *, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{_subject(field)} must be a date like 2026-05-07.") from None


def clean_note(value: str, *, field: str, required: bool = False, max_len: int = 10000) -> str:
    """Text of several lines (a note, a contact's summary): line breaks and tabs are kept,
    trailing spaces and blank lines at either end trimmed, NFC-normalised; any other
    control character is refused (it could drive the terminal that shows the note)."""
    no_controls(value, field=field, multiline=True)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    text = unicodedata.normalize("NFC", text)
    if required and not text:
        raise ValidationError(f"{_subject(field)} is required.")
    if len(text) > max_len:
        raise ValidationError(f"{_subject(field)} is longer than {max_len} characters.")
    return text


@contextmanager
def about(field: str) -> Iterator[None]:
    """A ``ValidationError`` raised inside names ``field`` (unless it names one already),
    so a form can show the message beside that field."""
    try:
        yield
    except ValidationError as exc:
        if exc.field is None:
            exc.field = field
        raise


def clean_fields(
    fields: Mapping[str, Any],
    allowed: Container[str],
    clean: Callable[[str, Any], Any],
    *,
    record: str,
) -> dict[str, Any]:
    """Validate any subset of a record's editable fields, each by ``clean(key, value)``.
    A field the record does not have is refused (``record`` names it in the message: "a
    person"); an error names the field it is about, so a form shows it there."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(f"{_subject(record)} has no field '{key}'.")
        with about(key):
            out[key] = clean(key, value)
    return out


def whole_number(value: object, *, field: str, minimum: int = 0) -> int:
    """A count typed in a form or given on the command line ("150")."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{_subject(field)} must be a whole number.") from None
    if number < minimum:
        raise ValidationError(f"{_subject(field)} cannot be less than {minimum}.")
    return number


def day_start(value: str, *, field: str) -> datetime | None:
    """A date typed for a due time ("2026-05-07"): the start of that day, UTC."""
    day = iso_date(value, field=field)
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def risk_reason(old: str, new: str, reason: str) -> str:
    """A change of risk level is recorded with its reason (it drives patrols and
    protective measures, so someone will ask why)."""
    reason = clean_text(reason, field="reason", max_len=200)
    if new != old and not reason:
        raise ValidationError("Give the reason for the change of risk.", field="risk_reason")
    return reason


def review_extension(new: date | None, today: date, reason: str) -> tuple[date, str]:
    """Keeping a record past its retention review (DPA 2018 s.39): a later date and why."""
    if new is None:
        raise ValidationError("Give the new review date.", field="review_date")
    if new <= today:
        raise ValidationError("The new review date must be after today.", field="review_date")
    with about("reason"):
        why = clean_text(reason, field="reason", required=True, max_len=200)
    return new, why
