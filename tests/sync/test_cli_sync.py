"""`deskapp hub init|status`, `deskapp sync --json` and `deskapp conflicts` from a shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.store import incidents, people
from deskapp.store.desk import Desk

from .conftest import PASS, make_desk


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def test_hub_sync_and_conflicts_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = str(tmp_path / "hub.db")
    init = run_json(capsys, "hub", "init", hub)
    assert init == {"hub": f"sqlite:///{tmp_path / 'hub.db'}", "created": True, "schema_version": 1}
    assert run_json(capsys, "hub", "init", hub)["created"] is False  # type: ignore[index]

    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    a.close()
    b.close()
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    da, db = str(tmp_path / "a.db"), str(tmp_path / "b.db")

    first = run_json(capsys, "sync", "--db", da, "--hub", hub)
    assert isinstance(first, dict) and first["pushed"] >= 4 and first["conflicts"] == 0
    got = run_json(capsys, "sync", "--db", db, "--hub", hub)
    assert isinstance(got, dict) and got["pulled"] >= 3
    # The hub is remembered per desk: no --hub needed any more.
    again = run_json(capsys, "sync", "--db", db)
    assert isinstance(again, dict) and (again["pushed"], again["pulled"]) == (0, 0)
    status = run_json(capsys, "hub", "status", hub)
    assert isinstance(status, dict)
    assert status["rows"]["incident"] == 1 and len(status["sites"]) == 2

    with Desk.open(tmp_path / "a.db", "4521", PASS) as desk:
        incidents.update_incident(desk, iid, summary="A says")
    with Desk.open(tmp_path / "b.db", "4521", PASS) as desk:
        incidents.update_incident(desk, iid, summary="B says")
    run_json(capsys, "sync", "--db", da)
    run_json(capsys, "sync", "--db", db)
    run_json(capsys, "sync", "--db", da)
    lists = [run_json(capsys, "conflicts", "list", "--db", d) for d in (da, db)]
    assert sum(len(x) for x in lists) == 1  # type: ignore[arg-type]
    loser = da if lists[0] else db
    [conflict] = lists[0] or lists[1]  # type: ignore[misc]
    assert conflict["local_value"] == "A says" and conflict["remote_value"] == "B says"
    shown = run_json(capsys, "conflicts", "show", conflict["id"][:12], "--db", loser)
    assert isinstance(shown, dict) and shown["field"] == "summary"
    done = run_json(
        capsys, "conflicts", "resolve", conflict["id"], "--keep", "remote", "--db", loser
    )
    assert isinstance(done, dict) and done["resolution"] == "remote"
    assert run_json(capsys, "conflicts", "list", "--db", loser) == []
    assert len(run_json(capsys, "conflicts", "list", "--all", "--db", loser)) == 1  # type: ignore[arg-type]
    # Resolving twice is refused with a plain message.
    capsys.readouterr()
    assert main(["conflicts", "resolve", conflict["id"], "--keep", "local", "--db", loser]) == 8

    capsys.readouterr()
    assert main(["sync", "--db", da]) == 0
    assert "pushed" in capsys.readouterr().out


def test_sync_errors_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_desk(tmp_path, "a").close()
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    da = str(tmp_path / "a.db")
    assert main(["sync", "--db", da]) == 10  # no hub set yet
    assert "No hub is set" in capsys.readouterr().err
    assert main(["sync", "--db", da, "--hub", str(tmp_path / "nohub.db")]) == 12  # not reached
    assert "hub init" in capsys.readouterr().err
    run_json(capsys, "hub", "init", str(tmp_path / "hub.db"))
    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", "the wrong one")
    assert main(["sync", "--db", da, "--hub", str(tmp_path / "hub.db")]) == 3
    assert "Wrong passphrase for the hub" in capsys.readouterr().err
    monkeypatch.delenv("DESKAPP_HUB_PASSPHRASE")
    assert main(["hub", "status", str(tmp_path / "hub.db")]) != 0  # no terminal to ask on
