"""Exports (roster, caseload, incidents) and the event briefing pack.

Redacted by default: no home address, phone or email (the columns are left out, and a
note in Markdown says so). ``disclose_to`` -- a supervisor only -- includes them, and
every person (adviser, incident) whose details go out gets a DISCLOSURE event in the
audit log naming the recipient. Even then a home address the person asked to withhold
(``address_withheld``) is written as ``[withheld]``: that needs a decision about one
person, not a bulk export.

Listing people for an export is a consultation, logged as such. CSV files quote every
cell; cells a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab
or carriage return, their full-width forms, or such a part after a ``;``, which some
locales take as a separator) are neutralised with a leading apostrophe, and bidirectional
override characters (which can reorder what a reader sees) are shown as ``<U+202E>``.
Markdown escapes link, image and HTML syntax, so a name cannot become a link or a
tracking image when the file is previewed. Files are written atomically (temporary file,
then rename), readable by their owner only, and never over an existing file unless
``force``. The audit events are committed before the file appears: a failure may log
an export that did not happen, never the reverse.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypedDict

from sqlalchemy import Select, and_, or_, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import (
    ADVISER,
    EVENT,
    EVENT_PERSON,
    INCIDENT,
    INCIDENT_PERSON,
    ORGANISATION,
    PERSON,
    SENSITIVE_FIELDS,
)
from deskapp.db.writes import WriteTx
from deskapp.domain import validation as v
from deskapp.domain.errors import ValidationError
from deskapp.domain.events import event_ref, hours, notice
from deskapp.domain.status import OPEN_STATUSES
from deskapp.domain.vocabulary import EXPORT_FORMATS, EXPORT_KINDS, AuditAction
from deskapp.runtime.clock import local, utcnow, zone
from deskapp.services.advisers import AdviserRecord, resolve_adviser
from deskapp.services.events import EventRecord, resolve_event
from deskapp.services.officers import require_supervisor
from deskapp.services.people import PersonRow

__all__ = [
    "FORMATS",
    "KINDS",
    "REDACTED",
    "ExportResult",
    "briefing_filename",
    "default_briefing_path",
    "export_briefing",
    "export_table",
    "neutralise",
    "show_bidi",
    "write_atomic",
]


KINDS: Final = EXPORT_KINDS
FORMATS: Final = EXPORT_FORMATS
REDACTED: Final = "[redacted]"
WITHHELD: Final = "[withheld]"
PERSON_SENSITIVE: Final = ("phone", "email", "address")
ADVISER_SENSITIVE: Final = ("phone", "email")
EVENT_SENSITIVE: Final = SENSITIVE_FIELDS["event"]
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_BIDI: Final = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What Markdown could read as a link, an image, HTML, an entity or emphasis.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]()!<>|#~&{}])")
#: How far back the briefing pack looks for incidents (open ones are always shown).
BRIEFING_INCIDENT_DAYS: Final = 90


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    sensitive: bool = False


class ExportResultDict(TypedDict):
    """An export's result as ``--json`` prints it (``ExportResult.as_dict``)."""

    path: str
    kind: str
    format: str
    rows: int
    people: int
    redacted: bool
    recipient: str


class RosterExportRow(PersonRow):
    """A person as the roster export (and a briefing's attendee table) reads them."""

    adviser: str | None
    organisation: str | None


class CaseloadExportRow(TypedDict):
    """An adviser with one person they hold (the person's fields None for an adviser
    who holds nobody), and whether that person's next contact is overdue."""

    adviser_id: str
    adviser: str
    area: str
    capacity: int
    id: str | None
    name: str | None
    role: str | None
    post: str | None
    risk: str | None
    briefing_status: str | None
    last_contact_at: datetime | None
    next_contact_due: datetime | None
    phone: str | None
    email: str | None
    address: str | None
    address_withheld: bool | None
    organisation: str | None
    overdue: bool | None


