"""The incident queue: capture, grading, THRIVE, assignment, status, notes.

Every change is written through ``Desk.write()`` and lands in the incident's
append-only timeline as well as the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import ColumnElement, Select, and_, or_, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import ADVISER, EVENT, INCIDENT, PERSON
from deskapp.db.tables import INCIDENT_PERSON as LINK
from deskapp.db.tables import TIMELINE_ENTRY as TIMELINE
from deskapp.db.writes import WriteTx
from deskapp.domain import thrive as th
from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.domain.grading import check_grade
from deskapp.domain.retention import incident_review_date
from deskapp.domain.status import OPEN_STATUSES, check_transition, parse_status
from deskapp.domain.vocabulary import AuditAction, IncidentType, OperationFlag, Status
from deskapp.protocol.ids import uuid7
from deskapp.services.advisers import resolve_adviser
from deskapp.services.events import resolve_event
from deskapp.services.lookup import resolve_id
from deskapp.services.people import fts_match
from deskapp.services.subjects import IncidentLinkRow, links_of_incident

#: The longest summary; a longer one is kept whole as the description (see add_incident).
SUMMARY_MAX = 300


#: Fields that follow another (a due time follows the grade, closed_at the status): an
#: undo restores them with it, and does not ask whether they still hold what was set.
DERIVED = frozenset({"due_at", "closed_at"})


@dataclass
class Applied:
    """What one triage action changed: per incident, each field's value before and after,
    so that one key can put it back (``revert``), and the timeline lines written."""

    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.changed)


def make_ref(incident_id: str) -> str:
    return "I-" + incident_id.replace("-", "")[-8:].upper()


def _check_notes(thrive: th.Thrive | None) -> None:
    for dimension, score in (thrive or {}).items():
        v.no_controls(score.note, field=f"THRIVE {dimension} note")


class QueueRow(TypedDict):
    """An incident as a queue lists it (``queue_select``)."""

    id: str
    ref: str
    grade: int
    due_at: datetime
    status: str
    type: str
    summary: str
    person_id: str
    adviser_id: str | None
    reported_at: datetime
    crime_ref: str
    event_id: str | None
    person_name: str | None
    adviser_name: str | None


class LinkedPerson(TypedDict):
    id: str
    name: str


class TimelineRow(TypedDict):
    """One entry of an incident's timeline, as stored (``db.tables.TimelineEntry``)."""

    id: str
    incident_id: str
    at: datetime
    officer_id: str
    kind: str
    text: str


class IncidentDetail(TypedDict):
    """One incident as stored (``db.tables.Incident``) with the names of its person,
    adviser and event, the people and subjects linked and its timeline (``get_incident``)."""

    id: str
    ref: str
    person_id: str
    type: str
    summary: str
    description: str
    occurred_at: datetime | None
    location: str
    grade: int
    thrive: str
    status: str
    adviser_id: str | None
    crime_ref: str
    cad_ref: str
    operation: str
    event_id: str | None
    reported_at: datetime
    due_at: datetime
    closed_at: datetime | None
    review_date: date | None
    created_at: datetime
    updated_at: datetime
    deleted: bool
    person_name: str | None
    adviser_name: str | None
    event_title: str | None
    linked_people: list[LinkedPerson]
    links: list[IncidentLinkRow]
    timeline: list[TimelineRow]


class IncidentReviewDue(TypedDict):
    """An incident whose record is due for its retention review."""

    id: str
    ref: str
    status: str
    review_date: date


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
    persons_adviser: bool = False,
    location: str = "",
    occurred_at: datetime | None = None,
    event: str | None = None,
) -> str:
    """Fast capture: the reporting person, type, grade, summary (+ optional THRIVE).

    ``event``: the event it happened at, by id, reference (E-…) or unique prefix.
    ``persons_adviser``: with no ``adviser`` given, assign the person's named adviser
    (if they have one). A summary longer than ``SUMMARY_MAX`` is not refused (the officer
    is on the phone): it is shortened at a word and its whole text kept as the
    description, unless a description is given.
    """
    kind = str(v.choice(IncidentType, type, field="type"))
    check_grade(grade)
    summary = v.clean_text(summary, field="summary", required=True, max_len=10000, multiline=True)
    if len(summary) > SUMMARY_MAX:
        description = description or summary
        summary = shorten(summary, SUMMARY_MAX)
    _check_notes(thrive)
    incident_id = uuid7()
    with desk.write() as tx:
        person_id = resolve_id(tx.conn, PERSON, person, label="person")
        adviser_id = resolve_adviser(tx.conn, adviser) if adviser else None
        event_id = resolve_event(tx.conn, event) if event else None
        if adviser_id is None and persons_adviser:
            adviser_id = tx.conn.execute(
                select(PERSON.c.adviser_id).where(PERSON.c.id == person_id)
            ).scalar()
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
        timeline(tx, incident_id, "created", f"Reported: G{grade} {kind}, status {status}")
        if thrive:
            timeline(tx, incident_id, "thrive", "THRIVE " + th.summary(thrive))
    return incident_id


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def timeline(tx: WriteTx, incident_id: str, kind: str, text: str) -> None:
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


