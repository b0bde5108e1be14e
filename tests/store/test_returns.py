"""The statistics return on a desk with known data: every figure against the answer
worked out by hand (tests/store/returns_desk.py says where each comes from)."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.errors import ValidationError
from deskapp.domain.returns import SUPPRESSED, Figure, percentile
from deskapp.domain.vocabulary import AuditAction
from deskapp.exporting.returns_file import write_return
from deskapp.protocol.ids import uuid7
from deskapp.services import people, returns, returns_measures, security
from tests.store.returns_desk import APRIL, NAMES, fill

C = SUPPRESSED


@pytest.fixture
def april(desk: Desk) -> returns.Return:
    fill(desk)
    return returns.compute(desk, returns.Period(*APRIL))


def shown(ret: returns.Return, table: str) -> dict[str, tuple[object, ...]]:
    return {label: tuple(f.shown() for f in figures) for label, figures in ret.table(table).rows}


def test_incident_counts(april: returns.Return) -> None:
    assert shown(april, "Incidents by type") == {
        "threat": (6,),
        "harassment": (C,),  # 5, hidden too: else 12 - 6 - 5 gives the 1 away
        "intimidation": (0,),
        "online-abuse": (C,),
        "stalking": (0,),
        "criminal-damage": (0,),
        "hate-crime": (0,),
        "address-disclosure": (0,),
        "suspicious-activity": (0,),
        "other": (0,),
        "Total": (12,),
    }
    assert shown(april, "Incidents by grade") == {
        "G1 Emergency": (C,),
        "G2 Priority": (6,),
        "G3 Scheduled": (C,),  # 5: secondary
        "G4 Resolution without deployment": (0,),
        "Total": (12,),
    }
    assert shown(april, "Incidents by status") == {
        "new": (C,),
        "triaged": (C,),
        "assigned": (0,),
        "in-progress": (C,),
        "escalated": (0,),
        "referred": (C,),
        "resolved": (C,),
        "closed": (C,),
        "Total": (12,),
    }
    assert shown(april, "Incidents by outcome") == {
        "open": (C,),  # 1 new, 2 triaged, 1 in progress
        "referred": (C,),
        "resolved, crime recorded": (C,),
        "resolved, no crime recorded": (5,),  # 2 resolved + 3 closed
        "Total": (12,),
    }
    assert shown(april, "Incidents by role of the person") == {
        "Candidate": (6,),
        "Councillor": (C,),  # 5: secondary
        "Mayor": (0,),
        "PCC": (0,),
        "MP": (C,),
        "Other": (0,),
        "Total": (12,),
    }
    assert shown(april, "Incidents by party") == {
        "Green": (6,),
        "Labour": (C,),  # 5: secondary
        "Reform": (C,),
        "Total": (12,),
    }
    assert shown(april, "Operation Ford and Operation Bridger") == {
        "Operation Ford": (6,),
        "Operation Bridger": (C,),
        "Not flagged": (C,),  # 5: secondary
        "Total": (12,),
    }


def test_times_against_targets(april: returns.Return) -> None:
    # G2 triage 10,20,30,40,50,70 (target 60): 5 of 6 met; median (30+40)/2; p90 the 6th.
    # G2 response 30,40,50,60,90,120: 4 of 6; median (50+60)/2; p90 120.
    # G3: five triaged at 100 min (target 2880); only three responded: suppressed.
    assert shown(april, "Time to triage by grade") == {
        "G1 Emergency": (0, None, None, None),
        "G2 Priority": (6, 83.3, 35.0, 70.0),
        "G3 Scheduled": (5, 100.0, 100.0, 100.0),
        "G4 Resolution without deployment": (0, None, None, None),
    }
    assert shown(april, "Time to response by grade") == {
        "G1 Emergency": (0, None, None, None),
        "G2 Priority": (6, 66.7, 55.0, 120.0),
        "G3 Scheduled": (C, C, C, C),
        "G4 Resolution without deployment": (0, None, None, None),
    }


def test_coverage(april: returns.Return) -> None:
    # People, named contact, contacted, briefed, arrived in April, median days to contact.
    assert shown(april, "Coverage by role") == {
        # Secondary (the MPs' 2s would follow from the totals): the councillors' 5 people,
        # the first of the two 5s with a named contact, the candidates' 6 arrivals.
        # Briefed: the two candidates marked done; not the three with only a
        # security-briefing contact (their status is "none").
        "Candidate": (6, C, 6, C, C, 3.5),  # contacted after 1..6 days
        "Councillor": (C, 5, 0, 0, 0, None),
        "Mayor": (0, 0, 0, 0, 0, None),
        "PCC": (0, 0, 0, 0, 0, None),
        "MP": (C, C, 0, 0, C, None),
        "Other": (0, 0, 0, 0, 0, None),
        "Total": (13, 12, 6, C, 8, 3.5),
    }


def test_briefed_counts_people_whose_briefing_status_is_done_by_the_period_end(
    desk: Desk,
) -> None:
    """A person counts once however many briefing contacts they have, and only once their
    status says done: a councillor marked done today is briefed in a return to today,
    not in April's; a candidate with two briefing contacts but no status is not briefed."""
    fill(desk)
    with desk.read() as conn:
        councillor = conn.execute(
            text("SELECT id FROM person WHERE role = 'councillor' ORDER BY id LIMIT 1")
        ).scalar_one()
        candidate = conn.execute(
            text("SELECT person_id FROM contact WHERE kind = 'security-briefing' LIMIT 1")
        ).scalar_one()
    with desk.write() as tx:
        tx.update("person", councillor, {"briefing_status": "done"})
        tx.append(
            "contact",
            {
                "id": uuid7(),
                "person_id": candidate,
                "officer_id": tx.officer_id,
                "at": datetime(2026, 4, 20, tzinfo=UTC),
                "channel": "phone",
                "kind": "security-briefing",
            },
        )

    def briefed(ret: returns.Return, role: str) -> object:
        return ret.table("Coverage by role").figure(role, "Briefing given").value

    april = returns.compute(desk, returns.Period(*APRIL))
    assert [briefed(april, r) for r in ("Candidate", "Councillor", "Total")] == [2, 0, 2]
    today = datetime.now(UTC).date()
    to_today = returns.compute(desk, returns.Period(APRIL[0], today))
    assert [briefed(to_today, r) for r in ("Candidate", "Councillor", "Total")] == [2, 1, 3]


