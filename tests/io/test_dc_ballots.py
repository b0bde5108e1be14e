"""The organisation a candidacy belongs to follows its ballot: a constituency (GSS code and
name, with the council whose returning officer acts for it where the file says), a ward's
council, a mayoral contest's authority, a PCC contest's police force area.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.importing.roster import import_file
from deskapp.services import organisations
from tests.io.test_importer import HEADER, ORGANISATION, PERSON, row, write_dc

GENERAL = "2029-05-03"


def general_election() -> list[dict[str, str]]:
    """Four constituencies of a general election in Wales, as DC publishes them (the
    organisation column says "House of Commons"), one of them with its acting council."""
    seats = [
        ("cardiff-east", "Cardiff East", "W07000101", "House of Commons"),
        ("cardiff-west", "Cardiff West", "W07000102", "House of Commons"),
        ("pontypridd", "Pontypridd", "W07000103", "Rhondda Cynon Taf Council"),
        ("vale-of-glamorgan", "Vale of Glamorgan", "W07000104", ""),
    ]
    rows = []
    for n, (slug, name, gss, org) in enumerate(seats):
        for k, party in enumerate(("Plaid Cymru", "Welsh Labour")):
            r = row(
                f"92{n}{k}00",
                f"Ymgeisydd {n} {k}",
                f"parl.{slug}.{GENERAL}",
                party=party,
                post=name,
                org_name=org,
            )
            r["gss"] = gss
            rows.append(r)
    return rows


def orgs(desk: Desk) -> dict[str, dict[str, Any]]:
    with desk.read() as conn:
        return {r["slug"]: dict(r) for r in conn.execute(select(ORGANISATION)).mappings()}


def test_general_election_constituencies_are_organisations(desk: Desk, tmp_path: Path) -> None:
    plan = import_file(desk, write_dc(tmp_path / "ge.csv", general_election(), header=HEADER))
    assert plan.ok and plan.summary.written
    found = orgs(desk)
    assert "parliament" not in found
    east = found["parl.cardiff-east"]
    assert (east["name"], east["kind"], east["gss"]) == (
        "Cardiff East",
        "constituency",
        "W07000101",
    )
    assert east["council_id"] is None
    ponty = found["parl.pontypridd"]
    rct = found["rhondda-cynon-taf"]
    assert ponty["council_id"] == rct["id"] and rct["kind"] == "council"
    assert rct["name"] == "Rhondda Cynon Taf Council"
    with desk.read() as conn:
        by_org = {
            r.name: r.organisation_id
            for r in conn.execute(select(PERSON.c.name, PERSON.c.organisation_id))
        }
    assert by_org["Ymgeisydd 0 1"] == east["id"]
    assert by_org["Ymgeisydd 2 0"] == ponty["id"]
    assert plan.summary.organisations.new == 5

    # Each constituency keeps its own returning officer's contact and sharing status.
    organisations.update_organisation(
        desk, "parl.cardiff-east", ro_name="Swyddog Canlyniadau", share_request_status="agreed"
    )
    east = orgs(desk)["parl.cardiff-east"]
    assert east["share_request_status"] == "agreed"
    assert orgs(desk)["parl.cardiff-west"]["share_request_status"] == "not-requested"


def test_reimport_fills_a_constituency_code_and_council(desk: Desk, tmp_path: Path) -> None:
    first = general_election()
    for r in first:
        r["gss"] = ""
        r["organisation_name"] = "House of Commons"
    import_file(desk, write_dc(tmp_path / "a.csv", first, header=HEADER))
    assert orgs(desk)["parl.pontypridd"]["gss"] == ""
    plan = import_file(desk, write_dc(tmp_path / "b.csv", general_election(), header=HEADER))
    assert plan.summary.organisations.updated == 4
    found = orgs(desk)
    assert found["parl.pontypridd"]["gss"] == "W07000103"
    assert found["parl.pontypridd"]["council_id"] == found["rhondda-cynon-taf"]["id"]


def test_local_mayoral_and_pcc_ballots_belong_to_their_bodies(desk: Desk, tmp_path: Path) -> None:
    rows = [
        row(
            "930001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07", org_name="Cardiff Council"
        ),
        row("930002", "Gethin Rowlands", "local.swansea.castle.2026-05-07"),
        row("930003", "Nia Bowen", "local.newport.victoria.by.2026-09-10"),
        row("930004", "Rhodri Price", "mayor.greater-manchester-ca.2026-05-07"),
        row("930005", "Mari Jones", "pcc.south-wales.2026-05-07"),
    ]
    assert import_file(desk, write_dc(tmp_path / "l.csv", rows)).summary.written
    found = {slug: o["kind"] for slug, o in orgs(desk).items()}
    assert found == {
        "cardiff": "council",
        "swansea": "council",
        "newport": "council",
        "greater-manchester-ca": "authority",
        "south-wales": "police-area",
    }


def test_a_bad_gss_code_is_a_problem(desk: Desk, tmp_path: Path) -> None:
    rows = general_election()
    rows[3]["gss"] = "Cardiff"
    plan = import_file(desk, write_dc(tmp_path / "ge.csv", rows))
    assert [(p.row, p.column) for p in plan.problems] == [(5, "gss")]
    assert not plan.summary.written
