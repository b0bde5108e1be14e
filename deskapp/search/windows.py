"""Windows onto big lists: count and page with LIMIT/OFFSET, never the whole table.

The TUI's lists (roster, queue, events, audit) hold up to 100,000 rows; a widget asks for
the rows it can show, a page at a time, from a thread worker.

The whole roster and the whole queue are served by ``search.ranked``; these SQL windows
serve one adviser's caseload, the smaller lists, pickers and the tests that
check ranked answers. A roster filter here picks a *plan*:

* ``fts`` — the words are rare enough (fewer than ``BIG`` FTS5 hits): match through the
  FTS5 prefix index, count exactly.
* ``scan`` — a short, common prefix ("s"): walk the list in display order and test each
  row's own words (the same prefix rule), stopping after a page; the exact count can
  follow on a worker (``count``).
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal,
    literal_column,
    select,
    text,
)

from deskapp.db.rows import typed_rows
from deskapp.db.tables import ADVISER, INCIDENT, ORGANISATION, PERSON
from deskapp.domain.status import OPEN_STATUSES
from deskapp.services.incidents import queue_select, queue_where
from deskapp.services.people import (
    ROSTER_ORDER,
    SORT_KEY,
    filter_words,
    fts_match,
    fts_query,
)

#: Above this many FTS hits a filter walks the list in order instead (see module doc).
BIG = 1500

Plan = Literal["all", "fts", "scan"]


def count(conn: Connection, query: Select[Any]) -> int:
    """How many rows ``query`` gives (its ORDER BY is dropped)."""
    inner = select(func.count()).select_from(query.order_by(None).subquery())
    return int(conn.execute(inner).scalar_one())


def page(conn: Connection, query: Select[Any], offset: int, limit: int) -> list[dict[str, Any]]:
    """Rows ``offset`` to ``offset + limit`` of ``query`` (which must be ordered). A row
    holds whatever columns the query selects (any list's), so it is a plain dict."""
    rows = conn.execute(query.limit(limit).offset(max(0, offset))).mappings()
    return [dict(r) for r in rows]


def fts_hits(conn: Connection, table: str, filter_text: str, cap: int = BIG) -> int:
    """FTS5 hits for the filter, counted up to ``cap`` (cheap: the prefix index only)."""
    sql = text(
        f"SELECT count(*) FROM (SELECT rowid FROM {table}_fts "
        f"WHERE {table}_fts MATCH :q LIMIT :cap)"
    )
    return int(conn.execute(sql, {"q": fts_query(filter_text), "cap": cap}).scalar_one())


def _folded(columns: list[Any]) -> ColumnElement[str]:
    """`` a b c`` from the columns, folded as the search index is (``fold``, registered
    on every connection), with '-' and apostrophes as spaces."""
    joined: ColumnElement[str] = literal(" ")
    for col in columns:
        joined = joined + func.coalesce(col, "") + " "
    return func.replace(func.replace(func.fold(joined), "-", " "), "'", " ")


def word_prefix(columns: list[Any], filter_text: str) -> ColumnElement[bool]:
    """Every word of the filter starts a word of one of ``columns`` (row-local test)."""
    folded = _folded(columns)
    return and_(*[folded.like(f"% {word}%") for word in filter_words(filter_text)])


def plan_for(conn: Connection, table: str, filter_text: str) -> Plan:
    if not filter_words(filter_text):
        return "all"
    return "scan" if fts_hits(conn, table, filter_text) >= BIG else "fts"


# -- the roster ------------------------------------------------------------------------------
def roster_query(
    filter_text: str = "", adviser_id: str | None = None, *, plan: Plan = "fts"
) -> Select[Any]:
    """The roster as shown in a list: no sensitive field is even read."""
    query = (
        select(
            PERSON.c.id,
            PERSON.c.name,
            PERSON.c.role,
            PERSON.c.party,
            PERSON.c.post,
            PERSON.c.risk,
            PERSON.c.briefing_status,
            PERSON.c.adviser_id,
            PERSON.c.next_contact_due,
            PERSON.c.address_withheld,
            ORGANISATION.c.name.label("organisation"),
            ADVISER.c.name.label("adviser_name"),
        )
        .select_from(PERSON)
        .join(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id, isouter=True)
        .join(ADVISER, ADVISER.c.id == PERSON.c.adviser_id, isouter=True)
        .where(_roster_where(filter_text, adviser_id, plan))
    )
    if plan == "fts":
        # Few hits: look them up by rowid and sort them, rather than walk the order's
        # index (a unary + keeps SQLite off it).
        return query.order_by(literal_column(f"+{SORT_KEY}"), PERSON.c.id)
    return query.order_by(*ROSTER_ORDER)


def roster_count_query(
    filter_text: str = "", adviser_id: str | None = None, *, plan: Plan = "fts"
) -> Select[Any]:
    return select(PERSON.c.id).where(_roster_where(filter_text, adviser_id, plan))


def _roster_where(filter_text: str, adviser_id: str | None, plan: Plan) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = [PERSON.c.deleted.is_(False)]
    if filter_words(filter_text) and plan == "fts":
        clauses.append(fts_match("person", filter_text))
    elif filter_words(filter_text) and plan == "scan":
        clauses.append(word_prefix([PERSON.c.name, PERSON.c.party, PERSON.c.post], filter_text))
    if adviser_id:
        clauses.append(PERSON.c.adviser_id == adviser_id)
    return and_(*clauses)


# -- the incident queue ------------------------------------------------------------------------
def open_queue_query(
    filter_text: str = "",
    *,
    include_closed: bool = False,
    adviser_id: str | None = None,
    plan: Plan = "fts",
) -> Select[Any]:
    """The queue: grade, then time to due (overdue first within a grade), then id."""
    query = queue_select().where(_queue_where(filter_text, include_closed, adviser_id, plan))
    if plan == "fts":
        return query.order_by(INCIDENT.c.grade + 0, INCIDENT.c.due_at, INCIDENT.c.id)
    return query.order_by(INCIDENT.c.grade, INCIDENT.c.due_at, INCIDENT.c.id)


def queue_count_query(
    filter_text: str = "",
    *,
    include_closed: bool = False,
    adviser_id: str | None = None,
    plan: Plan = "fts",
) -> Select[Any]:
    return select(INCIDENT.c.id).where(_queue_where(filter_text, include_closed, adviser_id, plan))


def _queue_where(
    filter_text: str, include_closed: bool, adviser_id: str | None, plan: Plan
) -> ColumnElement[bool]:
    return queue_where(
        filter_text=filter_text if filter_words(filter_text) and plan != "all" else "",
        statuses=None if include_closed else [str(s) for s in OPEN_STATUSES],
        adviser_id=adviser_id,
    )


# -- pickers ---------------------------------------------------------------------------------
class PickedPerson(TypedDict):
    """A person offered by a type-ahead picker (``person_picker``)."""

    id: str
    name: str
    role: str
    party: str
    post: str


def person_picker(conn: Connection, filter_text: str, limit: int = 8) -> list[PickedPerson]:
    """Type-ahead over the whole roster (FTS5 prefix match), best short list first."""
    plan = plan_for(conn, "person", filter_text)
    query = (
        select(PERSON.c.id, PERSON.c.name, PERSON.c.role, PERSON.c.party, PERSON.c.post)
        .where(_roster_where(filter_text, None, plan))
        .order_by(*ROSTER_ORDER)
        .limit(limit)
    )
    return typed_rows(PickedPerson, conn.execute(query).mappings())


__all__ = [
    "BIG",
    "count",
    "fts_hits",
    "open_queue_query",
    "page",
    "person_picker",
    "plan_for",
    "queue_count_query",
    "roster_count_query",
    "roster_query",
    "word_prefix",
]
