"""`deskapp events` as a person types it: add prints the id and reference, link takes
references and prefixes, bad input is one sentence, a non-zero exit and no write.

The command runs in this process (its parser, exit codes and output, with the
environment given), not in a child per call: a child's interpreter start and imports
made this module one of the suite's slowest, and the console script's own start is
covered by tests/cli/test_cli.py's real-process test."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASS
from tests.run_cli import run_in_process


@pytest.fixture
def env(db_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DESKAPP_DB": str(db_path),
        "DESKAPP_OFFICER": "4521",
        "DESKAPP_PASSPHRASE": PASS,
    }
    assert cli("init", "--officer", "4521", "--name", "Sgt Ada Example", env=env).returncode == 0
    return env


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_in_process(*args, env=env)


def ok(*args: str, env: dict[str, str]) -> str:
    done = cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_events_round_trip(env: dict[str, str]) -> None:
    sian = ok("people", "add", "--name", "Siân Evans", env=env).strip()
    tom = ok("people", "add", "--name", "Tom Jones", env=env).strip()
    out = ok(
        "events", "add", "--title", "Hustings at the hall", "--kind", "hustings",
        "--starts", "2026-12-10T19:00", "--ends", "2026-12-10T21:00",
        "--place", "Town Hall, 1 High St", "--organiser", "Chamber of Trade",
        "--organiser-contact", "01234 567890", "--notice-received", "2026-12-09T12:00",
        "--risk", "high", "--risk-reason", "Protest expected", env=env,
    )  # fmt: skip
    ref, event_id = out.split()
    assert ref.startswith("E-") and event_id.replace("-", "").upper().endswith(ref[2:])
    assert ok("events", "link", ref, sian, tom[:13], env=env) == f"Linked 2 people (to {ref}).\n"
    listed = json.loads(ok("events", "list", "--json", env=env))
    assert [(e["ref"], e["people"], e["short_notice"]) for e in listed] == [(ref, 2, True)]
    assert listed[0]["place"] == "[masked]"
    table = ok("events", "list", env=env)
    assert ref in table and "SHORT" in table and "Town Hall" not in table
    update = [
        "events", "update", event_id[:13], "--risk", "medium", "--risk-reason", "Calmer",
        "--patrol", "--patrol-hours", "2.5", "--additional-cost", "1,250.50",
        "--opportunity-cost", "80", "--outcome", "Passed off peacefully", "--json",
    ]  # fmt: skip
    changed = json.loads(ok(*update, env=env))["changed"]
    assert changed == sorted(
        ["risk", "risk_reason", "patrol_requested", "patrol_minutes",
         "patrol_additional_pence", "patrol_opportunity_pence", "outcome"]
    )  # fmt: skip
    assert ok("events", "unlink", ref, tom, env=env) == f"Unlinked 1 person (from {ref}).\n"
    shown = json.loads(ok("events", "show", ref, "--json", env=env))
    assert shown["place"] == shown["organiser"] == shown["organiser_contact"] == "[masked]"
    assert [p["name"] for p in shown["people"]] == ["Siân Evans"]
    assert (shown["patrol_minutes"], shown["patrol_additional_pence"]) == (150, 125050)
    revealed = json.loads(ok("events", "show", ref, "--json", "--reveal", env=env))
    assert revealed["place"] == "Town Hall, 1 High St"
    text = ok("events", "show", ref, env=env)
    assert "short: the protocol expects 48 h" in text and "Town Hall" not in text

    incident = ok(
        "incidents", "add", "--person", sian, "--type", "threat", "--grade", "2",
        "--summary", "Shouted at", env=env,
    )  # fmt: skip
    assert incident.startswith("I-")
    queue = json.loads(ok("incidents", "list", "--json", env=env))
    assert "event_id" in queue[0]
    # The briefing pack takes the reference too.
    pack = Path(env["DESKAPP_DB"]).parent / "pack.md"
    ok("export", "briefing", ref, "--output", str(pack), env=env)
    assert "Siân Evans" in pack.read_text() and "Town Hall" not in pack.read_text()


def test_bad_input_is_one_sentence_and_writes_nothing(env: dict[str, str]) -> None:
    out = ok(
        "events", "add", "--title", "Surgery", "--kind", "surgery", "--starts",
        "2026-12-10 10:00", "--json", env=env,
    )  # fmt: skip
    ref = json.loads(out)["ref"]
    before = ok("events", "show", ref, "--json", env=env)
    cases = [
        (["add", "--title", "X", "--kind", "party", "--starts", "2026-12-10"], "Kind must be"),
        (["add", "--title", "X", "--kind", "count", "--starts", "soon"], "Give the start as"),
        (["update", ref, "--risk", "high"], "Give the reason for risk high"),
        (["update", ref, "--ends", "2026-12-10 09:00"], "End must be after the start"),
        (["update", ref, "--patrol-hours", "two"], "Patrol hours must be"),
        (["update", ref, "--additional-cost", "£lots"], "Give the additional cost"),
        (["update", ref, "--place", "Hall\x1b[2J"], "Place holds a control character"),
        (["update", "E-00000000", "--title", "Y"], "No event with id"),
        (["link", ref, "nobody-here"], "No person with id"),
    ]
    for args, message in cases:
        done = cli("events", *args, env=env)
        assert done.returncode != 0, args
        assert done.stderr.startswith(f"deskapp: {message}"), (args, done.stderr)
        assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    after = json.loads(ok("events", "show", ref, "--json", env=env))
    assert {k: v for k, v in after.items()} == json.loads(before)
    assert len(json.loads(ok("events", "list", "--json", env=env))) == 1


def test_an_incident_is_added_at_an_event_by_its_reference(env: dict[str, str]) -> None:
    sian = ok("people", "add", "--name", "Siân Evans", env=env).strip()
    ref, event_id = ok(
        "events", "add", "--title", "Count", "--kind", "count",
        "--starts", "2026-12-10T22:00", env=env,
    ).split()  # fmt: skip
    add = [
        "incidents", "add", "--person", sian, "--type", "harassment", "--grade", "2",
        "--summary", "Shouted at during the count", "--event", ref, "--json",
    ]  # fmt: skip
    added = json.loads(ok(*add, env=env))
    listed = json.loads(ok("incidents", "list", "--json", env=env))
    assert [i["event_id"] for i in listed if i["id"] == added["id"]] == [event_id]
    wrong = cli(
        "incidents", "add", "--person", sian, "--type", "harassment", "--grade", "2",
        "--summary", "Elsewhere", "--event", "E-00000000", env=env,
    )  # fmt: skip
    assert wrong.returncode == 9 and wrong.stderr.count("\n") == 1
    assert len(json.loads(ok("incidents", "list", "--json", env=env))) == 1


def test_times_are_typed_and_shown_on_the_forces_clock_and_kept_in_utc(
    env: dict[str, str],
) -> None:
    """A hustings at 19:00 on a July evening is typed as 19:00 and listed, shown and put
    in the briefing pack as 19:00 (BST); the desk (and --json) keeps 18:00 UTC. A force
    whose settings name another zone types and reads on that clock."""
    out = ok(
        "events", "add", "--title", "Summer hustings", "--kind", "hustings",
        "--starts", "2026-07-02T19:00", "--ends", "2026-07-02 21:30", env=env,
    )  # fmt: skip
    ref = out.split()[0]
    [kept] = json.loads(ok("events", "list", "--json", env=env))
    assert (kept["starts_at"], kept["ends_at"]) == (
        "2026-07-02T18:00:00+00:00",
        "2026-07-02T20:30:00+00:00",
    )
    assert "2026-07-02 19:00" in ok("events", "list", env=env)
    assert "2026-07-02 19:00" in ok("events", "show", ref, env=env)
    pack = Path(env["DESKAPP_DB"]).parent / "pack.md"
    ok("export", "briefing", ref, "--output", str(pack), env=env)
    assert "**When**: 2026-07-02 19:00 BST to 2026-07-02 21:30 BST" in pack.read_text()

    settings = Path(env["DESKAPP_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('timezone = "UTC"\n', encoding="utf-8")
    ok("events", "add", "--title", "Count", "--kind", "count", "--starts", "2026-07-03T02:00",
       env=env)  # fmt: skip
    starts = {
        e["title"]: e["starts_at"] for e in json.loads(ok("events", "list", "--json", env=env))
    }
    assert starts["Count"] == "2026-07-03T02:00:00+00:00"
    assert "2026-07-02 18:00" in ok("events", "list", env=env)  # the hustings, in UTC now

    settings.write_text('timezone = "Mars/Olympus_Mons"\n', encoding="utf-8")
    refused = cli("events", "list", env=env)
    assert refused.returncode != 0
    assert "'timezone' must be a time zone name like 'Europe/London'" in refused.stderr


def test_a_start_the_clocks_skip_is_refused_and_nothing_is_written(env: dict[str, str]) -> None:
    refused = cli(
        "events", "add", "--title", "Night count", "--kind", "count",
        "--starts", "2026-03-29T01:30", env=env,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "The start 01:30 does not happen on 29 Mar 2026" in refused.stderr
    assert json.loads(ok("events", "list", "--json", env=env)) == []
