"""The roster: elected representatives and candidates. Listing and showing people are
consultations of personal data and are logged; revealing a masked field is logged too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, TypedDict

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    func,
    literal_column,
    select,
    text,
)

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import (
    ADVISER,
    CANDIDACY,
    CONTACT,
    EVENT_PERSON,
    INCIDENT,
    INCIDENT_LINK,
    INCIDENT_PERSON,
    ORGANISATION,
    PERSON,
    SENSITIVE_FIELDS,
)
from deskapp.db.writes import WriteTx
from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.retention import person_review_date
from deskapp.domain.text import fold
from deskapp.domain.vocabulary import AuditAction, BriefingStatus, PersonRole, Risk
from deskapp.domain.wording import count
from deskapp.protocol.ids import uuid7
from deskapp.protocol.merge_rule import ERASED_NAME, PERSON_LINKED
from deskapp.runtime.clock import utcnow
from deskapp.services.advisers import resolve_adviser
from deskapp.services.lookup import resolve_id
from deskapp.services.reveal import reveal_masked
from deskapp.services.security import erase_for_person, move_to_person
from deskapp.services.updates import update_record

SENSITIVE = SENSITIVE_FIELDS["person"]
#: The roster's order: surname, then forenames, by Unicode collation, then id. Written
#: as the expression of the roster's index ``ix_person_sort`` (migration 0013), which
#: SQLite then walks and reads the key from.
SORT_KEY: Final = "collation_key(person.name)"
ROSTER_ORDER: tuple[ColumnElement[Any], ...] = (literal_column(SORT_KEY), PERSON.c.id)

EDITABLE = (
    "name", "role", "party", "organisation_id", "post", "ballot_paper_id", "election_date",
    "phone", "email", "address", "address_withheld", "risk", "adviser_id", "briefing_status",
    "next_contact_due", "review_date",
)  # fmt: skip


class PersonFields(TypedDict):
    """A person's id and ``EDITABLE`` fields."""

    id: str
    name: str
    role: str
    party: str
    organisation_id: str | None
    post: str
    ballot_paper_id: str
    election_date: date | None
    phone: str
    email: str
    address: str
    address_withheld: bool
    risk: str
    adviser_id: str | None
    briefing_status: str
    next_contact_due: datetime | None
    review_date: date | None


class PersonRow(PersonFields):
    """A person as stored (``db.tables.Person``); a listing masks ``SENSITIVE`` fields
    unless they are revealed."""

    dc_person_id: str | None
    elected_on: date | None
    merged_into: str | None
    last_contact_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted: bool


class CandidacyRow(TypedDict):
    """One ballot a person stands on, as stored (``db.tables.Candidacy``)."""

    id: str
    person_id: str
    ballot_paper_id: str
    election_id: str
    election_date: date | None
    party: str
    post: str
    organisation_id: str | None
    cancelled_poll: bool
    elected: bool | None
    unconfirmed: bool
    created_at: datetime
    updated_at: datetime
    deleted: bool


class ContactRow(TypedDict):
    """One entry of a person's contact log, as stored (``db.tables.Contact``)."""

    id: str
    person_id: str
    adviser_id: str | None
    officer_id: str
    at: datetime
    channel: str
    kind: str
    summary: str


class PersonIncident(TypedDict):
    """An incident as a person's record lists it."""

    id: str
    ref: str
    type: str
    grade: int
    status: str
    summary: str
    reported_at: datetime


class PersonDetail(PersonRow):
    """One person with the names of their adviser and organisation, their candidacies,
    contact log and incidents (``get_person``)."""

    adviser_name: str | None
    organisation_name: str | None
    candidacies: list[CandidacyRow]
    contacts: list[ContactRow]
    incidents: list[PersonIncident]


class PersonForEdit(PersonFields):
    """A person's ``EDITABLE`` fields, unmasked, with the names the form shows beside the
    adviser's and organisation's ids (``person_for_edit``)."""

    adviser_name: str | None
    organisation_name: str | None


class PersonReviewDue(TypedDict):
    """A person whose record is due for its retention review."""

    id: str
    name: str
    review_date: date


