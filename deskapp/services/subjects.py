"""Subjects of concern and the categorised links between incidents and people or
subjects (issue #19).

One subject often targets several people across roles and councils: a subject's view
lists every incident they are linked to and every person of those incidents; a person's
view lists the subjects linked to their incidents; the queue flags an incident whose
subject is linked to other victims. Every link carries a data-subject category (DPA 2018
s.38) and is a logged combination of records. A subject's aliases, identifiers, facts
and assessment are masked like a home address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, Select, and_, func, or_, select

from deskapp.db.desk import Desk
from deskapp.db.rows import Row, typed_row, typed_rows
from deskapp.db.tables import INCIDENT, ORGANISATION, PERSON, SENSITIVE_FIELDS, SUBJECT
from deskapp.db.tables import INCIDENT_LINK as LINK
from deskapp.domain import security as rules
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.retention import subject_review_date
from deskapp.domain.vocabulary import AuditAction, LinkCategory
from deskapp.protocol.merge_rule import ERASED_NAME
from deskapp.runtime.clock import utcnow
from deskapp.services.lookup import resolve_id
from deskapp.services.reveal import reveal_masked

SENSITIVE = SENSITIVE_FIELDS["subject"]
#: What erasing a subject blanks: everything that identifies them.
ERASED_FIELDS = {
    "name": ERASED_NAME, "aliases": "", "identifiers": "", "facts": "", "assessment": "",
    "review_date": None, "deleted": True,
}  # fmt: skip


def resolve_subject(conn: Connection, text: str) -> str:
    """The subject ``text`` names: a full id, its reference (S-…) or a unique id prefix."""
    suffix = rules.ref_suffix(text)
    if suffix is not None:
        hits = (
            conn.execute(
                select(SUBJECT.c.id).where(func.substr(SUBJECT.c.id, -8) == suffix).limit(2)
            )
            .scalars()
            .all()
        )
        if len(hits) == 1:
            return str(hits[0])
    subject_id = resolve_id(conn, SUBJECT, text, label="subject")
    if conn.execute(select(SUBJECT.c.deleted).where(SUBJECT.c.id == subject_id)).scalar():
        raise NotFound("That subject has been erased.")
    return subject_id


# -- subjects ----------------------------------------------------------------------------
def add_subject(desk: Desk, **fields: Any) -> str:
    """A new subject of concern; a name or description is required. Reviewed for
    retention like an incident (s.39) unless a review date is given."""
    if not fields.get("name"):
        raise ValidationError("Give the subject's name or a description.", field="name")
    values = rules.clean("subject", fields)
    values.setdefault("review_date", subject_review_date(utcnow().date()))
    with desk.write() as tx:
        return tx.insert("subject", values)


def update_subject(desk: Desk, ident: str, **fields: Any) -> dict[str, tuple[Any, Any]]:
    values = rules.clean("subject", fields)
    with desk.write() as tx:
        subject_id = resolve_subject(tx.conn, ident)
        return tx.update("subject", subject_id, values)


def erase_subject(desk: Desk, ident: str, reason: str) -> str:
    """Erase a subject's personal data (supervisor only): the row stays as a tombstone so
    the erasure travels; their links to incidents are erased; the audit log keeps that it
    happened and why, never what."""
    from deskapp.domain import validation as v
    from deskapp.services.officers import require_supervisor

    require_supervisor(desk, "erase a subject's data")
    with v.about("reason"):
        reason = v.clean_text(reason, field="reason", required=True, max_len=200)
    with desk.write() as tx:
        subject_id = resolve_subject(tx.conn, ident)
        tx.update("subject", subject_id, ERASED_FIELDS, detail="erasure")
        links = tx.erase_appended("incident_link", {"subject_id": subject_id})
        tx.audit(
            AuditAction.ERASURE,
            "subject",
            subject_id,
            tuple(ERASED_FIELDS),
            detail=f"{reason}; removed {len(links)} links",
        )
    with desk.read() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return subject_id


def subjects_query(filter_text: str = "") -> Select[Any]:
    """Subjects by name with how many incidents and people each is linked to. The filter
    looks at the name only, never at the masked aliases or identifiers."""
    incidents = (
        select(LINK.c.subject_id, func.count(func.distinct(LINK.c.incident_id)).label("incidents"))
        .where(LINK.c.subject_id.is_not(None))
        .group_by(LINK.c.subject_id)
        .subquery()
    )
    query = (
        select(
            SUBJECT.c.id,
            SUBJECT.c.name,
            SUBJECT.c.aliases,
            SUBJECT.c.risk,
            SUBJECT.c.ftac,
            SUBJECT.c.plait,
            func.coalesce(incidents.c.incidents, 0).label("incidents"),
        )
        .outerjoin(incidents, incidents.c.subject_id == SUBJECT.c.id)
        .where(SUBJECT.c.deleted.is_(False))
    )
    for word in filter_text.lower().split():
        query = query.where(func.lower(SUBJECT.c.name).like(f"%{word}%"))
    return query.order_by(SUBJECT.c.name, SUBJECT.c.id)


class SubjectListRow(TypedDict):
    """A subject as the list shows it (``subjects_query``), aliases masked."""

    id: str
    name: str
    aliases: str
    risk: str
    ftac: str
    plait: str
    incidents: int
    ref: str


class PersonSubject(TypedDict):
    """A subject linked to an incident of a person (``subjects_for_person``)."""

    id: str
    name: str
    risk: str
    incidents: int
    ref: str


class SubjectIncident(TypedDict):
    """An incident a subject is linked to, with the link's category."""

    id: str
    ref: str
    type: str
    grade: int
    status: str
    reported_at: datetime
    category: str