class IncidentChanges(TypedDict, total=False):
    """The changes an officer may make to an incident at once (the CLI's ``update``, the
    triage keys, a bulk action). ``None`` or absent: leave that field as it is."""

    grade: int | None
    status: str | None
    adviser: str | None
    crime_ref: str | None
    cad_ref: str | None
    operation: str | None
    thrive: th.Thrive | None
    summary: str | None


def update_incident(desk: Desk, ident: str, **given: Unpack[IncidentChanges]) -> list[str]:
    """Apply the given changes; returns the timeline lines written (empty if nothing changed)."""
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, ident, label="incident")
        lines, _ = apply_changes(desk, tx, incident_id, **given)
        return lines


def apply_changes(
    desk: Desk, tx: WriteTx, incident_id: str, **given: Unpack[IncidentChanges]
) -> tuple[list[str], dict[str, tuple[Any, Any]]]:
    """Apply changes inside ``tx``: the timeline lines written, and ``{field: (old, new)}``."""
    grade, status, adviser = given.get("grade"), given.get("status"), given.get("adviser")
    crime_ref, cad_ref = given.get("crime_ref"), given.get("cad_ref")
    operation, thrive, summary = given.get("operation"), given.get("thrive"), given.get("summary")
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
        adviser_id = resolve_adviser(tx.conn, adviser) if adviser else None
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
    if cad_ref is not None and cad_ref.strip() != current["cad_ref"]:
        changes["cad_ref"] = v.clean_text(cad_ref, field="CAD reference", max_len=40)
        lines.append(("update", f"CAD log reference set to {changes['cad_ref'] or '(none)'}"))
    if operation is not None:
        op = str(v.choice(OperationFlag, operation, field="operation"))
        if op != current["operation"]:
            changes["operation"] = op
            lines.append(("update", f"Operation flag: {op}"))
    if thrive:
        old = th.from_json(current["thrive"])
        merged = th.merge(
            old,
            {
                d: th.Score(
                    s.level,
                    v.clean_text(s.note, field=f"{d} note", max_len=300),
                    keep_note=s.keep_note,
                )
                for d, s in thrive.items()
            },
        )
        if th.to_json(merged) != current["thrive"]:
            changes["thrive"] = th.to_json(merged)
            if current["thrive"]:
                detail = "; ".join(th.changes(old, merged))
                line = f"Re-THRIVE {th.summary(merged)} (was {th.summary(old)}): {detail}"
            else:
                line = f"THRIVE {th.summary(merged)}"
            lines.append(("thrive", line))
            if current["status"] == Status.NEW and new_status is None and "status" not in changes:
                changes["status"] = str(Status.TRIAGED)
                lines.append(("status", f"Status {Status.NEW} -> {Status.TRIAGED}"))
    if summary is not None:
        text = v.clean_text(
            summary, field="summary", required=True, max_len=SUMMARY_MAX, multiline=True
        )
        if text != current["summary"]:
            changes["summary"] = text
            lines.append(("update", "Summary edited"))
    changed: dict[str, tuple[Any, Any]] = {}
    if changes:
        changed = tx.update("incident", incident_id, changes)
        for kind, text in lines:
            timeline(tx, incident_id, kind, text)
    return [text for _, text in lines], changed


def add_note(desk: Desk, ident: str, text: str) -> str:
    text = v.clean_note(text, field="note", required=True)
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, ident, label="incident")
        timeline(tx, incident_id, "note", text)
    return incident_id


def bulk_update(desk: Desk, ids: Iterable[str], **changes: Unpack[IncidentChanges]) -> Applied:
    """Apply the same grade/assign/status to one or many incidents in one transaction."""
    applied = Applied()
    with desk.write() as tx:
        for incident_id in ids:
            lines, changed = apply_changes(desk, tx, incident_id, **changes)
            if changed:
                applied.changed[incident_id] = changed
                applied.lines.extend(lines)
    return applied


