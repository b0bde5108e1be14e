"""The lists the TUI shows, as ``ListSource`` windows over the store's queries.

Everything here runs on worker threads; the store is imported lazily so that importing
the TUI (and painting its first screen) does not pay for SQLAlchemy and SQLCipher.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from deskapp.runtime.clock import local
from deskapp.tui.widgets.window_list import Column, ListSource, Row

if TYPE_CHECKING:
    from sqlalchemy import Select

    from deskapp.db.desk import Desk

DeskGetter = Callable[[], "Desk"]
Loader = Callable[[str, int, int, bool], tuple[int | None, list[Row], bool]]
Now = Callable[[], datetime]


def _windowed(
    desk: DeskGetter,
    build: Callable[..., Select[Any]],
    count_build: Callable[..., Select[Any]] | None = None,
    planner: Callable[[Any, str], str] | None = None,
) -> tuple[Loader, Callable[[str], int]]:
    """A page loader and an exact counter over ``build(text, plan=...)``.

    With a ``planner`` (roster, queue) a filter chooses FTS or an ordered scan, and the
    first answer carries a capped count; the exact count follows (see search.windows).
    """

    def plan_of(conn: Any, filter_text: str) -> dict[str, str]:
        return {"plan": planner(conn, filter_text)} if planner else {}

    def load(
        filter_text: str, offset: int, limit: int, want_total: bool
    ) -> tuple[int | None, list[Row], bool]:
        from deskapp.search import windows

        with desk().read() as conn:
            kw = plan_of(conn, filter_text)
            total: int | None = None
            exact = True
            if want_total and kw.get("plan") in ("scan", "all") and offset == 0:
                # One ordered walk gives the first page and tells whether there is more;
                # the exact count follows on the worker (ListSource.exact_total).
                rows = windows.page(conn, build(filter_text, **kw), 0, limit + 1)
                exact = len(rows) <= limit
                return len(rows) if exact else limit, rows[:limit], exact
            if want_total:
                total = windows.count(conn, (count_build or build)(filter_text, **kw))
            rows = windows.page(conn, build(filter_text, **kw), offset, limit)
        return total, rows, exact

    def exact_total(filter_text: str) -> int:
        from deskapp.search import windows

        with desk().read() as conn:
            kw = plan_of(conn, filter_text)
            return windows.count(conn, (count_build or build)(filter_text, **kw))

    return load, exact_total


@cache
def _roster_rows() -> Any:
    """Roster rows by row id (built once: a query takes a millisecond to build)."""
    from deskapp.search import ranked, windows

    return ranked.fetcher(windows.roster_query(), "person")


@cache
def _queue_rows() -> Any:
    from deskapp.search import ranked, windows

    return ranked.fetcher(windows.open_queue_query(include_closed=True), "incident")


def _ranked_roster_loader(desk: DeskGetter, by_sql: Loader) -> Loader:
    """The whole roster through ``search.ranked``: exact counts, any page in a few ms.

    Until its ranked order is built (``ranked.warm`` defers it until the officer pauses,
    so that it does not share the machine with a filter typed in the queue the moment it
    shows), the unfiltered first pages come from ``by_sql``: a walk of the roster's
    index, a few milliseconds. A filter or a page further down asks for the build and
    waits for it (a filter through SQL alone can take most of a second)."""

    def load(
        text: str, offset: int, limit: int, want_total: bool
    ) -> tuple[int | None, list[Row], bool]:
        from deskapp.search import ranked

        current = desk()
        if (
            not text
            and offset < SQL_PAGES_UPTO
            and ranked.cached(current, "roster") is None
            and ranked.warming(current)
        ):
            return by_sql(text, offset, limit, want_total)
        fetch = _roster_rows()
        built = ranked.ensure(current, "roster")
        with current.read() as conn:
            total, rows = built.window(conn, text, offset, limit, fetch)
        return total, rows, True

    return load


#: Rows of the unfiltered roster served by SQL while its ranked order is not built yet.
SQL_PAGES_UPTO = 1000


def _exact_first(
    load: Loader, exact_total: Callable[[str], int], *args: Any
) -> tuple[int | None, list[Row], bool]:
    """``load``'s page with the exact count at once (the whole roster's is one walk of
    an index), not a capped count followed by the real one."""
    text, offset, limit, want_total = args
    total, rows, _ = load(text, offset, limit, False)
    return (exact_total(text) if want_total else total), rows, True


def _ranked_queue_loader(desk: DeskGetter, include_closed: Callable[[], bool]) -> Loader:
    def load(
        text: str, offset: int, limit: int, want_total: bool
    ) -> tuple[int | None, list[Row], bool]:
        from deskapp.search import ranked
        from deskapp.services import subjects

        fetch = _queue_rows()
        current = desk()
        built = ranked.ensure(current, "queue")  # waited for without a pooled connection
        assert isinstance(built, ranked.RankedQueue)
        with current.read() as conn:
            total, rows = built.window(
                conn, text, offset, limit, fetch, include_closed=include_closed()
            )
            # The visible rows only: one indexed query a page (issue #19).
            flagged = subjects.other_victims(conn, [str(r["id"]) for r in rows])
        for row in rows:
            row["other_victims"] = str(row["id"]) in flagged
        return total, rows, True

    return load


def _due(now: Now) -> Callable[[Row], str]:
    from deskapp.domain.grading import format_due

    return lambda row: format_due(row.get("due_at"), now())


def _due_style(now: Now) -> Callable[[Row], str]:
    def style(row: Row) -> str:
        due = row.get("due_at")
        if due is None or row.get("status") in ("resolved", "closed"):
            return "dim"
        seconds = (due - now()).total_seconds()
        if seconds < 0:
            return "overdue"
        return "soon" if seconds < 15 * 60 else ""

    return style


def _grade_style(row: Row) -> str:
    return {1: "g1", 2: "g2"}.get(int(row.get("grade") or 0), "")


def _risk_style(row: Row) -> str:
    return {"high": "high", "medium": "medium"}.get(str(row.get("risk")), "")


def _short_date(value: datetime | date | None, *, shown: Callable[[datetime], datetime]) -> str:
    """A day, or a time as ``shown`` reads it: on the force's clock (``local``), or as
    the audit log keeps it (UTC, which its column says)."""
    if value is None:
        return ""
    return (
        shown(value).strftime("%d %b %H:%M") if isinstance(value, datetime) else value.isoformat()
    )


def _as_utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


#: Before the person's name in the queue: a subject of concern linked to this incident is
#: linked to other victims too (one offender, several people: see the subject's view).
OTHER_VICTIMS_MARK = "S! "


def _with_victims_flag(row: Row) -> str:
    name = str(row.get("person_name") or "")
    return OTHER_VICTIMS_MARK + name if row.get("other_victims") else name


def queue_source(desk: DeskGetter, now: Now, *, include_closed: Callable[[], bool]) -> ListSource:
    load = _ranked_queue_loader(desk, include_closed)

    return ListSource(
        name="queue",
        columns=[
            Column("grade", "Gr", 2, render=lambda r: f"G{r['grade']}", style=_grade_style),
            Column("due_at", "Due", 15, render=_due(now), style=_due_style(now)),
            Column("status", "Status", 11),
            Column("type", "Type", 13, min_width=70),
            Column("person_name", "Person", 16, flex=True, render=_with_victims_flag),
            Column(
                "adviser_name",
                "Adviser",
                14,
                flex=True,
                min_width=60,
                render=lambda r: r.get("adviser_name") or "—",
            ),
            Column("ref", "Ref", 10, min_width=100),
        ],
        load=load,
        empty="No open incidents match.",
    )


def roster_source(desk: DeskGetter, *, adviser: Callable[[], str | None]) -> ListSource:
    from deskapp.search import windows

    def build(text: str, plan: Any = "fts") -> Select[Any]:
        return windows.roster_query(text, adviser(), plan=plan)

    def count_build(text: str, plan: Any = "fts") -> Select[Any]:
        return windows.roster_count_query(text, adviser(), plan=plan)

    # One adviser's caseload is small: plain SQL. The whole roster: ranked windows.
    by_adviser, exact = _windowed(
        desk, build, count_build, lambda conn, text: windows.plan_for(conn, "person", text)
    )
    everyone = _ranked_roster_loader(desk, lambda *a: _exact_first(by_adviser, exact, *a))

    def load(
        text: str, offset: int, limit: int, want_total: bool
    ) -> tuple[int | None, list[Row], bool]:
        if adviser():
            return by_adviser(text, offset, limit, want_total)
        return everyone(text, offset, limit, want_total)

    return ListSource(
        name="roster",
        columns=[
            Column("name", "Name", 18, flex=True),
            Column("role", "Role", 10),
            Column("party", "Party", 12, flex=True, min_width=60),
            Column(
                "organisation",
                "Organisation",
                14,
                min_width=110,
                render=lambda r: r.get("organisation") or "",
            ),
            Column("post", "Post", 12, min_width=90),
            Column("risk", "Risk", 6, style=_risk_style),
            Column(
                "adviser_name",
                "Adviser",
                14,
                min_width=75,
                render=lambda r: r.get("adviser_name") or "—",
            ),
            Column("briefing_status", "Briefing", 8, min_width=120),
        ],
        load=load,
        exact_total=exact,
        empty="No one on the roster matches.",
    )


def caseload_source(desk: DeskGetter, now: Now) -> ListSource:
    from deskapp.services import caseload

    def build(text: str) -> Select[Any]:
        return caseload.caseload_query(now(), text)

    def load_style(row: Row) -> str:
        cap = int(row.get("capacity") or 0)
        return "overdue" if cap and int(row.get("people") or 0) > cap else ""

    return ListSource(
        name="caseload",
        columns=[
            Column("name", "Adviser", 16, flex=True),
            Column(
                "people",
                "People",
                9,
                style=load_style,
                render=lambda r: f"{r['people']}/{r['capacity']}",
            ),
            Column(
                "overdue_contacts",
                "Overdue",
                7,
                style=lambda r: "overdue" if r.get("overdue_contacts") else "",
            ),
            Column("open_incidents", "Open", 5),
            Column("area", "Area", 12, min_width=60),
        ],
        load=_windowed(desk, build)[0],
        empty="No advisers yet.",
    )


def _short_notice(row: Row) -> bool:
    from deskapp.domain.events import short_notice

    return short_notice(row["starts_at"], row.get("notice_received_at"))


def events_source(desk: DeskGetter) -> ListSource:
    from deskapp.domain.events import event_ref
    from deskapp.services import events

    return ListSource(
        name="events",
        columns=[
            Column(
                "starts_at",
                "When",
                12,
                render=lambda r: _short_date(r.get("starts_at"), shown=local),
            ),
            Column("id", "Ref", 10, render=lambda r: event_ref(str(r["id"]))),
            Column("title", "Event", 18, flex=True),
            Column("kind", "Kind", 11, min_width=70),
            Column("risk", "Risk", 6, style=_risk_style),
            Column(
                "notice_received_at",
                "Notice",
                6,
                render=lambda r: "short" if _short_notice(r) else "",
                style=lambda r: "overdue" if _short_notice(r) else "",
                min_width=60,
            ),
            Column("people", "People", 6),
            Column(
                "patrol_requested",
                "Patrol",
                6,
                render=lambda r: "yes" if r.get("patrol_requested") else "no",
            ),
        ],
        load=_windowed(desk, events.events_query)[0],
        empty="No campaign events.",
    )


def subjects_source(desk: DeskGetter) -> ListSource:
    from deskapp.domain.security import subject_ref
    from deskapp.services import subjects

    return ListSource(
        name="subjects",
        columns=[
            Column("id", "Ref", 10, render=lambda r: subject_ref(str(r["id"]))),
            Column("name", "Name or description", 20, flex=True),
            Column("risk", "Risk", 6, style=_risk_style),
            Column("ftac", "FTAC", 10, min_width=70),
            Column("plait", "PLaIT", 10, min_width=90),
            Column("incidents", "Incidents", 9),
        ],
        load=_windowed(desk, subjects.subjects_query)[0],
        empty="No subjects of concern.",
    )


def review_source(desk: DeskGetter, now: Now) -> ListSource:
    from deskapp.services import caseload

    return ListSource(
        name="review",
        columns=[
            Column(
                "review_date",
                "Review",
                10,
                render=lambda r: _short_date(r.get("review_date"), shown=local),
            ),
            Column("kind", "Kind", 8),
            Column("label", "Record", 30, flex=True),
        ],
        load=_windowed(desk, lambda text: caseload.review_query(now().date(), text))[0],
        empty="Nothing is due for review.",
    )


def audit_source(desk: DeskGetter, flt: Callable[[], Any]) -> ListSource:
    """The audit log with names, narrowed by ``flt()`` (a ``services.audit_log.AuditFilter``)."""
    from deskapp.services import audit_log

    def record(row: Row) -> str:
        if row.get("person_name"):
            return str(row["person_name"]) + (f" ({row['ref']})" if row.get("ref") else "")
        if row.get("ref"):
            return str(row["ref"])
        ident = str(row.get("entity_id") or "")
        # Ids made on one desk share their first digits (the time): the end tells apart.
        return f"{row['entity']} …{ident[-8:]}" if ident else str(row["entity"])

    return ListSource(
        name="audit",
        key="seq",
        columns=[
            Column("seq", "#", 5),
            Column(
                "at",
                "When (UTC)",
                12,
                render=lambda r: _short_date(r.get("at"), shown=_as_utc),
            ),
            Column("officer_id", "Officer", 8),
            Column("officer_name", "Name", 14, min_width=120),
            Column("action", "Action", 12),
            Column("entity", "Entity", 9, min_width=90),
            Column("person_name", "Record", 16, flex=True, render=record),
            Column("fields", "Fields", 14, min_width=140),
            Column("detail", "Detail", 16, flex=True, min_width=100),
        ],
        load=_windowed(desk, lambda text: audit_log.audit_query(text, flt()))[0],
        empty="No audit event matches.",
    )


def councils_source(desk: DeskGetter) -> ListSource:
    from deskapp.services import organisations

    return ListSource(
        name="councils",
        columns=[
            Column("name", "Council", 20, flex=True),
            Column(
                "share_request_status",
                "Sharing",
                13,
                style=lambda r: "" if r.get("share_request_status") == "agreed" else "medium",
            ),
            Column("ro_name", "Returning officer", 18, flex=True, min_width=60),
            Column("people", "People", 6),
            Column("kind", "Kind", 10, min_width=100),
        ],
        load=_windowed(desk, organisations.organisations_query)[0],
        empty="No councils yet: importing a roster adds them.",
    )
