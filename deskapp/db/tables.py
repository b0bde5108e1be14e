"""The desk's tables (SQLModel). Every synced row has a UUIDv7 id made on the desk.

Times are stored as timezone-aware UTC ISO strings by SQLAlchemy's DateTime on
SQLite; ``deleted`` marks a tombstone (sync needs to carry deletions). Fields named
in ``SENSITIVE_FIELDS`` are masked in every listing unless revealed (an audited act).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from deskapp.db.types import UTCDateTime

SENSITIVE_FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("phone", "email", "address"),
    "adviser": ("phone", "email"),
    "organisation": ("ro_phone", "ro_email"),
    "event": ("place", "organiser", "organiser_contact"),
    # Protective security: what a survey found and what protects a person is handled like
    # their home address (issue #19).
    "security_survey": ("findings",),
    "security_measure": ("notes",),
    "security_referral": ("provider", "notes"),
    "subject": ("aliases", "identifiers", "facts", "assessment"),
}


class Officer(SQLModel, table=True):
    """A user of the desk; the key slot for their passphrase lives beside the database."""

    __tablename__ = "officer"
    id: str = Field(primary_key=True, max_length=32)  # staff / collar number
    name: str
    role: str = "officer"
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Adviser(SQLModel, table=True):
    """A Force Elected-Official Adviser: the named police contact."""

    __tablename__ = "adviser"
    id: str = Field(primary_key=True)
    name: str
    area: str = ""  # how people name it ("Cardiff and the Vale")
    #: The places they cover, by code: council slugs and constituency GSS codes,
    #: comma-separated ("cardiff,vale-of-glamorgan,W07000101"). See services/assign.py.
    areas: str = ""
    phone: str = ""
    email: str = ""
    capacity: int = 150
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class Organisation(SQLModel, table=True):
    """A council or authority, and the request to its returning officer."""

    __tablename__ = "organisation"
    id: str = Field(primary_key=True)
    slug: str = Field(index=True)  # e.g. "birmingham" from local.birmingham.*
    name: str
    kind: str = "council"  # council|constituency|authority|police-area|other
    gss: str = ""  # a constituency's GSS code (E14001234)
    council_id: str | None = None  # a constituency's: the council whose RO acts for it
    ro_name: str = ""
    ro_phone: str = ""
    ro_email: str = ""
    share_request_status: str = "not-requested"  # not-requested|requested|agreed|refused
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class Person(SQLModel, table=True):
    """An elected representative or a candidate on the roster."""

    __tablename__ = "person"
    __table_args__ = (
        # A covering index: caseload totals read no table rows. The roster's order is
        # the SQL-only column ``sort_key`` and its index (migration 0007).
        Index("ix_person_adviser", "deleted", "adviser_id", "next_contact_due", "last_contact_at"),
        Index("ix_person_review", "review_date"),
        # The statistics return reads every person through this alone (migration 0012).
        Index(
            "ix_person_return",
            "id",
            "role",
            "party",
            "deleted",
            "merged_into",
            "created_at",
            "adviser_id",
            "briefing_status",
        ),
    )
    id: str = Field(primary_key=True)
    name: str
    role: str = "candidate"
    party: str = ""
    organisation_id: str | None = Field(default=None, index=True)
    post: str = ""
    ballot_paper_id: str = ""
    election_date: date | None = None
    dc_person_id: str | None = Field(default=None, index=True)
    elected_on: date | None = None  # the poll that gave them the office in ``role``
    merged_into: str | None = None  # a tombstone's: the person it was merged into
    phone: str = ""
    email: str = ""
    address: str = ""
    address_withheld: bool = False
    risk: str = "low"
    adviser_id: str | None = None
    briefing_status: str = "none"
    last_contact_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_contact_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_date: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class Candidacy(SQLModel, table=True):
    """One person standing on one ballot (a person may hold many)."""

    __tablename__ = "candidacy"
    __table_args__ = (UniqueConstraint("person_id", "ballot_paper_id"),)
    id: str = Field(primary_key=True)
    person_id: str = Field(index=True)
    ballot_paper_id: str
    election_id: str = ""
    election_date: date | None = None
    party: str = ""
    post: str = ""
    organisation_id: str | None = None
    cancelled_poll: bool = False
    elected: bool | None = None
    unconfirmed: bool = False  # listed before the statement of persons nominated
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class Contact(SQLModel, table=True):
    """One entry in a person's contact log (insert-only)."""

    __tablename__ = "contact"
    id: str = Field(primary_key=True)
    person_id: str = Field(index=True)
    adviser_id: str | None = None
    officer_id: str
    at: datetime = Field(sa_type=UTCDateTime)
    channel: str
    kind: str
    summary: str = ""