def revert(desk: Desk, applied: Applied) -> Applied:
    """Undo a triage action: write each field's earlier value back, as an ordinary logged
    change (timeline and audit). A status goes back even where the life cycle has no such
    move (resolved -> triaged): that is a correction, and the timeline says so. An incident
    changed again since the action is left as it is, not overwritten."""
    undone = Applied()
    with desk.write() as tx:
        for incident_id, fields in applied.changed.items():
            current = tx.get("incident", incident_id)
            if any(current[k] != new for k, (_, new) in fields.items() if k not in DERIVED):
                continue
            back = {k: old for k, (old, _) in fields.items()}
            changed = tx.update("incident", incident_id, back, detail="undo")
            lines = [_undo_line(tx, k, was, now) for k, (was, now) in changed.items()]
            for kind, text in filter(None, lines):
                timeline(tx, incident_id, kind, text)
                undone.lines.append(text)
            undone.changed[incident_id] = changed
    return undone


def _undo_line(tx: WriteTx, name: str, was: Any, now: Any) -> tuple[str, str] | None:
    """The timeline line for one field an undo wrote back (``was`` -> ``now``)."""
    if name == "grade":
        return ("grade", f"Re-graded G{was} -> G{now} (undo)")
    if name == "status":
        return ("status", f"Status corrected {was} -> {now} (undo)")
    if name == "adviser_id":
        adviser = (
            tx.conn.execute(select(ADVISER.c.name).where(ADVISER.c.id == now)).scalar()
            if now
            else None
        )
        return ("assign", f"Assigned to {adviser or 'nobody'} (undo)")
    if name == "operation":
        return ("update", f"Operation flag: {now} (undo)")
    if name == "crime_ref":
        return ("crime-ref", f"Crime reference set to {now or '(none)'} (undo)")
    if name == "summary":
        return ("update", "Summary edited (undo)")
    if name == "thrive":
        old, new = th.from_json(was), th.from_json(now)
        detail = "; ".join(th.changes(old, new))
        return ("thrive", f"Re-THRIVE {th.summary(new)} (undo): {detail}")
    return None  # due_at, closed_at: they follow the fields above


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
            INCIDENT.c.event_id,
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
) -> list[QueueRow]:
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
        return typed_rows(QueueRow, conn.execute(query).mappings())


def get_incident(desk: Desk, ident: str, *, consult: bool = False) -> IncidentDetail:
    """One incident with its whole timeline (oldest first). ``consult``: an officer opens
    it to read (not a reload after their own change), a logged consultation."""
    with desk.read() as conn:
        incident_id = resolve_id(conn, INCIDENT, ident, label="incident")
        found = (
            conn.execute(
                select(
                    INCIDENT,
                    PERSON.c.name.label("person_name"),
                    ADVISER.c.name.label("adviser_name"),
                    EVENT.c.title.label("event_title"),
                )
                .join(PERSON, PERSON.c.id == INCIDENT.c.person_id, isouter=True)
                .join(ADVISER, ADVISER.c.id == INCIDENT.c.adviser_id, isouter=True)
                .join(EVENT, EVENT.c.id == INCIDENT.c.event_id, isouter=True)
                .where(INCIDENT.c.id == incident_id)
            )
            .mappings()
            .one()
        )
        linked_people = typed_rows(
            LinkedPerson,
            conn.execute(
                select(PERSON.c.id, PERSON.c.name)
                .join(LINK, LINK.c.person_id == PERSON.c.id)
                .where(LINK.c.incident_id == incident_id)
            ).mappings(),
        )
        links = links_of_incident(conn, incident_id)
        timeline = typed_rows(
            TimelineRow,
            conn.execute(
                select(TIMELINE)
                .where(TIMELINE.c.incident_id == incident_id)
                .order_by(TIMELINE.c.at, TIMELINE.c.id)
            ).mappings(),
        )
        row = typed_row(
            IncidentDetail,
            {**found, "linked_people": linked_people, "links": links, "timeline": timeline},
        )
    if consult:
        desk.log(AuditAction.CONSULTATION, "incident", incident_id, (), detail="opened")
    return row


def incidents_due_for_review(desk: Desk, on: date) -> list[IncidentReviewDue]:
    query = (
        select(INCIDENT.c.id, INCIDENT.c.ref, INCIDENT.c.status, INCIDENT.c.review_date)
        .where(INCIDENT.c.deleted.is_(False), INCIDENT.c.review_date <= on)
        .order_by(INCIDENT.c.review_date)
    )
    with desk.read() as conn:
        return typed_rows(IncidentReviewDue, conn.execute(query).mappings())
