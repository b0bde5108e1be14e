"""`kill -9` of a sync at random points (each a real process, forked from a server that
imported the app once: sync_child.py): after restart every desk converges with nothing
lost and nothing doubled."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db import audit
from deskapp.db.tables import Person, TimelineEntry
from deskapp.services import incidents, people
from deskapp.sync import run_sync, status

from .conftest import PASS, desk_state, hub_state, make_desk
from .sync_child import SyncChild

PERSON = Person.__table__  # type: ignore[attr-defined]
TIMELINE = TimelineEntry.__table__  # type: ignore[attr-defined]


def _kill_rounds(tmp_path: Path, url: str, rounds: int, seed: int) -> int:
    rng = random.Random(seed)
    a, b = make_desk(tmp_path, "a", hub=url), make_desk(tmp_path, "b", hub=url)
    pid = people.add_person(a, name="Anchor Person")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Anchor")
    run_sync(a, url)
    run_sync(b, url)
    names: list[str] = []
    notes: list[str] = []
    killed = 0
    for r in range(rounds):
        for desk, tag in ((a, "a"), (b, "b")):
            for k in range(rng.randint(1, 4)):
                names.append(f"{tag}{r}-{k}")
                people.add_person(desk, name=names[-1])
            notes.append(f"note {tag}{r}")
            incidents.add_note(desk, iid, notes[-1])
            incidents.update_incident(desk, iid, grade=rng.randint(1, 3))
        which = rng.choice((a, b))
        child = SyncChild(which.path, url, 2, which.officer.id, PASS)
        assert child.said() == "ready"
        time.sleep(rng.uniform(0.0, 0.12))
        killed += child.kill()
    for _ in range(2):
        for desk in (a, b):
            run_sync(desk, url)
    for desk in (a, b):
        with desk.read() as conn:
            got = [str(n) for n in conn.execute(select(PERSON.c.name)).scalars()]
            texts = [
                str(t)
                for t in conn.execute(
                    select(TIMELINE.c.text).where(TIMELINE.c.kind == "note")
                ).scalars()
            ]
            assert audit.verify(conn).ok
        assert sorted(n for n in got if n != "Anchor Person") == sorted(names)
        assert max(Counter(got).values()) == 1
        assert sorted(texts) == sorted(notes)
        assert status(desk).pending == 0
    assert desk_state(a) == desk_state(b) == hub_state(url)
    a.close()
    b.close()
    return killed


def test_kill9_file_hub(tmp_path: Path, file_hub: str) -> None:
    killed = _kill_rounds(tmp_path, file_hub, rounds=32, seed=9)
    print(f"file hub: {killed} syncs killed mid-way")
    assert killed >= 26


@pytest.mark.hub
def test_kill9_pg_hub(tmp_path: Path, pg_hub: str) -> None:
    killed = _kill_rounds(tmp_path, pg_hub, rounds=30, seed=99)
    print(f"PostgreSQL hub: {killed} syncs killed mid-way")
    assert killed >= 24
