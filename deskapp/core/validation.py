"""Field validation shared by the CLI, the TUI and import. Messages never echo values
of sensitive fields back (they may end up in a terminal scrollback or a log)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import TypeVar

from deskapp.core.errors import ValidationError

E = TypeVar("E", bound=StrEnum)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


def _subject(field: str) -> str:
    """A field's name at the start of a message, which is a sentence: 'crime reference'
    gives 'Crime reference', 'review_date' gives 'Review date'."""
    label = field.replace("_", " ")
    return label[:1].upper() + label[1:]


def clean_text(value: str, *, field: str, required: bool = False, max_len: int = 2000) -> str:
    """Trim, collapse runs of whitespace, NFC-normalise; accents survive exactly."""
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


def email(value: str) -> str:
    value = value.strip()
    if value and not _EMAIL.match(value):
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


# C0 and C1 controls and DEL, but not tab or line feed: what text of several lines may
# not hold. (A minimal check for notes until every text field shares one.)
_NOTE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_note(value: str, *, field: str, required: bool = False, max_len: int = 10000) -> str:
    """Text of several lines (a note, a contact's summary): line breaks and tabs are kept,
    trailing spaces and blank lines at either end trimmed, NFC-normalised; any other
    control character is refused (it could drive the terminal that shows the note)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _NOTE_CONTROLS.search(text):
        raise ValidationError(f"{_subject(field)} may not contain control characters.")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    text = unicodedata.normalize("NFC", text)
    if required and not text:
        raise ValidationError(f"{_subject(field)} is required.")
    if len(text) > max_len:
        raise ValidationError(f"{_subject(field)} is longer than {max_len} characters.")
    return text
