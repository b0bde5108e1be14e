"""The figures the dashboard pane draws: how the desk is doing, at a glance.

Four small reads, each one pass over its table: incidents a week by grade; the share
responded to within target by grade; coverage week by week (people on the roster,
contacted and briefed by then: briefing status done); open incidents by adviser. The
dashboard is inside the app, for officers, so advisers are named; it holds nothing about
any one person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, text

from deskapp.db.desk import Desk
from deskapp.db.types import to_sqlite
from deskapp.domain.wording import count
from deskapp.services.returns import BRIEFED_AT, RESPONDED

WEEKS = 12
ADVISERS = 8  # the most loaded; the rest are summed as "others"
#: The tables the figures are read from: a commit to any makes them stale.
TABLES = ("incident", "timeline_entry", "person", "contact", "adviser")


@dataclass
class Dashboard:
    weeks: list[date] = field(default_factory=list)  # each week's Monday, oldest first
    #: ``generation(desk)`` when the figures were read (see ``Desk.generations``).
    generation: int = 0
    #: grade -> incidents reported in each week
    by_grade: dict[int, list[int]] = field(default_factory=dict)
    #: grade -> (responded within target, responded) over the weeks shown
    within_target: dict[int, tuple[int, int]] = field(default_factory=dict)
    roster: list[int] = field(default_factory=list)  # people on the roster at each week's end
    contacted: list[int] = field(default_factory=list)
    briefed: list[int] = field(default_factory=list)
    open_by_adviser: list[tuple[str, int]] = field(default_factory=list)


def _weeks(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def _stamp(day: date) -> str:
    return str(to_sqlite(datetime.combine(day, time(), tzinfo=UTC)))


BEFORE, AFTER = -1, WEEKS


def _week_index(weeks: list[date], stamp: str) -> int:
    """Which of ``weeks`` the stored time falls in: BEFORE the first, AFTER the last."""
    day = date.fromisoformat(stamp[:10])
    if day < weeks[0]:
        return BEFORE
    return min((day - weeks[0]).days // 7, AFTER)


_INCIDENTS = f"""
SELECT i.grade, i.reported_at,
       (julianday(t.responded) - julianday(i.reported_at)) * 1440,
       (julianday(i.due_at) - julianday(i.reported_at)) * 1440
FROM incident i
LEFT JOIN (
    SELECT incident_id,
           min(at) FILTER (WHERE {RESPONDED}) AS responded
    FROM timeline_entry WHERE kind = 'status' AND at >= :since GROUP BY incident_id
) t ON t.incident_id = i.id
WHERE i.deleted = 0 AND i.reported_at >= :since
"""

# Briefed: people whose briefing status is done, from when it was marked (as the return
# counts them), not briefing contacts.
_PEOPLE = f"""
SELECT p.created_at, c.first_at, {BRIEFED_AT}
FROM person p
LEFT JOIN (SELECT person_id, min(at) AS first_at FROM contact GROUP BY person_id) c
    ON c.person_id = p.id
WHERE p.deleted = 0 AND p.merged_into IS NULL
"""

_OPEN = """
SELECT coalesce(a.name, '(no adviser)'), count(*)
FROM incident i LEFT JOIN adviser a ON a.id = i.adviser_id
WHERE i.deleted = 0 AND i.status NOT IN ('resolved', 'closed')
GROUP BY i.adviser_id ORDER BY count(*) DESC, 1
"""


def _incidents(conn: Connection, dash: Dashboard) -> None:
    since = _stamp(dash.weeks[0])
    dash.by_grade = {g: [0] * WEEKS for g in (1, 2, 3, 4)}
    met: Counter[int] = Counter()
    responded: Counter[int] = Counter()
    for grade, reported, response, target in conn.execute(text(_INCIDENTS), {"since": since}):
        week = _week_index(dash.weeks, reported)
        if week in (BEFORE, AFTER) or grade not in dash.by_grade:
            continue
        dash.by_grade[grade][week] += 1
        if response is not None:
            responded[grade] += 1
            met[grade] += response <= target
    dash.within_target = {g: (met[g], responded[g]) for g in (1, 2, 3, 4)}


def _coverage(conn: Connection, dash: Dashboard) -> None:
    # Counted per week of arrival, then summed: a person counts from their week on
    # (before the first week shown: from the start).
    added: dict[str, list[int]] = defaultdict(lambda: [0] * WEEKS)
    for created, first, briefed in conn.execute(text(_PEOPLE)):
        for name, stamp in (("roster", created), ("contacted", first), ("briefed", briefed)):
            if stamp is None:
                continue
            week = _week_index(dash.weeks, stamp)
            if week != AFTER:
                added[name][max(week, 0)] += 1
    for name in ("roster", "contacted", "briefed"):
        total, series = 0, []
        for n in added[name]:
            total += n
            series.append(total)
        setattr(dash, name, series)


def _open(conn: Connection, dash: Dashboard) -> None:
    rows = [(str(name), int(n)) for name, n in conn.execute(text(_OPEN))]
    top, rest = rows[:ADVISERS], rows[ADVISERS:]
    if rest:
        top.append((count(len(rest), "other"), sum(n for _, n in rest)))
    dash.open_by_adviser = top


def generation(desk: Desk) -> int:
    """Changes when anything the figures rest on has been written (here or by a pull)."""
    return sum(desk.generations.get(table, 0) for table in TABLES)


def dashboard(desk: Desk, today: date) -> Dashboard:
    dash = Dashboard(weeks=_weeks(today), generation=generation(desk))
    with desk.read() as conn:
        _incidents(conn, dash)
        _coverage(conn, dash)
        _open(conn, dash)
    return dash