class Event(SQLModel, table=True):
    """A campaign event: hustings, canvassing, a count, a surgery, a briefing."""

    __tablename__ = "event"
    id: str = Field(primary_key=True)
    title: str
    kind: str = "other"
    starts_at: datetime = Field(index=True, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    place: str = ""
    organiser: str = ""
    organiser_contact: str = ""
    #: When the organiser told the police (the protocol expects 48 hours: domain.events).
    notice_received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    risk: str = "low"
    risk_reason: str = ""
    patrol_requested: bool = False
    patrol_minutes: int = 0
    #: Pence. A special-grant claim counts only the additional cost, so the two are apart.
    patrol_additional_pence: int = 0
    patrol_opportunity_pence: int = 0
    attendance: str = ""
    notes: str = ""
    outcome: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class EventPerson(SQLModel, table=True):
    __tablename__ = "event_person"
    event_id: str = Field(primary_key=True)
    person_id: str = Field(primary_key=True, index=True)


class Incident(SQLModel, table=True):
    """Something reported by or about a person, triaged by grade and THRIVE."""

    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_queue", "grade", "due_at", "id", "status", "deleted", "person_id"),
        Index("ix_incident_adviser", "adviser_id", "status", "deleted"),
        # The statistics return's one pass over a period's incidents (migration 0012).
        Index(
            "ix_incident_return",
            "reported_at",
            "deleted",
            "type",
            "grade",
            "status",
            "operation",
            "person_id",
            "due_at",
            "crime_ref",
            "id",
        ),
    )
    id: str = Field(primary_key=True)
    ref: str = Field(index=True)  # short, human: "I-" + last 8 hex of the id
    person_id: str = Field(index=True)
    type: str
    summary: str
    description: str = ""
    occurred_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    location: str = ""
    grade: int = 3
    thrive: str = ""  # JSON, see deskapp.domain.thrive
    status: str = "new"
    adviser_id: str | None = None
    crime_ref: str = ""
    cad_ref: str = ""  # the force's command-and-control log reference
    operation: str = "none"  # none|ford|bridger
    event_id: str | None = None
    reported_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_date: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class IncidentPerson(SQLModel, table=True):
    """Further people linked to an incident (the reporting person is ``person_id``)."""

    __tablename__ = "incident_person"
    incident_id: str = Field(primary_key=True)
    person_id: str = Field(primary_key=True, index=True)


class SecuritySurvey(SQLModel, table=True):
    """A security survey of a person's home or office (Operation Bridger / Ford)."""

    __tablename__ = "security_survey"
    id: str = Field(primary_key=True)
    person_id: str = Field(index=True)
    place: str = "home"  # home|office
    surveyed_on: date
    surveyed_by: str = ""
    findings: str = ""
    risk: str = "low"
    next_review: date | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class SecurityMeasure(SQLModel, table=True):
    """A protective measure recommended for, or fitted at, a person's home or office.
    ``kind`` and ``status`` are what returns count (fitted measures by kind)."""

    __tablename__ = "security_measure"
    id: str = Field(primary_key=True)
    person_id: str = Field(index=True)
    kind: str
    status: str = "recommended"
    recommended_on: date | None = None
    agreed_on: date | None = None
    fitted_on: date | None = None
    declined_on: date | None = None
    removed_on: date | None = None
    next_review: date | None = Field(default=None, index=True)
    notes: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class SecurityReferral(SQLModel, table=True):
    """A referral for private security. ``cost`` is in pence; returns count referrals by
    ``status`` and sum their cost."""

    __tablename__ = "security_referral"
    id: str = Field(primary_key=True)
    person_id: str = Field(index=True)
    status: str = "requested"
    provider: str = ""
    cost: int = 0
    requested_on: date | None = None
    decided_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    notes: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class Subject(SQLModel, table=True):
    """A subject of concern: a suspect or fixated individual, often targeting several
    people. ``facts`` and ``assessment`` are kept apart (DPA 2018 s.38)."""

    __tablename__ = "subject"
    id: str = Field(primary_key=True)
    name: str  # a name or, when none is known, a description
    aliases: str = ""
    identifiers: str = ""  # date of birth, PNC id, online handles...
    risk: str = "low"
    ftac: str = "none"  # Fixated Threat Assessment Centre referral
    plait: str = "none"  # Parliamentary Liaison and Investigation Team referral
    facts: str = ""
    assessment: str = ""
    review_date: date | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted: bool = False


