"""Campaign events (hustings, canvassing, counts, surgeries, briefings) for lists and views."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select

from deskapp.store.models import Event, EventPerson, Person

EVENT = Event.__table__  # type: ignore[attr-defined]
EVENT_PERSON = EventPerson.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]


def events_query(filter_text: str = "") -> Select[Any]:
    """Events by start time with the number of people linked to each."""
    linked = (
        select(EVENT_PERSON.c.event_id, func.count().label("people"))
        .group_by(EVENT_PERSON.c.event_id)
        .subquery()
    )
    query = (
        select(
            EVENT.c.id,
            EVENT.c.title,
            EVENT.c.kind,
            EVENT.c.starts_at,
            EVENT.c.place,
            EVENT.c.risk,
            EVENT.c.patrol_requested,
            EVENT.c.attendance,
            func.coalesce(linked.c.people, 0).label("people"),
        )
        .outerjoin(linked, linked.c.event_id == EVENT.c.id)
        .where(EVENT.c.deleted.is_(False))
    )
    for word in filter_text.lower().split():
        like = f"%{word}%"
        query = query.where(
            func.lower(EVENT.c.title).like(like)
            | func.lower(EVENT.c.place).like(like)
            | func.lower(EVENT.c.kind).like(like)
        )
    return query.order_by(EVENT.c.starts_at, EVENT.c.id)


def events_for_person(conn: Connection, person_id: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(
            EVENT.c.id,
            EVENT.c.title,
            EVENT.c.kind,
            EVENT.c.starts_at,
            EVENT.c.place,
            EVENT.c.risk,
            EVENT.c.patrol_requested,
        )
        .join(EVENT_PERSON, EVENT_PERSON.c.event_id == EVENT.c.id)
        .where(EVENT_PERSON.c.person_id == person_id, EVENT.c.deleted.is_(False))
        .order_by(EVENT.c.starts_at.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def people_at_event(conn: Connection, event_id: str, limit: int = 200) -> list[dict[str, Any]]:
    query = (
        select(PERSON.c.id, PERSON.c.name, PERSON.c.role, PERSON.c.party, PERSON.c.risk)
        .join(EVENT_PERSON, EVENT_PERSON.c.person_id == PERSON.c.id)
        .where(EVENT_PERSON.c.event_id == event_id, PERSON.c.deleted.is_(False))
        .order_by(PERSON.c.name)
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
