"""The scriptable CLI: every listing takes --json, errors are one line and an exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deskapp.cli import main
from tests.cli.cli_desk import init_desk
from tests.conftest import PASS

RUN_CLI = Path(__file__).parents[1] / "run_cli.py"  # the command, with fast key slots


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return init_desk(db_path, monkeypatch)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_init_shows_recovery_key_once(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["init", "--db", str(db_path), "--officer", "4521", "--name", "Sgt A"]) == 0
    out = capsys.readouterr().out
    assert "RECOVERY KEY" in out
    assert main(["init", "--db", str(db_path), "--officer", "4521", "--name", "Sgt A"]) == 8


def test_db_given_before_or_after_the_subcommand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`deskapp --db X people list` and `deskapp people list --db X` open the same desk
    (argparse had reset a --db given before the subcommand to the default)."""
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    path = str(tmp_path / "here.db")
    assert main(["--db", path, "init", "--officer", "4521", "--name", "Sgt A"]) == 0
    assert (tmp_path / "here.db").exists()
    assert main(["--db", path, "people", "list", "--json"]) == 0
    assert main(["people", "list", "--db", path, "--json"]) == 0
    capsys.readouterr()
    assert main(["people", "list", "--json"]) != 0  # nothing at the default place
    assert "No desk database" in capsys.readouterr().err


