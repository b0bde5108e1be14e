"""Control characters (ESC, BEL, CSI...) never reach a terminal: refused at input and
import, made visible on a pull and at output (issue #15, point 10)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.importing.roster import plan_import
from deskapp.services import contacts, incidents, people
from tests.cli.cli_desk import init_desk
from tests.conftest import PASS
from tests.run_cli import run_in_process

TITLE = "Eve\x1b]0;owned\x07 Ward"  # would retitle the terminal
CLEAR = "\x1b[2JMallory"  # would clear the screen
CSI = "Trent\x9b31m"  # a C1 control


def stored_raw(desk: Desk, name: str, **fields: str) -> str:
    """A row holding what validation now refuses (written before, or by an old desk)."""
    with desk.write() as tx:
        return tx.insert("person", {"name": name, **fields})


@pytest.mark.parametrize("bad", [TITLE, CLEAR, CSI, "Del\x7f", "Bell\x07", "Two\nLines"])
def test_input_refuses_control_characters_in_every_text_field(desk: Desk, bad: str) -> None:
    with pytest.raises(ValidationError, match="control character") as caught:
        people.add_person(desk, name=bad)
    assert bad not in str(caught.value)
    pid = people.add_person(desk, name="Plain Name")
    for field in ("party", "post", "address", "email"):
        with pytest.raises(ValidationError, match="control character"):
            people.update_person(desk, pid, **{field: "x" + bad + "@a.b"})
    with pytest.raises(ValidationError, match="control character"):
        incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="ok " + CLEAR)


def test_notes_and_summaries_may_hold_line_breaks_but_no_escapes(desk: Desk) -> None:
    pid = people.add_person(desk, name="Plain Name")
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="one\ntwo")
    incidents.add_note(desk, iid, "line one\n\tline two")
    contacts.log_contact(desk, pid, channel="phone", kind="introduction", summary="a\nb")
    with pytest.raises(ValidationError, match="control character"):
        incidents.add_note(desk, iid, "line one\n" + TITLE)


def test_an_imported_cell_with_a_control_character_is_a_problem_of_its_row(
    desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "ro.csv"
    path.write_text(
        "Candidate Name,Ward,Council\r\n"
        f"{TITLE},Headingley,Leeds\r\n"
        f"Good Name,Kirk{CSI},Leeds\r\n"
        "Plain Person,Kirkstall,Leeds\r\n",
        encoding="utf-8",
    )
    plan = plan_import(desk, path)
    assert sorted(p.row for p in plan.problems) == [2, 3]
    assert all("control character" in p.reason for p in plan.problems)
    assert not any("\x1b" in p.reason or "\x9b" in p.reason for p in plan.problems)
    assert plan.summary.people.new == 1


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    init_desk(db_path, monkeypatch)
    with Desk.open(db_path, "4521", PASS) as desk:
        pid = stored_raw(desk, TITLE, party=CSI, post="Del\x7f")
        stored_raw(desk, CLEAR)
        iid = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="s")
        with desk.write() as tx:
            tx.update("incident", iid, {"summary": "hello " + CLEAR})
    return {**os.environ}


def run(env: dict[str, str], *args: str) -> bytes:
    """The command's output as UTF-8 bytes (in-process: what it prints is what is tested)."""
    done = run_in_process(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.encode()


@pytest.mark.parametrize(
    "args",
    [
        ("people", "list"),
        ("people", "list", "--json"),
        ("incidents", "list"),
        ("incidents", "list", "--json"),
    ],
)
def test_stored_control_characters_are_printed_visible(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    out = run(env, *args)
    for raw in ("\x1b", "\x07", "\x7f", "\x9b"):
        assert raw.encode() not in out
    text = out.decode()
    if "--json" in args:
        decoded = json.dumps(json.loads(text))  # still JSON, the values intact
        assert "\\u001b" in decoded
    else:
        assert "␛" in text


def test_people_show_and_incident_show_print_visible(env: dict[str, str]) -> None:
    listing = json.loads(run(env, "people", "list", "--json"))
    pid = next(p["id"] for p in listing if p["name"].startswith("Eve"))
    shown = run(env, "people", "show", pid)
    assert b"\x1b" not in shown and "Eve␛]0;owned␇ Ward".encode() in shown
    incident = json.loads(run(env, "incidents", "list", "--json"))[0]["id"]
    assert b"\x1b" not in run(env, "incidents", "show", incident)
