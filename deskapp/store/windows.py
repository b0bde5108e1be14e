"""Windows onto big lists: count and page any Select with LIMIT/OFFSET, never the whole table.

The TUI's lists (roster, queue, events, audit) hold up to 100,000 rows; a widget asks for
the rows it can show, a page at a time, from a thread worker.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select

from deskapp.core.status import OPEN_STATUSES
from deskapp.store.incidents import queue_query
from deskapp.store.models import Adviser, Organisation, Person
from deskapp.store.people import fts_match

PERSON = Person.__table__  # type: ignore[attr-defined]
ADVISER = Adviser.__table__  # type: ignore[attr-defined]
ORGANISATION = Organisation.__table__  # type: ignore[attr-defined]


def count(conn: Connection, query: Select[Any]) -> int:
    """How many rows ``query`` gives (its ORDER BY is dropped)."""
    inner = select(func.count()).select_from(query.order_by(None).subquery())
    return int(conn.execute(inner).scalar_one())


def page(conn: Connection, query: Select[Any], offset: int, limit: int) -> list[dict[str, Any]]:
    """Rows ``offset`` to ``offset + limit`` of ``query`` (which must be ordered)."""
    rows = conn.execute(query.limit(limit).offset(max(0, offset))).mappings()
    return [dict(r) for r in rows]


def roster_query(filter_text: str = "", adviser_id: str | None = None) -> Select[Any]:
    """The roster as shown in a list: no sensitive field is even read."""
    query = (
        select(
            PERSON.c.id,
            PERSON.c.name,
            PERSON.c.role,
            PERSON.c.party,
            PERSON.c.post,
            PERSON.c.risk,
            PERSON.c.briefing_status,
            PERSON.c.adviser_id,
            PERSON.c.next_contact_due,
            PERSON.c.address_withheld,
            ORGANISATION.c.name.label("organisation"),
            ADVISER.c.name.label("adviser_name"),
        )
        .select_from(PERSON)
        .join(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id, isouter=True)
        .join(ADVISER, ADVISER.c.id == PERSON.c.adviser_id, isouter=True)
        .where(PERSON.c.deleted.is_(False))
    )
    if filter_text.strip():
        query = query.where(fts_match("person", filter_text))
    if adviser_id:
        query = query.where(PERSON.c.adviser_id == adviser_id)
    return query.order_by(PERSON.c.name, PERSON.c.id)


def open_queue_query(
    filter_text: str = "", *, include_closed: bool = False, adviser_id: str | None = None
) -> Select[Any]:
    statuses = None if include_closed else [str(s) for s in OPEN_STATUSES]
    return queue_query(filter_text=filter_text, statuses=statuses, adviser_id=adviser_id)


def person_picker(conn: Connection, filter_text: str, limit: int = 8) -> list[dict[str, Any]]:
    """Type-ahead over the whole roster (FTS5 prefix match), best short list first."""
    query = (
        select(PERSON.c.id, PERSON.c.name, PERSON.c.role, PERSON.c.party, PERSON.c.post)
        .where(PERSON.c.deleted.is_(False))
        .order_by(PERSON.c.name, PERSON.c.id)
        .limit(limit)
    )
    if filter_text.strip():
        query = query.where(fts_match("person", filter_text))
    return [dict(r) for r in conn.execute(query).mappings()]