def test_people_adviser_incident_round_trip(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    adviser = run_json(capsys, "advisers", "add", "--name", "PC Contact", "--area", "Leeds")
    assert isinstance(adviser, dict)
    person = run_json(
        capsys,
        "people",
        "add",
        "--name",
        "Seán Ó Briain",
        "--role",
        "councillor",
        "--party",
        "Green Party",
        "--phone",
        "07700 900123",
        "--address",
        "1 Any Road",
    )
    assert isinstance(person, dict)
    listing = run_json(capsys, "people", "list")
    assert isinstance(listing, list) and listing[0]["name"] == "Seán Ó Briain"
    assert listing[0]["phone"] == "[masked]" and listing[0]["address"] == "[masked]"
    revealed = run_json(capsys, "people", "list", "--reveal", "--reason", "welfare check")
    assert isinstance(revealed, list) and revealed[0]["phone"] == "07700 900123"
    inc = run_json(
        capsys,
        "incidents",
        "add",
        "--person",
        person["id"],
        "--type",
        "threat",
        "--grade",
        "2",
        "--summary",
        "Threat after hustings",
    )
    assert isinstance(inc, dict)
    run_json(
        capsys,
        "incidents",
        "update",
        inc["ref"],
        "--assign",
        adviser["id"],
        "--thrive",
        "threat=high,harm=medium",
    )
    run_json(capsys, "incidents", "note", inc["id"], "Rang back, advice given")
    run_json(
        capsys,
        "incidents",
        "update",
        inc["id"],
        "--crime-ref",
        "CR/123/26",
        "--operation",
        "bridger",
        "--status",
        "in-progress",
    )
    shown = run_json(capsys, "incidents", "show", inc["id"])
    assert isinstance(shown, dict)
    assert shown["status"] == "in-progress" and shown["crime_ref"] == "CR/123/26"
    assert [e["kind"] for e in shown["timeline"]][:1] == ["created"]
    assert any(e["kind"] == "note" for e in shown["timeline"])
    queue = run_json(capsys, "incidents", "list")
    assert isinstance(queue, list) and queue[0]["adviser_name"] == "PC Contact"
    advisers = run_json(capsys, "advisers", "list")
    assert isinstance(advisers, list) and advisers[0]["open_incidents"] == 1
    audit = run_json(capsys, "audit", "list")
    assert isinstance(audit, list)
    assert any(e["action"] == "consultation" and "welfare check" in e["detail"] for e in audit)
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert main(["check"]) == 0
    assert "ok" in capsys.readouterr().out


def test_limit_and_table_output(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(5):
        assert main(["people", "add", "--name", f"Person {i}"]) == 0
    assert len(run_json(capsys, "people", "list", "--limit", "2")) == 2
    capsys.readouterr()
    assert main(["people", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("ID") and "Person 4" in out


def test_officer_lifecycle(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKAPP_NEW_PASSPHRASE", "bo passphrase")
    assert main(["officer", "add", "1001", "--name", "PC Bo"]) == 0
    ids = [o["id"] for o in run_json(capsys, "officer", "list")]
    assert ids == ["1001", "4521"]
    monkeypatch.setenv("DESKAPP_OFFICER", "1001")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "bo passphrase")
    assert main(["officer", "add", "1002", "--name", "PC C"]) == 7  # not a supervisor
    assert main(["audit", "list"]) == 7
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    assert main(["officer", "remove", "1001", "--yes"]) == 0
    monkeypatch.setenv("DESKAPP_OFFICER", "1001")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "bo passphrase")
    assert main(["people", "list"]) == 3


def test_validation_errors_exit_8(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["people", "add", "--name", "X", "--role", "emperor"]) == 8
    assert "Role must be one of" in capsys.readouterr().err
    assert main(["incidents", "show", "nope"]) == 9


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_CLI), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_real_process_exit_codes_and_no_traceback(env: Path) -> None:
    base = {**os.environ}
    wrong = cli("people", "list", env={**base, "DESKAPP_PASSPHRASE": "wrong"})
    assert wrong.returncode == 3
    assert "Wrong passphrase for officer 4521" in wrong.stderr
    assert "Traceback" not in wrong.stderr + wrong.stdout
    missing = cli("people", "list", "--db", str(env.parent / "none.db"), env=base)
    assert missing.returncode == 4 and "deskapp init" in missing.stderr
    env.write_bytes(env.read_bytes()[:2048])  # a truncated database
    corrupt = cli("people", "list", env=base)
    assert corrupt.returncode == 5 and "damaged" in corrupt.stderr
    assert "Traceback" not in corrupt.stderr
    no_prompt = cli(
        "people", "list", env={k: v for k, v in base.items() if k != "DESKAPP_PASSPHRASE"}
    )
    assert no_prompt.returncode == 2 and "DESKAPP_PASSPHRASE" in no_prompt.stderr


def test_malformed_settings_named(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = Path(os.environ["DESKAPP_CONFIG"])
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("auto_lock_minuts = 3\n")
    assert main(["people", "list"]) == 10
    assert "auto_lock_minuts" in capsys.readouterr().err


def test_audit_verify_and_check_report_tampering(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deskapp.db.desk import Desk

    assert main(["people", "add", "--name", "Chained"]) == 0
    with Desk.open(env, "4521", PASS) as desk, desk.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_event SET detail = 'rewritten' WHERE seq = 1")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 14
    assert "TAMPERED" in capsys.readouterr().err
    assert main(["check"]) == 14
    assert "FAIL  audit" in capsys.readouterr().out


def test_rethrive_without_a_note_keeps_the_factor_note(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--thrive threat=high` re-grades a factor; only `threat=high:` (or new text) changes
    its note. Omitting the note used to clear the note written earlier."""
    person = run_json(capsys, "people", "add", "--name", "Cllr Note Keeper")
    assert isinstance(person, dict)
    inc = run_json(
        capsys,
        "incidents",
        "add",
        "--person",
        person["id"],
        "--type",
        "threat",
        "--grade",
        "2",
        "--summary",
        "Letter",
        "--thrive",
        "threat=medium:named the street",
    )
    assert isinstance(inc, dict)
    run_json(capsys, "incidents", "update", inc["id"], "--thrive", "threat=high")
    shown = run_json(capsys, "incidents", "show", inc["id"])
    assert isinstance(shown, dict)
    thrive = json.loads(shown["thrive"]) if isinstance(shown["thrive"], str) else shown["thrive"]
    assert thrive["threat"] == {"level": "high", "note": "named the street"}
    run_json(capsys, "incidents", "update", inc["id"], "--thrive", "threat=high:")
    shown = run_json(capsys, "incidents", "show", inc["id"])
    assert isinstance(shown, dict)
    thrive = json.loads(shown["thrive"]) if isinstance(shown["thrive"], str) else shown["thrive"]
    assert thrive["threat"] == {"level": "high", "note": ""}


def test_people_update_risk_needs_a_reason_on_the_command_line_too(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app asks why a risk level changed; the CLI let it change without a reason."""
    person = run_json(capsys, "people", "add", "--name", "Cllr Risk Reason")
    assert isinstance(person, dict)
    capsys.readouterr()
    assert main(["people", "update", person["id"], "--risk", "high"]) == 8
    assert "reason" in capsys.readouterr().err
    shown = run_json(capsys, "people", "show", person["id"])
    assert isinstance(shown, dict) and shown["risk"] == "low"
    run_json(
        capsys,
        "people",
        "update",
        person["id"],
        "--risk",
        "high",
        "--reason",
        "Threats after the hustings",
    )
    audit = run_json(capsys, "audit", "list")
    assert isinstance(audit, list)
    assert any("Threats after the hustings" in str(e.get("detail")) for e in audit)


def test_incident_show_reads_thrive_as_words(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`incidents show` printed THRIVE as the JSON it is stored as; an officer reads each
    scored factor with its level and note, and `--json` gives scripts an object."""
    person = run_json(capsys, "people", "add", "--name", "Cllr Thrive Reader")
    assert isinstance(person, dict)
    inc = run_json(
        capsys,
        *("incidents", "add", "--person", person["id"], "--type", "threat", "--grade", "2"),
        *("--summary", "Letter", "--thrive", "threat=high:named the street,harm=m"),
    )
    assert isinstance(inc, dict)
    assert main(["incidents", "show", inc["id"]]) == 0
    shown = capsys.readouterr().out
    line = next(x for x in shown.splitlines() if x.startswith("thrive"))
    assert "threat high (named the street)" in line
    assert "harm medium" in line
    assert "{" not in line
    as_json = run_json(capsys, "incidents", "show", inc["id"])
    assert isinstance(as_json, dict)
    assert as_json["thrive"]["harm"] == {"level": "medium", "note": ""}


def test_incident_show_without_thrive_says_so(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = run_json(capsys, "people", "add", "--name", "Cllr Not Assessed")
    assert isinstance(person, dict)
    inc = run_json(
        capsys,
        *("incidents", "add", "--person", person["id"], "--type", "threat", "--grade", "3"),
        *("--summary", "Letter"),
    )
    assert isinstance(inc, dict)
    assert main(["incidents", "show", inc["id"]]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("thrive"))
    assert line.split(None, 1)[1] == "not assessed"
