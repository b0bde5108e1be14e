"""`deskapp hub init|status`, `deskapp sync --json` and `deskapp conflicts` from a shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.services import incidents, people

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
    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    a.close()
    b.close()
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    da, db = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    # Desk a's supervisor sets the hub up as its root; desk b joins and is approved.
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-a")
    init = run_json(capsys, "hub", "init", hub, "--db", da)
    assert isinstance(init, dict)
    assert (init["hub"], init["created"], init["schema_version"], init["root"]) == (
        f"sqlite:///{tmp_path / 'hub.db'}",
        True,
        3,
        "PC-a",
    )
    assert run_json(capsys, "hub", "init", hub, "--db", da)["created"] is False  # type: ignore[index]
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-b")
    assert run_json(capsys, "hub", "join", hub, "--db", db)["status"] == "pending"  # type: ignore[index]
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-a")
    run_json(capsys, "hub", "approve", "PC-b", "--yes", "--db", da)

    first = run_json(capsys, "sync", "--db", da, "--hub", hub)
    assert isinstance(first, dict) and first["pushed"] >= 4 and first["conflicts"] == 0
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-b")
    got = run_json(capsys, "sync", "--db", db, "--hub", hub)
    assert isinstance(got, dict) and got["pulled"] >= 3
    # The hub is remembered per desk: no --hub needed any more.
    again = run_json(capsys, "sync", "--db", db)
    assert isinstance(again, dict) and (again["pushed"], again["pulled"]) == (0, 0)
    status = run_json(capsys, "hub", "status", hub)
    assert isinstance(status, dict)
    assert status["batches"] >= 2 and len(status["sites"]) == 2
    assert (status["hub_key_id"], status["certificates"], status["join_requests"]) == (1, 1, 0)
    # With a desk: the enrolment as verified from its pinned root, and its quarantine.
    status = run_json(capsys, "hub", "status", hub, "--db", db)
    assert isinstance(status, dict) and status["desk_quarantined"] == 0
    assert {(o["id"], o["status"], o["root"]) for o in status["officers"]} == {
        ("PC-a", "approved", True),
        ("PC-b", "approved", False),
    }
    capsys.readouterr()
    assert main(["hub", "status", hub, "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "Officers, as verified" in shown and "PC-b" in shown and "hub_key_id" in shown

    with Desk.open(tmp_path / "a.db", "PC-a", PASS) as desk:
        incidents.update_incident(desk, iid, summary="A says")
    with Desk.open(tmp_path / "b.db", "PC-b", PASS) as desk:
        incidents.update_incident(desk, iid, summary="B says")
    officer_of = {da: "PC-a", db: "PC-b"}
    for d in (da, db, da):
        monkeypatch.setenv("DESKAPP_OFFICER", officer_of[d])
        run_json(capsys, "sync", "--db", d)
    lists = []
    for d in (da, db):
        monkeypatch.setenv("DESKAPP_OFFICER", officer_of[d])
        lists.append(run_json(capsys, "conflicts", "list", "--db", d))
    assert sum(len(x) for x in lists) == 1  # type: ignore[arg-type]
    loser = da if lists[0] else db
    monkeypatch.setenv("DESKAPP_OFFICER", officer_of[loser])
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
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-a")
    assert main(["sync", "--db", da]) == 0
    assert "pushed" in capsys.readouterr().out


def test_sync_errors_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_desk(tmp_path, "a").close()
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-a")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    da = str(tmp_path / "a.db")
    assert main(["sync", "--db", da]) == 10  # no hub set yet
    assert "No hub is set" in capsys.readouterr().err
    assert main(["sync", "--db", da, "--hub", str(tmp_path / "nohub.db")]) == 12  # not reached
    assert "hub init" in capsys.readouterr().err
    run_json(capsys, "hub", "init", str(tmp_path / "hub.db"), "--db", da)
    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", "the wrong one")
    assert main(["sync", "--db", da, "--hub", str(tmp_path / "hub.db")]) == 3
    assert "Wrong passphrase for the hub" in capsys.readouterr().err
    monkeypatch.delenv("DESKAPP_HUB_PASSPHRASE")
    assert main(["hub", "status", str(tmp_path / "hub.db")]) != 0  # no terminal to ask on
