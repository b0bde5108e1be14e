"""What a sync reports as it goes (issue #21: a first sync's progress names what it is
doing, and its estimate of the time left is of that): the pull's count reaches its total,
then the search index, made again after a large pull, is a phase of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.db import search_index
from deskapp.services import people
from deskapp.sync import SyncProgress, run_sync

from .conftest import make_desk


def test_a_large_pull_reports_the_index_as_a_phase_of_its_own(
    tmp_path: Path, file_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "MIN_ROWS", 1)  # every pull defers its index
    monkeypatch.setattr(search_index, "MIN_SHARE", 0.0)
    a = make_desk(tmp_path, "a", hub=file_hub)
    for n in range(12):
        people.add_person(a, name=f"Pulled Person {n}")
    run_sync(a, file_hub, batch_size=5)
    b = make_desk(tmp_path, "b", hub=file_hub)
    seen: list[SyncProgress] = []
    run_sync(b, file_hub, batch_size=5, progress=seen.append)
    phases = [p.phase for p in seen]
    assert phases[-2:] == ["index", "index"] and "index" not in phases[:-2]
    pulls = [p for p in seen if p.phase == "pull"]
    assert pulls[-1].done == pulls[-1].total >= 12
    assert [(p.done, p.total) for p in seen[-2:]] == [(0, 1), (1, 1)]
    a.close()
    b.close()