def test_events_and_patrols(april: returns.Return) -> None:
    table = shown(april, "Events and patrols")
    # Events, short notice, no notice, patrols, hours, additional £, opportunity £.
    assert table["hustings"] == (C, C, C, 5, 7.5, 500.0, 252.5)  # 5 events: secondary
    assert table["canvassing"] == (C, 0, 0, 0, 0.0, 0.0, 0.0)
    assert table["count"] == (0, 0, 0, 0, 0.0, 0.0, 0.0)
    assert table["Total"] == (6, C, C, 5, 7.5, 500.0, 252.5)


def test_data_sharing_and_measures(april: returns.Return) -> None:
    assert shown(april, "Returning officers' data sharing") == {
        "not-requested": (1,),
        "requested": (1,),
        "agreed": (1,),
        "refused": (0,),
    }
    assert shown(april, "Data sharing by council") == {
        "Alderford Council": ("agreed",),
        "Brackenmoor Council": ("requested",),
        "Coldharbour Council": ("not-requested",),
    }
    measures = shown(april, returns_measures.TITLE)
    assert set(measures.values()) == {(0, None), (0, 0.0)}  # no casework on this desk


def test_measures_fitted_and_referrals_in_the_period(desk: Desk) -> None:
    """Fitted in April counts, fitted in May does not; a referral counts by where it
    stands now, with its cost, if it was requested in April; erased records do not count."""
    may = date(2026, 5, 2)
    people_ids = [people.add_person(desk, name=f"Person {i}", role="mp") for i in range(8)]
    for i, pid in enumerate(people_ids[:6]):
        security.add_record(
            desk, "measure", pid, today=date(2026, 4, 10), kind="cctv", status="fitted"
        )
        security.add_record(desk, "measure", pid, today=may, kind="panic-alarm", status="fitted")
        security.set_referral(
            desk, pid, today=date(2026, 4, 3 + i), status="requested", cost="123.45"
        )
        security.set_referral(desk, pid, today=date(2026, 4, 20), status="approved")
    security.add_record(
        desk, "measure", people_ids[6], today=date(2026, 4, 11), kind="locks-and-doors",
        status="declined",
    )  # fmt: skip
    security.set_referral(desk, people_ids[7], today=may, status="requested", cost="99")
    with desk.read() as conn:
        table = returns_measures.measures_table(conn, returns.Period(*APRIL))
    rows = {label: tuple(f.shown() for f in figures) for label, figures in table.rows}
    assert rows["Fitted: cctv"] == (6, None)
    assert rows["Fitted: panic-alarm"] == (0, None)  # fitted in May
    assert rows["Fitted: locks-and-doors"] == (0, None)  # declined, not fitted
    assert rows["Private security referral: approved"] == (6, 740.7)
    assert rows["Private security referral: requested"] == (0, 0.0)  # May's is outside
    assert rows["Private security referral: in-place"] == (0, 0.0)


