"""`deskapp import candidates`, `assign --auto`, `export` and `organisations` from a shell."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from deskapp.cli import main
from deskapp.cli.imports import ProgressBar
from tests.cli.cli_desk import init_desk
from tests.importing.test_importer import WELSH_IRISH, base_rows, write_dc

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return init_desk(db_path, monkeypatch)


def run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == code
    return json.loads(capsys.readouterr().out)


def test_import_json_reports_counts_and_reimport_is_unchanged(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_dc(tmp_path / "candidates.csv", base_rows())
    first = run(capsys, "import", "candidates", str(path))
    for key in ("new", "updated", "unchanged", "rejected", "problems"):
        assert key in first
    assert (first["new"], first["updated"], first["unchanged"], first["rejected"]) == (8, 0, 0, 0)
    assert first["problems"] == [] and first["written"] is True
    assert first["candidacies"]["new"] == 10 and first["format"] == "democracyclub"
    again = run(capsys, "import", "candidates", str(path), "--format", "democracyclub")
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 8)
    listed = run(capsys, "people", "list")
    assert sorted(p["name"] for p in listed) == sorted(WELSH_IRISH)


def test_import_text_output(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_dc(tmp_path / "candidates.csv", base_rows())
    assert main(["import", "candidates", str(path)]) == 0
    out = capsys.readouterr().out
    assert "candidates.csv: Democracy Club format, utf-8, 10 rows." in out
    assert "People:        8 new, 0 updated, 0 unchanged, 0 rejected" in out


def test_refused_file_lists_every_problem_and_writes_nothing(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run(capsys, "import", "candidates", str(DATA / "dc_problems.csv"), code=8)
    assert report["refused"] is True and report["written"] is False
    assert len(report["problems"]) >= 10
    assert all(set(p) == {"row", "column", "reason"} for p in report["problems"])
    assert run(capsys, "people", "list") == []
    capsys.readouterr()
    assert main(["import", "candidates", str(DATA / "dc_problems.csv")]) == 8
    err = capsys.readouterr().err
    assert "was refused" in err and "nothing was imported" in err
    assert "  row 3, person_name: The name is missing." in err
    assert "--skip-bad" in err
    assert not (DATA / "dc_problems.rejects.csv").exists()


def test_dry_run_writes_nothing(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_dc(tmp_path / "candidates.csv", base_rows())
    report = run(capsys, "import", "candidates", str(path), "--dry-run")
    assert report["new"] == 8 and report["dry_run"] is True and report["written"] is False
    assert run(capsys, "people", "list") == []


def test_skip_bad_writes_the_reject_file_and_says_it_holds_personal_data(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = base_rows()
    rows[5]["person_name"] = ""
    path = write_dc(tmp_path / "mixed.csv", rows)
    assert main(["import", "candidates", str(path), "--skip-bad"]) == 0
    out = capsys.readouterr().out
    rejects = tmp_path / "mixed.rejects.csv"
    assert f"Rejected rows written to {rejects}" in out and "personal data" in out
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["reject_row"] for r in csv.DictReader(fh)] == ["7"]
    custom = tmp_path / "elsewhere.csv"
    report = run(capsys, "import", "candidates", str(path), "--skip-bad", "--rejects", str(custom))
    assert report["rejects_file"] == str(custom) and custom.exists()
    assert report["unchanged"] == 7 and report["rejected"] == 1
    # --rejects without --skip-bad is a usage error; the input file is never overwritten.
    assert main(["import", "candidates", str(path), "--rejects", str(custom)]) == 2
    assert main(["import", "candidates", str(path), "--skip-bad", "--rejects", str(path)]) == 8


def test_map_option_and_bad_map(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run(
        capsys,
        "import",
        "candidates",
        str(DATA / "ro_custom_headers.csv"),
        "--format",
        "csv",
        "--map",
        "Nominee=name,Electoral Area=post,Standing For=party,Authority=org,Contact=phone,"
        "Notes=ignore",
    )
    assert report["new"] == 2
    capsys.readouterr()
    assert main(["import", "candidates", str(DATA / "returning_officer.csv"), "--map", "x"]) == 8
    assert main(["import", "candidates", str(DATA / "nope.csv")]) == 9


def test_assign_auto_and_people_list_shows_adviser(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", "candidates", str(write_dc(tmp_path / "c.csv", base_rows())))
    cardiff = run(capsys, "advisers", "add", "--name", "PC Cardiff", "--area", "Cardiff")
    other = run(capsys, "advisers", "add", "--name", "PC Elsewhere", "--area", "North Wales")
    preview = run(capsys, "assign", "--auto", "--dry-run")
    assert preview["assigned"] == 8 and preview["applied"] == 0
    assert all(p["adviser_id"] is None for p in run(capsys, "people", "list"))
    done = run(capsys, "assign", "--auto")
    assert done["applied"] == 8 and len(done["assignments"]) == 8
    first = {a["person_name"]: a for a in done["assignments"]}
    assert first[WELSH_IRISH[0]]["adviser_id"] == cardiff["id"]
    assert first[WELSH_IRISH[0]]["reason"] == "area"
    listed = {p["name"]: p["adviser_id"] for p in run(capsys, "people", "list")}
    assert listed[WELSH_IRISH[0]] == cardiff["id"]
    assert set(listed.values()) == {cardiff["id"], other["id"]}
    capsys.readouterr()
    assert main(["assign", "--auto"]) == 0
    assert "Everyone on the roster has a named contact." in capsys.readouterr().out
    assert main(["assign"]) == 2


def test_export_commands(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", "candidates", str(write_dc(tmp_path / "c.csv", base_rows())))
    out = tmp_path / "roster.csv"
    result = run(capsys, "export", "roster", "--output", str(out))
    assert result["redacted"] is True and result["rows"] == 8
    assert b"sian@example.org" not in out.read_bytes()
    capsys.readouterr()
    assert main(["export", "roster", "--output", str(out)]) == 8
    assert "already exists" in capsys.readouterr().err
    assert main(["export", "roster", "--output", str(out), "--force", "--disclose-to", "X"]) == 0
    text = capsys.readouterr().out
    assert "Disclosed to X" in text and b"sian@example.org" in out.read_bytes()
    md = tmp_path / "caseload.md"
    assert main(["export", "caseload", "--format", "md", "-o", str(md)]) == 0
    assert md.read_text(encoding="utf-8").startswith("# Caseloads")
    assert main(["export", "incidents", "-o", str(tmp_path / "i.csv")]) == 0
    assert main(["export", "briefing", "nope-no-such-event", "-o", str(tmp_path / "b.md")]) == 9


def test_organisations_list_and_update(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", "candidates", str(write_dc(tmp_path / "c.csv", base_rows())))
    orgs = {o["slug"]: o for o in run(capsys, "organisations", "list")}
    assert orgs["cardiff"]["name"] == "Cardiff Council" and orgs["cardiff"]["people"] == 1
    assert orgs["cardiff"]["share_request_status"] == "not-requested"
    changed = run(
        capsys,
        "organisations",
        "update",
        "cardiff",
        "--ro-name",
        "Returning Officer Example",
        "--ro-phone",
        "029 2000 0000",
        "--ro-email",
        "elections@example.org",
        "--share-status",
        "requested",
    )
    assert changed["changed"] == ["ro_email", "ro_name", "ro_phone", "share_request_status"]
    masked = {o["slug"]: o for o in run(capsys, "organisations", "list", "--filter", "cardiff")}
    assert masked["cardiff"]["ro_phone"] == "[masked]"
    assert masked["cardiff"]["ro_name"] == "Returning Officer Example"
    shown = run(capsys, "organisations", "list", "--reveal", "--filter", "cardiff")
    assert shown[0]["ro_email"] == "elections@example.org"
    capsys.readouterr()
    assert main(["organisations", "update", "cardiff", "--share-status", "maybe"]) == 2
    assert main(["organisations", "update", "cardiff", "--ro-email", "not-an-email"]) == 8


def test_progress_bar_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = ProgressBar(tty)
    bar("writing", 50_000, 100_000)
    bar("writing", 100_000, 100_000)
    bar.finish()
    # The officer's words, as the app shows them; never the importer's stage name.
    assert "\r[###############               ]  50%  Saving to the desk: 50 of 100 KB" in (
        tty.getvalue()
    )
    assert "writing" not in tty.getvalue()
    assert tty.getvalue().endswith("100 of 100 KB   \n")
    pipe = io.StringIO()
    quiet = ProgressBar(pipe)
    quiet("writing", 1, 2)
    quiet.finish()
    assert pipe.getvalue() == ""


def test_a_constituencys_council_is_set_by_hand(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DC's file names no council for Cardiff West: the officer names it, and advisers
    covering that council then cover the constituency's candidates."""
    from tests.importing.test_dc_ballots import general_election
    from tests.importing.test_importer import row

    rows = [row("930001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07"), *general_election()]
    run(capsys, "import", "candidates", str(write_dc(tmp_path / "ge.csv", rows)))
    orgs = {o["slug"]: o for o in run(capsys, "organisations", "list")}
    west = "parl.cardiff-west"
    assert orgs[west]["council"] is None and orgs[west]["council_id"] is None
    assert orgs["parl.pontypridd"]["council"] == "rhondda-cynon-taf"  # from the file

    changed = run(capsys, "organisations", "update", west, "--council", "cardiff")
    assert changed == {"changed": ["council_id"]}
    orgs = {o["slug"]: o for o in run(capsys, "organisations", "list")}
    assert orgs[west]["council"] == "cardiff"
    assert orgs[west]["council_id"] == orgs["cardiff"]["id"]
    capsys.readouterr()
    assert main(["organisations", "list", "--filter", "cardiff west"]) == 0
    table = capsys.readouterr().out
    assert "RO COUNCIL" in table and "cardiff" in table.splitlines()[-1]

    run(capsys, "advisers", "add", "--name", "PC Caerdydd", "--areas", "cardiff")
    run(capsys, "advisers", "add", "--name", "PC Taf", "--areas", "rhondda-cynon-taf")
    plan = run(capsys, "assign", "--auto", "--dry-run")
    by_name = {a["person_name"]: a for a in plan["assignments"]}
    for k in (0, 1):  # Cardiff West's two candidates, by their council
        assert by_name[f"Ymgeisydd 1 {k}"]["adviser_name"] == "PC Caerdydd"
        assert by_name[f"Ymgeisydd 1 {k}"]["in_area"] is True

    # Cleared again with 'none'; wrong input is refused with a message, changing nothing.
    assert run(capsys, "organisations", "update", west, "--council", "none")["changed"] == [
        "council_id"
    ]
    for argv, code, words in (
        ([west, "--council", "no-such-council"], 9, "No council 'no-such-council'"),
        ([west, "--council", "parl.cardiff-east"], 8, "is a constituency, not a council"),
        (["cardiff", "--council", "cardiff"], 8, "Only a constituency"),
        ([west, "--council", "   "], 8, "Give the organisation's id"),
    ):
        capsys.readouterr()
        assert main(["organisations", "update", *argv]) == code
        assert words in capsys.readouterr().err
    orgs = {o["slug"]: o for o in run(capsys, "organisations", "list")}
    assert orgs[west]["council_id"] is None
