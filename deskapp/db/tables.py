"""The desk's tables, as SQLAlchemy Core ``Table`` objects on one ``MetaData``.

Every synced row has a UUIDv7 id made on the desk. Times are stored as timezone-aware
UTC ISO strings by SQLAlchemy's DateTime on SQLite; ``deleted`` marks a tombstone (sync
needs to carry deletions). Fields named in ``SENSITIVE_FIELDS`` are masked in every
listing unless revealed (an audited act).

Core, not an ORM: the app reads and writes with Core statements only, so each table is a
typed module-level name (``PERSON.c.name``). Columns are NOT NULL unless they say
``nullable=True``; a column's ``default=`` is also what the write path fills in for a
field a caller left out (``db.writes._scalar_default``), so it stays on the column even
where the database has none. ``tests/store/schema.sql`` pins the DDL these produce.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

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

#: Every table of the desk (Alembic's ``target_metadata``).
METADATA: Final = MetaData()


def _created() -> Column[datetime]:
    return Column("created_at", UTCDateTime, nullable=False)


def _updated() -> Column[datetime]:
    return Column("updated_at", UTCDateTime, nullable=False)


def _deleted() -> Column[bool]:
    return Column("deleted", Boolean, nullable=False, default=False)


#: A user of the desk; the key slot for their passphrase lives beside the database.
OFFICER: Final = Table(
    "officer",
    METADATA,
    Column("id", String(32), primary_key=True),  # staff / collar number
    Column("name", String, nullable=False),
    Column("role", String, nullable=False, default="officer"),
    Column("active", Boolean, nullable=False, default=True),
    _created(),
    Column("removed_at", UTCDateTime, nullable=True),
)

#: A Force Elected-Official Adviser: the named police contact.
ADVISER: Final = Table(
    "adviser",
    METADATA,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column(
        "area", String, nullable=False, default=""
    ),  # how people name it ("Cardiff and the Vale")
    # The places they cover, by code: council slugs and constituency GSS codes,
    # comma-separated ("cardiff,vale-of-glamorgan,W07000101"). See services/assign.py.
    Column("areas", String, nullable=False, default=""),
    Column("phone", String, nullable=False, default=""),
    Column("email", String, nullable=False, default=""),
    Column("capacity", Integer, nullable=False, default=150),
    Column("active", Boolean, nullable=False, default=True),
    _created(),
    _updated(),
    _deleted(),
)

#: A council or authority, and the request to its returning officer.
ORGANISATION: Final = Table(
    "organisation",
    METADATA,
    Column("id", String, primary_key=True),
    Column("slug", String, nullable=False, index=True),  # e.g. "birmingham" from local.birmingham.*
    Column("name", String, nullable=False),
    # council|constituency|authority|police-area|other
    Column("kind", String, nullable=False, default="council"),
    Column("gss", String, nullable=False, default=""),  # a constituency's GSS code (E14001234)
    # A constituency's: the council whose returning officer acts for it.
    Column("council_id", String, nullable=True),
    Column("ro_name", String, nullable=False, default=""),
    Column("ro_phone", String, nullable=False, default=""),
    Column("ro_email", String, nullable=False, default=""),
    # not-requested|requested|agreed|refused
    Column("share_request_status", String, nullable=False, default="not-requested"),
    _created(),
    _updated(),
    _deleted(),
)

#: An elected representative or a candidate on the roster.
PERSON: Final = Table(
    "person",
    METADATA,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False, default="candidate"),
    Column("party", String, nullable=False, default=""),
    Column("organisation_id", String, nullable=True, index=True),
    Column("post", String, nullable=False, default=""),
    Column("ballot_paper_id", String, nullable=False, default=""),
    Column("election_date", Date, nullable=True),
    Column("dc_person_id", String, nullable=True, index=True),
    Column("elected_on", Date, nullable=True),  # the poll that gave them the office in ``role``
    Column("merged_into", String, nullable=True),  # a tombstone's: the person it was merged into
    Column("phone", String, nullable=False, default=""),
    Column("email", String, nullable=False, default=""),
    Column("address", String, nullable=False, default=""),
    Column("address_withheld", Boolean, nullable=False, default=False),
    Column("risk", String, nullable=False, default="low"),
    Column("adviser_id", String, nullable=True),
    Column("briefing_status", String, nullable=False, default="none"),
    Column("last_contact_at", UTCDateTime, nullable=True),
    Column("next_contact_due", UTCDateTime, nullable=True),
    Column("review_date", Date, nullable=True),
    _created(),
    _updated(),
    _deleted(),
    # A covering index: caseload totals read no table rows. The roster's order is the
    # SQL-only index on ``collation_key(name)`` (migrations 0007 and 0013).
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

#: One person standing on one ballot (a person may hold many).
CANDIDACY: Final = Table(
    "candidacy",
    METADATA,
    Column("id", String, primary_key=True),
    # Looked up by person through the UNIQUE (person_id, ballot_paper_id) index.
    Column("person_id", String, nullable=False),
    Column("ballot_paper_id", String, nullable=False),
    Column("election_id", String, nullable=False, default=""),
    Column("election_date", Date, nullable=True),
    Column("party", String, nullable=False, default=""),
    Column("post", String, nullable=False, default=""),
    Column("organisation_id", String, nullable=True),
    Column("cancelled_poll", Boolean, nullable=False, default=False),
    Column("elected", Boolean, nullable=True),
    # Listed before the statement of persons nominated.
    Column("unconfirmed", Boolean, nullable=False, default=False),
    _created(),
    _updated(),
    _deleted(),
    UniqueConstraint("person_id", "ballot_paper_id"),
)

#: One entry in a person's contact log (insert-only).
CONTACT: Final = Table(
    "contact",
    METADATA,
    Column("id", String, primary_key=True),
    Column("person_id", String, nullable=False, index=True),
    Column("adviser_id", String, nullable=True),
    Column("officer_id", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("channel", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("summary", String, nullable=False, default=""),
)

#: A campaign event: hustings, canvassing, a count, a surgery, a briefing.
EVENT: Final = Table(
    "event",
    METADATA,
    Column("id", String, primary_key=True),
    Column("title", String, nullable=False),
    Column("kind", String, nullable=False, default="other"),
    Column("starts_at", UTCDateTime, nullable=False, index=True),
    Column("ends_at", UTCDateTime, nullable=True),
    Column("place", String, nullable=False, default=""),
    Column("organiser", String, nullable=False, default=""),
    Column("organiser_contact", String, nullable=False, default=""),
    # When the organiser told the police (the protocol expects 48 hours: domain.events).
    Column("notice_received_at", UTCDateTime, nullable=True),
    Column("risk", String, nullable=False, default="low"),
    Column("risk_reason", String, nullable=False, default=""),
    Column("patrol_requested", Boolean, nullable=False, default=False),
    Column("patrol_minutes", Integer, nullable=False, default=0),
    # Pence. A special-grant claim counts only the additional cost, so the two are apart.
    Column("patrol_additional_pence", Integer, nullable=False, default=0),
    Column("patrol_opportunity_pence", Integer, nullable=False, default=0),
    Column("attendance", String, nullable=False, default=""),
    Column("notes", String, nullable=False, default=""),
    Column("outcome", String, nullable=False, default=""),
    _created(),
    _updated(),
    _deleted(),
)

#: The people at an event.
EVENT_PERSON: Final = Table(
    "event_person",
    METADATA,
    Column("event_id", String, primary_key=True),
    Column("person_id", String, primary_key=True, index=True),
)

#: Something reported by or about a person, triaged by grade and THRIVE.
INCIDENT: Final = Table(
    "incident",
    METADATA,
    Column("id", String, primary_key=True),
    Column("ref", String, nullable=False, index=True),  # short, human: "I-" + last 8 hex of the id
    Column("person_id", String, nullable=False, index=True),
    Column("type", String, nullable=False),
    Column("summary", String, nullable=False),
    Column("description", String, nullable=False, default=""),
    Column("occurred_at", UTCDateTime, nullable=True),
    Column("location", String, nullable=False, default=""),
    Column("grade", Integer, nullable=False, default=3),
    Column("thrive", String, nullable=False, default=""),  # JSON, see deskapp.domain.thrive
    Column("status", String, nullable=False, default="new"),
    Column("adviser_id", String, nullable=True),
    Column("crime_ref", String, nullable=False, default=""),
    # The force's command-and-control log reference.
    Column("cad_ref", String, nullable=False, default=""),
    Column("operation", String, nullable=False, default="none"),  # none|ford|bridger
    Column("event_id", String, nullable=True),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("review_date", Date, nullable=True),
    _created(),
    _updated(),
    _deleted(),
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

#: Further people linked to an incident (the reporting person is ``person_id``).
INCIDENT_PERSON: Final = Table(
    "incident_person",
    METADATA,
    Column("incident_id", String, primary_key=True),
    Column("person_id", String, primary_key=True, index=True),
)

#: A security survey of a person's home or office (Operation Bridger / Ford).
SECURITY_SURVEY: Final = Table(
    "security_survey",
    METADATA,
    Column("id", String, primary_key=True),
    Column("person_id", String, nullable=False, index=True),
    Column("place", String, nullable=False, default="home"),  # home|office
    Column("surveyed_on", Date, nullable=False),
    Column("surveyed_by", String, nullable=False, default=""),
    Column("findings", String, nullable=False, default=""),
    Column("risk", String, nullable=False, default="low"),
    Column("next_review", Date, nullable=True, index=True),
    _created(),
    _updated(),
    _deleted(),
)

#: A protective measure recommended for, or fitted at, a person's home or office.
#: ``kind`` and ``status`` are what returns count (fitted measures by kind).
SECURITY_MEASURE: Final = Table(
    "security_measure",
    METADATA,
    Column("id", String, primary_key=True),
    Column("person_id", String, nullable=False, index=True),
    Column("kind", String, nullable=False),
    Column("status", String, nullable=False, default="recommended"),
    Column("recommended_on", Date, nullable=True),
    Column("agreed_on", Date, nullable=True),
    Column("fitted_on", Date, nullable=True),
    Column("declined_on", Date, nullable=True),
    Column("removed_on", Date, nullable=True),
    Column("next_review", Date, nullable=True, index=True),
    Column("notes", String, nullable=False, default=""),
    _created(),
    _updated(),
    _deleted(),
)

#: A referral for private security. ``cost`` is in pence; returns count referrals by
#: ``status`` and sum their cost.
SECURITY_REFERRAL: Final = Table(
    "security_referral",
    METADATA,
    Column("id", String, primary_key=True),
    Column("person_id", String, nullable=False, index=True),
    Column("status", String, nullable=False, default="requested"),
    Column("provider", String, nullable=False, default=""),
    Column("cost", Integer, nullable=False, default=0),
    Column("requested_on", Date, nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("started_on", Date, nullable=True),
    Column("ended_on", Date, nullable=True),
    Column("notes", String, nullable=False, default=""),
    _created(),
    _updated(),
    _deleted(),
)

#: A subject of concern: a suspect or fixated individual, often targeting several
#: people. ``facts`` and ``assessment`` are kept apart (DPA 2018 s.38).
SUBJECT: Final = Table(
    "subject",
    METADATA,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),  # a name or, when none is known, a description
    Column("aliases", String, nullable=False, default=""),
    # Date of birth, PNC id, online handles...
    Column("identifiers", String, nullable=False, default=""),
    Column("risk", String, nullable=False, default="low"),
    Column(
        "ftac", String, nullable=False, default="none"
    ),  # Fixated Threat Assessment Centre referral
    # Parliamentary Liaison and Investigation Team referral.
    Column("plait", String, nullable=False, default="none"),
    Column("facts", String, nullable=False, default=""),
    Column("assessment", String, nullable=False, default=""),
    Column("review_date", Date, nullable=True, index=True),
    _created(),
    _updated(),
    _deleted(),
)

#: A person or a subject linked to an incident with their data-subject category
#: (victim, witness, reporter, suspect, other). Insert-only: taking a link off erases it.
INCIDENT_LINK: Final = Table(
    "incident_link",
    METADATA,
    Column("id", String, primary_key=True),
    Column("incident_id", String, nullable=False, index=True),
    Column("person_id", String, nullable=True, index=True),
    Column("subject_id", String, nullable=True, index=True),
    Column("category", String, nullable=False),
)

#: Append-only history of an incident: notes and every change.
TIMELINE_ENTRY: Final = Table(
    "timeline_entry",
    METADATA,
    Column("id", String, primary_key=True),
    Column("incident_id", String, nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("officer_id", String, nullable=False),
    # created|note|grade|status|assign|thrive|crime-ref|update
    Column("kind", String, nullable=False),
    Column("text", String, nullable=False, default=""),
    # Status moves alone, for the return's and the dashboard's response times (0012).
    Index("ix_timeline_status", "incident_id", "at", "text", sqlite_where=text("kind = 'status'")),
)

#: DPA 2018 s.62 log: append-only and hash-chained (see deskapp.db.audit).
AUDIT_EVENT: Final = Table(
    "audit_event",
    METADATA,
    Column("seq", Integer, primary_key=True),  # with site_id, its identity
    Column("at", UTCDateTime, nullable=False),
    Column("officer_id", String, nullable=False),
    Column("action", String, nullable=False),
    Column("entity", String, nullable=False),
    Column("entity_id", String, nullable=False, default=""),
    # Names of the fields touched, never their values.
    Column("fields", String, nullable=False, default=""),
    Column("recipient", String, nullable=False, default=""),
    Column("detail", String, nullable=False, default=""),
    Column("site_id", String, nullable=False, default=""),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
)

#: The version (HLC, site) of each field of each synced row; ``*`` is the creation.
FIELD_VERSION: Final = Table(
    "field_version",
    METADATA,
    Column("entity", String, primary_key=True),
    Column("row_id", String, primary_key=True),
    Column("field", String, primary_key=True),
    Column("hlc", Integer, nullable=False),
    Column("site_id", String, nullable=False),
    # The primary key is the table: one B-tree written per version, not two.
    sqlite_with_rowid=False,
)

#: Changes waiting to be pushed to the hub, in the order they were made.
OUTBOX: Final = Table(
    "outbox",
    METADATA,
    Column("seq", Integer, primary_key=True),
    Column("entity", String, nullable=False),
    Column("row_id", String, nullable=False),
    Column("op", String, nullable=False),  # insert|update|delete|append
    # The fields an update changed; the values are read at push time.
    Column("fields", String, nullable=False, default=""),
    Column("hlc", Integer, nullable=False),
    Column("site_id", String, nullable=False),
)

#: Desk-level settings held inside the encrypted database (site id, clock, audit head).
META: Final = Table(
    "meta",
    METADATA,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

#: A local edit that lost to a concurrent remote one at sync, kept for a supervisor.
#: Values are JSON (as they travel to the hub); versions are (hlc, site id). Resolving
#: with ``local`` makes a new local edit of the kept value, which then syncs.
CONFLICT: Final = Table(
    "conflict",
    METADATA,
    Column("id", String, primary_key=True),
    Column("entity", String, nullable=False),
    Column("row_id", String, nullable=False),
    Column("field", String, nullable=False),
    Column("local_value", String, nullable=False),
    Column("local_hlc", Integer, nullable=False),
    Column("local_site", String, nullable=False),
    Column("remote_value", String, nullable=False),
    Column("remote_hlc", Integer, nullable=False),
    Column("remote_site", String, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("resolved_by", String, nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("resolution", String, nullable=True),  # local|remote
    Index("ix_conflict_row", "entity", "row_id"),
)

#: How far the desk had pulled (hub sequence) when its outbox reached ``outbox_seq``:
#: tells the hub whether a pushed edit was made before or after seeing a remote one.
SYNC_MARK: Final = Table(
    "sync_mark",
    METADATA,
    Column("outbox_seq", Integer, primary_key=True),
    Column("cursor", Integer, nullable=False),
)

#: A change pulled from the hub that failed its checks (``protocol.wire_checks``): kept
#: aside, never merged, listed for supervisors with its reason (never its values).
#: ``fields``: the desk's fields it concerns ('' when the whole row was held back);
#: ``data`` and ``versions``: the row's JSON as received, when it was small enough to
#: fetch. ``entity`` and ``row_id`` are stored only when they are plain text.
QUARANTINE: Final = Table(
    "quarantine",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("hub_seq", Integer, nullable=False),
    Column("entity", String, nullable=False),
    Column("row_id", String, nullable=False),
    Column("fields", String, nullable=False, default=""),
    Column("reason", String, nullable=False),
    Column("data", String, nullable=True),
    Column("versions", String, nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("hub_seq", "entity", "row_id", "fields"),
)

# SQLAlchemy makes a Core column's name and key a ``quoted_name`` (a str subclass), and
# rows read with ``select(table).mappings()`` are keyed by them; sync sends such rows as
# JSON, and orjson takes plain str keys only. So the names are plain str, as a declarative
# (ORM) mapping leaves them; the DDL is the same either way.
for _table in METADATA.tables.values():
    for _column in _table.columns:
        _column.name = _column.key = str(_column.name)
