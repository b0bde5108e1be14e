"""The audit log as people read it: each event with the officer's name and the name of
the person it is about (or the incident's reference), filtered by officer, person,
action and date. Opening the log is itself a consultation, and is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict

from sqlalchemy import Select, and_, case, func, literal, or_, select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import INCIDENT, OFFICER, PERSON
from deskapp.domain.text import fold
from deskapp.domain.vocabulary import AuditAction


@dataclass(frozen=True)
class AuditFilter:
    """What the audit view is narrowed to; empty fields narrow nothing."""

    officer: str = ""  # an officer's id or part of their name
    person: str = ""  # part of a person's name (events about them or their incidents)
    action: str = ""  # one of AuditAction
    since: date | None = None  # from the start of this day (UTC)
    until: date | None = None  # to the end of this day (UTC)
    person_id: str = ""  # one person's id: events about them or their incidents

    def describe(self) -> str:
        parts = [
            f"officer {self.officer}" if self.officer else "",
            f"person {self.person}" if self.person else "",
            self.action,
            f"from {self.since.isoformat()}" if self.since else "",
            f"to {self.until.isoformat()}" if self.until else "",
            f"person id {self.person_id}" if self.person_id else "",
        ]
        return ", ".join(p for p in parts if p)


def _day(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


class AuditEntry(TypedDict):
    """What an event of the s.62 log says (``db.tables.AuditEvent`` without its chain)."""

    seq: int
    at: datetime
    officer_id: str
    action: str
    entity: str
    entity_id: str
    fields: str
    recipient: str
    detail: str


class AuditLogRow(AuditEntry):
    """An event of the s.62 log with the names people read (a row of ``audit_query``)."""

    officer_name: str
    person_id: str | None
    person_name: str
    ref: str


def audit_query(filter_text: str = "", flt: AuditFilter | None = None) -> Select[Any]:
    """The s.62 log, newest first, with names: ``officer_name``; ``person_id`` and
    ``person_name`` for an event about a person or one of their incidents; ``ref``
    for an event about an incident."""
    flt = flt or AuditFilter()
    person_id = case(
        (AUDIT.c.entity == "person", AUDIT.c.entity_id),
        (AUDIT.c.entity == "incident", INCIDENT.c.person_id),
        else_=None,
    ).label("person_id")
    query = (
        select(
            AUDIT.c.seq,
            AUDIT.c.at,
            AUDIT.c.officer_id,
            func.coalesce(OFFICER.c.name, literal("")).label("officer_name"),
            AUDIT.c.action,
            AUDIT.c.entity,
            AUDIT.c.entity_id,
            AUDIT.c.fields,
            AUDIT.c.recipient,
            AUDIT.c.detail,
            person_id,
            func.coalesce(PERSON.c.name, literal("")).label("person_name"),
            func.coalesce(INCIDENT.c.ref, literal("")).label("ref"),
        )
        .outerjoin(OFFICER, OFFICER.c.id == AUDIT.c.officer_id)
        .outerjoin(INCIDENT, and_(AUDIT.c.entity == "incident", INCIDENT.c.id == AUDIT.c.entity_id))
        .outerjoin(
            PERSON,
            or_(
                and_(AUDIT.c.entity == "person", PERSON.c.id == AUDIT.c.entity_id),
                and_(AUDIT.c.entity == "incident", PERSON.c.id == INCIDENT.c.person_id),
            ),
        )
    )
    if flt.officer.strip():
        like = f"%{flt.officer.strip().lower()}%"
        query = query.where(
            func.lower(AUDIT.c.officer_id).like(like) | func.lower(OFFICER.c.name).like(like)
        )
    for word in fold(flt.person).split():
        # Folded on both sides (``fold`` is registered on every connection): "sian"
        # finds "Siân", as the roster's filter does.
        query = query.where(func.instr(func.fold(PERSON.c.name), word) > 0)
    if flt.person_id:
        query = query.where(
            or_(
                and_(AUDIT.c.entity == "person", AUDIT.c.entity_id == flt.person_id),
                and_(AUDIT.c.entity == "incident", INCIDENT.c.person_id == flt.person_id),
            )
        )
    if flt.action:
        query = query.where(AUDIT.c.action == flt.action)
    if flt.since is not None:
        query = query.where(AUDIT.c.at >= _day(flt.since))
    if flt.until is not None:
        query = query.where(AUDIT.c.at < _day(flt.until + timedelta(days=1)))
    if filter_text.strip():
        like = f"%{filter_text.strip().lower()}%"
        query = query.where(
            func.lower(AUDIT.c.action).like(like)
            | func.lower(AUDIT.c.detail).like(like)
            | func.lower(AUDIT.c.officer_id).like(like)
            | AUDIT.c.entity_id.like(like)
        )
    return query.order_by(AUDIT.c.seq.desc())


def log_opened(desk: Desk, flt: AuditFilter) -> None:
    """Reading the log shows who consulted whom: that is a consultation too."""
    desk.log(
        AuditAction.CONSULTATION,
        "audit_event",
        detail="audit log viewed" + (f" ({flt.describe()})" if flt.describe() else ""),
    )