# The fields given are open-ended (any subset of EDITABLE, each as a form or the CLI
# typed it), so they stay a plain dict; a result's shape is a typed dict above.
def clean_person(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the given person fields (any subset of ``EDITABLE``); an
    error names the field it is about (``ValidationError.field``)."""
    return v.clean_fields(fields, EDITABLE, _clean_field, record="a person")


def _clean_field(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "name":
        return v.clean_text(value, field="name", required=True, max_len=200)
    if key == "role":
        return str(v.choice(PersonRole, value, field="role"))
    if key == "risk":
        return str(v.choice(Risk, value, field="risk"))
    if key == "briefing_status":
        return str(v.choice(BriefingStatus, value, field="briefing status"))
    if key == "email":
        return v.email(value)
    if key == "phone":
        return v.phone(value)
    if key in ("election_date", "review_date") and isinstance(value, str):
        return v.iso_date(value, field=key)
    if key == "next_contact_due" and isinstance(value, str):
        return v.day_start(value, field="next contact due")
    if isinstance(value, str):
        return v.clean_text(value, field=key)
    return value


def add_person(desk: Desk, **fields: Any) -> str:
    values = clean_person(fields)
    if not values.get("name"):
        raise ValidationError("Name is required.", field="name")
    values.setdefault("review_date", person_review_date(utcnow().date()))
    with desk.write() as tx:
        if values.get("adviser_id"):
            with v.about("adviser_id"):
                values["adviser_id"] = resolve_adviser(tx.conn, values["adviser_id"])
        return tx.insert("person", values)


def named_adviser(desk: Desk, person_id: str) -> tuple[str, str] | None:
    """The person's named adviser as ``(id, name)``, or None if they have none."""
    query = (
        select(ADVISER.c.id, ADVISER.c.name)
        .join(PERSON, PERSON.c.adviser_id == ADVISER.c.id)
        .where(PERSON.c.id == person_id)
    )
    with desk.read() as conn:
        row = conn.execute(query).first()
    return (str(row.id), str(row.name)) if row else None


def update_person(
    desk: Desk, ident: str, *, reason: str = "", **fields: Any
) -> dict[str, tuple[Any, Any]]:
    """Change a person; ``reason`` (why, e.g. for a new risk level) goes in the audit
    event with the names of the fields changed."""
    values = clean_person(fields)
    with v.about("reason"):
        why = v.clean_text(reason, field="reason", max_len=200)

    def check(conn: Connection, current: dict[str, Any], values: dict[str, Any]) -> str:
        detail = why
        if "risk" in values:  # a new risk level is kept with its reason, however it came
            detail = v.risk_reason(str(current["risk"]), str(values["risk"]), why)
        if values.get("adviser_id"):  # named as people say it: the adviser's id is kept
            with v.about("adviser_id"):
                values["adviser_id"] = resolve_adviser(conn, values["adviser_id"])
        return detail

    def resolve(conn: Connection, text: str) -> str:
        return resolve_id(conn, PERSON, text, label="person")

    return update_record(desk, "person", ident, values, resolve=resolve, check=check)


def _with_names(conn: Connection, row_id: str, *columns: Any) -> RowMapping:
    """One person's ``columns`` with their named contact's and organisation's names."""
    query = (
        select(
            *columns,
            ADVISER.c.name.label("adviser_name"),
            ORGANISATION.c.name.label("organisation_name"),
        )
        .outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id)
        .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
        .where(PERSON.c.id == row_id)
    )
    return conn.execute(query).mappings().one()


def person_for_edit(desk: Desk, ident: str) -> PersonForEdit:
    """A person's editable fields, masked ones included, for the edit form: showing
    them is a consultation, logged as a reveal is."""
    with desk.read() as conn:
        row_id = resolve_id(conn, PERSON, ident, label="person")
        row = _with_names(conn, row_id, PERSON.c.id, *(PERSON.c[f] for f in EDITABLE))
    person = typed_row(PersonForEdit, row)
    log_consultation(desk, [person], reveal=True, what="edit form")
    return person


def people_query(filter_text: str = "", adviser_id: str | None = None) -> Select[Any]:
    query = select(PERSON).where(PERSON.c.deleted.is_(False))
    if filter_text.strip():
        query = query.where(fts_match("person", filter_text))
    if adviser_id:
        query = query.where(PERSON.c.adviser_id == adviser_id)
    return query


