"""A pulled row whose text holds control characters is refused as typed text is: it is
quarantined (kept, counted, listed without its values) and the sync goes on (issue #15,
point 10: a hostile hub row never drives a terminal)."""

from __future__ import annotations

from pathlib import Path

from deskapp.services import people
from deskapp.sync import run_sync
from deskapp.sync.quarantine import list_quarantined

from .conftest import make_desk

HOSTILE = "Eve\x1b]0;owned\x07"


def test_pulled_control_characters_are_quarantined_and_the_sync_goes_on(
    tmp_path: Path, file_hub: str
) -> None:
    a = make_desk(tmp_path, "a", hub=file_hub)
    with a.write() as tx:  # what validation refuses, as an old or hostile desk sends it
        hostile = tx.insert("person", {"name": HOSTILE, "party": "P\x9bQ"})
        plain = tx.insert("person", {"name": "Plain Person", "post": "one\ttwo"})
    run_sync(a, file_hub)
    b = make_desk(tmp_path, "b", hub=file_hub)
    result = run_sync(b, file_hub)
    assert result.quarantined == 1 and not result.cancelled
    with b.read() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM person WHERE id = ?", (hostile,))
        assert stored.scalar_one() == 0
    assert people.get_person(b, plain)["post"] == "one\ttwo"  # tabs and line breaks pass
    # An update of a row the desk already holds: that field alone is held back.
    with a.write() as tx:
        tx.update("person", plain, {"name": "Plain\x1b[2J", "party": "Honest"})
    run_sync(a, file_hub)
    later = run_sync(b, file_hub)
    assert later.quarantined == 1
    held = people.get_person(b, plain)
    assert held["name"] == "Plain Person" and held["party"] == "Honest"
    listed = repr(list_quarantined(b))
    assert "\x1b" not in listed and "owned" not in listed and "\x9b" not in listed
    a.close()
    b.close()
