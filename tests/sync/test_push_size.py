"""A push batch is never larger than what another desk fetches of one batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.services import incidents, people
from deskapp.sync import run_sync, service
from deskapp.sync.hub import ReadCaps, open_hub

from .conftest import enrol, make_desk

#: What the receiving desk fetches of one batch in this test (64 KiB, not 16 MiB, so a
#: few rows make a batch too large).
CAP = 64 * 1024


def test_wide_rows_go_in_batches_the_other_desk_fetches(
    file_hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "CAPS", ReadCaps(row=CAP, batch=CAP))
    monkeypatch.setattr(service, "PUSH_CHARS", CAP // 4, raising=False)
    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
    enrol(file_hub, a, b)
    pid = people.add_person(a, name="Ann Wide")
    made = [
        incidents.add_incident(
            a, person=pid, type="threat", grade=3, summary=f"Letter {n}",
            description=f"{n} " + "é" * 3000,  # two bytes a character
        )
        for n in range(40)
    ]  # fmt: skip
    pushed = run_sync(a, file_hub)
    assert pushed.pushed >= 41 and pushed.unconfirmed == 0
    sizes = [s.size for s in open_hub(file_hub).batches_after(0, 1 << 30, ReadCaps(0, 1 << 40))]
    assert max(sizes) <= CAP and len(sizes) > 3
    got = run_sync(b, file_hub)
    assert got.quarantined == 0
    for iid in made:
        assert incidents.get_incident(b, iid)["description"].endswith("é" * 3000)
    a.close()
    b.close()
