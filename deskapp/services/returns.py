"""The statistics return a force sends the Home Office and the NPCC: aggregates only.

Each table is read once, index-only: the incidents with their first status moves, every
person's role and party, the roster as SQLite counts it, the people contacted, events and
councils. One pass over the incidents serves every incident section, where a ``GROUP BY``
per section would read them seven times (``bench/returns.py`` measures it against one pass
over the incidents). No name or id leaves this module: rows are labelled by vocabulary
(type, grade, status, role), by party, or by council.

Definitions (stated in the return's notes too):
- an incident is in the period when it was *reported* in it;
- *triaged*: its first status move out of ``new``; *responded*: its first move to
  in progress, escalated, referred, resolved or closed; both are measured from the
  report and against the incident's own due time (its grade's target when graded);
- *outcome*: open, referred, resolved with a crime recorded (a crime reference), or
  resolved without one (resolved and closed alike);
- coverage counts the people on the roster at the end of the period; *briefed*: their
  briefing status (the person's, as DESIGN.md has it) marked done by the end of the
  period: people, not briefing contacts, which log calls about a briefing as much as the
  briefing itself; the median days to first contact is over those who arrived on the
  desk in the period and were contacted by its end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import repeat
from operator import itemgetter, le

from sqlalchemy import Connection, text

from deskapp.db.desk import Desk
from deskapp.db.rows import driver_rows
from deskapp.db.types import to_sqlite
from deskapp.domain.errors import ValidationError
from deskapp.domain.events import NOTICE_HOURS
from deskapp.domain.grading import GRADE_NAMES
from deskapp.domain.returns import (
    SUPPRESSION_NOTE,
    Cell,
    Return,
    Table,
    based,
    count,
    median,
    percentile,
    plain,
    pounds,
    protect_together,
    share,
)
from deskapp.domain.vocabulary import (
    EventKind,
    IncidentType,
    OperationFlag,
    PersonRole,
    Status,
)
from deskapp.services import returns_measures

#: A status move to one of these is the response to an incident.
RESPONSE_STATUSES = (
    Status.IN_PROGRESS,
    Status.ESCALATED,
    Status.REFERRED,
    Status.RESOLVED,
    Status.CLOSED,
)
#: A status move (``Status a -> b``, as services/incidents writes it) that is a response.
RESPONDED = " OR ".join(f"text LIKE '%-> {s}'" for s in RESPONSE_STATUSES)
OPEN_STATUSES = frozenset(
    {Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ESCALATED}
)
OUTCOMES = ("open", "referred", "resolved, crime recorded", "resolved, no crime recorded")
ROLE_LABELS = {
    PersonRole.CANDIDATE: "Candidate",
    PersonRole.COUNCILLOR: "Councillor",
    PersonRole.MAYOR: "Mayor",
    PersonRole.PCC: "PCC",
    PersonRole.MP: "MP",
    PersonRole.OTHER: "Other",
}
ROLE_BY_VALUE = {str(role): label for role, label in ROLE_LABELS.items()}
NO_PARTY = "(none recorded)"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Period:
    """From the start of ``start`` to the end of ``end`` (UTC days)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("The return's --to date is before its --from date.")

    @property
    def since(self) -> str:
        return str(to_sqlite(datetime.combine(self.start, time(), tzinfo=UTC)))

    @property
    def until(self) -> str:
        """The first moment after the period (exclusive)."""
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)
        return str(to_sqlite(after))

    def params(self) -> dict[str, str]:
        return {"since": self.since, "until": self.until}

    def describe(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


# --------------------------------------------------------------------------- reading

# SQLite's julianday() reads the stored text; differences in days times 1440 are minutes.
# Each read is index-only (migration 0012): no incident's or person's row is decrypted.
_SEP = "\x1f"  # the unit separator: in no vocabulary
_INCIDENTS = f"""
SELECT i.type || char(31) || i.grade || char(31) || i.status || char(31)
       || (i.crime_ref != '') || char(31) || i.operation,
       i.person_id, i.grade,
       (julianday(i.due_at) - julianday(i.reported_at)) * 1440,
       (julianday(t.triaged) - julianday(i.reported_at)) * 1440,
       (julianday(t.responded) - julianday(i.reported_at)) * 1440
FROM incident i INDEXED BY ix_incident_return
LEFT JOIN (
    SELECT incident_id,
           min(at) AS triaged,
           min(at) FILTER (WHERE {RESPONDED}) AS responded
    FROM timeline_entry WHERE kind = 'status' GROUP BY incident_id
) t ON t.incident_id = i.id
WHERE i.deleted = 0 AND i.reported_at >= :since AND i.reported_at < :until
"""

# Every person's role and party, for the incidents: one pass over the covering index and
# a dictionary cost less than a search of that index per incident.
_LABELS = "SELECT id, role, party FROM person INDEXED BY ix_person_return"

#: When person ``p``'s briefing was marked done (stored-time text; NULL: not done): the
#: last change of their briefing status, from its field version's clock, or their arrival
#: on the desk if they came with it.
BRIEFED_AT = """CASE WHEN p.briefing_status = 'done' THEN coalesce(
    (SELECT strftime('%Y-%m-%d %H:%M:%f', (v.hlc >> 16) / 1000.0, 'unixepoch') || '000'
     FROM field_version v
     WHERE v.entity = 'person' AND v.row_id = p.id AND v.field = 'briefing_status'),
    p.created_at) END"""

_ON_ROSTER = "p.deleted = 0 AND p.merged_into IS NULL AND p.created_at < :until"
# The roster counted by SQLite, without its contacts ...
_ROSTER = f"""
SELECT p.role, p.adviser_id IS NOT NULL, coalesce({BRIEFED_AT} < :until, 0),
       p.created_at >= :since, count(*)
FROM person p INDEXED BY ix_person_return WHERE {_ON_ROSTER}
GROUP BY 1, 2, 3, 4
"""
# ... and those of it contacted by the end of the period, one row each (the days to first
# contact are wanted one by one, for the median).
_CONTACTED = f"""
SELECT p.role, p.adviser_id IS NOT NULL, coalesce({BRIEFED_AT} < :until, 0),
       p.created_at >= :since, julianday(c.first_at) - julianday(p.created_at)
FROM (SELECT person_id, min(at) AS first_at FROM contact WHERE at < :until GROUP BY person_id) c
JOIN person p INDEXED BY ix_person_return ON p.id = c.person_id
WHERE {_ON_ROSTER}
"""

#: A person's place on the roster: (role, named contact, contacted, briefed, arrived).
RosterKey = tuple[str, bool, bool, bool, bool]


@dataclass
class People:
    """Every person as the return needs them: ``labels`` maps an id to (role, party) for
    the incidents; ``roster`` counts those on the roster by (role, named contact,
    contacted, briefed, arrived in the period); ``days`` the days to first contact of
    those who arrived, by role."""

    labels: dict[str, tuple[str, str]]
    roster: Counter[RosterKey]
    days: dict[str, list[float]]


def read_people(conn: Connection, period: Period) -> People:
    params = period.params()
    role_label = ROLE_BY_VALUE.get
    labels = {
        pid: (role_label(role, UNKNOWN), party)
        for pid, role, party in driver_rows(conn, _LABELS, {})
    }
    roster: Counter[RosterKey] = Counter()
    for role, named, done, arrived, n in driver_rows(conn, _ROSTER, params):
        roster[(role_label(role, UNKNOWN), bool(named), False, bool(done), bool(arrived))] += n
    days: dict[str, list[float]] = defaultdict(list)
    for role, named, done, arrived, to_first in driver_rows(conn, _CONTACTED, params):
        label = role_label(role, UNKNOWN)
        # Counted above as not contacted: moved to the contacted.
        roster[(label, bool(named), False, bool(done), bool(arrived))] -= 1
        roster[(label, bool(named), True, bool(done), bool(arrived))] += 1
        if arrived and to_first is not None:
            days[label].append(max(0.0, to_first))
    return People(labels, +roster, days)


_EVENTS = """
SELECT kind, patrol_requested, patrol_minutes, patrol_additional_pence,
       patrol_opportunity_pence,
       notice_received_at IS NULL,
       (julianday(starts_at) - julianday(notice_received_at)) * 24 < :notice_hours
FROM event
WHERE deleted = 0 AND starts_at >= :since AND starts_at < :until
"""

_COUNCILS = """
SELECT name, share_request_status FROM organisation
WHERE deleted = 0 AND kind = 'council' ORDER BY name
"""


#: Cells of two tables that count the same incidents (hidden in one, hidden in both).
SAME_COUNTS: tuple[tuple[Cell, Cell], ...] = (
    (
        ("Incidents by status", str(Status.REFERRED), "Incidents"),
        ("Incidents by outcome", OUTCOMES[1], "Incidents"),
    ),
)


def _outcome(status: str, crime_recorded: bool) -> str:
    if status in OPEN_STATUSES:
        return OUTCOMES[0]
    if status == Status.REFERRED:
        return OUTCOMES[1]
    return OUTCOMES[2] if crime_recorded else OUTCOMES[3]


def _counted(title: str, heading: str, counts: Counter[str], order: Iterable[str]) -> Table:
    """A table of one count per label: the vocabulary's order first (every label, zeros
    too, so returns line up period to period), then any other label found, sorted."""
    table = Table(title, (heading, "Incidents"), total="Total")
    seen = list(order)
    for label in seen + sorted(set(counts) - set(seen)):
        table.add(label, count(counts.get(label, 0)))
    table.add("Total", count(sum(counts.values())))
    return table


def _timing(label: str, times: list[float], targets: list[float], table: Table) -> None:
    """Share within target, median and 90th percentile of ``times`` (minutes)."""
    met = sum(map(le, times, targets))
    n = len(times)
    table.add(
        label,
        count(n),
        share(met, n),
        based(median(times), n),
        based(percentile(times, 90), n),
    )


def incident_tables(conn: Connection, period: Period, people: People) -> list[Table]:
    rows = driver_rows(conn, _INCIDENTS, period.params())
    nobody = (UNKNOWN, "")
    # Counted by the interpreter's C iterators, the incidents' vocabulary as one string and
    # their people's (role, party) apart: a key built in Python per incident had cost
    # more than the query. Then spread over the tables.
    combos = Counter(map(itemgetter(0), rows))
    by_who = Counter(map(people.labels.get, map(itemgetter(1), rows), repeat(nobody)))
    by_type: Counter[str] = Counter()
    by_grade: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    by_party: Counter[str] = Counter()
    by_operation: Counter[str] = Counter()
    for combo, n in combos.items():
        kind, grade_text, status, crime, operation = combo.split(_SEP)
        grade = int(grade_text)
        by_type[kind] += n
        by_grade[f"G{grade} {GRADE_NAMES.get(grade, '')}".strip()] += n
        by_status[status] += n
        by_outcome[_outcome(status, crime == "1")] += n
        by_operation[operation] += n
    for (role, party), n in by_who.items():
        by_role[role] += n
        by_party[(party or "").strip() or NO_PARTY] += n
    triage: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    response: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for _c, _p, grade, target, triaged, responded in rows:
        if triaged is not None:
            triage[grade][0].append(triaged)
            triage[grade][1].append(target)
        if responded is not None:
            response[grade][0].append(responded)
            response[grade][1].append(target)

    grades = [f"G{g} {name}" for g, name in GRADE_NAMES.items()]
    operations = Table(
        "Operation Ford and Operation Bridger",
        ("Operation", "Incidents"),
        note="Ford: councillors, mayors, PCCs and their candidates; Bridger: MPs and "
        "parliamentary candidates.",
        total="Total",
    )
    for flag, label in (
        (OperationFlag.FORD, "Operation Ford"),
        (OperationFlag.BRIDGER, "Operation Bridger"),
        (OperationFlag.NONE, "Not flagged"),
    ):
        operations.add(label, count(by_operation.get(flag, 0)))
    operations.add("Total", count(by_operation.total()))

    timing_columns = ("Grade", "Incidents", "Within target (%)", "Median (min)", "90th pct (min)")
    triage_table = Table(
        "Time to triage by grade",
        timing_columns,
        note="From the report to the first status move out of 'new'; the target is the "
        "incident's due time (its grade's target). Incidents not yet triaged are not counted.",
    )
    response_table = Table(
        "Time to response by grade",
        timing_columns,
        note="From the report to the first move to in progress, escalated, referred, "
        "resolved or closed, against the incident's due time.",
    )
    for grade in GRADE_NAMES:
        label = f"G{grade} {GRADE_NAMES[grade]}"
        _timing(label, *triage[grade], table=triage_table)
        _timing(label, *response[grade], table=response_table)
    return [
        _counted("Incidents by type", "Type", by_type, [str(t) for t in IncidentType]),
        _counted("Incidents by grade", "Grade", by_grade, grades),
        _counted("Incidents by status", "Status", by_status, [str(s) for s in Status]),
        _counted("Incidents by outcome", "Outcome", by_outcome, OUTCOMES),
        _counted("Incidents by role of the person", "Role", by_role, list(ROLE_LABELS.values())),
        _counted("Incidents by party", "Party", by_party, []),
        operations,
        triage_table,
        response_table,
    ]


def coverage_table(people: People) -> Table:
    table = Table(
        "Coverage by role",
        (
            "Role",
            "People",
            "Named contact",
            "First contact made",
            "Briefing given",
            "Arrived in period",
            "Median days to first contact",
        ),
        note="People on the roster at the end of the period. Briefing given: people whose "
        "briefing status was marked done by the end of the period. Median days: from "
        "arriving on the desk to the first contact, for those who arrived in the period and "
        "were contacted by its end.",
        total="Total",
    )
    on_roster: Counter[str] = Counter()
    named: Counter[str] = Counter()
    contacted: Counter[str] = Counter()
    briefed: Counter[str] = Counter()
    arrived: Counter[str] = Counter()
    for (label, has_named, has_contact, has_briefing, is_new), n in people.roster.items():
        on_roster[label] += n
        named[label] += n * has_named
        contacted[label] += n * has_contact
        briefed[label] += n * has_briefing
        arrived[label] += n * is_new
    days = people.days
    all_days = [d for values in days.values() for d in values]
    for label in [*ROLE_LABELS.values(), "Total"]:
        if label == "Total":
            row = (on_roster.total(), named.total(), contacted.total(), briefed.total())
            came, spans = arrived.total(), all_days
        else:
            row = (on_roster[label], named[label], contacted[label], briefed[label])
            came, spans = arrived[label], days.get(label, [])
        table.add(
            label,
            *(count(n) for n in row),
            count(came),
            based(median(spans), len(spans)),
        )
    return table


def events_table(conn: Connection, period: Period) -> Table:
    table = Table(
        "Events and patrols",
        (
            "Kind",
            "Events",
            "Short notice",
            "No notice recorded",
            "Patrols requested",
            "Patrol hours",
            "Additional cost (£)",
            "Opportunity cost (£)",
        ),
        note=f"Events starting in the period. Short notice: told less than {NOTICE_HOURS} "
        "hours before the start. A special-grant claim counts the additional cost only.",
        total="Total",
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    rows = conn.execute(text(_EVENTS), {**period.params(), "notice_hours": NOTICE_HOURS})
    for kind, patrol, minutes, extra, opportunity, no_notice, short in rows:
        for key in (kind, "Total"):
            t = totals[key]
            t[0] += 1
            t[1] += bool(short) and not no_notice
            t[2] += bool(no_notice)
            t[3] += bool(patrol)
            t[4] += minutes or 0
            t[5] += extra or 0
            t[6] += opportunity or 0
    kinds = [str(k) for k in EventKind]
    for kind in [*kinds, *sorted(set(totals) - {*kinds, "Total"}), "Total"]:
        t = totals[kind]
        table.add(
            kind,
            count(t[0]),
            count(t[1]),
            count(t[2]),
            count(t[3]),
            plain(round(t[4] / 60, 2)),
            pounds(t[5]),
            pounds(t[6]),
        )
    return table


def sharing_tables(conn: Connection) -> list[Table]:
    councils = list(conn.execute(text(_COUNCILS)))
    summary = Table(
        "Returning officers' data sharing",
        ("Request", "Councils"),
        note="Whether each council's returning officer was asked to share candidates' "
        "contact details, as things stand now.",
    )
    statuses = Counter(status for _, status in councils)
    for status in ("not-requested", "requested", "agreed", "refused"):
        summary.add(status, plain(statuses.get(status, 0)))
    by_council = Table("Data sharing by council", ("Council", "Request"))
    for name, status in councils:
        by_council.add(name, plain(status))
    # Councils are public bodies, not people: their counts and names are not suppressed.
    return [summary, by_council]


def compute(desk: Desk, period: Period) -> Return:
    """The whole return for ``period``, read in one snapshot."""
    result = Return(
        "Statistics return: elected officials' duty desk",
        period.describe(),
        notes=[
            "Aggregates only: no names and no ids of people.",
            SUPPRESSION_NOTE,
        ],
    )
    with desk.read() as conn:
        people = read_people(conn, period)
        result.tables.extend(incident_tables(conn, period, people))
        result.tables.append(coverage_table(people))
        result.tables.append(returns_measures.measures_table(conn, period))
        result.tables.extend(sharing_tables(conn))
        result.tables.append(events_table(conn, period))
    protect_together(result.tables, SAME_COUNTS)
    return result