class IncidentsPerson(TypedDict):
    """A person of some incidents: their categories (comma-separated) and how many of
    the incidents they are in (``people_of_incidents``)."""

    id: str
    name: str
    role: str
    organisation: str | None
    risk: str
    categories: str
    incidents: int


class SubjectDetail(TypedDict):
    """A subject as stored (``db.tables.Subject``) with its reference, incidents and the
    people of those incidents (``subject_record``)."""

    id: str
    name: str
    aliases: str
    identifiers: str
    risk: str
    ftac: str
    plait: str
    facts: str
    assessment: str
    review_date: date | None
    created_at: datetime
    updated_at: datetime
    deleted: bool
    ref: str
    incidents: list[SubjectIncident]
    people: list[IncidentsPerson]


class IncidentLinkRow(TypedDict):
    """A person or subject linked to an incident, by name (``links_of_incident``)."""

    id: str
    category: str
    person_id: str | None
    subject_id: str | None
    name: str | None


def with_ref(kind: type[Row], row: Mapping[Any, Any]) -> Row:
    """A listed subject (of the shape ``kind``) with its reference, sensitive fields
    masked."""
    return typed_row(kind, {**mask_row(row, SENSITIVE), "ref": rules.subject_ref(str(row["id"]))})


def list_subjects(
    desk: Desk, *, filter_text: str = "", limit: int | None = None
) -> list[SubjectListRow]:
    query = subjects_query(filter_text)
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        rows = [with_ref(SubjectListRow, r) for r in conn.execute(query).mappings()]
    desk.log(AuditAction.CONSULTATION, "subject", detail=f"listed {len(rows)}")
    return rows


def subject_record(conn: Connection, subject_id: str) -> SubjectDetail:
    """A subject with the incidents they are linked to and the people of those incidents
    (each with the categories they hold), across roles and organisations."""
    found = conn.execute(select(SUBJECT).where(SUBJECT.c.id == subject_id)).mappings().one()
    incidents = typed_rows(
        SubjectIncident,
        conn.execute(
            select(
                INCIDENT.c.id,
                INCIDENT.c.ref,
                INCIDENT.c.type,
                INCIDENT.c.grade,
                INCIDENT.c.status,
                INCIDENT.c.reported_at,
                LINK.c.category,
            )
            .join(LINK, LINK.c.incident_id == INCIDENT.c.id)
            .where(LINK.c.subject_id == subject_id, INCIDENT.c.deleted.is_(False))
            .order_by(INCIDENT.c.reported_at.desc(), INCIDENT.c.id)
        ).mappings(),
    )
    people = people_of_incidents(conn, [i["id"] for i in incidents])
    return typed_row(
        SubjectDetail,
        {**found, "ref": rules.subject_ref(subject_id), "incidents": incidents, "people": people},
    )


