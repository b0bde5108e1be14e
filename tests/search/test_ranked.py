"""Ranked windows return exactly what the plain SQL queries return, and follow writes."""

from __future__ import annotations

import pytest

from deskapp.db.desk import Desk
from deskapp.search import ranked, windows
from deskapp.services import incidents, people

NAMES = [
    "Siân Jones",
    "John Smith",
    "Joanna Khan",
    "Mary Johnson",
    "Rhys ap Gwyn",
    "Jo Adebayo",
    "Seán Ó Briain",
    "Zoë Patel",
    "Johnathan Hill",
    "Anne Jolly",
]
FILTERS = ["", "j", "jo", "john", "sian", "smith khan", "zz", "o", "green"]


@pytest.fixture
def filled(desk: Desk) -> Desk:
    ids = [
        people.add_person(desk, name=n, party="Green Party" if i % 3 else "Labour")
        for i, n in enumerate(NAMES)
    ]
    for i, pid in enumerate(ids * 2):
        iid = incidents.add_incident(
            desk,
            person=pid,
            type="threat",
            grade=1 + i % 4,
            summary=f"Report {i} johnsonville" if i % 5 == 0 else f"r{i}",
        )
        if i % 4 == 0:
            incidents.update_incident(desk, iid, status="closed")
    return desk


def sql_ids(desk: Desk, query) -> list[str]:  # type: ignore[no-untyped-def]
    with desk.read() as conn:
        return [r["id"] for r in conn.execute(query).mappings()]


@pytest.mark.parametrize("text", FILTERS)
def test_roster_matches_sql(filled: Desk, text: str) -> None:
    expected = sql_ids(filled, windows.roster_query(text, plan="fts" if text else "all"))
    fetch = ranked.fetcher(windows.roster_query(), "person")
    with filled.read() as conn:
        total, rows = ranked.roster(filled, conn).window(conn, text, 0, 100, fetch)
        total2, page2 = ranked.roster(filled, conn).window(conn, text, 2, 3, fetch)
    assert total == len(expected) and [r["id"] for r in rows] == expected
    assert total2 == total and [r["id"] for r in page2] == expected[2:5]


@pytest.mark.parametrize("closed", [False, True])
@pytest.mark.parametrize("text", FILTERS)
def test_queue_matches_sql(filled: Desk, text: str, closed: bool) -> None:
    expected = sql_ids(
        filled, windows.open_queue_query(text, include_closed=closed, plan="fts" if text else "all")
    )
    fetch = ranked.fetcher(windows.open_queue_query(include_closed=True), "incident")
    with filled.read() as conn:
        total, rows = ranked.queue(filled, conn).window(
            conn, text, 0, 100, fetch, include_closed=closed
        )
    assert total == len(expected) and [r["id"] for r in rows] == expected


def test_follows_writes(filled: Desk) -> None:
    fetch = ranked.fetcher(windows.roster_query(), "person")
    with filled.read() as conn:
        before, _ = ranked.roster(filled, conn).window(conn, "jo", 0, 50, fetch)
    pid = people.add_person(filled, name="Joseph Newcomer")
    incidents.add_incident(filled, person=pid, type="threat", grade=1, summary="new one")
    with filled.read() as conn:
        after, rows = ranked.roster(filled, conn).window(conn, "jo", 0, 50, fetch)
        qtotal, qrows = ranked.queue(filled, conn).window(
            conn, "joseph", 0, 10, ranked.fetcher(windows.open_queue_query(), "incident")
        )
    assert after == before + 1 and "Joseph Newcomer" in [r["name"] for r in rows]
    assert qtotal == 1 and qrows[0]["summary"] == "new one"
    people.erase_person(filled, pid, reason="test")
    with filled.read() as conn:
        gone, _ = ranked.roster(filled, conn).window(conn, "jo", 0, 50, fetch)
    assert gone == before


