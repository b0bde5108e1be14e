"""A refused file does not hold the desk: the import's write transaction (and with it
the desk's write lock) begins as its first batch of good people is written and ends at
the first problem that refuses the file, so other writers (the app, another command)
go on while the rest of a refused file is read. Nothing of it is ever committed.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3

from deskapp.db.desk import Desk
from deskapp.db.engine import connect_raw
from deskapp.importing import candidates
from deskapp.importing import roster as importer
from deskapp.importing.roster import import_file
from tests.importing.test_import_streaming import by_ballot
from tests.importing.test_importer import counts, write_dc


@pytest.fixture
def read_as_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file read as a large one is (its keys scanned, then one parse that checks,
    compares and writes), in batches of five people, progress told every ten lines."""
    monkeypatch.setattr(importer, "_KEEP_ROWS", 0)
    monkeypatch.setattr(importer, "_BATCH_PEOPLE", 5)
    monkeypatch.setattr(candidates, "_PROGRESS_LINES", 10)


def _another_writer(desk: Desk) -> Callable[[], bool]:
    """Whether another connection can begin writing to the desk this moment (it does
    not wait for the lock)."""
    conn = connect_raw(desk.path, desk.data_key)
    conn.execute("PRAGMA busy_timeout = 0")

    def can_write() -> bool:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        conn.execute("ROLLBACK")
        return True

    return can_write


def _probed_import(desk: Desk, path: Path) -> tuple[importer.ImportPlan, list[bool]]:
    """Import ``path``, asking at each progress report of the writing stage (every ten
    lines, then at the end) whether another writer could write."""
    can_write = _another_writer(desk)
    probes: list[bool] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "writing":
            probes.append(can_write())

    return import_file(desk, path, progress=progress), probes


def _with_bad_email(rows: list[dict[str, str]], at: int) -> list[dict[str, str]]:
    rows[at] = {**rows[at], "email": "not an address"}
    return rows


def test_a_file_refused_early_never_takes_the_desk(
    desk: Desk, tmp_path: Path, read_as_large: None
) -> None:
    """The problem is in the first batch: nothing is written, and another writer can
    write all the while the rest of the file is read."""
    before = counts(desk)
    path = write_dc(tmp_path / "dc.csv", _with_bad_email(by_ballot(120), at=2))
    plan, probes = _probed_import(desk, path)
    assert not plan.summary.written and [p.row for p in plan.problems] == [4]
    assert len(probes) > 10 and all(probes), probes
    assert counts(desk) == before


def test_a_file_refused_late_lets_the_desk_go_at_its_first_problem(
    desk: Desk, tmp_path: Path, read_as_large: None
) -> None:
    """Good batches before the problem are written (and hold the desk); from the
    problem on, the desk is free, and in the end nothing was written. (The old import
    held the desk through the whole read.)"""
    before = counts(desk)
    # Everyone stands once: a batch is five rows, the first written by line 7.
    path = write_dc(tmp_path / "dc.csv", _with_bad_email(by_ballot(120, every=10**6), at=60))
    plan, probes = _probed_import(desk, path)
    assert not plan.summary.written and [p.row for p in plan.problems] == [62]
    # Probes at lines 10, 20, ... 60 while good batches are written; 70 on after the problem.
    assert probes[:6] == [False] * 6 and len(probes) > 12 and all(probes[6:]), probes
    assert counts(desk) == before
    # A good file still writes in one transaction, and lets the desk go once committed.
    plan, probes = _probed_import(desk, write_dc(tmp_path / "good.csv", by_ballot(40)))
    assert plan.summary.written and plan.summary.people.new == 40
    assert _another_writer(desk)()
