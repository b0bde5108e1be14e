"""A person's protective-security record: security surveys of home and office, measures
recommended and fitted, and referrals for private security (issue #19).

Findings, measures' notes and a referral's provider and notes are sensitive, as a home
address is: masked in every listing and view, and revealing one is a logged
consultation. Every change goes through ``Desk.write()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, Table, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_rows
from deskapp.db.tables import PERSON, SENSITIVE_FIELDS
from deskapp.db.tables import SECURITY_MEASURE as MEASURE
from deskapp.db.tables import SECURITY_REFERRAL as REFERRAL
from deskapp.db.tables import SECURITY_SURVEY as SURVEY
from deskapp.db.writes import WriteTx
from deskapp.domain import security as rules
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.vocabulary import AuditAction
from deskapp.runtime.clock import utcnow
from deskapp.services.lookup import resolve_id
from deskapp.services.reveal import reveal_masked

#: Each kind of record: its entity (table) name and table.
KINDS: dict[str, tuple[str, Table]] = {
    "survey": ("security_survey", SURVEY),
    "measure": ("security_measure", MEASURE),
    "referral": ("security_referral", REFERRAL),
}
#: What erasing a person blanks on each of their security records (field -> blank value,
#: of each field's own type: a plain dict, as every write's changes are).
ERASED: dict[str, dict[str, Any]] = {
    "security_survey": {"findings": "", "surveyed_by": "", "next_review": None, "deleted": True},
    "security_measure": {"notes": "", "next_review": None, "deleted": True},
    "security_referral": {"provider": "", "notes": "", "deleted": True},
}


class SurveyRow(TypedDict):
    """A security survey as stored (``db.tables.SecuritySurvey``)."""

    id: str
    person_id: str
    place: str
    surveyed_on: date
    surveyed_by: str
    findings: str
    risk: str
    next_review: date | None
    created_at: datetime
    updated_at: datetime
    deleted: bool


class MeasureRow(TypedDict):
    """A protective measure as stored (``db.tables.SecurityMeasure``)."""

    id: str
    person_id: str
    kind: str
    status: str
    recommended_on: date | None
    agreed_on: date | None
    fitted_on: date | None
    declined_on: date | None
    removed_on: date | None
    next_review: date | None
    notes: str
    created_at: datetime
    updated_at: datetime
    deleted: bool


class ReferralRow(TypedDict):
    """A referral for private security as stored (``db.tables.SecurityReferral``)."""

    id: str
    person_id: str
    status: str
    provider: str
    cost: int
    requested_on: date | None
    decided_on: date | None
    started_on: date | None
    ended_on: date | None
    notes: str
    created_at: datetime
    updated_at: datetime
    deleted: bool


class SecurityRecords(TypedDict):
    """A person's surveys, measures and referrals (``records_of``)."""

    surveys: list[SurveyRow]
    measures: list[MeasureRow]
    referrals: list[ReferralRow]


class SecurityRecord(SecurityRecords):
    """A person's protective-security record as shown (``show_security``)."""

    person_id: str
    name: str


class MeasureListRow(MeasureRow):
    """A measure with its person's name (``list_measures``), notes masked."""

    person_name: str


def _person(conn: Connection, ident: str) -> str:
    person_id = resolve_id(conn, PERSON, ident, label="person")
    if conn.execute(select(PERSON.c.deleted).where(PERSON.c.id == person_id)).scalar():
        raise NotFound("That person has been erased or merged.")
    return person_id


def _today(today: date | None) -> date:
    return today or utcnow().date()


