"""Campaign events (hustings, canvassing, counts, surgeries, briefings): create, edit,
link people, list and show.

The place, the organiser and the organiser's contact are sensitive, as a person's
address is: masked in every listing and view, and revealing one is a logged
consultation. Every change goes through ``Desk.write()``; linking a person to an event
is a combination of records and logged as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, Select, func, select

from deskapp.db.desk import Desk
from deskapp.db.rows import Row, typed_row, typed_rows
from deskapp.db.tables import EVENT, EVENT_PERSON, PERSON, SENSITIVE_FIELDS
from deskapp.domain import events as rules
from deskapp.domain.errors import ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.vocabulary import AuditAction
from deskapp.domain.wording import count
from deskapp.services.lookup import resolve_id
from deskapp.services.reveal import reveal_masked
from deskapp.services.updates import update_record

SENSITIVE = SENSITIVE_FIELDS["event"]


def resolve_event(conn: Connection, text: str) -> str:
    """The event ``text`` names: a full id, its reference (E-…) or a unique id prefix."""
    suffix = rules.ref_suffix(text)
    if suffix is not None:
        hits = (
            conn.execute(select(EVENT.c.id).where(func.substr(EVENT.c.id, -8) == suffix).limit(2))
            .scalars()
            .all()
        )
        if len(hits) == 1:
            return str(hits[0])
    return resolve_id(conn, EVENT, text, label="event")


# -- writes ------------------------------------------------------------------------------
def add_event(desk: Desk, **fields: Any) -> str:
    """A new event; ``title``, ``kind`` and ``starts_at`` are required."""
    for name in ("title", "kind", "starts_at"):
        if not fields.get(name):
            raise ValidationError(f"Give the event's {rules.field_label(name)}.")
    values = rules.clean_event(fields, desk.settings.zone)
    rules.check_event(values)
    with desk.write() as tx:
        return tx.insert("event", values)


def update_event(desk: Desk, ident: str, **fields: Any) -> dict[str, tuple[Any, Any]]:
    """Change any of an event's fields; returns ``{field: (old, new)}`` of real changes.
    A new risk above low needs its own reason."""

    def check(conn: Connection, current: dict[str, Any], values: dict[str, Any]) -> str:
        if "risk" in values:
            rules.check_risk_change(
                current["risk"], values["risk"], bool(values.get("risk_reason"))
            )
        rules.check_event({**current, **values})
        return ""

    return update_record(
        desk,
        "event",
        ident,
        rules.clean_event(fields, desk.settings.zone),
        resolve=resolve_event,
        check=check,
    )


def _people_ids(conn: Connection, people: Iterable[str]) -> list[str]:
    ids = [resolve_id(conn, PERSON, p, label="person") for p in people]
    if not ids:
        raise ValidationError("Give at least one person to link.")
    return list(dict.fromkeys(ids))


def link_people(desk: Desk, ident: str, people: Iterable[str]) -> tuple[str, list[str]]:
    """Link people to an event; returns the event's id and those newly linked (a person
    already linked is left as they are). All or nothing: one unknown person links none."""
    with desk.write() as tx:
        event_id = resolve_event(tx.conn, ident)
        ids = _people_ids(tx.conn, people)
        held = set(
            tx.conn.execute(
                select(EVENT_PERSON.c.person_id).where(
                    EVENT_PERSON.c.event_id == event_id, EVENT_PERSON.c.person_id.in_(ids)
                )
            ).scalars()
        )
        new = [pid for pid in ids if pid not in held]
        for person_id in new:
            tx.append(
                "event_person",
                {"event_id": event_id, "person_id": person_id},
                audit_entity="event",
                audit_id=event_id,
                detail="linked person",
            )
            tx.audit(
                AuditAction.COMBINATION,
                "person",
                person_id,
                ("event_id",),
                detail=f"linked to event {rules.event_ref(event_id)}",
            )
    return event_id, new


def unlink_people(desk: Desk, ident: str, people: Iterable[str]) -> tuple[str, list[str]]:
    """Take people off an event; returns the event's id and those unlinked."""
    with desk.write() as tx:
        event_id = resolve_event(tx.conn, ident)
        ids = _people_ids(tx.conn, people)
        gone = []
        for person_id in ids:
            if tx.erase_appended("event_person", {"event_id": event_id, "person_id": person_id}):
                gone.append(person_id)
                tx.audit(
                    AuditAction.ALTERATION,
                    "person",
                    person_id,
                    ("event_id",),
                    detail=f"unlinked from event {rules.event_ref(event_id)}",
                )
    return event_id, gone


# -- reads -------------------------------------------------------------------------------
def events_query(filter_text: str = "") -> Select[Any]:
    """Events by start time with the number of people linked to each. The filter looks
    at the title and kind, never at the sensitive place or organiser."""
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
            EVENT.c.ends_at,
            EVENT.c.place,
            EVENT.c.notice_received_at,
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
            func.lower(EVENT.c.title).like(like) | func.lower(EVENT.c.kind).like(like)
        )
    return query.order_by(EVENT.c.starts_at, EVENT.c.id)


