"""Protective-security casework: what surveys, measures, referrals for private security
and subjects of concern may hold, and the dates their statuses and reviews imply.

Operation Bridger's standard is a survey of an MP's home and office, measures fitted and
a review every 12 months (the period is a setting: ``Settings.security_review_months``);
Operation Ford covers councillors, mayors, PCCs and candidates the same way. A subject's
notes keep facts apart from assessments, as DPA 2018 Part 3 s.38 expects. Pure rules: the
store validates with them, the CLI and the TUI show their messages.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.domain.events import parse_money
from deskapp.domain.vocabulary import (
    LinkCategory,
    MeasureKind,
    MeasureStatus,
    ReferralStatus,
    Risk,
    SpecialistReferral,
    SurveyPlace,
)

#: Months between a survey (or a fitted measure) and its review, unless the force says
#: otherwise in settings.toml (Operation Bridger: 12).
DEFAULT_REVIEW_MONTHS = 12
#: The longest review period a force may set (five years).
MAX_REVIEW_MONTHS = 60

SURVEY_FIELDS = ("place", "surveyed_on", "surveyed_by", "findings", "risk", "next_review")
MEASURE_FIELDS = (
    "kind", "status", "recommended_on", "agreed_on", "fitted_on", "declined_on",
    "removed_on", "next_review", "notes",
)  # fmt: skip
REFERRAL_FIELDS = (
    "status", "provider", "cost", "requested_on", "decided_on", "started_on", "ended_on",
    "notes",
)  # fmt: skip
SUBJECT_FIELDS = (
    "name", "aliases", "identifiers", "risk", "ftac", "plait", "facts", "assessment",
    "review_date",
)  # fmt: skip
#: Free text of several lines.
NOTES = ("findings", "notes", "facts", "assessment")
DATES = (
    "surveyed_on", "next_review", "recommended_on", "agreed_on", "fitted_on", "declined_on",
    "removed_on", "requested_on", "decided_on", "started_on", "ended_on", "review_date",
)  # fmt: skip
#: The date a measure's status records (a status set with no date takes today's).
MEASURE_STATUS_DATE = {
    MeasureStatus.RECOMMENDED: "recommended_on",
    MeasureStatus.AGREED: "agreed_on",
    MeasureStatus.FITTED: "fitted_on",
    MeasureStatus.DECLINED: "declined_on",
    MeasureStatus.REMOVED: "removed_on",
}
REFERRAL_STATUS_DATE = {
    ReferralStatus.REQUESTED: "requested_on",
    ReferralStatus.APPROVED: "decided_on",
    ReferralStatus.DECLINED: "decided_on",
    ReferralStatus.IN_PLACE: "started_on",
    ReferralStatus.ENDED: "ended_on",
}
#: Words officers use for a measure kind, beyond its stored value.
KIND_WORDS = {
    "alarm": MeasureKind.PANIC_ALARM,
    "locks": MeasureKind.LOCKS,
    "mail": MeasureKind.MAIL_SCREENING,
    "marker": MeasureKind.ADDRESS_MARKER,
    "device": MeasureKind.SAFETY_DEVICE,
    "pip": MeasureKind.CYBER_PIP,
    "cyber": MeasureKind.CYBER_PIP,
}
#: A referral that is over: a new request starts another.
REFERRAL_CLOSED = (ReferralStatus.DECLINED.value, ReferralStatus.ENDED.value)
#: Measures still standing: their review falls due.
STANDING = frozenset({MeasureStatus.AGREED, MeasureStatus.FITTED})


def subject_ref(subject_id: str) -> str:
    """The short reference read out over the phone: ``S-`` and the id's last 8 hex digits."""
    return "S-" + subject_id.replace("-", "")[-8:].upper()


