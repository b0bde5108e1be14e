"""`deskapp security`, `measures` and `subjects` through the console script: add prints
the new id, link needs its category, show --json lists the incidents and people linked,
sensitive text stays masked unless revealed, bad input is one sentence, a non-zero exit
and no write."""

from __future__ import annotations

import json

import pytest

from .test_events_cli import cli, ok
from .test_events_cli import env as env  # the fixture: a desk made by `deskapp init`

FINDINGS = "Hedge hides the front door"


def test_casework_round_trip(env: dict[str, str]) -> None:
    ann = ok("people", "add", "--name", "Ann Cardiff", "--role", "councillor", env=env).strip()
    cat = ok("people", "add", "--name", "Cat Newport", "--role", "councillor", env=env).strip()
    first = ok("incidents", "add", "--person", ann, "--type", "threat", "--grade", "2",
               "--summary", "Letter", env=env).split()[1]  # fmt: skip
    second = ok("incidents", "add", "--person", cat, "--type", "threat", "--grade", "3",
                "--summary", "Email", env=env).split()[1]  # fmt: skip

    survey = json.loads(ok("security", "update", ann, "--survey", "home", "--findings",
                           FINDINGS, "--risk", "high", "--surveyed-on", "2026-05-01",
                           "--json", env=env))  # fmt: skip
    assert survey["changed"] == ["findings", "place", "risk", "surveyed_on"]
    measure = ok("measures", "add", ann, "--kind", "cctv", "--status", "recommended", env=env)
    measure = measure.strip()
    assert ok("measures", "update", measure[:13], "--status", "fitted", "--on", "2026-05-03",
              env=env) == "Changed: fitted_on, next_review, status\n"  # fmt: skip
    ok("security", "update", ann, "--referral", "requested", "--provider", "Acme", "--cost",
       "1,500", env=env)  # fmt: skip
    shown = json.loads(ok("security", "show", ann, "--json", env=env))
    assert shown["surveys"][0]["findings"] == "[masked]"
    assert shown["surveys"][0]["next_review"] == "2027-05-01"
    assert shown["measures"][0]["next_review"] == "2027-05-03"
    assert (shown["referrals"][0]["cost"], shown["referrals"][0]["provider"]) == (
        150000,
        "[masked]",
    )
    table = ok("security", "show", ann, env=env)
    assert "Surveys (1)" in table and FINDINGS not in table
    revealed = json.loads(ok("security", "show", ann, "--reveal", "--json", env=env))
    assert revealed["surveys"][0]["findings"] == FINDINGS
    listed = json.loads(ok("measures", "list", "--status", "fitted", "--json", env=env))
    assert [(m["person_name"], m["kind"]) for m in listed] == [("Ann Cardiff", "cctv")]

    ref, subject_id = ok("subjects", "add", "--name", "Unknown male", "--aliases", "Watcher",
                         env=env).split()  # fmt: skip
    assert ref.startswith("S-")
    for incident in (first, second):
        assert ok("subjects", "link", ref, incident, "--category", "suspect", env=env) == (
            "Linked.\n"
        )
    got = json.loads(ok("subjects", "show", subject_id[:13], "--json", env=env))
    assert {i["id"] for i in got["incidents"]} == {first, second}
    assert {p["name"] for p in got["people"]} == {"Ann Cardiff", "Cat Newport"}
    assert got["aliases"] == "[masked]"
    listed = json.loads(ok("subjects", "list", "--json", env=env))
    assert [(s["ref"], s["incidents"]) for s in listed] == [(ref, 2)]
    ok("incidents", "update", first, "--cad-ref", "CAD 77 01/05", "--link", cat,
       "--category", "witness", env=env)  # fmt: skip
    incident = json.loads(ok("incidents", "show", first, "--json", env=env))
    assert incident["cad_ref"] == "CAD 77 01/05"
    assert sorted(link["category"] for link in incident["links"]) == ["suspect", "witness"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["subjects", "link", "S-00000000", "I-00000000"], "--category"),
        (["subjects", "link", "S-00000000", "I-00000000", "--category", "bystander"],
         "invalid choice"),
        (["subjects", "add", "--name", "Bad\x1bname"], "control character"),
        (["subjects", "add", "--name", "X", "--ftac", "maybe"], "Ftac must be one of"),
        (["measures", "add", "nobody", "--kind", "cctv", "--status", "fitted"], "No person"),
        (["measures", "list", "--kind", "moat"], "Kind must be one of"),
        (["security", "show", "nobody"], "No person"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence_and_writes_nothing(
    env: dict[str, str], args: list[str], message: str
) -> None:
    done = cli(*args, env=env)
    assert done.returncode != 0
    assert message in done.stderr and "Traceback" not in done.stderr
    assert "\x1b" not in done.stderr
    assert json.loads(ok("subjects", "list", "--json", env=env)) == []
    assert json.loads(ok("measures", "list", "--json", env=env)) == []


def test_bad_input_on_a_real_record(env: dict[str, str]) -> None:
    ann = ok("people", "add", "--name", "Ann Cardiff", env=env).strip()
    done = cli("measures", "add", ann, "--kind", "cctv", "--status", "fitted", "--on",
               "07/05/2026", env=env)  # fmt: skip
    assert done.returncode == 8 and "date like 2026-05-07" in done.stderr
    done = cli("security", "update", ann, "--survey", "home", "--next-review", "2020-01-01",
               "--surveyed-on", "2026-01-01", env=env)  # fmt: skip
    assert done.returncode == 8 and "next review must be after" in done.stderr
    assert json.loads(ok("security", "show", ann, "--json", env=env))["measures"] == []
