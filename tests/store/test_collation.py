"""Folded search and collated name order in the store (issue #15, points 8 and 9): the
roster filter, the person picker and ``list_people`` find "Łukasz" by "lukasz", and every
roster listing runs by surname, then forename, in Unicode collation order."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from deskapp.db import search_index
from deskapp.db.desk import Desk
from deskapp.search import ranked, windows
from deskapp.services import incidents, people

# Written with the letters NFKD cannot take apart (ł ø đ ß æ œ ð þ, dotless i).
FOLDED = {
    "lukasz": "Łukasz Nowak",
    "orsted": "Anders Ørsted",
    "dorde": "Đorđe Petrović",
    "strasse": "Anna Straße",
    "aethel": "Æthelflæd Mercia",
    "oeuvre": "Chloé Œuvre",
    "yildiz": "Ay\u015fe Y\u0131ld\u0131z",
    "gudrun": "Guðrún Jónsdóttir",
    "thora": "Þóra Magnúsdóttir",
}

NAMES = ["Zoë Abbott", "Éabha Zielinski", "Łukasz Ólafsson", "bob SMITH", "Ann Smith", "Al Ng"]
ORDERED = ["Zoë Abbott", "Al Ng", "Łukasz Ólafsson", "Ann Smith", "bob SMITH", "Éabha Zielinski"]


def roster_names(desk: Desk, filter_text: str = "") -> list[str]:
    fetch = ranked.fetcher(windows.roster_query(), "person")
    with desk.read() as conn:
        _, rows = ranked.roster(desk, conn).window(conn, filter_text, 0, 100, fetch)
    return [r["name"] for r in rows]


def sql_names(desk: Desk, query) -> list[str]:  # type: ignore[no-untyped-def]
    with desk.read() as conn:
        return [r["name"] for r in conn.execute(query).mappings()]


@pytest.fixture
def folded(desk: Desk) -> Desk:
    for name in FOLDED.values():
        people.add_person(desk, name=name, party="Independent")
    return desk


@pytest.mark.parametrize(("typed", "name"), FOLDED.items())
def test_every_filter_finds_letters_that_do_not_decompose(
    folded: Desk, typed: str, name: str
) -> None:
    assert [p["name"] for p in people.list_people(folded, filter_text=typed)] == [name]
    assert roster_names(folded, typed) == [name]
    with folded.read() as conn:
        assert [p["name"] for p in windows.person_picker(conn, typed)] == [name]
    for plan in ("fts", "scan"):
        assert sql_names(folded, windows.roster_query(typed, plan=plan)) == [name]


def test_the_written_letters_still_find_their_own_names(folded: Desk) -> None:
    assert roster_names(folded, "Łuk") == ["Łukasz Nowak"]
    assert roster_names(folded, "þóra") == ["Þóra Magnúsdóttir"]
    assert roster_names(folded, "STRASSE") == ["Anna Straße"]


def test_the_queue_filter_folds_incident_words_and_people(folded: Desk) -> None:
    pid = people.add_person(folded, name="Plain Person")
    incidents.add_incident(
        folded, person=pid, type="threat", grade=2, summary="Graffiti at Łódź Hall"
    )
    fetch = ranked.fetcher(windows.open_queue_query(include_closed=True), "incident")
    with folded.read() as conn:
        total, rows = ranked.queue(folded, conn).window(conn, "lodz", 0, 10, fetch)
    assert total == 1 and rows[0]["summary"] == "Graffiti at Łódź Hall"


def test_a_rename_leaves_no_stale_words_in_the_index(folded: Desk) -> None:
    pid = people.add_person(folded, name="Bjørn Old")
    people.update_person(folded, pid, name="Bjørn New")
    assert roster_names(folded, "old") == []
    assert roster_names(folded, "bjorn") == ["Bjørn New"]


def test_a_deferred_index_is_rebuilt_folded(folded: Desk) -> None:
    with folded.write() as tx:
        search_index.defer(tx.conn)
    people.add_person(folded, name="Søren Deferred")
    assert roster_names(folded, "soren") == []
    assert search_index.rebuild(folded) is True
    assert roster_names(folded, "soren") == ["Søren Deferred"]
    assert roster_names(folded, "lukasz") == ["Łukasz Nowak"]  # the rest re-indexed too
    with folded.read() as conn:
        indexed = conn.execute(text("SELECT count(*) FROM person_fts")).scalar_one()
        held = conn.execute(text("SELECT count(*) FROM person")).scalar_one()
    assert indexed == held  # one index entry per row, none twice


@pytest.fixture
def named(desk: Desk) -> Desk:
    for name in NAMES:
        people.add_person(desk, name=name)
    return desk


def test_the_roster_runs_by_surname_then_forename_in_collation_order(named: Desk) -> None:
    assert roster_names(named) == ORDERED


def test_every_roster_listing_has_the_same_order(named: Desk) -> None:
    assert [p["name"] for p in people.list_people(named)] == ORDERED
    for plan in ("all", "scan"):
        assert sql_names(named, windows.roster_query("", plan=plan)) == ORDERED
    with named.read() as conn:
        assert [p["name"] for p in windows.person_picker(conn, "", limit=20)] == ORDERED
    # A filter keeps the order: "a" starts a word of every name but Zielinski's forename.
    expected = [n for n in ORDERED if any(w.lower().startswith("a") for w in n.split())]
    assert roster_names(named, "a") == expected
    assert sql_names(named, windows.roster_query("a", plan="fts")) == expected


def test_a_renamed_person_moves_to_their_new_place(named: Desk) -> None:
    pid = people.list_people(named, filter_text="abbott")[0]["id"]
    people.update_person(named, pid, name="Zoë Zzyzx")
    assert roster_names(named)[-1] == "Zoë Zzyzx"