class BriefingIncident(TypedDict):
    """An attendee's or the event's recent or open incident."""

    id: str
    ref: str
    reported_at: datetime
    grade: int
    status: str
    type: str
    summary: str
    location: str
    person_id: str
    person: str | None


class IncidentExportRow(BriefingIncident):
    """An incident as the incidents export reads it."""

    adviser: str | None
    due_at: datetime
    crime_ref: str
    operation: str


class Attendee(RosterExportRow):
    """A person linked to the event, with the references of their recent incidents."""

    recent_incidents: str


class BriefingContact(AdviserRecord):
    """A named contact of the attendees, with the names of those they hold."""

    holds: str


class BriefingPack(TypedDict):
    """The content of an event's briefing pack (``briefing_data``)."""

    event: EventRecord
    attendees: list[Attendee]
    contacts: list[BriefingContact]
    incidents: list[BriefingIncident]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: str
    format: str
    rows: int
    people: int
    redacted: bool
    recipient: str = ""

    def as_dict(self) -> ExportResultDict:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "format": self.format,
            "rows": self.rows,
            "people": self.people,
            "redacted": self.redacted,
            "recipient": self.recipient,
        }


# --------------------------------------------------------------------------- cells


def neutralise(text: str) -> str:
    """Stop a spreadsheet running a cell as a formula: prefix ``'`` when it starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or their full-width forms
    (OWASP's CSV injection rule), after spaces too, and the same for each part after a
    ``;``; bidirectional overrides are shown, not obeyed (see :func:`show_bidi`)."""
    text = show_bidi(text)
    if ";" not in text:
        return _defuse(text)
    return ";".join(_defuse(part) for part in text.split(";"))


def _defuse(part: str) -> str:
    return "'" + part if part.lstrip(" ").startswith(_FORMULA_START) else part


def show_bidi(text: str) -> str:
    """Bidirectional embedding, override and isolate characters as ``<U+202E>``: they
    can make a cell or a line read differently from what it holds."""
    if not _BIDI.search(text):
        return text
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")  # the force's clock (the header says)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _md_cell(value: Any) -> str:
    """A value as literal Markdown text on one line: ``[x](http://…)`` and ``<img …>``
    show as written, never as a link, an image or HTML."""
    text = " ".join(show_bidi(_text(value)).split())
    return _MD_SPECIAL.sub(r"\\\1", text) or " "


# A table's rows are read by each column's key: any export's rows.
def render_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(c.heading) for c in columns])
    for row in rows:
        writer.writerow([neutralise(_text(row.get(c.key))) for c in columns])
    # UTF-8 with a BOM so spreadsheet programs keep accents ("Siân") intact.
    return out.getvalue().encode("utf-8-sig")


def _md_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> list[str]:
    lines = [
        "| " + " | ".join(_md_cell(c.heading) for c in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(r.get(c.key)) for c in columns) + " |" for r in rows]
    if not rows:
        lines.append("")
        lines.append("(none)")
    return lines


def _md_header(title: str, desk: Desk, recipient: str) -> list[str]:
    made = local(utcnow())
    when = f"{made:%Y-%m-%d %H:%M %Z}; times are {zone().key} time"
    if recipient:
        note = (
            f"**Disclosed to {_md_cell(recipient)}**: includes home addresses, phone numbers "
            "and email addresses. The disclosure is recorded in the desk's audit log."
        )
    else:
        note = "**Redacted**: home addresses, phone numbers and email addresses are left out."
    return [f"# {_md_cell(title)}", "", f"Made {when} by officer {desk.officer.id}.", "", note, ""]


def render_md(
    title: str,
    desk: Desk,
    recipient: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
) -> bytes:
    lines = _md_header(title, desk, recipient) + _md_table(rows, columns)
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- files


