"""Protective monitoring over the s.62 log: who consulted, altered or disclosed one
person's data (``who``), and the patterns a reviewer must see (``monitor``).

The rules read only the audit log and, for the last rule, whether a person has an
incident or a contact. Each finding names an officer and, at most, a person's id (never
a name): a reviewer follows it up with ``audit who``. Reading either is itself logged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from deskapp.db import access_log
from deskapp.db.desk import Desk
from deskapp.db.rows import typed_rows
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import PERSON
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.vocabulary import AuditAction
from deskapp.domain.wording import count
from deskapp.services.audit_log import AuditEntry, AuditFilter, AuditLogRow, audit_query
from deskapp.services.lookup import resolve_id

#: What each kind of s.62 operation means to someone asking "who touched my data?".
WHO_KINDS = {
    AuditAction.CONSULTATION: "consulted",
    AuditAction.COLLECTION: "recorded",
    AuditAction.ALTERATION: "altered",
    AuditAction.COMBINATION: "combined",
    AuditAction.DISCLOSURE: "disclosed",
    AuditAction.ERASURE: "erased",
}


@dataclass(frozen=True)
class Rules:
    """The thresholds, each configurable (``deskapp audit monitor --help``)."""

    reveals_per_hour: int = 20  # more reveals than this by one officer in any hour
    working_from: int = 7  # consultations before this hour (local time) are out of hours
    working_to: int = 19  # ... and from this hour on
    bulk_people: int = 100  # an export listing at least this many people is bulk
    failed_unlocks: int = 3  # this many wrong passphrases in a row
    zone: str | None = None  # the hours' clock; None: the desk's (settings: timezone)

    def __post_init__(self) -> None:
        if not 0 <= self.working_from < self.working_to <= 24:
            raise ValidationError("Working hours must run from an earlier hour to a later one.")
        if min(self.reveals_per_hour, self.bulk_people, self.failed_unlocks) < 1:
            raise ValidationError("Each monitoring threshold must be at least 1.")


class AuditEventRow(AuditEntry):
    """An event of the s.62 log as stored (``db.tables.AuditEvent``)."""

    site_id: str
    prev_hash: str
    hash: str


class WhoEvent(AuditLogRow):
    """An event about a person (``who``), with ``what`` was done in words."""

    what: str


class FindingDict(TypedDict):
    """A finding as ``--json`` prints it (``Finding.as_dict``)."""

    rule: str
    officer_id: str
    at: str
    count: int
    detail: str
    person_id: str


@dataclass(frozen=True)
class Finding:
    rule: str
    officer_id: str
    at: datetime  # the first event of the pattern
    count: int
    detail: str
    person_id: str = ""

    def as_dict(self) -> FindingDict:
        return {
            "rule": self.rule,
            "officer_id": self.officer_id,
            "at": self.at.isoformat(),
            "count": self.count,
            "detail": self.detail,
            "person_id": self.person_id,
        }


def _person(conn: Any, person: str) -> str:
    """The person ``person`` names: an id or id prefix, or their full name as recorded
    (a data protection officer is asked about a person by name, and may not look
    through the roster for their id). Several of that name: refused, with their ids."""
    try:
        return resolve_id(conn, PERSON, person, label="person")
    except NotFound:
        named = conn.execute(
            select(PERSON.c.id, PERSON.c.role)
            .where(func.lower(PERSON.c.name) == person.strip().lower())
            .order_by(PERSON.c.id)
        ).all()
        if len(named) == 1:
            return str(named[0].id)
        if named:
            ids = "; ".join(f"{row.id} ({row.role})" for row in named)
            raise ValidationError(
                f"More than one person is named {person.strip()!r}: give one's id ({ids})."
            ) from None
        raise NotFound(f"No person with the id or the name {person.strip()!r}.") from None


def who(desk: Desk, person: str) -> tuple[str, list[WhoEvent]]:
    """Every event about ``person`` (id, id prefix or full name) or their incidents,
    oldest first: ``(person_id, events)``, each event with ``what`` (consulted, altered,
    disclosed...)."""
    with desk.read() as conn:
        person_id = _person(conn, person)
        query = audit_query(flt=AuditFilter(person_id=person_id)).order_by(None)
        rows = typed_rows(WhoEvent, conn.execute(query.order_by(AUDIT.c.seq)).mappings())
    for row in rows:
        row["what"] = WHO_KINDS.get(AuditAction(row["action"]), row["action"])
    desk.log(AuditAction.CONSULTATION, "person", person_id, (), detail="audit who")
    return person_id, rows


def _bounds(since: date | None, until: date | None) -> tuple[datetime, datetime]:
    start = datetime.combine(since or date(1970, 1, 1), time(), tzinfo=UTC)
    end = datetime.combine((until or date(9999, 12, 30)) + timedelta(days=1), time(), tzinfo=UTC)
    return start, end


def _reveals(events: list[AuditEventRow], rules: Rules) -> list[Finding]:
    by_officer: dict[str, list[datetime]] = defaultdict(list)
    for e in events:
        if e["action"] == AuditAction.CONSULTATION and "revealed" in e["detail"]:
            by_officer[e["officer_id"]].append(e["at"])
    found = []
    for officer, times in by_officer.items():
        start = 0
        worst, worst_at = 0, times[0]
        for end, at in enumerate(times):  # a window of one hour sliding over the reveals
            while at - times[start] > timedelta(hours=1):
                start += 1
            if end - start + 1 > worst:
                worst, worst_at = end - start + 1, times[start]
        if worst > rules.reveals_per_hour:
            found.append(
                Finding(
                    "reveal rate",
                    officer,
                    worst_at,
                    worst,
                    f"{worst} reveals within an hour (more than {rules.reveals_per_hour})",
                )
            )
    return found


def _reviewing(event: AuditEventRow) -> bool:
    """A reviewer's own look (the audit log read, monitoring run, ``audit who``): the
    patterns are about people's data, and a data protection officer working late must
    not find their review flagged as the thing reviewed."""
    return bool(event["entity"] == "audit_event" or event["detail"] == "audit who")


def _out_of_hours(events: list[AuditEventRow], rules: Rules, zone: ZoneInfo) -> list[Finding]:
    days: dict[tuple[str, date], list[datetime]] = defaultdict(list)
    for e in events:
        if e["action"] != AuditAction.CONSULTATION or _reviewing(e):
            continue
        local = e["at"].astimezone(zone)
        if not rules.working_from <= local.hour < rules.working_to:
            days[e["officer_id"], local.date()].append(e["at"])
    return [
        Finding(
            "out of hours",
            officer,
            times[0],
            len(times),
            f"{count(len(times), 'consultation')} on {day.isoformat()} outside "
            f"{rules.working_from:02d}:00-{rules.working_to:02d}:00 ({zone.key})",
        )
        for (officer, day), times in sorted(days.items())
    ]


def _bulk_exports(events: list[AuditEventRow], rules: Rules) -> list[Finding]:
    found = []
    disclosures: dict[tuple[str, str, datetime], int] = defaultdict(int)
    for e in events:
        detail = e["detail"]
        if e["action"] == AuditAction.DISCLOSURE and detail.startswith("export"):
            disclosures[e["officer_id"], e["recipient"], e["at"]] += 1
        if e["action"] == AuditAction.CONSULTATION and detail.startswith("export "):
            listed = detail.rsplit(": listed ", 1)
            people = int(listed[1].split()[0]) if len(listed) == 2 else 0
            if people >= rules.bulk_people:
                found.append(
                    Finding(
                        "bulk export",
                        e["officer_id"],
                        e["at"],
                        people,
                        f"an export listing {people} people ({listed[0]})",
                    )
                )
    for (officer, _recipient, at), n in disclosures.items():
        if n >= rules.bulk_people:
            found.append(
                Finding("bulk export", officer, at, n, f"{n} people disclosed in one export")
            )
    return found


def _failed_unlocks(events: list[AuditEventRow], rules: Rules) -> list[Finding]:
    found = []
    for e in events:
        n = access_log.failed_count(e["detail"]) if e["action"] == AuditAction.ACCESS else 0
        if n >= rules.failed_unlocks:
            found.append(
                Finding(
                    "failed unlocks",
                    e["officer_id"],
                    e["at"],
                    n,
                    f"{n} wrong passphrases in a row before this unlock (any officer)",
                )
            )
    return found


_UNCONNECTED = text(
    """
    SELECT id FROM person p
    WHERE id IN (SELECT value FROM json_each(:ids))
      AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.person_id = p.id AND i.deleted = 0)
      AND NOT EXISTS (SELECT 1 FROM incident_person l WHERE l.person_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.person_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM event_person e WHERE e.person_id = p.id)
    """
)


def _unconnected(desk: Desk, events: list[AuditEventRow]) -> list[Finding]:
    consulted: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for e in events:
        if (
            e["action"] == AuditAction.CONSULTATION
            and e["entity"] == "person"
            and e["entity_id"]
            and not _reviewing(e)
        ):
            consulted[e["officer_id"], e["entity_id"]].append(e["at"])
    if not consulted:
        return []
    with desk.read() as conn:
        ids = json.dumps(sorted({person for _, person in consulted}))
        lonely = set(conn.execute(_UNCONNECTED, {"ids": ids}).scalars())
    return [
        Finding(
            "no incident or contact",
            officer,
            times[0],
            len(times),
            f"consulted {count(len(times), 'time')} a person with no incident, contact or event",
            person,
        )
        for (officer, person), times in sorted(consulted.items())
        if person in lonely
    ]


def monitor(
    desk: Desk, since: date | None = None, until: date | None = None, rules: Rules | None = None
) -> list[Finding]:
    """Every finding in the period (whole days, UTC), in time order; logged."""
    rules = rules or Rules()
    zone = ZoneInfo(rules.zone) if rules.zone else desk.settings.zone
    start, end = _bounds(since, until)
    with desk.read() as conn:
        query = select(AUDIT).where(AUDIT.c.at >= start, AUDIT.c.at < end).order_by(AUDIT.c.seq)
        events = typed_rows(AuditEventRow, conn.execute(query).mappings())
    findings = [
        *_reveals(events, rules),
        *_out_of_hours(events, rules, zone),
        *_bulk_exports(events, rules),
        *_failed_unlocks(events, rules),
        *_unconnected(desk, events),
    ]
    findings.sort(key=lambda f: (f.at, f.rule))
    desk.log(
        AuditAction.CONSULTATION,
        "audit_event",
        detail=f"audit monitor: {count(len(findings), 'finding')}",
    )
    return findings
