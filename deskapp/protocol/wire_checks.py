"""Checks on what a desk pulls from the hub, before any of it reaches the desk.

Anyone holding the hub's secret can write its tables, so a pulled row is outside text:
it may name no table or field the desk knows, hold a value of the wrong type or outside
the values the desk allows, be too large, or carry a version stamped far in the future
(which would win every later edit of that field). Such a change is quarantined (kept
aside, counted, listed for supervisors) instead of merged, and never stops the rest.

The rules here are pure: the store describes its columns as ``FieldRule``s and asks.
Reasons name the problem and, at most, a field this desk knows: never a value (it may
be personal data or a terminal escape sequence), never a name the hub made up.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from deskapp.domain import vocabulary
from deskapp.domain.grading import GRADE_NAMES
from deskapp.domain.status import TRANSITIONS
from deskapp.domain.text import LINE_BREAKS, has_control
from deskapp.protocol import hlc, jsontext

#: Characters in one text field. The longest a desk writes is a note or an incident's
#: description (10,000 characters); this leaves room without letting a row carry megabytes.
MAX_TEXT = 64 * 1024
#: Bytes of one row's values as JSON: larger rows are not even fetched from the hub.
MAX_ROW_BYTES = 256 * 1024
#: Bytes of one row's versions as JSON (a version per field: a few kilobytes at most).
MAX_VERSIONS_BYTES = 16 * 1024
#: A pull batch stops early once its rows' values add up to this many bytes.
MAX_BATCH_BYTES = 16 * 1024 * 1024
#: Characters in a row id (the hub's column width) and in a site id.
MAX_ID = 200
MAX_SITE = 64
#: The largest HLC value (a signed 64-bit integer, as SQLite stores it).
MAX_HLC = (1 << 63) - 1


class Malformed:
    """Stands for a JSON text that did not parse as one value."""


MALFORMED = Malformed()


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    TIME = "time"
    DATE = "date"


@dataclass(frozen=True)
class FieldRule:
    """What a field may hold on the wire."""

    kind: Kind
    nullable: bool = True
    allowed: frozenset[Any] | None = None


def _values(enum: type[Enum]) -> frozenset[Any]:
    return frozenset(m.value for m in enum)


#: Fields limited to a set of values, from the desk's own vocabulary.
ALLOWED: Mapping[tuple[str, str], frozenset[Any]] = {
    ("incident", "grade"): frozenset(GRADE_NAMES),
    ("incident", "status"): frozenset(s.value for s in TRANSITIONS),
    ("incident", "type"): _values(vocabulary.IncidentType),
    ("incident", "operation"): _values(vocabulary.OperationFlag),
    ("person", "role"): _values(vocabulary.PersonRole),
    ("person", "risk"): _values(vocabulary.Risk),
    ("person", "briefing_status"): _values(vocabulary.BriefingStatus),
    ("event", "risk"): _values(vocabulary.Risk),
    ("event", "kind"): _values(vocabulary.EventKind),
    ("officer", "role"): _values(vocabulary.OfficerRole),
    ("contact", "channel"): _values(vocabulary.ContactChannel),
    ("contact", "kind"): _values(vocabulary.ContactKind),
    ("security_survey", "place"): _values(vocabulary.SurveyPlace),
    ("security_survey", "risk"): _values(vocabulary.Risk),
    ("security_measure", "kind"): _values(vocabulary.MeasureKind),
    ("security_measure", "status"): _values(vocabulary.MeasureStatus),
    ("security_referral", "status"): _values(vocabulary.ReferralStatus),
    ("subject", "risk"): _values(vocabulary.Risk),
    ("subject", "ftac"): _values(vocabulary.SpecialistReferral),
    ("subject", "plait"): _values(vocabulary.SpecialistReferral),
    ("incident_link", "category"): _values(vocabulary.LinkCategory),
}


# -- the row as a whole ---------------------------------------------------------------
def size_problem(size: int | None, versions_size: int | None) -> str | None:
    """The hub's byte counts of a row's values and versions, checked before either is read."""
    if size is not None and size > MAX_ROW_BYTES:
        return f"values larger than {MAX_ROW_BYTES // 1024} KiB (not fetched)"
    if versions_size is None:
        return "no versions"
    if versions_size > MAX_VERSIONS_BYTES:
        return f"versions larger than {MAX_VERSIONS_BYTES // 1024} KiB (not fetched)"
    return None


def key_problem(row_id: str, parts: int) -> str | None:
    """A row id (``parts`` > 1: an insert-only row's key, its columns joined by ':')."""
    if not (0 < len(row_id) <= MAX_ID and row_id.isprintable()):
        return "a row id that is empty, too long or not printable"
    if parts > 1 and (len(pieces := row_id.split(":")) != parts or not all(pieces)):
        return f"a row key that is not {parts} ids joined by ':'"
    return None


def versions_problem(versions: Any, fields: Collection[str]) -> str | None:
    """The versions of a row: ``{field or '*': [hlc, site, ...]}`` for fields it knows.
    (Written as one expression a version: a first sync asks it 200,000 times.)"""
    if type(versions) is not dict or not versions:
        return "versions that are not a map of fields to versions"
    for name, version in versions.items():
        if name not in fields and name != "*":
            return "a version for a field this desk does not know"
        if not (
            type(version) is list
            and len(version) >= 2
            and type(clock := version[0]) is int
            and 0 <= clock <= MAX_HLC
            and type(site := version[1]) is str
            and 0 < len(site) <= MAX_SITE
            and site.isprintable()
        ):
            return "a version that is not a clock value and a site id"
    return None


def drift_limit(now_ms: int) -> int:
    """The smallest clock value more than the allowed drift ahead of ``now_ms``: a
    version at or past it is too far ahead (one integer comparison a version)."""
    return hlc.encode(now_ms + hlc.MAX_DRIFT_MS + 1, 0)


def ahead(versions: Mapping[str, tuple[int, str]], now_ms: int) -> list[str]:
    """The fields (``*``: the creation) stamped more than the allowed drift ahead of
    ``now_ms``: merged, such a version would win every edit made before that time."""
    limit = drift_limit(now_ms)
    return [name for name, (value, _) in versions.items() if value >= limit]


#: Why a change stamped too far ahead is held back.
DRIFT = f"stamped more than {hlc.MAX_DRIFT_MS // 60000} minutes ahead of this desk's clock"


# -- values --------------------------------------------------------------------------
def control_characters(name: str, value: str) -> str | None:
    """Pulled text is refused as typed text is (``vocabulary.validation.no_controls``): a control
    character could drive the terminal that shows it. Line breaks and tabs pass, since
    notes hold them and the rules here do not tell a note from a name."""
    if has_control(value, LINE_BREAKS):
        return f"{name}: holds a control character"
    return None


def _is_time(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def value_problem(name: str, rule: FieldRule, value: Any) -> str | None:
    """Whether ``value`` (as on the wire) may be stored in a field with ``rule``."""
    if value is None:
        return None if rule.nullable else f"{name}: empty"
    kind = rule.kind
    if kind is Kind.TEXT:
        if not isinstance(value, str):
            return f"{name}: not text"
        if len(value) > MAX_TEXT:
            return f"{name}: longer than {MAX_TEXT // 1024} Ki characters"
        found = control_characters(name, value)
        if found is not None:
            return found
    elif kind is Kind.INT:
        if type(value) is not int or not -MAX_HLC <= value <= MAX_HLC:
            return f"{name}: not a whole number"
    elif kind is Kind.BOOL:
        return None if type(value) is bool or value in (0, 1) else f"{name}: not true or false"
    elif kind is Kind.TIME:
        if not (isinstance(value, str) and len(value) <= 40 and _is_time(value)):
            return f"{name}: not a time with its zone"
    elif not (isinstance(value, str) and len(value) <= 10 and _is_date(value)):
        return f"{name}: not a date"
    if rule.allowed is not None and value not in rule.allowed:
        return f"{name}: not one of the allowed values"
    return None


def data_problems(
    data: Any, rules: Mapping[str, FieldRule], names: Collection[str] | None = None
) -> dict[str, str]:
    """The problems of a row's values, by field (``''``: the row as a whole); ``names``:
    only these fields (those that would be merged)."""
    if data is MALFORMED:
        return {"": "values that are not JSON"}
    if not isinstance(data, dict):
        return {"": "values that are not a map of fields"}
    problems: dict[str, str] = {}
    for name in data if names is None else names:
        rule = rules.get(name)
        if rule is None:
            problems[""] = "a field this desk does not know"
            continue
        found = value_problem(name, rule, data[name])
        if found is not None:
            problems[name] = found
    return problems


def missing_required(data: Mapping[str, Any], required: Collection[str]) -> str | None:
    """A new row lacking a field that has no default (it could not be stored)."""
    lacking = sorted(n for n in required if data.get(n) is None)
    return f"{', '.join(lacking)}: missing" if lacking else None


# -- JSON ------------------------------------------------------------------------------
def parse_each(texts: Sequence[str]) -> list[Any]:
    """Each JSON text parsed, ``MALFORMED`` for one that is not a single JSON value.

    Parsed as one array when all are sound (per-call overhead dominates for small
    texts); when that fails, or a text held more than one value (the array came out
    longer), each is parsed alone."""
    if not texts:
        return []
    try:
        parsed = jsontext.loads("[" + ",".join(texts) + "]")
        if isinstance(parsed, list) and len(parsed) == len(texts):
            return parsed
    except ValueError:
        pass
    out: list[Any] = []
    for raw in texts:
        try:
            out.append(jsontext.loads(raw))
        except ValueError:
            out.append(MALFORMED)
    return out
