"""Force Elected-Official Advisers: the named police contacts and their caseloads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from deskapp.core import validation as v
from deskapp.core.errors import ValidationError
from deskapp.core.masking import mask_row
from deskapp.core.status import OPEN_STATUSES
from deskapp.store.desk import Desk
from deskapp.store.lookup import resolve_id
from deskapp.store.models import SENSITIVE_FIELDS, Adviser, Incident, Person

ADVISER = Adviser.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
INCIDENT = Incident.__table__  # type: ignore[attr-defined]
EDITABLE = ("name", "area", "phone", "email", "capacity", "active")


def clean_adviser(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise ValidationError(f"'{key}' is not a field of an adviser.")
        if key == "name":
            out[key] = v.clean_text(value, field="name", required=True, max_len=200)
        elif key == "email":
            out[key] = v.email(value)
        elif key == "phone":
            out[key] = v.phone(value)
        elif key == "capacity":
            if int(value) < 0:
                raise ValidationError("Capacity cannot be negative.")
            out[key] = int(value)
        elif key == "active":
            out[key] = bool(value)
        else:
            out[key] = v.clean_text(str(value), field=key)
    return out


def add_adviser(desk: Desk, **fields: Any) -> str:
    values = clean_adviser(fields)
    if not values.get("name"):
        raise ValidationError("Name is required.")
    with desk.write() as tx:
        return tx.insert("adviser", values)


def update_adviser(desk: Desk, ident: str, **fields: Any) -> dict[str, tuple[Any, Any]]:
    values = clean_adviser(fields)
    with desk.write() as tx:
        row_id = resolve_id(tx.conn, ADVISER, ident, label="adviser")
        return tx.update("adviser", row_id, values)


def list_advisers(
    desk: Desk, *, limit: int | None = None, reveal: bool = False
) -> list[dict[str, Any]]:
    """Advisers with their load: people held and open incidents."""
    people = (
        select(PERSON.c.adviser_id, func.count().label("people"))
        .where(PERSON.c.deleted.is_(False))
        .group_by(PERSON.c.adviser_id)
        .subquery()
    )
    open_incidents = (
        select(INCIDENT.c.adviser_id, func.count().label("open_incidents"))
        .where(
            INCIDENT.c.status.in_([str(s) for s in OPEN_STATUSES]), INCIDENT.c.deleted.is_(False)
        )
        .group_by(INCIDENT.c.adviser_id)
        .subquery()
    )
    query = (
        select(
            ADVISER,
            func.coalesce(people.c.people, 0).label("people"),
            func.coalesce(open_incidents.c.open_incidents, 0).label("open_incidents"),
        )
        .outerjoin(people, people.c.adviser_id == ADVISER.c.id)
        .outerjoin(open_incidents, open_incidents.c.adviser_id == ADVISER.c.id)
        .where(ADVISER.c.deleted.is_(False))
        .order_by(ADVISER.c.name, ADVISER.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return rows if reveal else [mask_row(r, SENSITIVE_FIELDS["adviser"]) for r in rows]