def _check_target(path: Path, *, force: bool) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"The folder {folder} does not exist; nothing was exported.")
    if path.is_dir():
        raise ValidationError(f"The path {path} is a folder; give a file name for the export.")
    if path.exists() and not force:
        raise ValidationError(
            f"The file {path} already exists; choose another name or use --force to replace it."
        )
    return folder


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder (mode 0600).

    Without ``force`` an existing file is never replaced, even one created meanwhile
    (the temporary file is hard-linked into place, which fails if the name exists).
    """
    folder = _check_target(path, force=force)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise ValidationError(
                f"The file {path} already exists; choose another name or use --force to replace it."
            ) from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise ValidationError(
                    f"The file {path} already exists; choose another name or use --force to "
                    "replace it."
                ) from None
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


# --------------------------------------------------------------------------- queries


def _adviser_filter(desk: Desk, adviser: str | None) -> str | None:
    if not adviser:
        return None
    with desk.read() as conn:
        return resolve_adviser(conn, adviser)


def _roster_query(adviser_id: str | None) -> Select[Any]:
    query = (
        select(
            PERSON,
            ADVISER.c.name.label("adviser"),
            ORGANISATION.c.name.label("organisation"),
        )
        .outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id)
        .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
        .where(PERSON.c.deleted.is_(False))
        .order_by(PERSON.c.name, PERSON.c.id)
    )
    if adviser_id:
        query = query.where(PERSON.c.adviser_id == adviser_id)
    return query


#: Left out of every export unless a supervisor discloses to a named recipient.
CONTACT_DETAILS: Final[tuple[Column, ...]] = (
    Column("phone", "phone", sensitive=True),
    Column("email", "email", sensitive=True),
    Column("address", "home_address", sensitive=True),
)
#: Where a person stands with their named contact.
CONTACT_STATE: Final[tuple[Column, ...]] = (
    Column("briefing_status", "briefing_status"),
    Column("last_contact_at", "last_contact_at"),
    Column("next_contact_due", "next_contact_due"),
)

ROSTER_COLUMNS: Final[tuple[Column, ...]] = (
    Column("id", "id"),
    Column("name", "name"),
    Column("role", "role"),
    Column("party", "party"),
    Column("organisation", "organisation"),
    Column("post", "post"),
    Column("ballot_paper_id", "ballot_paper_id"),
    Column("election_date", "election_date"),
    Column("risk", "risk"),
    Column("adviser", "named_contact"),
    *CONTACT_STATE,
    *CONTACT_DETAILS,
)

CASELOAD_COLUMNS: Final[tuple[Column, ...]] = (
    Column("adviser_id", "adviser_id"),
    Column("adviser", "adviser"),
    Column("area", "area"),
    Column("capacity", "capacity"),
    Column("id", "person_id"),
    Column("name", "name"),
    Column("role", "role"),
    Column("organisation", "organisation"),
    Column("post", "post"),
    Column("risk", "risk"),
    *CONTACT_STATE,
    Column("overdue", "contact_overdue"),
    *CONTACT_DETAILS,
)

INCIDENT_COLUMNS: Final[tuple[Column, ...]] = (
    Column("ref", "ref"),
    Column("reported_at", "reported_at"),
    Column("grade", "grade"),
    Column("status", "status"),
    Column("type", "type"),
    Column("summary", "summary"),
    Column("person", "person"),
    Column("adviser", "adviser"),
    Column("due_at", "due_at"),
    Column("crime_ref", "crime_ref"),
    Column("operation", "operation"),
    Column("location", "location", sensitive=True),
)


def _visible(columns: Sequence[Column], disclosed: bool) -> list[Column]:
    return [c for c in columns if disclosed or not c.sensitive]


def _withhold(rows: Sequence[RosterExportRow] | Sequence[CaseloadExportRow]) -> None:
    for row in rows:
        if row.get("address_withheld") and row.get("address"):
            row["address"] = WITHHELD


def _roster_rows(desk: Desk, adviser_id: str | None) -> list[RosterExportRow]:
    with desk.read() as conn:
        return typed_rows(RosterExportRow, conn.execute(_roster_query(adviser_id)).mappings())


def _caseload_rows(desk: Desk, adviser_id: str | None) -> list[CaseloadExportRow]:
    now = utcnow()
    query = (
        select(
            ADVISER.c.id.label("adviser_id"),
            ADVISER.c.name.label("adviser"),
            ADVISER.c.area,
            ADVISER.c.capacity,
            PERSON.c.id,
            PERSON.c.name,
            PERSON.c.role,
            PERSON.c.post,
            PERSON.c.risk,
            PERSON.c.briefing_status,
            PERSON.c.last_contact_at,
            PERSON.c.next_contact_due,
            PERSON.c.phone,
            PERSON.c.email,
            PERSON.c.address,
            PERSON.c.address_withheld,
            ORGANISATION.c.name.label("organisation"),
        )
        .outerjoin(PERSON, and_(PERSON.c.adviser_id == ADVISER.c.id, PERSON.c.deleted.is_(False)))
        .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
        .where(ADVISER.c.deleted.is_(False))
        .order_by(ADVISER.c.name, ADVISER.c.id, PERSON.c.name, PERSON.c.id)
    )
    if adviser_id:
        query = query.where(ADVISER.c.id == adviser_id)
    with desk.read() as conn:
        rows = typed_rows(CaseloadExportRow, conn.execute(query).mappings())
    for row in rows:
        due = row.get("next_contact_due")
        row["overdue"] = bool(due is not None and due < now) if row.get("id") else None
    return rows


def _incident_rows(desk: Desk, adviser_id: str | None) -> list[IncidentExportRow]:
    query = (
        select(
            INCIDENT.c.id,
            INCIDENT.c.ref,
            INCIDENT.c.reported_at,
            INCIDENT.c.grade,
            INCIDENT.c.status,
            INCIDENT.c.type,
            INCIDENT.c.summary,
            INCIDENT.c.person_id,
            PERSON.c.name.label("person"),
            ADVISER.c.name.label("adviser"),
            INCIDENT.c.due_at,
            INCIDENT.c.crime_ref,
            INCIDENT.c.operation,
            INCIDENT.c.location,
        )
        .outerjoin(PERSON, PERSON.c.id == INCIDENT.c.person_id)
        .outerjoin(ADVISER, ADVISER.c.id == INCIDENT.c.adviser_id)
        .where(INCIDENT.c.deleted.is_(False))
        .order_by(INCIDENT.c.reported_at.desc(), INCIDENT.c.id)
    )
    if adviser_id:
        query = query.where(INCIDENT.c.adviser_id == adviser_id)
    with desk.read() as conn:
        return typed_rows(IncidentExportRow, conn.execute(query).mappings())


# --------------------------------------------------------------------------- exports


def _recipient(desk: Desk, disclose_to: str | None) -> str:
    if disclose_to is None:
        return ""
    require_supervisor(desk, "disclose contact details in an export")
    return v.clean_text(disclose_to, field="recipient", required=True, max_len=200)


def _check_format(fmt: str) -> str:
    low = fmt.strip().lower()
    if low == "markdown":
        low = "md"
    if low not in FORMATS:
        raise ValidationError(f"Unknown format '{fmt}'; use one of: {', '.join(FORMATS)}.")
    return low


def _table_of(
    desk: Desk, kind: str, adviser_id: str | None
) -> tuple[Sequence[Mapping[str, Any]], tuple[Column, ...], str]:
    """An export's rows (addresses withheld where asked), columns and title. The rows
    are read by column key from here on, whichever export they are."""
    if kind == "roster":
        roster = _roster_rows(desk, adviser_id)
        _withhold(roster)
        return roster, ROSTER_COLUMNS, "Roster"
    if kind == "caseload":
        caseload = _caseload_rows(desk, adviser_id)
        _withhold(caseload)
        return caseload, CASELOAD_COLUMNS, "Caseloads"
    return _incident_rows(desk, adviser_id), INCIDENT_COLUMNS, "Incidents"


def _log_disclosures(
    tx: WriteTx,
    entity: str,
    ids: Sequence[str],
    fields: Sequence[str],
    recipient: str,
    what: str,
) -> None:
    """An audit event of disclosure for each record whose sensitive ``fields`` left the
    desk for ``recipient`` (s.62: each disclosure is logged against the record)."""
    for record_id in ids:
        tx.audit(
            AuditAction.DISCLOSURE, entity, record_id, fields, recipient=recipient, detail=what
        )


def export_table(
    desk: Desk,
    kind: str,
    output: Path,
    *,
    fmt: str = "csv",
    adviser: str | None = None,
    disclose_to: str | None = None,
    force: bool = False,
) -> ExportResult:
    """Export the roster, the caseloads or the incidents to ``output``."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown export '{kind}'; use one of: {', '.join(KINDS)}.")
    fmt = _check_format(fmt)
    recipient = _recipient(desk, disclose_to)
    _check_target(output, force=force)
    adviser_id = _adviser_filter(desk, adviser)
    disclosed = bool(recipient)
    rows, columns, title = _table_of(desk, kind, adviser_id)
    shown = _visible(columns, disclosed)
    data = (
        render_csv(rows, shown) if fmt == "csv" else render_md(title, desk, recipient, rows, shown)
    )

    if kind == "incidents":
        person_ids = list(dict.fromkeys(r["person_id"] for r in rows if r.get("person_id")))
    else:
        person_ids = list(dict.fromkeys(r["id"] for r in rows if r.get("id")))
    what = f"export {kind} ({fmt}) to {output.name}"
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION,
            "person",
            "",
            (),
            detail=f"{what}: listed {len(person_ids)} people",
        )
        if disclosed and kind == "incidents":
            ids = [r["id"] for r in rows if r.get("location")]
            _log_disclosures(tx, "incident", ids, ("location",), recipient, what)
        elif disclosed:
            ids = [r["id"] for r in rows if r.get("id")]
            _log_disclosures(tx, "person", ids, PERSON_SENSITIVE, recipient, what)
    write_atomic(output, data, force=force)
    return ExportResult(output, kind, fmt, len(rows), len(person_ids), not disclosed, recipient)


