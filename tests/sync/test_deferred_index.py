"""A large pull lets the search index stand aside and rebuilds it once: whether the pull
ends, is cancelled or is killed, every pulled person is found by a filter afterwards."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from deskapp.db import search_index
from deskapp.db.desk import Desk, load_slots
from deskapp.db.engine import connect_raw
from deskapp.services import incidents, people
from deskapp.sync import SyncProgress, run_sync

from .conftest import PASS, desk_state, hub_state, make_desk
from .sync_child import SyncChild


@pytest.fixture
def always_defer(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every pull defers (the real thresholds want 10,000 rows); counts the rebuilds."""
    monkeypatch.setattr(search_index, "MIN_ROWS", 1)
    monkeypatch.setattr(search_index, "MIN_SHARE", 0.0)
    rebuilds: list[int] = []
    real = search_index.rebuild

    def counted(desk: Desk) -> bool:
        done = real(desk)
        rebuilds.append(int(done))
        return done

    monkeypatch.setattr(search_index, "rebuild", counted)
    return rebuilds


def seeded(tmp_path: Path, url: str, count: int) -> list[str]:
    a = make_desk(tmp_path, "a", hub=url)
    names = [f"Pulled Person {n:03d}" for n in range(count)]
    for name in names:
        pid = people.add_person(a, name=name, party="Green Party")
        incidents.add_incident(a, person=pid, type="threat", grade=2, summary=f"about {name}")
    run_sync(a, url, batch_size=10)  # many batches at the hub: a pull's batches are its
    a.close()
    return names


def assert_index_in_step(desk: Desk, names: list[str]) -> None:
    with desk.read() as conn:
        assert not search_index.deferred(conn)
    with desk.write() as tx:  # FTS5's own check of index against content
        for table in ("person", "incident"):
            tx.conn.exec_driver_sql(
                f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')"
            )
    found = {p["name"] for p in people.list_people(desk, filter_text="pulled person")}
    assert found == set(names)


def test_a_deferring_pull_leaves_every_row_findable(
    tmp_path: Path, file_hub: str, always_defer: list[int]
) -> None:
    names = seeded(tmp_path, file_hub, 40)
    b = make_desk(tmp_path, "b", hub=file_hub)
    result = run_sync(b, file_hub, batch_size=7)  # many batches, one rebuild
    assert result.pulled >= 80 and always_defer == [1]
    assert_index_in_step(b, names)
    b.close()


def test_a_cancelled_pull_rebuilds_what_it_brought(
    tmp_path: Path, file_hub: str, always_defer: list[int]
) -> None:
    names = seeded(tmp_path, file_hub, 40)
    b = make_desk(tmp_path, "b", hub=file_hub)
    cancel = threading.Event()

    def progress(p: SyncProgress) -> None:
        if p.phase == "pull" and p.done >= 20:
            cancel.set()

    first = run_sync(b, file_hub, batch_size=10, progress=progress, cancel=cancel)
    assert first.cancelled and always_defer == [1]
    with b.read() as conn:
        assert not search_index.deferred(conn)
    run_sync(b, file_hub)  # the rest
    assert_index_in_step(b, names)
    b.close()


def deferred_on_disk(path: Path) -> bool:
    """Whether the flag is set, read without ``Desk.open`` (which would rebuild)."""
    key = load_slots(path).unlock_candidates("PC-b", PASS)[0]
    conn = connect_raw(path, key)
    try:
        found = conn.execute("SELECT 1 FROM meta WHERE key = ?", (search_index.KEY,)).fetchone()
        return found is not None
    finally:
        conn.close()


def test_pulls_killed_while_deferred_leave_nothing_unfindable(
    tmp_path: Path, file_hub: str
) -> None:
    """kill -9 of pulls that defer the index, each after its first or second pulled batch
    has committed (so the index is deferred on disk): reopening the desk (or its next
    pull) rebuilds it, and the desk converges with the hub."""
    names = seeded(tmp_path, file_hub, 60)
    b = make_desk(tmp_path, "b", hub=file_hub)
    path = b.path
    b.close()
    killed = left_deferred = 0
    for n in range(6):
        child = SyncChild(path, file_hub, 3, "PC-b", PASS, defer_index=True, stop_in_pull=1 + n % 2)
        assert child.said() == "ready"
        if child.said() == "mid-pull":
            killed += child.kill()
        else:
            child.wait()
        left_deferred += deferred_on_disk(path)
    assert killed == 6 and left_deferred == killed  # every kill left the index deferred
    b = Desk.open(path, "PC-b", PASS)  # rebuilds an index a killed pull left deferred
    run_sync(b, file_hub)
    assert_index_in_step(b, names)
    assert desk_state(b) == hub_state(file_hub)
    b.close()