class PersonEvent(TypedDict):
    """An event a person is linked to (``events_for_person``), sensitive fields masked."""

    id: str
    title: str
    kind: str
    starts_at: datetime
    notice_received_at: datetime | None
    place: str
    risk: str
    patrol_requested: bool
    ref: str
    short_notice: bool


class EventListRow(PersonEvent):
    """An event as the list shows it (``events_query``), sensitive fields masked."""

    ends_at: datetime | None
    attendance: str
    people: int


class EventPersonRow(TypedDict):
    """A person linked to an event (``people_at_event``)."""

    id: str
    name: str
    role: str
    party: str
    risk: str


class EventRecord(TypedDict):
    """An event as stored (``db.tables.Event``)."""

    id: str
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    organiser: str
    organiser_contact: str
    notice_received_at: datetime | None
    risk: str
    risk_reason: str
    patrol_requested: bool
    patrol_minutes: int
    patrol_additional_pence: int
    patrol_opportunity_pence: int
    attendance: str
    notes: str
    outcome: str
    created_at: datetime
    updated_at: datetime
    deleted: bool


class EventDetail(EventRecord):
    """One event with the people linked, its reference and how its notice stands
    (``get_event``)."""

    people: list[EventPersonRow]
    ref: str
    notice: str
    short_notice: bool


def with_refs(kind: type[Row], row: Mapping[Any, Any]) -> Row:
    """A listed event (of the shape ``kind``) with its reference and notice flag,
    sensitive fields masked."""
    return typed_row(
        kind,
        {
            **mask_row(row, SENSITIVE),
            "ref": rules.event_ref(str(row["id"])),
            "short_notice": rules.short_notice(row["starts_at"], row.get("notice_received_at")),
        },
    )


def list_events(
    desk: Desk, *, filter_text: str = "", limit: int | None = None
) -> list[EventListRow]:
    query = events_query(filter_text)
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        return [with_refs(EventListRow, r) for r in conn.execute(query).mappings()]


def get_event(desk: Desk, ident: str, *, reveal: bool = False) -> EventDetail:
    """One event with the people linked to it; logged as a consultation (with the
    sensitive fields named when ``reveal``)."""
    with desk.read() as conn:
        event_id = resolve_event(conn, ident)
        found = conn.execute(select(EVENT).where(EVENT.c.id == event_id)).mappings().one()
        people = people_at_event(conn, event_id)
    starts, notified = found["starts_at"], found["notice_received_at"]
    row = typed_row(
        EventDetail,
        {
            **found,
            "people": people,
            "ref": rules.event_ref(event_id),
            "notice": rules.notice(starts, notified).describe(),
            "short_notice": rules.short_notice(starts, notified),
        },
    )
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION,
            "event",
            event_id,
            SENSITIVE if reveal else (),
            detail="show revealed" if reveal else "show",
        )
        if row["people"]:  # their names and risk levels are shown with it
            listed = count(len(row["people"]), "person", "people")
            tx.audit(
                AuditAction.CONSULTATION,
                "person",
                "",
                (),
                detail=f"listed {listed} at event {row['ref']}",
            )
    return row if reveal else mask_row(row, SENSITIVE)


def reveal_field(desk: Desk, event_id: str, field: str) -> str:
    """One masked field of one event: a logged consultation, as a person's address is."""
    return reveal_masked(desk, EVENT, "event", event_id, field, SENSITIVE, what="event")


def events_for_person(conn: Connection, person_id: str, limit: int = 50) -> list[PersonEvent]:
    query = (
        select(
            EVENT.c.id,
            EVENT.c.title,
            EVENT.c.kind,
            EVENT.c.starts_at,
            EVENT.c.notice_received_at,
            EVENT.c.place,
            EVENT.c.risk,
            EVENT.c.patrol_requested,
        )
        .join(EVENT_PERSON, EVENT_PERSON.c.event_id == EVENT.c.id)
        .where(EVENT_PERSON.c.person_id == person_id, EVENT.c.deleted.is_(False))
        .order_by(EVENT.c.starts_at.desc())
        .limit(limit)
    )
    return [with_refs(PersonEvent, r) for r in conn.execute(query).mappings()]


def people_at_event(conn: Connection, event_id: str, limit: int = 200) -> list[EventPersonRow]:
    query = (
        select(PERSON.c.id, PERSON.c.name, PERSON.c.role, PERSON.c.party, PERSON.c.risk)
        .join(EVENT_PERSON, EVENT_PERSON.c.person_id == PERSON.c.id)
        .where(EVENT_PERSON.c.event_id == event_id, PERSON.c.deleted.is_(False))
        .order_by(PERSON.c.name)
        .limit(limit)
    )
    return typed_rows(EventPersonRow, conn.execute(query).mappings())