def fts_match(table: str, filter_text: str) -> ColumnElement[bool]:
    """Rows matching a type-ahead filter: every word as a prefix, accents ignored."""
    sub = text(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH :q").bindparams(
        q=fts_query(filter_text)
    )
    return literal_column(f"{table}.rowid").in_(sub.columns(literal_column("rowid")))


def fts_query(filter_text: str) -> str:
    """Every word as a prefix, folded as the index is (``domain.text.fold``)."""
    return " ".join(f'"{w}"*' for w in filter_words(filter_text)) or '""'


def filter_words(filter_text: str) -> list[str]:
    """The folded words of a filter, punctuation dropped: what every filter matches."""
    words = ["".join(ch for ch in w if ch.isalnum()) for w in fold(filter_text).split()]
    return [w for w in words if w]


def list_people(
    desk: Desk,
    *,
    filter_text: str = "",
    adviser_id: str | None = None,
    limit: int | None = None,
    reveal: bool = False,
    reason: str = "",
) -> list[PersonRow]:
    query = people_query(filter_text, adviser_id).order_by(*ROSTER_ORDER)
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        rows = typed_rows(PersonRow, conn.execute(query).mappings())
    log_consultation(desk, rows, reveal=reveal, what="list", reason=reason)
    return rows if reveal else [mask_row(r, SENSITIVE) for r in rows]


def count_people(desk: Desk, filter_text: str = "") -> int:
    query = select(func.count()).select_from(people_query(filter_text).subquery())
    with desk.read() as conn:
        return int(conn.execute(query).scalar_one())


def get_person(desk: Desk, ident: str, *, reveal: bool = False, reason: str = "") -> PersonDetail:
    """One person with candidacies, contact log and incidents."""
    with desk.read() as conn:
        row_id = resolve_id(conn, PERSON, ident, label="person")
        row = _with_names(conn, row_id, PERSON)
        candidacies = typed_rows(
            CandidacyRow,
            conn.execute(
                select(CANDIDACY)
                .where(CANDIDACY.c.person_id == row_id)
                .order_by(CANDIDACY.c.election_date)
            ).mappings(),
        )
        contacts = typed_rows(
            ContactRow,
            conn.execute(
                select(CONTACT).where(CONTACT.c.person_id == row_id).order_by(CONTACT.c.at.desc())
            ).mappings(),
        )
        incidents = typed_rows(
            PersonIncident,
            conn.execute(
                select(
                    INCIDENT.c.id,
                    INCIDENT.c.ref,
                    INCIDENT.c.type,
                    INCIDENT.c.grade,
                    INCIDENT.c.status,
                    INCIDENT.c.summary,
                    INCIDENT.c.reported_at,
                )
                .where(INCIDENT.c.person_id == row_id)
                .order_by(INCIDENT.c.reported_at.desc())
            ).mappings(),
        )
        person = typed_row(
            PersonDetail,
            {**row, "candidacies": candidacies, "contacts": contacts, "incidents": incidents},
        )
    log_consultation(desk, [person], reveal=reveal, what="show", reason=reason)
    return person if reveal else mask_row(person, SENSITIVE)


def reveal_field(desk: Desk, person_id: str, field: str, reason: str = "") -> str:
    """Show one masked field of one person: a logged consultation."""
    return reveal_masked(
        desk, PERSON, "person", person_id, field, SENSITIVE, what="person", reason=reason
    )


def log_consultation(
    desk: Desk, rows: Sequence[Mapping[str, Any]], *, reveal: bool, what: str, reason: str = ""
) -> None:
    with desk.write() as tx:
        if reveal:
            # Each person whose sensitive fields were shown gets an event of their own.
            for row in rows:
                tx.audit(
                    AuditAction.CONSULTATION,
                    "person",
                    row["id"],
                    SENSITIVE,
                    detail=f"{what} revealed{': ' + reason if reason else ''}",
                )
        elif what == "list":
            tx.audit(
                AuditAction.CONSULTATION, "person", "", (), detail=f"listed {len(rows)} people"
            )
        else:
            for row in rows:
                tx.audit(AuditAction.CONSULTATION, "person", row["id"], (), detail=what)