def people_of_incidents(conn: Connection, incident_ids: list[str]) -> list[IncidentsPerson]:
    """The people of these incidents — the person each is about (a victim) and everyone
    linked with a category — one row a person, their categories and incident count.
    Read as three small indexed queries (by incident id, then by person id): a join
    through a union let SQLite walk the whole roster."""
    if not incident_ids:
        return []
    held: dict[str, tuple[set[str], set[str]]] = {}
    about = select(INCIDENT.c.person_id, INCIDENT.c.id).where(INCIDENT.c.id.in_(incident_ids))
    for person_id, incident_id in conn.execute(about):
        cats, seen = held.setdefault(str(person_id), (set(), set()))
        cats.add(str(LinkCategory.VICTIM))
        seen.add(str(incident_id))
    linked = select(LINK.c.person_id, LINK.c.category, LINK.c.incident_id).where(
        LINK.c.incident_id.in_(incident_ids), LINK.c.person_id.is_not(None)
    )
    for person_id, category, incident_id in conn.execute(linked):
        cats, seen = held.setdefault(str(person_id), (set(), set()))
        cats.add(str(category))
        seen.add(str(incident_id))
    query = (
        select(
            PERSON.c.id,
            PERSON.c.name,
            PERSON.c.role,
            ORGANISATION.c.name.label("organisation"),
            PERSON.c.risk,
            PERSON.c.deleted,
        )
        .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
        # Erased people are left out here, not in SQL: a condition on ``deleted`` made
        # SQLite walk ix_person_adviser (every person) instead of looking up these ids.
        .where(PERSON.c.id.in_(list(held)))
        .order_by(PERSON.c.name, PERSON.c.id)
    )
    rows = []
    for r in conn.execute(query).mappings():
        if r["deleted"]:
            continue
        cats, seen = held[str(r["id"])]
        row = {k: v for k, v in r.items() if k != "deleted"}
        rows.append(
            typed_row(
                IncidentsPerson,
                {**row, "categories": ",".join(sorted(cats)), "incidents": len(seen)},
            )
        )
    return rows


def get_subject(desk: Desk, ident: str, *, reveal: bool = False) -> SubjectDetail:
    """One subject with the incidents and people linked; logged as a consultation of the
    subject (with the masked fields named when ``reveal``) and of the people listed."""
    with desk.read() as conn:
        subject_id = resolve_subject(conn, ident)
        row = subject_record(conn, subject_id)
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION,
            "subject",
            subject_id,
            SENSITIVE if reveal else (),
            detail="show revealed" if reveal else "show",
        )
        if row["people"]:
            tx.audit(
                AuditAction.CONSULTATION,
                "person",
                "",
                (),
                detail=f"listed {len(row['people'])} linked to subject {row['ref']}",
            )
    return row if reveal else mask_row(row, SENSITIVE)


def reveal_field(desk: Desk, subject_id: str, field: str) -> str:
    """One masked field of one subject: a logged consultation."""
    return reveal_masked(desk, SUBJECT, "subject", subject_id, field, SENSITIVE, what="subject")


def subjects_for_person(conn: Connection, person_id: str) -> list[PersonSubject]:
    """Subjects linked to any incident this person is the person of or is linked to
    (small indexed queries: the person's incidents, their subject links, the subjects)."""
    mine = set(
        conn.execute(select(INCIDENT.c.id).where(INCIDENT.c.person_id == person_id)).scalars()
    )
    mine.update(
        conn.execute(select(LINK.c.incident_id).where(LINK.c.person_id == person_id)).scalars()
    )
    if not mine:
        return []
    seen: dict[str, set[str]] = {}
    for subject_id, incident_id in conn.execute(
        select(LINK.c.subject_id, LINK.c.incident_id).where(
            LINK.c.incident_id.in_(sorted(mine)), LINK.c.subject_id.is_not(None)
        )
    ):
        seen.setdefault(str(subject_id), set()).add(str(incident_id))
    if not seen:
        return []
    query = (
        select(SUBJECT.c.id, SUBJECT.c.name, SUBJECT.c.risk)
        .where(SUBJECT.c.id.in_(list(seen)), SUBJECT.c.deleted.is_(False))
        .order_by(SUBJECT.c.name, SUBJECT.c.id)
    )
    return [
        with_ref(PersonSubject, {**r, "incidents": len(seen[str(r["id"])])})
        for r in conn.execute(query).mappings()
    ]


def links_of_incident(conn: Connection, incident_id: str) -> list[IncidentLinkRow]:
    """The people and subjects linked to an incident, with their categories."""
    query = (
        select(
            LINK.c.id,
            LINK.c.category,
            LINK.c.person_id,
            LINK.c.subject_id,
            func.coalesce(PERSON.c.name, SUBJECT.c.name).label("name"),
        )
        .outerjoin(PERSON, PERSON.c.id == LINK.c.person_id)
        .outerjoin(SUBJECT, SUBJECT.c.id == LINK.c.subject_id)
        .where(LINK.c.incident_id == incident_id)
        .order_by(LINK.c.category, LINK.c.id)
    )
    return typed_rows(IncidentLinkRow, conn.execute(query).mappings())


