"""A pulled row whose text holds control characters is stored with them made visible,
and the sync goes on (issue #15, point 10: a hostile hub row never drives a terminal)."""

from __future__ import annotations

from pathlib import Path

from deskapp.store import people
from deskapp.sync import run_sync

from .conftest import make_desk

HOSTILE = "Eve\x1b]0;owned\x07"


def test_pulled_control_characters_are_made_visible_and_the_sync_goes_on(
    tmp_path: Path, file_hub: str
) -> None:
    a = make_desk(tmp_path, "a")
    with a.write() as tx:  # what validation refuses, as an old or hostile desk sends it
        hostile = tx.insert("person", {"name": HOSTILE, "party": "P\x9bQ"})
        plain = tx.insert("person", {"name": "Plain Person", "post": "one\ttwo"})
    run_sync(a, file_hub)
    b = make_desk(tmp_path, "b")
    result = run_sync(b, file_hub)
    assert result.defused == 1 and not result.cancelled
    assert people.get_person(b, hostile)["name"] == "Eve␛]0;owned␇"
    assert people.get_person(b, hostile)["party"] == "P\\x9bQ"
    assert people.get_person(b, plain)["post"] == "one\ttwo"  # tabs and line breaks kept
    # An update of a row the desk already holds is made visible too.
    with a.write() as tx:
        tx.update("person", plain, {"name": "Plain\x1b[2J"})
    run_sync(a, file_hub)
    later = run_sync(b, file_hub)
    assert later.defused == 1
    assert people.get_person(b, plain)["name"] == "Plain␛[2J"
    a.close()
    b.close()