class IncidentLink(SQLModel, table=True):
    """A person or a subject linked to an incident with their data-subject category
    (victim, witness, reporter, suspect, other). Insert-only: taking a link off erases it."""

    __tablename__ = "incident_link"
    id: str = Field(primary_key=True)
    incident_id: str = Field(index=True)
    person_id: str | None = Field(default=None, index=True)
    subject_id: str | None = Field(default=None, index=True)
    category: str


class TimelineEntry(SQLModel, table=True):
    """Append-only history of an incident: notes and every change."""

    __tablename__ = "timeline_entry"
    __table_args__ = (
        # Status moves alone, for the return's and the dashboard's response times (0012).
        Index(
            "ix_timeline_status", "incident_id", "at", "text", sqlite_where=text("kind = 'status'")
        ),
    )
    id: str = Field(primary_key=True)
    incident_id: str = Field(index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    officer_id: str
    kind: str  # created|note|grade|status|assign|thrive|crime-ref|update
    text: str = ""


class AuditEvent(SQLModel, table=True):
    """DPA 2018 s.62 log: append-only and hash-chained (see deskapp.db.audit)."""

    __tablename__ = "audit_event"
    seq: int | None = Field(default=None, primary_key=True)  # with site_id, its identity
    at: datetime = Field(sa_type=UTCDateTime)
    officer_id: str
    action: str
    entity: str
    entity_id: str = ""
    fields: str = ""  # names of the fields touched, never their values
    recipient: str = ""
    detail: str = ""
    site_id: str = ""
    prev_hash: str
    hash: str


class FieldVersion(SQLModel, table=True):
    """The version (HLC, site) of each field of each synced row; ``*`` is the creation."""

    __tablename__ = "field_version"
    entity: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    hlc: int
    site_id: str


class Outbox(SQLModel, table=True):
    """Changes waiting to be pushed to the hub, in the order they were made."""

    __tablename__ = "outbox"
    seq: int | None = Field(default=None, primary_key=True)
    entity: str
    row_id: str
    op: str  # insert|update|delete|append
    fields: str = ""  # the fields an update changed; the values are read at push time
    hlc: int
    site_id: str


class Meta(SQLModel, table=True):
    """Desk-level settings held inside the encrypted database (site id, clock, audit head)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Conflict(SQLModel, table=True):
    """A local edit that lost to a concurrent remote one at sync, kept for a supervisor.

    Values are JSON (as they travel to the hub); versions are (hlc, site id). Resolving
    with ``local`` makes a new local edit of the kept value, which then syncs."""

    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_row", "entity", "row_id"),)
    id: str = Field(primary_key=True)
    entity: str
    row_id: str
    field: str
    local_value: str
    local_hlc: int
    local_site: str
    remote_value: str
    remote_hlc: int
    remote_site: str
    detected_at: datetime = Field(sa_type=UTCDateTime)
    resolved_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = None  # local|remote


class SyncMark(SQLModel, table=True):
    """How far the desk had pulled (hub sequence) when its outbox reached ``outbox_seq``:
    tells the hub whether a pushed edit was made before or after seeing a remote one."""

    __tablename__ = "sync_mark"
    outbox_seq: int = Field(primary_key=True)
    cursor: int


class QuarantinedChange(SQLModel, table=True):
    """A change pulled from the hub that failed its checks (``protocol.wire_checks``): kept
    aside, never merged, listed for supervisors with its reason (never its values).

    ``fields``: the desk's fields it concerns ('' when the whole row was held back);
    ``data`` and ``versions``: the row's JSON as received, when it was small enough to
    fetch. ``entity`` and ``row_id`` are stored only when they are plain text."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("hub_seq", "entity", "row_id", "fields"),)
    id: int | None = Field(default=None, primary_key=True)
    hub_seq: int
    entity: str
    row_id: str
    fields: str = ""
    reason: str
    data: str | None = None
    versions: str | None = None
    received_at: datetime = Field(sa_type=UTCDateTime)