def ref_suffix(text: str) -> str | None:
    """The id ending a typed subject reference (``S-1A2B3C4D`` gives ``1a2b3c4d``), or None."""
    text = text.strip()
    if len(text) == 10 and text[:2].upper() == "S-":
        tail = text[2:].lower()
        if all(c in "0123456789abcdef" for c in tail):
            return tail
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` calendar months (31 January + 1 is 28 or 29 February)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_months(value: object, *, where: str = "settings") -> int:
    """The survey review period a force configured, checked."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"In {where}, 'security_review_months' must be a whole number.")
    if not 1 <= value <= MAX_REVIEW_MONTHS:
        raise ValidationError(
            f"In {where}, 'security_review_months' must be from 1 to {MAX_REVIEW_MONTHS}."
        )
    return value


def measure_kind(value: str) -> str:
    word = value.strip().lower()
    if word in KIND_WORDS:
        return str(KIND_WORDS[word])
    return str(v.choice(MeasureKind, value, field="kind"))


def category(value: str | None) -> str:
    """A link's data-subject category; a link without one is refused."""
    if value is None or not str(value).strip():
        raise ValidationError(
            "Give the link's category: " + "|".join(c.value for c in LinkCategory) + ".",
            field="category",
        )
    with v.about("category"):
        return str(v.choice(LinkCategory, str(value), field="category"))


def _clean(key: str, value: Any) -> Any:
    if key in DATES:
        return v.iso_date(value, field=key) if isinstance(value, str) else value
    if key == "place":
        return str(v.choice(SurveyPlace, value, field="place"))
    if key == "risk":
        return str(v.choice(Risk, value, field="risk"))
    if key == "kind":
        return measure_kind(value)
    if key in ("ftac", "plait"):
        return str(v.choice(SpecialistReferral, value, field=key))
    if key == "cost":
        if isinstance(value, str):
            return parse_money(value, field="cost")
        if type(value) is not int or value < 0:
            raise ValidationError("The cost must be a whole number of pence, not negative.")
        return value
    if key in NOTES:
        return v.clean_note(value, field=key, max_len=10000)
    if key == "name":
        return v.clean_text(value, field="name or description", required=True, max_len=200)
    return v.clean_text(value, field=key, max_len=500)


def clean(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise fields of a ``survey``, ``measure``, ``referral`` or
    ``subject`` (any subset). An error names its field and never quotes a value."""
    allowed = {
        "survey": SURVEY_FIELDS,
        "measure": MEASURE_FIELDS,
        "referral": REFERRAL_FIELDS,
        "subject": SUBJECT_FIELDS,
    }[kind]

    def clean_one(key: str, value: Any) -> Any:
        if key == "status":
            enum = MeasureStatus if kind == "measure" else ReferralStatus
            return str(v.choice(enum, value, field="status"))
        return _clean(key, value)

    return v.clean_fields(fields, allowed, clean_one, record=f"a {kind}")


def survey_defaults(values: dict[str, Any], today: date, months: int) -> dict[str, Any]:
    """A new survey: done today unless dated, its review ``months`` after it."""
    out = dict(values)
    if not out.get("surveyed_on"):
        out["surveyed_on"] = today
    if not out.get("next_review"):
        out["next_review"] = add_months(out["surveyed_on"], months)
    if out["next_review"] <= out["surveyed_on"]:
        raise ValidationError("The next review must be after the survey.", field="next_review")
    return out


def status_dates(
    kind: str, old: dict[str, Any], new: dict[str, Any], today: date, months: int
) -> dict[str, Any]:
    """``new`` with the date its status records filled in (today, unless given); a measure
    newly fitted is reviewed ``months`` later unless a review date is given."""
    out = dict(new)
    status = out.get("status")
    if status is None or status == old.get("status"):
        return out
    dates: dict[Any, str] = MEASURE_STATUS_DATE if kind == "measure" else REFERRAL_STATUS_DATE
    field = dates[status]
    if not out.get(field):
        out[field] = today
    if kind == "measure" and status == MeasureStatus.FITTED and not out.get("next_review"):
        out["next_review"] = add_months(out[field], months)
    if kind == "measure" and status not in STANDING and "next_review" not in new:
        out["next_review"] = None  # a declined or removed measure has nothing to review
    return out