# --------------------------------------------------------------------------- briefing


def default_briefing_path(desk: Desk, event: str, fmt: str = "md") -> Path:
    """``briefing-<date>-<id end>.<fmt>`` in the current folder."""
    with desk.read() as conn:
        event_id = resolve_event(conn, event)
        starts = conn.execute(select(EVENT.c.starts_at).where(EVENT.c.id == event_id)).scalar()
    return briefing_filename(event_id, starts, fmt)


def briefing_filename(event_id: str, starts: datetime | None, fmt: str = "md") -> Path:
    day = local(starts).strftime("%Y-%m-%d") if isinstance(starts, datetime) else "event"
    return Path(f"briefing-{day}-{event_id.replace('-', '')[-8:]}.{_check_format(fmt)}")


ATTENDEE_COLUMNS: Final[tuple[Column, ...]] = (
    Column("name", "name"),
    Column("role", "role"),
    Column("party", "party"),
    Column("organisation", "organisation"),
    Column("post", "post"),
    Column("risk", "risk"),
    Column("briefing_status", "briefing_status"),
    Column("adviser", "named_contact"),
    Column("recent_incidents", "recent_incidents"),
    *CONTACT_DETAILS,
)
CONTACT_COLUMNS: Final[tuple[Column, ...]] = (
    Column("name", "named_contact"),
    Column("area", "area"),
    Column("holds", "attendees_held"),
    *CONTACT_DETAILS[:2],  # phone and email: an adviser's home address is not held
)
BRIEFING_INCIDENT_COLUMNS: Final[tuple[Column, ...]] = (
    Column("ref", "ref"),
    Column("reported_at", "reported_at"),
    Column("grade", "grade"),
    Column("status", "status"),
    Column("type", "type"),
    Column("person", "person"),
    Column("summary", "summary"),
    Column("location", "location", sensitive=True),
)


