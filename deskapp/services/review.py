"""Retention review (DPA 2018 s.39): keeping a record past its review date, with why.

Erasing a person is ``people.erase_person``; this is the other answer to a review.
"""

from __future__ import annotations

from datetime import date

from deskapp.db.desk import Desk
from deskapp.db.tables import Incident, Person, SecurityMeasure, SecuritySurvey, Subject
from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.runtime.clock import utcnow
from deskapp.services.lookup import resolve_id

#: Each kind of record with a review date: its entity, table and date column.
TABLES = {
    "person": ("person", Person.__table__, "review_date"),  # type: ignore[attr-defined]
    "incident": ("incident", Incident.__table__, "review_date"),  # type: ignore[attr-defined]
    "subject": ("subject", Subject.__table__, "review_date"),  # type: ignore[attr-defined]
    "survey": ("security_survey", SecuritySurvey.__table__, "next_review"),  # type: ignore[attr-defined]
    "measure": ("security_measure", SecurityMeasure.__table__, "next_review"),  # type: ignore[attr-defined]
}


def extend_review(
    desk: Desk,
    kind: str,
    ident: str,
    new_date: date | None,
    reason: str,
    *,
    today: date | None = None,
) -> date:
    """Move the review date of a person, incident, subject, survey or measure on; the
    reason is kept in the audit event. Returns the new date."""
    if kind not in TABLES:
        raise ValidationError(f"A {kind} has no review date.")
    entity, table, column = TABLES[kind]
    day, why = v.review_extension(new_date, today or utcnow().date(), reason)
    with desk.write() as tx:
        row_id = resolve_id(tx.conn, table, ident, label=kind)
        tx.update(entity, row_id, {column: day}, detail=f"review extended: {why}")
    return day
