"""A big file imports streaming: the importer reads it twice, holds no row of it between
the passes, compares and writes a batch of people at a time, and still hands each
person whole to the desk however far apart their rows are (Democracy Club sorts by
ballot). Batches are made small here so that a few dozen rows cross many of them, and
the file is read twice however small.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db import engine, search_index
from deskapp.db.desk import Desk
from deskapp.db.tables import CANDIDACY, PERSON
from deskapp.domain.text import collation_key
from deskapp.importing import candidates
from deskapp.importing import roster as importer
from deskapp.importing.roster import import_file, plan_import
from deskapp.services import people
from tests.conftest import PASS
from tests.importing.test_importer import counts, row, write_dc

COUNCILS = ("cardiff", "newport", "powys", "gwynedd")
FIRST = ("Siân", "Dafydd", "Eluned", "Rhys", "Carys", "Iolo", "Bethan")
LAST = ("ap Rhys", "Prydderch", "Tudur", "Ellis-Lloyd", "Bowen-Hughes", "Vaughan-Pugh")


def by_ballot(
    people: int, *, every: int = 1, prefix: str = "98", councils: tuple[str, ...] = COUNCILS
) -> list[dict[str, str]]:
    """``people`` candidates, every ``every``-th of them standing in two councils,
    sorted by ballot as DC's export is: a person's two rows are far apart."""
    rows = []
    for n in range(people):
        for k in (0, 1) if n % every == 0 else (0,):
            council = councils[(n + k) % len(councils)]
            rows.append(
                row(
                    f"{prefix}{n:04}",
                    f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
                    f"local.{council}.ward-{n % 3}.2026-05-07",
                    email=f"ffrwd{n}@example.org" if k else "",
                )
            )
    return sorted(rows, key=lambda r: (r["ballot_paper_id"], r["person_id"]))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of three people, and the file read twice however small (a file of up to
    _KEEP_ROWS good rows is kept from the first pass instead)."""
    monkeypatch.setattr(importer, "_BATCH_PEOPLE", 3)
    monkeypatch.setattr(importer, "_KEEP_ROWS", 0)


def test_a_persons_far_apart_rows_arrive_whole_across_batches(
    desk: Desk, tmp_path: Path, small_batches: None
) -> None:
    path = write_dc(tmp_path / "dc.csv", by_ballot(40))
    batches: list[int] = []
    batch = importer._Matcher.batch

    def count(self: importer._Matcher, groups: list[list[candidates.CandidacyRecord]]) -> object:
        batches.append(len(groups))
        assert all(len({r.dc_person_id for r in g}) == 1 for g in groups)
        return batch(self, groups)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importer._Matcher, "batch", count)
        preview = plan_import(desk, path)
        plan = import_file(desk, path)
    assert max(batches) == 3 and len(batches) >= 2 * 14  # the preview's and the import's
    assert preview.summary.people.new == plan.summary.people.new == 40
    assert plan.summary.written and plan.summary.candidacies.new == 80 and plan.rows == 80
    with desk.read() as conn:
        people = {r.dc_person_id: r for r in conn.execute(select(PERSON))}
        per_person = [
            r.person_id
            for r in conn.execute(select(CANDIDACY.c.person_id)).all()  # two each
        ]
    assert len(people) == 40 and sorted(per_person) == sorted([p.id for p in people.values()] * 2)
    # Each person's email, given on only one of their rows (the later or the earlier).
    assert all(p.email == f"ffrwd{int(pid[2:])}@example.org" for pid, p in people.items())
    again = import_file(desk, path)
    assert (again.summary.people.new, again.summary.people.unchanged) == (0, 40)
    assert again.summary.candidacies.unchanged == 80


def test_a_problem_found_in_a_late_batch_writes_nothing_at_all(
    desk: Desk, tmp_path: Path, small_batches: None
) -> None:
    """Rows that disagree are met only when their person is handed over, after earlier
    batches were written: the whole transaction is rolled back."""
    rows = by_ballot(30)
    last = rows[-1]
    rows.append({**last, "party_name": "Another Party", "party_id": "PP99"})
    path = write_dc(tmp_path / "dc.csv", rows)
    before = counts(desk)
    plan = import_file(desk, path)
    assert not plan.summary.written and counts(desk) == before
    assert [(p.row, p.column) for p in plan.problems] == [(len(rows) + 1, "party_name")]
    skipped = import_file(desk, path, skip_bad=True)
    assert skipped.summary.written and skipped.summary.people.new == 30
    assert [r.row for r in skipped.rejected] == [len(rows) + 1]


