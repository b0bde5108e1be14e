"""`deskapp report returns`, `audit who|monitor`, and the auditor role from the command
line: an auditor may read the audit log, its monitoring and the returns, and is refused
every other command."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.domain.errors import PermissionDenied
from deskapp.services import officers, people
from tests.conftest import PASS
from tests.services.returns_desk import NAMES, fill

AUDITOR_PASS = "quiet ledger of lanterns"


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKAPP_DB", str(db_path))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    desk, _ = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    with desk:
        fill(desk)
    return db_path


def test_report_returns_in_each_format(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("md", "csv", "xlsx"):
        out = tmp_path / f"april.{fmt}"
        argv = ["report", "returns", "--from", "2026-04-01", "--to", "2026-04-30"]
        assert main([*argv, "--format", fmt, "--output", str(out)]) == 0
        if fmt == "xlsx":
            with zipfile.ZipFile(out) as book:
                body = "".join(book.read(n).decode() for n in book.namelist())
        else:
            body = out.read_text()
        assert "Incidents by grade" in body
        assert not any(name in body for name in NAMES)
    assert "Wrote the return" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--from", "2026-04-31", "--to", "2026-05-01"], 8, "--from must be a date"),
        (["--from", "2026-05-01", "--to", "2026-04-01"], 8, "before its --from"),
        (["--from", "2026-04-01", "--to", "2026-04-30", "--format", "pdf"], 2, ""),
    ],
)
def test_report_returns_refuses_bad_input(
    env: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    out = tmp_path / "r.md"
    assert main(["report", "returns", *argv, "--output", str(out)]) == code
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_audit_who_and_monitor(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Desk.open(env, "4521", PASS) as desk:
        lonely = people.add_person(desk, name="Nobody Special")
        people.get_person(desk, lonely)
    capsys.readouterr()
    assert main(["audit", "who", lonely, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["person_id"] == lonely
    assert [e["what"] for e in found["events"]] == ["recorded", "consulted"]
    assert main(["audit", "monitor", "--hours", "00-24", "--json"]) == 14  # something flagged
    flagged = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in flagged] == ["no incident or contact"]
    assert flagged[0]["person_id"] == lonely and "Nobody" not in json.dumps(flagged)
    assert main(["audit", "monitor", "--hours", "19-07"]) == 8
    assert "Working hours" in capsys.readouterr().err


def test_an_auditor_reads_the_log_and_returns_and_nothing_else(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", AUDITOR_PASS)
    assert main(["officer", "add", "9001", "--name", "DPO Example", "--auditor"]) == 0
    with Desk.open(env, "4521", PASS) as desk:
        assert [o.role for o in officers.list_officers(desk) if o.id == "9001"] == ["auditor"]
        person = people.add_person(desk, name="Private Person")
    monkeypatch.setenv("DESKAPP_OFFICER", "9001")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", AUDITOR_PASS)
    allowed = [
        ["audit", "verify"],
        ["audit", "list", "--limit", "3"],
        ["audit", "who", person],
        ["audit", "monitor", "--hours", "00-24"],
        [
            "report",
            "returns",
            "--from",
            "2026-04-01",
            "--to",
            "2026-04-30",
            "--output",
            str(tmp_path / "r.md"),
        ],
    ]
    for argv in allowed:
        assert main(argv) in (0, 14), argv
    refused = [
        ["people", "list"],
        ["people", "show", person],
        ["people", "add", "--name", "X"],
        ["incidents", "list"],
        ["advisers", "list"],
        ["events", "list"],
        ["organisations", "list"],
        ["review"],
        ["check"],
        ["conflicts", "list"],
        ["sync", "quarantine"],
        ["export", "roster", "--output", str(tmp_path / "x.csv")],
        ["assign", "--auto", "--dry-run"],
        ["officer", "list"],
        ["officer", "add", "9002", "--name", "Y"],
    ]
    capsys.readouterr()
    for argv in refused:
        assert main(argv) == PermissionDenied.exit_code, argv
        assert "An auditor" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
    # And in the store, whatever the entry point: an auditor's transaction changes nothing.
    with Desk.open(env, "9001", AUDITOR_PASS) as auditor:
        with pytest.raises(PermissionDenied, match="changes nothing"):
            people.add_person(auditor, name="Forbidden")
        with pytest.raises(PermissionDenied):
            people.update_person(auditor, person, risk="high", reason="no")
