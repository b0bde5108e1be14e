"""After the count: results make winners office holders (with the date) and put the others
up for retention review; candidates_locked false marks a candidacy unconfirmed; Democracy
Club's person redirects merge people, keeping every incident, contact and audit event.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.db.tables import CANDIDACY, PERSON
from deskapp.domain.errors import ValidationError
from deskapp.importing.redirects import parse_redirects
from deskapp.importing.roster import import_file
from deskapp.runtime.clock import utcnow
from deskapp.services import contacts, incidents, people, subjects
from tests.cli.cli_desk import init_desk
from tests.importing.test_importer import HEADER, row, write_dc

POLL = "2026-05-07"
RESULTS_HEADER = [*HEADER, "candidates_locked", "votes_cast"]


def polls(elected: dict[str, str], locked: str = "t") -> list[dict[str, str]]:
    ballots = [
        ("980001", "Elin Tudur", f"local.cardiff.pentyrch.{POLL}", "e"),
        ("980002", "Gethin Rowlands", f"local.cardiff.pentyrch.{POLL}", "g"),
        ("980003", "Mari Jones", f"parl.cardiff-east.by.{POLL}", "m"),
        ("980004", "Rhys Penri", f"pcc.south-wales.{POLL}", "r"),
        ("980005", "Nia Bowen", f"mayor.cardiff-capital-region.{POLL}", "n"),
        # Lost one poll, still to be counted in another (a poll in the future).
        ("980006", "Llinos Hopcyn", f"local.newport.victoria.{POLL}", "l"),
        ("980006", "Llinos Hopcyn", "local.newport.victoria.by.2099-06-04", ""),
    ]
    rows = [row(pid, name, b, elected=elected.get(k, "")) for pid, name, b, k in ballots]
    for r in rows:
        r["candidates_locked"] = locked
    return rows


def people_by_name(desk: Desk) -> dict[str, dict[str, Any]]:
    with desk.read() as conn:
        return {r["name"]: dict(r) for r in conn.execute(select(PERSON)).mappings()}


def test_results_make_office_holders_and_review_the_rest(desk: Desk, tmp_path: Path) -> None:
    assert import_file(desk, write_dc(tmp_path / "a.csv", polls({}), header=RESULTS_HEADER)).ok
    before = people_by_name(desk)
    assert {p["role"] for p in before.values()} == {"candidate"}
    today = utcnow().date()
    assert all(p["review_date"] > today for p in before.values())

    results = polls({"e": "t", "g": "f", "m": "t", "r": "t", "n": "t", "l": "f"})
    plan = import_file(desk, write_dc(tmp_path / "b.csv", results, header=RESULTS_HEADER))
    assert plan.summary.written
    after = people_by_name(desk)
    won = {n: (p["role"], p["elected_on"]) for n, p in after.items() if p["elected_on"]}
    assert won == {
        "Elin Tudur": ("councillor", date(2026, 5, 7)),
        "Mari Jones": ("mp", date(2026, 5, 7)),
        "Rhys Penri": ("pcc", date(2026, 5, 7)),
        "Nia Bowen": ("mayor", date(2026, 5, 7)),
    }
    assert after["Gethin Rowlands"]["role"] == "candidate"
    assert after["Gethin Rowlands"]["review_date"] == today  # up for retention review
    assert after["Llinos Hopcyn"]["review_date"] > today  # a poll of hers is still to come
    assert after["Elin Tudur"]["review_date"] == before["Elin Tudur"]["review_date"]
    due = {p["name"] for p in people.people_due_for_review(desk, today)}
    assert due == {"Gethin Rowlands"}


def test_unlocked_candidacies_are_unconfirmed_until_locked(desk: Desk, tmp_path: Path) -> None:
    import_file(desk, write_dc(tmp_path / "a.csv", polls({}, locked="f"), header=RESULTS_HEADER))
    with desk.read() as conn:
        assert set(conn.execute(select(CANDIDACY.c.unconfirmed)).scalars()) == {True}
    import_file(desk, write_dc(tmp_path / "b.csv", polls({}, locked="t"), header=RESULTS_HEADER))
    with desk.read() as conn:
        assert set(conn.execute(select(CANDIDACY.c.unconfirmed)).scalars()) == {False}
    # A file without the column leaves the desk's value alone.
    import_file(desk, write_dc(tmp_path / "c.csv", polls({}), header=HEADER))
    with desk.read() as conn:
        assert set(conn.execute(select(CANDIDACY.c.unconfirmed)).scalars()) == {False}


def audit_count(desk: Desk, entity_id: str) -> int:
    with desk.read() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM audit_event WHERE entity_id = :id"), {"id": entity_id}
            ).scalar_one()
        )


def test_person_redirects_merge_keeping_incidents_contacts_and_audit(
    desk: Desk, tmp_path: Path
) -> None:
    rows = [
        row("990001", "Elin Tudur", f"local.cardiff.pentyrch.{POLL}", email="elin@example.org"),
        row("990002", "Elin Tudur", f"parl.cardiff-east.{POLL}"),
        row("990003", "Gethin Rowlands", f"local.cardiff.radyr.{POLL}"),
    ]
    import_file(desk, write_dc(tmp_path / "a.csv", rows))
    found = people_by_name(desk)
    by_dc = {p["dc_person_id"]: p["id"] for p in people_by_name(desk).values()}
    with desk.read() as conn:
        by_dc = {
            r.dc_person_id: r.id for r in conn.execute(select(PERSON.c.dc_person_id, PERSON.c.id))
        }
    old, new = by_dc["990001"], by_dc["990002"]
    incident = incidents.add_incident(
        desk, person=old, type="threat", grade=2, summary="Threat by post"
    )
    subjects.link(desk, incident, "victim", person=by_dc["990003"])
    other = incidents.add_incident(
        desk, person=by_dc["990003"], type="harassment", grade=3, summary="Leaflets"
    )
    subjects.link(desk, other, "victim", person=old)
    contacts.log_contact(desk, old, "phone", "introduction", "First call")
    audit_before = audit_count(desk, old)
    del found

    path = tmp_path / "redirects.csv"
    path.write_text("old_person_id,new_person_id\r\n990001,990002\r\n123,456\r\n", encoding="utf-8")
    counts = people.apply_redirects(desk, parse_redirects(path))
    assert counts == {"merged": 1, "renumbered": 0, "absent": 1}

    with desk.read() as conn:
        tomb = conn.execute(select(PERSON).where(PERSON.c.id == old)).mappings().one()
        kept = conn.execute(select(PERSON).where(PERSON.c.id == new)).mappings().one()
        owner = conn.exec_driver_sql(
            "SELECT person_id FROM incident WHERE id = ?", (incident,)
        ).scalar_one()
        contact_people = set(conn.exec_driver_sql("SELECT person_id FROM contact").scalars())
        links = set(conn.exec_driver_sql("SELECT incident_id, person_id FROM incident_link"))
        ballots = set(
            conn.execute(
                select(CANDIDACY.c.ballot_paper_id).where(
                    CANDIDACY.c.person_id == new, CANDIDACY.c.deleted.is_(False)
                )
            ).scalars()
        )
    assert tomb["deleted"] and tomb["merged_into"] == new
    assert kept["email"] == "elin@example.org"  # filled from the merged record
    assert owner == new and contact_people == {new}
    assert (other, new) in links and all(p != old for _, p in links)
    assert ballots == {f"local.cardiff.pentyrch.{POLL}", f"parl.cardiff-east.{POLL}"}
    assert audit_count(desk, old) > audit_before  # the old events all stay, and more
    with desk.read() as conn:
        combined = conn.exec_driver_sql(
            "SELECT count(*) FROM audit_event WHERE action = 'combination' AND entity_id = ?",
            (new,),
        ).scalar_one()
    assert combined == 1

    # A later file still using the old id finds no removed person: it lands on the new one.
    again = import_file(desk, write_dc(tmp_path / "b.csv", rows))
    assert again.ok


def test_a_file_naming_both_ids_of_a_merged_person_adds_no_ballot_twice(
    desk: Desk, tmp_path: Path
) -> None:
    ballot = f"local.cardiff.pentyrch.{POLL}"
    first = [row("990001", "Elin Tudur", ballot), row("990002", "Elin Tudur", ballot)]
    import_file(desk, write_dc(tmp_path / "a.csv", first))
    people.apply_redirects(desk, {"990001": "990002"})
    again = [
        *first,
        row("990001", "Elin Tudur", f"parl.cardiff-east.{POLL}"),
        row("990002", "Elin Tudur", f"parl.cardiff-east.{POLL}"),
    ]
    assert import_file(desk, write_dc(tmp_path / "b.csv", again)).summary.written
    with desk.read() as conn:
        held = (
            conn.exec_driver_sql(
                "SELECT ballot_paper_id FROM candidacy WHERE deleted = 0 ORDER BY 1"
            )
            .scalars()
            .all()
        )
    assert held == [ballot, f"parl.cardiff-east.{POLL}"]


def test_a_redirect_to_an_id_nobody_holds_renumbers(desk: Desk, tmp_path: Path) -> None:
    import_file(
        desk,
        write_dc(
            tmp_path / "a.csv", [row("990001", "Elin Tudur", f"local.cardiff.pentyrch.{POLL}")]
        ),
    )
    path = tmp_path / "r.csv"
    path.write_text("old_person_id,new_person_id\n990001,990010\n990010,990020\n", encoding="utf-8")
    assert people.apply_redirects(desk, parse_redirects(path))["renumbered"] == 1
    assert people_by_name(desk)["Elin Tudur"]["dc_person_id"] == "990020"


@pytest.mark.parametrize(
    "content",
    [
        "old,new\n1,2\n",
        "old_person_id,new_person_id\n1,x\n",
        "old_person_id,new_person_id\n1,1\n",
        "old_person_id,new_person_id\n1,2\n1,3\n",
    ],
)
def test_bad_redirect_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError):
        parse_redirects(path)


def test_redirect_cycle_is_refused(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        people.apply_redirects(desk, {"1": "2", "2": "1"})


def test_cli_import_redirects(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    init_desk(db_path, monkeypatch)
    rows = [
        row("990001", "Elin Tudur", f"local.cardiff.pentyrch.{POLL}"),
        row("990002", "Elin Tudur", f"parl.cardiff-east.{POLL}"),
    ]
    assert main(["import", "candidates", str(write_dc(tmp_path / "a.csv", rows))]) == 0
    path = tmp_path / "r.csv"
    path.write_text("old_person_id,new_person_id\n990001,990002\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "redirects", str(path)]) == 0
    assert "Merged 1 person" in capsys.readouterr().out
    path.write_text("old_person_id,new_person_id\n990001,abc\n", encoding="utf-8")
    assert main(["import", "redirects", str(path)]) != 0
    assert capsys.readouterr().err.startswith("deskapp: Row 2")