def _peak(desk: Desk, path: Path) -> int:
    tracemalloc.start()
    try:
        assert import_file(desk, path).summary.written
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(
    tmp_path: Path, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight times the rows, about the same peak of Python memory: a batch of people is
    held, and 16 bytes a row between the passes. (People whose other row is still to
    come are held too: in a real export, one in ten standing twice, far apart.) Holding
    every row, as the import did, the peak grew with the file: 3.1 MB, then 10.7 MB."""
    monkeypatch.setattr(importer, "_BATCH_PEOPLE", 200)
    monkeypatch.setattr(importer, "_KEEP_ROWS", 0)  # read twice, as a large file is
    # The encoding check reads a block at a time (1 MiB, more than the small file): a
    # smaller block, so that what is measured is what the import holds.
    monkeypatch.setattr(candidates, "_BLOCK", 16 * 1024)
    _peak(desk, write_dc(tmp_path / "first.csv", by_ballot(50, prefix="96")))  # caches filled
    # Everyone stands once; each file in councils of its own (the people the desk holds
    # in a file's councils are read to match names).
    small = by_ballot(1000, every=10**6, prefix="97", councils=("wrexham", "conwy"))
    large = by_ballot(8000, every=10**6, councils=("swansea", "neath-port-talbot"))
    peaks = [_peak(desk, write_dc(tmp_path / f"{len(rows)}.csv", rows)) for rows in (small, large)]
    assert peaks[1] < 1.3 * peaks[0], peaks


def _schema(desk: Desk) -> list[tuple[str, str]]:
    with desk.read() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'person' ORDER BY name"
        ).all()
    return [(str(name), str(sql)) for name, sql in found]


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import this size counts as large: the search index is deferred and the
    roster's other indexes set aside while it writes (db/bulk_load.py)."""
    monkeypatch.setattr(search_index, "MIN_ROWS", 10)


def test_a_large_import_leaves_the_rosters_indexes_as_they_were(
    desk: Desk, tmp_path: Path, large: None, small_batches: None
) -> None:
    people.add_person(desk, name="Zara Already-Here")
    before = _schema(desk)
    plan = import_file(desk, write_dc(tmp_path / "dc.csv", by_ballot(30)))
    assert plan.summary.written and plan.summary.people.new == 30
    assert _schema(desk) == before
    with desk.read() as conn:
        assert not search_index.deferred(conn)
        # The roster's order is read through its index, which holds every person.
        ordered = conn.exec_driver_sql(
            "SELECT name FROM person INDEXED BY ix_person_sort WHERE deleted = 0"
        ).all()
        names = [name for (name,) in ordered]
        assert len(names) == 31 and names == sorted(names, key=collation_key)
        assert conn.exec_driver_sql("PRAGMA integrity_check").all() == [("ok",)]
    assert [p["name"] for p in people.list_people(desk, filter_text="prydderch")]
    people.add_person(desk, name="Later Lowri")  # the search index's trigger is back
    assert [p["name"] for p in people.list_people(desk, filter_text="lowri")] == ["Later Lowri"]


def test_a_large_import_refused_late_leaves_the_indexes_as_they_were(
    desk: Desk, tmp_path: Path, large: None, small_batches: None
) -> None:
    before = _schema(desk)
    rows = by_ballot(30)
    rows.append({**rows[-1], "party_name": "Another Party", "party_id": "PP99"})
    plan = import_file(desk, write_dc(tmp_path / "dc.csv", rows))
    assert not plan.summary.written
    assert _schema(desk) == before


def test_a_large_import_works_out_each_persons_place_in_the_roster_once(
    db_path: Path, tmp_path: Path, large: None, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roster's key (a Python call per name) is made once a person, by the index made
    at the end; a generated column had SQLite make it again on every insert, an index
    or not."""
    made: list[str] = []

    def counted(name: str | None) -> bytes:
        made.append(name or "")
        return collation_key(name)

    # The desk's connections register the function they find here as they open.
    monkeypatch.setattr(engine, "collation_key", counted)
    desk, _ = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    with desk:
        made.clear()
        plan = import_file(desk, write_dc(tmp_path / "dc.csv", by_ballot(30)))
        assert plan.summary.written and plan.summary.people.new == 30
        assert len(made) == 30
        with desk.read() as conn:
            ordered = conn.exec_driver_sql(
                "SELECT name FROM person INDEXED BY ix_person_sort WHERE deleted = 0"
            ).all()
        assert [n for (n,) in ordered] == sorted(made, key=collation_key)
