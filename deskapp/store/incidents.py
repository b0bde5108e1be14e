"""The incident queue: capture, grading, THRIVE, assignment, status, notes.

Every change is written through ``Desk.write()`` and lands in the incident's
append-only timeline as well as the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from deskapp.core import thrive as th
from deskapp.core import validation as v
from deskapp.core.clock import utcnow
from deskapp.core.domain import AuditAction, IncidentType, OperationFlag, Status
from deskapp.core.errors import ValidationError
from deskapp.core.grading import check_grade
from deskapp.core.ids import uuid7
from deskapp.core.retention import incident_review_date
from deskapp.core.status import OPEN_STATUSES, check_transition, parse_status
from deskapp.store.desk import Desk
from deskapp.store.lookup import resolve_id
from deskapp.store.models import Adviser, Incident, IncidentPerson, Person, TimelineEntry
from deskapp.store.people import fts_match
from deskapp.store.writes import WriteTx

INCIDENT = Incident.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
ADVISER = Adviser.__table__  # type: ignore[attr-defined]
TIMELINE = TimelineEntry.__table__  # type: ignore[attr-defined]
LINK = IncidentPerson.__table__  # type: ignore[attr-defined]


def make_ref(incident_id: str) -> str:
    return "I-" + incident_id.replace("-", "")[-8:].upper()


def _check_notes(thrive: th.Thrive | None) -> None:
    for dimension, score in (thrive or {}).items():
        v.no_controls(score.note, field=f"THRIVE {dimension} note", multiline=True)


def add_incident(
    desk: Desk,
    *,
    person: str,
    type: str,
    grade: int,
    summary: str,
    description: str = "",
    thrive: th.Thrive | None = None,
    adviser: str | None = None,
    location: str = "",
    occurred_at: datetime | None = None,
    event_id: str | None = None,
) -> str:
    """Fast capture: the reporting person, type, grade, summary (+ optional THRIVE)."""
    kind = str(v.choice(IncidentType, type, field="type"))
    check_grade(grade)
    summary = v.clean_text(summary, field="summary", required=True, max_len=300, multiline=True)
    _check_notes(thrive)
    incident_id = uuid7()
    with desk.write() as tx:
        person_id = resolve_id(tx.conn, PERSON, person, label="person")
        adviser_id = resolve_id(tx.conn, ADVISER, adviser, label="adviser") if adviser else None
        status = Status.ASSIGNED if adviser_id else (Status.TRIAGED if thrive else Status.NEW)
        tx.insert(
            "incident",
            {
                "id": incident_id,
                "ref": make_ref(incident_id),
                "person_id": person_id,
                "type": kind,
                "summary": summary,
                "description": v.clean_text(
                    description, field="description", max_len=10000, multiline=True
                ),
                "occurred_at": occurred_at,
                "location": v.clean_text(location, field="location"),
                "grade": grade,
                "thrive": th.to_json(thrive) if thrive else "",
                "status": str(status),
                "adviser_id": adviser_id,
                "event_id": event_id,
                "reported_at": tx.now,
                "due_at": desk.settings.grade_targets.due(grade, tx.now),
                "review_date": incident_review_date(tx.now.date()),
            },
        )
        _timeline(tx, incident_id, "created", f"Reported: G{grade} {kind}, status {status}")
        if thrive:
            _timeline(tx, incident_id, "thrive", "THRIVE " + th.summary(thrive))
    return incident_id


def _timeline(tx: WriteTx, incident_id: str, kind: str, text: str) -> None:
    tx.append(
        "timeline_entry",
        {
            "id": uuid7(),
            "incident_id": incident_id,
            "at": tx.now,
            "officer_id": tx.officer_id,
            "kind": kind,
            "text": text,
        },
        audit_entity="incident",
        audit_id=incident_id,
        detail=f"timeline {kind}",
    )


def update_incident(
    desk: Desk,
    ident: str,
    *,
    grade: int | None = None,
    status: str | None = None,
    adviser: str | None = None,
    crime_ref: str | None = None,
    operation: str | None = None,
    thrive: th.Thrive | None = None,
    summary: str | None = None,
) -> list[str]:
    """Apply the given changes; returns the timeline lines written (empty if nothing changed)."""
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, ident, label="incident")
        return apply_changes(
            desk,
            tx,
            incident_id,
            grade=grade,
            status=status,
            adviser=adviser,
            crime_ref=crime_ref,
            operation=operation,
            thrive=thrive,
            summary=summary,
        )


def apply_changes(
    desk: Desk,
    tx: WriteTx,
    incident_id: str,
    *,
    grade: int | None = None,
    status: str | None = None,
    adviser: str | None = None,
    crime_ref: str | None = None,
    operation: str | None = None,
    thrive: th.Thrive | None = None,
    summary: str | None = None,
) -> list[str]:
    current = tx.get("incident", incident_id)
    changes: dict[str, Any] = {}
    lines: list[tuple[str, str]] = []
    if grade is not None and grade != current["grade"]:
        check_grade(grade)
        changes["grade"] = grade
        changes["due_at"] = desk.settings.grade_targets.due(grade, current["reported_at"])
        lines.append(("grade", f"Re-graded G{current['grade']} -> G{grade}"))
    new_status = parse_status(status) if status is not None else None
    from_status = Status(current["status"])
    if adviser is not None:
        adviser_id = resolve_id(tx.conn, ADVISER, adviser, label="adviser") if adviser else None
        if adviser_id != current["adviser_id"]:
            changes["adviser_id"] = adviser_id
            name = (
                tx.conn.execute(select(ADVISER.c.name).where(ADVISER.c.id == adviser_id)).scalar()
                if adviser_id
                else "nobody"
            )
            lines.append(("assign", f"Assigned to {name}"))
            if adviser_id and from_status in (Status.NEW, Status.TRIAGED):
                # Naming an adviser is what "assigned" means: record that step first.
                lines.append(("status", f"Status {from_status} -> {Status.ASSIGNED}"))
                from_status = Status.ASSIGNED
                changes["status"] = str(Status.ASSIGNED)
    if new_status is not None and new_status != from_status:
        check_transition(from_status, new_status)
        if new_status == Status.ASSIGNED and not (
            changes.get("adviser_id") or current["adviser_id"]
        ):
            raise ValidationError("Assign an adviser before marking the incident assigned.")
        changes["status"] = str(new_status)
        changes["closed_at"] = tx.now if new_status == Status.CLOSED else None
        lines.append(("status", f"Status {from_status} -> {new_status}"))
    if crime_ref is not None and crime_ref.strip() != current["crime_ref"]:
        changes["crime_ref"] = v.clean_text(crime_ref, field="crime reference", max_len=40)
        lines.append(("crime-ref", f"Crime reference set to {changes['crime_ref'] or '(none)'}"))
    if operation is not None:
        op = str(v.choice(OperationFlag, operation, field="operation"))
        if op != current["operation"]:
            changes["operation"] = op
            lines.append(("update", f"Operation flag: {op}"))
    if thrive:
        _check_notes(thrive)
        merged = th.merge(th.from_json(current["thrive"]), thrive)
        if th.to_json(merged) != current["thrive"]:
            changes["thrive"] = th.to_json(merged)
            verb = "Re-THRIVE" if current["thrive"] else "THRIVE"
            lines.append(("thrive", f"{verb} {th.summary(merged)}"))
            if current["status"] == Status.NEW and new_status is None and "status" not in changes:
                changes["status"] = str(Status.TRIAGED)
                lines.append(("status", f"Status {Status.NEW} -> {Status.TRIAGED}"))
    if summary is not None:
        text = v.clean_text(summary, field="summary", required=True, max_len=300, multiline=True)
        if text != current["summary"]:
            changes["summary"] = text
            lines.append(("update", "Summary edited"))
    if changes:
        tx.update("incident", incident_id, changes)
        for kind, text in lines:
            _timeline(tx, incident_id, kind, text)
    return [text for _, text in lines]


def add_note(desk: Desk, ident: str, text: str) -> str:
    text = v.clean_text(text, field="note", required=True, max_len=10000, multiline=True)
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, ident, label="incident")
        _timeline(tx, incident_id, "note", text)
    return incident_id


def link_person(desk: Desk, ident: str, person: str) -> bool:
    """Link another person to an incident: a combination of records (logged as such)."""
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, ident, label="incident")
        person_id = resolve_id(tx.conn, PERSON, person, label="person")
        exists = tx.conn.execute(
            select(LINK).where(LINK.c.incident_id == incident_id, LINK.c.person_id == person_id)
        ).first()
        if exists:
            return False
        tx.append(
            "incident_person",
            {"incident_id": incident_id, "person_id": person_id},
            audit_entity="incident",
            audit_id=incident_id,
            detail="linked person",
        )
        tx.audit(
            AuditAction.COMBINATION,
            "incident",
            incident_id,
            ("person_id",),
            detail="person linked to incident",
        )
        _timeline(tx, incident_id, "update", "Another person linked")
    return True


def bulk_update(desk: Desk, ids: Iterable[str], **changes: Any) -> int:
    """Apply the same grade/assign/status to many incidents in one transaction."""
    count = 0
    with desk.write() as tx:
        for incident_id in ids:
            if apply_changes(desk, tx, incident_id, **changes):
                count += 1
    return count


def queue_select() -> Select[Any]:
    """What a queue row shows: the incident with its person's and adviser's names."""
    return (
        select(
            INCIDENT.c.id,
            INCIDENT.c.ref,
            INCIDENT.c.grade,
            INCIDENT.c.due_at,
            INCIDENT.c.status,
            INCIDENT.c.type,
            INCIDENT.c.summary,
            INCIDENT.c.person_id,
            INCIDENT.c.adviser_id,
            INCIDENT.c.reported_at,
            INCIDENT.c.crime_ref,
            PERSON.c.name.label("person_name"),
            ADVISER.c.name.label("adviser_name"),
        )
        .select_from(INCIDENT)
        .join(PERSON, PERSON.c.id == INCIDENT.c.person_id, isouter=True)
        .join(ADVISER, ADVISER.c.id == INCIDENT.c.adviser_id, isouter=True)
    )


def queue_where(
    *,
    filter_text: str = "",
    statuses: Iterable[str] | None = None,
    adviser_id: str | None = None,
    grade: int | None = None,
) -> ColumnElement[bool]:
    """Which incidents a queue shows: not deleted, the given statuses, adviser and grade,
    and a type-ahead filter matching the incident's words or its person's."""
    clauses: list[ColumnElement[bool]] = [INCIDENT.c.deleted.is_(False)]
    if statuses is not None:
        clauses.append(INCIDENT.c.status.in_(list(statuses)))
    if adviser_id:
        clauses.append(INCIDENT.c.adviser_id == adviser_id)
    if grade:
        clauses.append(INCIDENT.c.grade == grade)
    if filter_text.strip():
        people = select(PERSON.c.id).where(fts_match("person", filter_text))
        clauses.append(or_(fts_match("incident", filter_text), INCIDENT.c.person_id.in_(people)))
    return and_(*clauses)


def queue_query(
    *,
    filter_text: str = "",
    statuses: Iterable[str] | None = None,
    adviser_id: str | None = None,
    grade: int | None = None,
) -> Select[Any]:
    """The queue: grade, then time to due (overdue first within a grade), then id."""
    query = queue_select().where(
        queue_where(filter_text=filter_text, statuses=statuses, adviser_id=adviser_id, grade=grade)
    )
    return query.order_by(INCIDENT.c.grade, INCIDENT.c.due_at, INCIDENT.c.id)


def list_incidents(
    desk: Desk,
    *,
    filter_text: str = "",
    include_closed: bool = False,
    status: str | None = None,
    adviser_id: str | None = None,
    grade: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    statuses: Iterable[str] | None
    if status:
        statuses = [str(parse_status(status))]
    else:
        statuses = None if include_closed else [str(s) for s in OPEN_STATUSES]
    query = queue_query(
        filter_text=filter_text, statuses=statuses, adviser_id=adviser_id, grade=grade
    )
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def get_incident(desk: Desk, ident: str) -> dict[str, Any]:
    """One incident with its whole timeline (oldest first)."""
    with desk.read() as conn:
        incident_id = resolve_id(conn, INCIDENT, ident, label="incident")
        row = dict(
            conn.execute(
                select(
                    INCIDENT,
                    PERSON.c.name.label("person_name"),
                    ADVISER.c.name.label("adviser_name"),
                )
                .join(PERSON, PERSON.c.id == INCIDENT.c.person_id, isouter=True)
                .join(ADVISER, ADVISER.c.id == INCIDENT.c.adviser_id, isouter=True)
                .where(INCIDENT.c.id == incident_id)
            )
            .mappings()
            .one()
        )
        row["linked_people"] = [
            dict(r)
            for r in conn.execute(
                select(PERSON.c.id, PERSON.c.name)
                .join(LINK, LINK.c.person_id == PERSON.c.id)
                .where(LINK.c.incident_id == incident_id)
            ).mappings()
        ]
        row["timeline"] = [
            dict(r)
            for r in conn.execute(
                select(TIMELINE)
                .where(TIMELINE.c.incident_id == incident_id)
                .order_by(TIMELINE.c.at, TIMELINE.c.id)
            ).mappings()
        ]
    return row


def overdue_count(desk: Desk, now: datetime | None = None) -> int:
    now = now or utcnow()
    query = (
        select(func.count())
        .select_from(INCIDENT)
        .where(
            and_(
                INCIDENT.c.status.in_([str(s) for s in OPEN_STATUSES]),
                INCIDENT.c.due_at < now,
                INCIDENT.c.deleted.is_(False),
            )
        )
    )
    with desk.read() as conn:
        return int(conn.execute(query).scalar_one())


def incidents_due_for_review(desk: Desk, on: date) -> list[dict[str, Any]]:
    query = (
        select(INCIDENT.c.id, INCIDENT.c.ref, INCIDENT.c.status, INCIDENT.c.review_date)
        .where(INCIDENT.c.deleted.is_(False), INCIDENT.c.review_date <= on)
        .order_by(INCIDENT.c.review_date)
    )
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