# -- writes ------------------------------------------------------------------------------
def add_record(
    desk: Desk, what: str, person: str, *, today: date | None = None, **fields: Any
) -> str:
    """A new survey, measure or referral for ``person``; returns its id. A measure needs
    its kind; a survey its place. Dates a status implies are filled in."""
    entity, _ = KINDS[what]
    values = rules.clean(what, fields)
    day, months = _today(today), desk.settings.security_review_months
    if what == "survey":
        if "place" not in values:
            raise ValidationError("Give the place surveyed: home or office.", field="place")
        values = rules.survey_defaults(values, day, months)
    elif what == "measure":
        if "kind" not in values:
            raise ValidationError("Give the kind of measure.", field="kind")
        values.setdefault("status", "recommended")
        values = rules.status_dates("measure", {}, values, day, months)
    else:
        values.setdefault("status", "requested")
        values = rules.status_dates("referral", {}, values, day, months)
    with desk.write() as tx:
        values["person_id"] = _person(tx.conn, person)
        return tx.insert(entity, values)


def update_record(
    desk: Desk, what: str, ident: str, *, today: date | None = None, **fields: Any
) -> dict[str, tuple[Any, Any]]:
    """Change fields of a survey, measure or referral; returns ``{field: (old, new)}``."""
    entity, table = KINDS[what]
    values = rules.clean(what, fields)
    with desk.write() as tx:
        row_id = resolve_id(tx.conn, table, ident, label=what)
        current = tx.get(entity, row_id)
        if current["deleted"]:
            raise NotFound(f"That {what} has been erased.")
        if what != "survey":
            values = rules.status_dates(
                what, current, values, _today(today), desk.settings.security_review_months
            )
        elif values.get("next_review") and values["next_review"] <= values.get(
            "surveyed_on", current["surveyed_on"]
        ):
            raise ValidationError("The next review must be after the survey.", field="next_review")
        return tx.update(entity, row_id, values)


def erase_for_person(tx: WriteTx, person_id: str) -> int:
    """Blank and tombstone a person's security records, as part of erasing them; returns
    how many. (Rows stay as tombstones so the erasure travels to every desk.)"""
    erased = 0
    for entity, table in KINDS.values():
        for row_id in tx.conn.execute(
            select(table.c.id).where(table.c.person_id == person_id, table.c.deleted.is_(False))
        ).scalars():
            tx.update(entity, row_id, ERASED[entity], detail="erasure")
            erased += 1
    return erased


# -- reads -------------------------------------------------------------------------------
def records_of(conn: Connection, person_id: str) -> SecurityRecords:
    """A person's surveys (newest first), measures and referrals, sensitive fields as
    stored (callers mask them)."""
    return {
        "surveys": typed_rows(
            SurveyRow,
            conn.execute(
                select(SURVEY)
                .where(SURVEY.c.person_id == person_id, SURVEY.c.deleted.is_(False))
                .order_by(SURVEY.c.surveyed_on.desc(), SURVEY.c.id)
            ).mappings(),
        ),
        "measures": typed_rows(
            MeasureRow,
            conn.execute(
                select(MEASURE)
                .where(MEASURE.c.person_id == person_id, MEASURE.c.deleted.is_(False))
                .order_by(MEASURE.c.status, MEASURE.c.kind, MEASURE.c.id)
            ).mappings(),
        ),
        "referrals": typed_rows(
            ReferralRow,
            conn.execute(
                select(REFERRAL)
                .where(REFERRAL.c.person_id == person_id, REFERRAL.c.deleted.is_(False))
                .order_by(REFERRAL.c.id.desc())
            ).mappings(),
        ),
    }


def by_entity(record: SecurityRecords) -> tuple[tuple[str, Sequence[Mapping[str, Any]]], ...]:
    """Each kind's rows beside its entity (table) name, for what is done to all kinds."""
    return (
        ("security_survey", record["surveys"]),
        ("security_measure", record["measures"]),
        ("security_referral", record["referrals"]),
    )