def other_victims(conn: Connection, incident_ids: Iterable[str]) -> set[str]:
    """Of these incidents, those linked to a subject who is also linked to another
    incident of a different victim: the queue's cross-victim flag."""
    ids = list(incident_ids)
    if not ids:
        return set()
    mine = LINK.alias("mine")
    theirs = LINK.alias("theirs")
    this = INCIDENT.alias("this")
    other = INCIDENT.alias("other")
    victims = LINK.alias("victims")
    query = (
        select(mine.c.incident_id)
        .distinct()
        .join(this, this.c.id == mine.c.incident_id)
        .join(
            theirs,
            and_(
                theirs.c.subject_id == mine.c.subject_id, theirs.c.incident_id != mine.c.incident_id
            ),
        )
        .join(other, other.c.id == theirs.c.incident_id)
        .outerjoin(
            victims,
            and_(
                victims.c.incident_id == other.c.id,
                victims.c.category == str(LinkCategory.VICTIM),
            ),
        )
        .where(
            mine.c.incident_id.in_(ids),
            mine.c.subject_id.is_not(None),
            other.c.deleted.is_(False),
            or_(
                other.c.person_id != this.c.person_id,
                and_(victims.c.person_id.is_not(None), victims.c.person_id != this.c.person_id),
            ),
        )
    )
    return {str(r) for r in conn.execute(query).scalars()}


# -- links -------------------------------------------------------------------------------
def link(
    desk: Desk,
    incident: str,
    category: str | None,
    *,
    person: str | None = None,
    subject: str | None = None,
) -> bool:
    """Link a person or a subject to an incident with a category (required). Returns
    False when that very link is there already. A combination of records, logged."""
    from deskapp.services.incidents import timeline

    cat = rules.category(category)
    if (person is None) == (subject is None):
        raise ValidationError("Link either a person or a subject.")
    with desk.write() as tx:
        incident_id = resolve_id(tx.conn, INCIDENT, incident, label="incident")
        if person is not None:
            party, column, entity = (
                resolve_id(tx.conn, PERSON, person, label="person"),
                LINK.c.person_id,
                "person",
            )
        else:
            party, column, entity = (
                resolve_subject(tx.conn, str(subject)),
                LINK.c.subject_id,
                "subject",
            )
        held = tx.conn.execute(
            select(LINK.c.id).where(
                LINK.c.incident_id == incident_id, column == party, LINK.c.category == cat
            )
        ).first()
        if held:
            return False
        values = {"incident_id": incident_id, "category": cat, f"{entity}_id": party}
        tx.append(
            "incident_link",
            values,
            audit_entity="incident",
            audit_id=incident_id,
            detail=f"linked {entity}",
        )
        # Logged from both sides: "what was combined with this incident" and "with
        # this person (or subject)" are both questions an auditor asks.
        tx.audit(
            AuditAction.COMBINATION,
            "incident",
            incident_id,
            (f"{entity}_id",),
            detail=f"{entity} linked as {cat}",
        )
        tx.audit(
            AuditAction.COMBINATION,
            entity,
            party,
            ("incident_id",),
            detail=f"linked to incident as {cat}",
        )
        timeline(tx, incident_id, "update", f"{'Subject' if subject else 'Person'} linked as {cat}")
    return True


def unlink(desk: Desk, link_id: str) -> bool:
    """Take one link off (it is erased, and the erasure syncs)."""
    with desk.write() as tx:
        found = tx.conn.execute(select(LINK).where(LINK.c.id == link_id)).mappings().first()
        if found is None:
            raise NotFound("No such link.")
        tx.erase_appended("incident_link", {"id": link_id})
        entity = "person" if found["person_id"] else "subject"
        tx.audit(
            AuditAction.ALTERATION,
            entity,
            str(found["person_id"] or found["subject_id"]),
            ("incident_id",),
            detail=f"unlinked from incident ({found['category']})",
        )
    return True


def subject_choices(desk: Desk, filter_text: str, limit: int = 8) -> list[tuple[str, str]]:
    """Subjects whose name matches what was typed, as ``(id, "S-… name")`` for a picker."""
    query = subjects_query(filter_text).limit(limit)
    with desk.read() as conn:
        rows = conn.execute(query).all()
    return [(str(r.id), f"{rules.subject_ref(str(r.id))}  {r.name}") for r in rows]