def log_roster_shown(desk: Desk, total: int, *, filtered: bool) -> None:
    """The app's roster pane settled on a listing: a consultation of that many people."""
    desk.log(
        AuditAction.CONSULTATION,
        "person",
        detail=f"roster listed ({count(total, 'person', 'people')}"
        f"{', filtered' if filtered else ''})",
    )


def people_due_for_review(desk: Desk, on: date) -> list[PersonReviewDue]:
    query = (
        select(PERSON.c.id, PERSON.c.name, PERSON.c.review_date)
        .where(PERSON.c.deleted.is_(False), PERSON.c.review_date <= on)
        .order_by(PERSON.c.review_date)
    )
    with desk.read() as conn:
        return typed_rows(PersonReviewDue, conn.execute(query).mappings())


#: What erasure blanks on the person: everything that identifies or locates them.
ERASED_FIELDS = {
    "name": ERASED_NAME, "party": "", "post": "", "ballot_paper_id": "", "phone": "",
    "email": "", "address": "", "dc_person_id": None, "election_date": None,
    "last_contact_at": None, "next_contact_due": None, "deleted": True,
}  # fmt: skip


def erase_person(desk: Desk, ident: str, reason: str) -> str:
    """Erase a person's personal data (supervisor only). The person's row stays as a
    tombstone so sync can carry the erasure to the hub and every desk; their contact log
    and links are deleted; the audit log records that it happened and why, never what."""
    from deskapp.services.officers import require_supervisor

    require_supervisor(desk, "erase a person's data")
    with v.about("reason"):
        reason = v.clean_text(reason, field="reason", required=True, max_len=200)
    with desk.write() as tx:
        person_id = resolve_id(tx.conn, PERSON, ident, label="person")
        tx.update("person", person_id, ERASED_FIELDS, detail="erasure")
        for row in tx.conn.execute(
            select(CANDIDACY.c.id).where(CANDIDACY.c.person_id == person_id)
        ):
            tx.update(
                "candidacy", row.id, {"party": "", "post": "", "deleted": True}, detail="erasure"
            )
        erased = {
            entity: len(tx.erase_appended(entity, {"person_id": person_id}))
            for entity in PERSON_LINKED
        }
        protective = erase_for_person(tx, person_id)
        # Rewrite the search index so no token of the old name survives in it.
        tx.conn.exec_driver_sql("INSERT INTO person_fts(person_fts) VALUES ('optimize')")
        tx.audit(
            AuditAction.ERASURE,
            "person",
            person_id,
            tuple(ERASED_FIELDS),
            detail=f"{reason}; removed {erased.pop('contact')} contacts, "
            f"{sum(erased.values())} links, {protective} security records",
        )
    with desk.read() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return person_id


# -- merging (Democracy Club person redirects) ------------------------------------------

#: Fields a merged person's record fills on the one it is merged into, where empty there.
_FILLED_ON_MERGE = (
    "party", "organisation_id", "post", "ballot_paper_id", "election_date", "phone", "email",
    "address", "adviser_id", "last_contact_at", "next_contact_due", "elected_on",
)  # fmt: skip
_RISK_ORDER = {str(r): i for i, r in enumerate(Risk)}


