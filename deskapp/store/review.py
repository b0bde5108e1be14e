"""Retention review (DPA 2018 s.39): keeping a record past its review date, with why.

Erasing a person is ``people.erase_person``; this is the other answer to a review.
"""

from __future__ import annotations

from datetime import date

from deskapp.core import validation as v
from deskapp.core.clock import utcnow
from deskapp.core.errors import ValidationError
from deskapp.store.desk import Desk
from deskapp.store.lookup import resolve_id
from deskapp.store.models import Incident, Person

TABLES = {
    "person": Person.__table__,  # type: ignore[attr-defined]
    "incident": Incident.__table__,  # type: ignore[attr-defined]
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
    """Move a person's or an incident's review date on; the reason is kept in the audit
    event. Returns the new date."""
    if kind not in TABLES:
        raise ValidationError(f"Only a person or an incident has a review date, not '{kind}'.")
    day, why = v.review_extension(new_date, today or utcnow().date(), reason)
    with desk.write() as tx:
        row_id = resolve_id(tx.conn, TABLES[kind], ident, label=kind)
        tx.update(kind, row_id, {"review_date": day}, detail=f"review extended: {why}")
    return day