def test_suppression_rule() -> None:
    assert [Figure(n, n).shown() for n in range(7)] == [0, C, C, C, C, 5, 6]
    assert Figure(12.345).shown() == 12.3  # money and hours: never suppressed
    assert percentile([5, 1, 3, 2, 4], 90) == 5 and percentile([1, 2, 3, 4, 5, 6], 50) == 3


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx"])
def test_return_files_hold_no_personal_data_and_are_logged(
    desk: Desk, tmp_path: Path, fmt: str
) -> None:
    fill(desk)
    output = tmp_path / f"april.{fmt}"
    written = write_return(desk, *APRIL, output)
    assert written.fmt == fmt
    raw = output.read_bytes()
    if fmt == "xlsx":
        with zipfile.ZipFile(output) as book:
            body = "".join(book.read(n).decode("utf-8") for n in book.namelist())
    else:
        body = raw.decode("utf-8")
    assert "Alderford Council" in body and "Incidents by type" in body and "[c]" in body
    assert "suppressed" in body
    words = {w for name in NAMES for w in name.split()} - {"Candidate", "Councillor", "Member"}
    for word in [*NAMES, *words, "Secret Hall", "Ronald", "Dee Adviser", "CR/1", "I-"]:
        assert word not in body, word
    with desk.read() as conn:
        ids = list(conn.execute(text("SELECT id FROM person UNION SELECT id FROM incident")))
        logged = (
            conn.execute(
                select(AuditEvent.__table__).where(AuditEvent.__table__.c.entity == "return")  # type: ignore[attr-defined]
            )
            .mappings()
            .all()
        )
    for (row_id,) in ids:
        assert row_id not in body and row_id[-8:] not in body
    assert len(logged) == 1 and logged[0]["action"] == AuditAction.CONSULTATION
    assert "2026-04-01 to 2026-04-30" in logged[0]["detail"]
    # Never over an existing file without force; a refusal writes and logs nothing more.
    with pytest.raises(ValidationError, match="already exists"):
        write_return(desk, *APRIL, output)
    assert output.read_bytes() == raw


def test_a_period_that_ends_before_it_starts_is_refused(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="before its --from"):
        write_return(desk, APRIL[1], APRIL[0], tmp_path / "r.md")
    with pytest.raises(ValidationError, match="Unknown return format"):
        write_return(desk, *APRIL, tmp_path / "r.pdf")
    assert not list(tmp_path.glob("r.*"))