def masked(record: SecurityRecords) -> SecurityRecords:
    """The records with every sensitive field masked."""
    return {
        "surveys": [mask_row(r, SENSITIVE_FIELDS["security_survey"]) for r in record["surveys"]],
        "measures": [mask_row(r, SENSITIVE_FIELDS["security_measure"]) for r in record["measures"]],
        "referrals": [
            mask_row(r, SENSITIVE_FIELDS["security_referral"]) for r in record["referrals"]
        ],
    }


def show_security(desk: Desk, person: str, *, reveal: bool = False) -> SecurityRecord:
    """A person's protective-security record; a logged consultation (each record's
    sensitive fields named when ``reveal``)."""
    with desk.read() as conn:
        person_id = resolve_id(conn, PERSON, person, label="person")
        name = str(conn.execute(select(PERSON.c.name).where(PERSON.c.id == person_id)).scalar_one())
        record = records_of(conn, person_id)
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION,
            "person",
            person_id,
            (),
            detail="security record revealed" if reveal else "security record",
        )
        if reveal:
            for entity, rows in by_entity(record):
                for row in rows:
                    tx.audit(
                        AuditAction.CONSULTATION,
                        entity,
                        row["id"],
                        SENSITIVE_FIELDS[entity],
                        detail="revealed",
                    )
    shown = record if reveal else masked(record)
    return {"person_id": person_id, "name": name, **shown}


def reveal_field(desk: Desk, kind: str, row_id: str, field: str) -> str:
    """One masked field of one security record: a logged consultation."""
    entity, table = KINDS[kind]
    return reveal_masked(desk, table, entity, row_id, field, SENSITIVE_FIELDS[entity], what=kind)


def list_measures(
    desk: Desk,
    *,
    person: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[MeasureListRow]:
    """Measures with their person's name, notes masked; a logged consultation."""
    query = (
        select(MEASURE, PERSON.c.name.label("person_name"))
        .join(PERSON, PERSON.c.id == MEASURE.c.person_id)
        .where(MEASURE.c.deleted.is_(False))
        .order_by(PERSON.c.name, MEASURE.c.kind, MEASURE.c.id)
    )
    wanted = rules.clean("measure", {k: v for k, v in (("status", status), ("kind", kind)) if v})
    for name, value in wanted.items():
        query = query.where(MEASURE.c[name] == value)
    with desk.read() as conn:
        if person:
            query = query.where(MEASURE.c.person_id == _person(conn, person))
        if limit is not None:
            query = query.limit(limit)
        rows = [
            mask_row(r, SENSITIVE_FIELDS["security_measure"])
            for r in typed_rows(MeasureListRow, conn.execute(query).mappings())
        ]
    desk.log(AuditAction.CONSULTATION, "security_measure", detail=f"listed {len(rows)}")
    return rows


def set_referral(
    desk: Desk, person: str, *, today: date | None = None, **fields: Any
) -> tuple[str, dict[str, tuple[Any, Any]]]:
    """Change the person's open referral for private security, or start one when none is
    open (a declined or ended referral stays as it was). Returns its id and the changes."""
    with desk.read() as conn:
        person_id = _person(conn, person)
        open_id = conn.execute(
            select(REFERRAL.c.id)
            .where(
                REFERRAL.c.person_id == person_id,
                REFERRAL.c.deleted.is_(False),
                REFERRAL.c.status.not_in(rules.REFERRAL_CLOSED),
            )
            .order_by(REFERRAL.c.id.desc())
            .limit(1)
        ).scalar()
    if open_id is None:
        new_id = add_record(desk, "referral", person_id, today=today, **fields)
        return new_id, {name: (None, value) for name, value in fields.items()}
    return str(open_id), update_record(desk, "referral", str(open_id), today=today, **fields)


def move_to_person(tx: WriteTx, old: str, new: str, why: str) -> None:
    """A person merged into another: their security records go with them."""
    for entity, table in KINDS.values():
        for row_id in tx.conn.execute(select(table.c.id).where(table.c.person_id == old)).scalars():
            tx.update(entity, row_id, {"person_id": new}, detail=why)