def test_pulled_rows_refresh_the_ranked_roster(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A person arriving by sync shows in the other desk's filtered roster at once."""
    from deskapp.domain.vocabulary import OfficerRole
    from deskapp.sync import enrolment, open_hub, run_sync

    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", "hub passphrase for tests")
    hub = str(tmp_path / "hub.db")
    a, _ = Desk.init(tmp_path / "a.db", "4521", "Sgt A", "correct horse battery")
    b, _ = Desk.init(tmp_path / "b.db", "4522", "Sgt B", "correct horse battery")
    handle = open_hub(hub)
    handle.initialise()
    enrolment.init_root(handle, a)  # as `deskapp hub init`, `hub join`, `hub approve` do
    enrolment.join(handle, b)
    enrolment.approve(handle, a, "4522", OfficerRole.OFFICER, lambda _fingerprint: True)
    fetch = ranked.fetcher(windows.roster_query(), "person")
    with b.read() as conn:
        assert ranked.roster(b, conn).window(conn, "quentin", 0, 5, fetch)[0] == 0
    people.add_person(a, name="Quentin Arrives-By-Sync")
    run_sync(a, hub)
    run_sync(b, hub)
    with b.read() as conn:
        total, rows = ranked.roster(b, conn).window(conn, "quentin", 0, 5, fetch)
    assert total == 1 and rows[0]["name"] == "Quentin Arrives-By-Sync"
    a.close()
    b.close()


@pytest.mark.parametrize("letter", ["j", "S", "o", "z"])
def test_one_letter_filters_match_sql(filled: Desk, letter: str) -> None:
    roster_fetch = ranked.fetcher(windows.roster_query(), "person")
    queue_fetch = ranked.fetcher(windows.open_queue_query(include_closed=True), "incident")
    with filled.read() as conn:
        r, q = ranked.roster(filled, conn), ranked.queue(filled, conn)
        _, people_rows = r.window(conn, letter, 0, 100, roster_fetch)
        _, queue_rows = q.window(conn, letter, 0, 100, queue_fetch)
    assert [p["id"] for p in people_rows] == sql_ids(filled, windows.roster_query(letter))
    assert [i["id"] for i in queue_rows] == sql_ids(filled, windows.open_queue_query(letter))


def test_warm_reads_the_owner_pairs_beside_the_queue_order(
    filled: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner pairs a person-name filter needs are read while the queue's order is
    being read, not after it: the order's read here waits until the pairs are being
    read (it would wait forever if they came after). A filter then uses those pairs."""
    import threading

    pairs_started, ready = threading.Event(), threading.Event()
    read_pairs, make_queue = ranked.owner_pairs, ranked.RankedQueue.__init__

    def pairs(conn: object) -> object:
        pairs_started.set()
        return read_pairs(conn)  # type: ignore[arg-type]

    def slow_order(self: ranked.RankedQueue, *args: object, **kwargs: object) -> None:
        assert pairs_started.wait(10), "the owner pairs waited for the queue's order"
        make_queue(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ranked, "owner_pairs", pairs)
    monkeypatch.setattr(ranked.RankedQueue, "__init__", slow_order)
    ranked.warm(filled, on_ready=ready.set)
    assert ready.wait(30) and ranked.cached(filled, "queue") is not None

    def read_again(conn: object) -> None:
        raise AssertionError("owner pairs read twice")

    monkeypatch.setattr(ranked, "owner_pairs", read_again)
    fetch = ranked.fetcher(windows.open_queue_query(include_closed=True), "incident")
    with filled.read() as conn:
        total, rows = ranked.queue(filled, conn).window(
            conn, "zoe", 0, 10, fetch, include_closed=True
        )
    expected = sql_ids(filled, windows.open_queue_query("zoe", include_closed=True, plan="fts"))
    assert total == len(expected) == 2 and [r["id"] for r in rows] == expected


def test_ranked_orders_are_the_plain_order_by_at_a_few_hundred_rows(desk: Desk) -> None:
    """The ranked lists are joined from ordered subqueries (no ORDER BY inside
    group_concat, which sorted again): their order must still be the ORDER BY's, over
    more rows than fit one page, added out of order."""
    from deskapp.domain.status import OPEN_STATUSES

    marks = ", ".join("?" * len(OPEN_STATUSES))
    names = [f"{NAMES[i % len(NAMES)]} {chr(97 + (i * 7) % 26)}{i * 37 % 101}" for i in range(300)]
    ids = [people.add_person(desk, name=n) for n in reversed(names)]
    for i, pid in enumerate(ids[:150]):
        incidents.add_incident(desk, person=pid, type="threat", grade=1 + (i * 3) % 4, summary="r")
    with desk.read() as conn:
        roster = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT rowid FROM person WHERE deleted = 0 ORDER BY collation_key(name), id"
            )
        ]
        queue = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT rowid FROM incident WHERE deleted = 0 ORDER BY grade, due_at, id"
            )
        ]
        open_ = {
            r[0]
            for r in conn.exec_driver_sql(
                f"SELECT rowid FROM incident WHERE status IN ({marks})",
                tuple(str(s) for s in OPEN_STATUSES),
            )
        }
        built_roster = ranked.RankedRoster(conn, 0)
        built_queue = ranked.RankedQueue(conn, 0)
    assert built_roster.rowids.tolist() == roster
    assert built_queue.rowids.tolist() == queue
    assert [r for r, o in zip(queue, built_queue.open, strict=True) if o] == [
        r for r in queue if r in open_
    ]