def merge_person(tx: WriteTx, source: PersonRow, target: PersonRow, why: str) -> None:
    """Merge the person ``source`` into ``target`` (both rows as read), in ``tx``.

    Nothing is lost: the target fills its empty fields from the source, takes the higher
    risk and an office the source held; incidents, candidacies, contacts and links move
    to the target; the source stays as a tombstone naming the target (``merged_into``),
    so its audit events can still be followed. Contacts and links are insert-only at
    sync, so they move as a copy under the target and an erasure of the original.
    """
    old, new = source["id"], target["id"]
    # Read by field name from the tuple above: the rows as plain mappings.
    src: Mapping[str, Any] = source
    dst: Mapping[str, Any] = target
    changes = {
        f: src[f] for f in _FILLED_ON_MERGE if src[f] not in ("", None) and dst[f] in ("", None)
    }
    if _RISK_ORDER.get(source["risk"], 0) > _RISK_ORDER.get(target["risk"], 0):
        changes["risk"] = source["risk"]
    if source["address_withheld"] and not target["address_withheld"]:
        changes["address_withheld"] = True
    if target["role"] == PersonRole.CANDIDATE and source["role"] != PersonRole.CANDIDATE:
        changes["role"] = source["role"]
    if changes:
        tx.update("person", new, changes, detail=why)
    for row in tx.conn.execute(select(INCIDENT.c.id).where(INCIDENT.c.person_id == old)):
        tx.update("incident", row.id, {"person_id": new}, detail=why)
    move_to_person(tx, old, new, why)
    ballots = {
        r.ballot_paper_id
        for r in tx.conn.execute(
            select(CANDIDACY.c.ballot_paper_id).where(
                CANDIDACY.c.person_id == new, CANDIDACY.c.deleted.is_(False)
            )
        )
    }
    for row in tx.conn.execute(
        select(CANDIDACY.c.id, CANDIDACY.c.ballot_paper_id).where(
            CANDIDACY.c.person_id == old, CANDIDACY.c.deleted.is_(False)
        )
    ):
        moved = {"deleted": True} if row.ballot_paper_id in ballots else {"person_id": new}
        tx.update("candidacy", row.id, moved, detail=why)
    _move_appended(tx, old, new, why)
    tx.update("person", old, {"deleted": True, "merged_into": new}, detail=why)
    tx.audit(AuditAction.COMBINATION, "person", new, (), detail=f"{why}: merged {old}")


def _move_appended(tx: WriteTx, old: str, new: str, why: str) -> None:
    for entity, table in (
        ("contact", CONTACT),
        ("incident_person", INCIDENT_PERSON),
        ("event_person", EVENT_PERSON),
        ("incident_link", INCIDENT_LINK),
    ):
        rows = [
            dict(r)
            for r in tx.conn.execute(select(table).where(table.c.person_id == old)).mappings()
        ]
        if not rows:
            continue
        if entity in ("contact", "incident_link"):
            copies = [{**r, "id": uuid7(), "person_id": new} for r in rows]
        else:  # a link the target already has is not made twice
            key = "incident_id" if entity == "incident_person" else "event_id"
            held = {
                r[0] for r in tx.conn.execute(select(table.c[key]).where(table.c.person_id == new))
            }
            copies = [{**r, "person_id": new} for r in rows if r[key] not in held]
        tx.append_many(entity, copies, audit_entity="person", audit_id=new, detail=why, log="batch")
        tx.erase_appended(entity, {"person_id": old})


class RedirectCounts(TypedDict):
    """What following redirects did (``apply_redirects``)."""

    merged: int
    renumbered: int
    absent: int


def apply_redirects(desk: Desk, redirects: dict[str, str]) -> RedirectCounts:
    """Follow Democracy Club's person redirects (old person id -> new person id) on the
    desk, in one transaction: a person held under an old id is merged into the person
    holding the new one, or takes the new id when nobody holds it. Returns the counts
    ``merged``, ``renumbered`` and ``absent`` (old ids not on this desk)."""
    counts: RedirectCounts = {"merged": 0, "renumbered": 0, "absent": 0}
    with desk.write() as tx:
        for old_dc in redirects:
            final = _final_id(redirects, old_dc)
            sources = _people_with_dc_id(tx, old_dc)
            if not sources:
                counts["absent"] += 1
                continue
            targets = _people_with_dc_id(tx, final)
            why = f"Democracy Club person redirect {old_dc} to {final}"
            if not targets:
                tx.update("person", sources[0]["id"], {"dc_person_id": final}, detail=why)
                counts["renumbered"] += 1
                sources = sources[1:]
                targets = _people_with_dc_id(tx, final)
            for source in sources:
                merge_person(tx, source, targets[0], why)
                counts["merged"] += 1
    return counts


def _final_id(redirects: dict[str, str], start: str) -> str:
    seen = {start}
    current = redirects[start]
    while current in redirects:
        if current in seen:
            raise ValidationError(
                f"The person redirects go round in a circle from id {start}; fix the file."
            )
        seen.add(current)
        current = redirects[current]
    return current


def _people_with_dc_id(tx: WriteTx, dc_id: str) -> list[PersonRow]:
    query = (
        select(PERSON)
        .where(PERSON.c.dc_person_id == dc_id, PERSON.c.deleted.is_(False))
        .order_by(PERSON.c.id)
    )
    return typed_rows(PersonRow, tx.conn.execute(query).mappings())