def briefing_data(desk: Desk, event: str, *, days: int = BRIEFING_INCIDENT_DAYS) -> BriefingPack:
    """The content of an event's briefing pack (unredacted; callers redact).

    ``attendees``: people linked to the event with their risk and named contact;
    ``contacts``: those advisers; ``incidents``: the attendees' incidents (as
    reporting or linked person) and the event's own, reported in the last ``days``
    days or still open, newest first.
    """
    since = utcnow() - timedelta(days=days)
    with desk.read() as conn:
        event_id = resolve_event(conn, event)
        ev = typed_row(
            EventRecord, conn.execute(select(EVENT).where(EVENT.c.id == event_id)).mappings().one()
        )
        attendees = typed_rows(
            Attendee,
            conn.execute(
                select(
                    PERSON,
                    ADVISER.c.name.label("adviser"),
                    ORGANISATION.c.name.label("organisation"),
                )
                .join(EVENT_PERSON, EVENT_PERSON.c.person_id == PERSON.c.id)
                .outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id)
                .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
                .where(EVENT_PERSON.c.event_id == event_id, PERSON.c.deleted.is_(False))
                .order_by(PERSON.c.name, PERSON.c.id)
            ).mappings(),
        )  # ``recent_incidents`` is filled in below
        ids = [a["id"] for a in attendees]
        adviser_ids = sorted({a["adviser_id"] for a in attendees if a["adviser_id"]})
        contacts = typed_rows(
            BriefingContact,
            conn.execute(
                select(ADVISER)
                .where(ADVISER.c.id.in_(adviser_ids), ADVISER.c.deleted.is_(False))
                .order_by(ADVISER.c.name, ADVISER.c.id)
            ).mappings(),
        )  # ``holds`` is filled in below
        linked = select(INCIDENT_PERSON.c.incident_id).where(INCIDENT_PERSON.c.person_id.in_(ids))
        incidents = typed_rows(
            BriefingIncident,
            conn.execute(
                select(
                    INCIDENT.c.id,
                    INCIDENT.c.ref,
                    INCIDENT.c.reported_at,
                    INCIDENT.c.grade,
                    INCIDENT.c.status,
                    INCIDENT.c.type,
                    INCIDENT.c.summary,
                    INCIDENT.c.location,
                    INCIDENT.c.person_id,
                    PERSON.c.name.label("person"),
                )
                .outerjoin(PERSON, PERSON.c.id == INCIDENT.c.person_id)
                .where(
                    INCIDENT.c.deleted.is_(False),
                    or_(
                        INCIDENT.c.person_id.in_(ids),
                        INCIDENT.c.id.in_(linked),
                        INCIDENT.c.event_id == event_id,
                    ),
                    or_(
                        INCIDENT.c.reported_at >= since,
                        INCIDENT.c.status.in_([str(s) for s in OPEN_STATUSES]),
                    ),
                )
                .order_by(INCIDENT.c.reported_at.desc(), INCIDENT.c.id)
            ).mappings(),
        )
    by_person: dict[str, list[str]] = {}
    for inc in incidents:
        if inc["person_id"]:
            by_person.setdefault(inc["person_id"], []).append(inc["ref"])
    for a in attendees:
        a["recent_incidents"] = ", ".join(by_person.get(a["id"], [])) or ""
    names = {a["id"]: a["name"] for a in attendees}
    for c in contacts:
        c["holds"] = ", ".join(names[a["id"]] for a in attendees if a["adviser_id"] == c["id"])
    return {"event": ev, "attendees": attendees, "contacts": contacts, "incidents": incidents}


def export_briefing(
    desk: Desk,
    event: str,
    output: Path,
    *,
    fmt: str = "md",
    disclose_to: str | None = None,
    force: bool = False,
    days: int = BRIEFING_INCIDENT_DAYS,
) -> ExportResult:
    """Write the briefing pack for an event: who attends, their risk, their named
    contacts, recent incidents. Markdown (the pack) or CSV (the attendee table)."""
    fmt = _check_format(fmt)
    recipient = _recipient(desk, disclose_to)
    _check_target(output, force=force)
    pack = briefing_data(desk, event, days=days)
    disclosed = bool(recipient)
    ev, attendees = pack["event"], pack["attendees"]
    contacts, incidents = pack["contacts"], pack["incidents"]
    _withhold(attendees)
    if fmt == "csv":
        data = render_csv(attendees, _visible(ATTENDEE_COLUMNS, disclosed))
    else:
        lines = _md_header(f"Briefing pack: {ev['title']}", desk, recipient)
        stored: Mapping[str, Any] = ev  # its masked fields, by name
        shown = {f: stored[f] if disclosed else REDACTED for f in EVENT_SENSITIVE}
        lines += [
            "## The event",
            "",
            f"- **Reference**: {event_ref(ev['id'])}",
            f"- **When**: {local(ev['starts_at']):%Y-%m-%d %H:%M %Z}"
            + (f" to {local(ends):%Y-%m-%d %H:%M %Z}" if (ends := ev.get("ends_at")) else ""),
            f"- **Where**: {_md_cell(shown['place'])}",
            f"- **Organiser**: {_md_cell(shown['organiser'])}",
            f"- **Organiser's contact**: {_md_cell(shown['organiser_contact'])}",
            f"- **Notice**: {notice(ev['starts_at'], ev['notice_received_at']).describe()}",
            f"- **Kind**: {_md_cell(ev['kind'])}",
            f"- **Risk**: {_md_cell(ev['risk'])}"
            + (f" ({_md_cell(ev['risk_reason'])})" if ev.get("risk_reason") else ""),
            f"- **Patrol requested**: {_text(bool(ev['patrol_requested']))}"
            + (f", {hours(ev['patrol_minutes'])} h" if ev.get("patrol_minutes") else ""),
            f"- **Expected attendance**: {_md_cell(ev['attendance'])}",
            "",
            f"## Who attends ({len(attendees)})",
            "",
            *_md_table(attendees, _visible(ATTENDEE_COLUMNS, disclosed)),
            "",
            f"## Named contacts ({len(contacts)})",
            "",
            *_md_table(contacts, _visible(CONTACT_COLUMNS, disclosed)),
            "",
            f"## Recent incidents ({len(incidents)}: open, or reported in the last {days} days)",
            "",
            *_md_table(incidents, _visible(BRIEFING_INCIDENT_COLUMNS, disclosed)),
        ]
        data = ("\n".join(lines) + "\n").encode("utf-8")

    what = f"briefing pack ({fmt}) to {output.name}"
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION,
            "event",
            ev["id"],
            (),
            detail=f"{what}: listed {len(attendees)} people",
        )
        if disclosed:
            if fmt == "md":
                _log_disclosures(tx, "event", [ev["id"]], EVENT_SENSITIVE, recipient, what)
            ids = [a["id"] for a in attendees]
            _log_disclosures(tx, "person", ids, PERSON_SENSITIVE, recipient, what)
            if fmt == "md":
                ids = [c["id"] for c in contacts]
                _log_disclosures(tx, "adviser", ids, ADVISER_SENSITIVE, recipient, what)
                ids = [i["id"] for i in incidents if i.get("location")]
                _log_disclosures(tx, "incident", ids, ("location",), recipient, what)
    write_atomic(output, data, force=force)
    return ExportResult(
        output, "briefing", fmt, len(attendees), len(attendees), not disclosed, recipient
    )
