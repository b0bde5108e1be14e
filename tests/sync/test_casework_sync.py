"""Protective-security casework travels between two desks on a file hub and a PostgreSQL
hub: surveys, measures, referrals, subjects and categorised links; concurrent edits keep
the loser as a conflict; erasures of a subject and of a person with measures reach the
other desk; a value outside the vocabulary is quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import IncidentLink
from deskapp.domain.errors import NotFound
from deskapp.services import incidents, people, security, subjects
from deskapp.sync import list_conflicts, run_sync, status

from .conftest import make_desk
from .test_quarantine import hub_data, now_hlc, poison, quarantined

FINDINGS = "Side window faces the lane"


@pytest.fixture(params=["file", "pg"])
def hub(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("file_hub" if request.param == "file" else "pg_hub"))


def converge(hub: str, *desks: Desk) -> None:
    for desk in (*desks, *desks):
        run_sync(desk, hub)


def links(desk: Desk) -> set[tuple[str, str | None, str | None, str]]:
    table = IncidentLink.__table__  # type: ignore[attr-defined]
    with desk.read() as conn:
        return {
            (r.incident_id, r.person_id, r.subject_id, r.category)
            for r in conn.execute(select(table))
        }


def test_casework_travels_with_conflicts_kept_and_erasures(tmp_path: Path, hub: str) -> None:
    a, b = make_desk(tmp_path, "a", hub=hub), make_desk(tmp_path, "b", hub=hub)
    try:
        sian = people.add_person(a, name="Siân Evans", role="mp")
        tom = people.add_person(a, name="Tom Jones", role="councillor")
        survey = security.add_record(
            a, "survey", sian, place="home", findings=FINDINGS, risk="high"
        )
        measure = security.add_record(a, "measure", sian, kind="panic-alarm", status="agreed")
        referral, _ = security.set_referral(a, sian, status="requested", cost="2,000")
        subject = subjects.add_subject(a, name="Unknown male", facts="Seen twice", risk="medium")
        first = incidents.add_incident(a, person=sian, type="threat", grade=2, summary="Letter")
        second = incidents.add_incident(a, person=tom, type="threat", grade=3, summary="Email")
        subjects.link(a, first, "suspect", subject=subject)
        subjects.link(a, second, "suspect", subject=subject)
        subjects.link(a, second, "witness", person=sian)
        incidents.update_incident(a, first, cad_ref="CAD 1234 07/05")
        converge(hub, a, b)

        got = security.show_security(b, sian, reveal=True)
        assert [(s["id"], s["findings"]) for s in got["surveys"]] == [(survey, FINDINGS)]
        assert [(m["id"], m["status"]) for m in got["measures"]] == [(measure, "agreed")]
        assert [(r["id"], r["cost"]) for r in got["referrals"]] == [(referral, 200000)]
        shown = subjects.get_subject(b, subject, reveal=True)
        assert shown["facts"] == "Seen twice"
        assert {p["id"] for p in shown["people"]} == {sian, tom}
        assert links(a) == links(b) and len(links(b)) == 3
        assert incidents.get_incident(b, first)["cad_ref"] == "CAD 1234 07/05"

        # The same field edited on both desks: the later edit wins, the other is kept.
        security.update_record(a, "measure", measure, status="fitted")
        security.update_record(b, "measure", measure, status="declined")
        subjects.update_subject(a, subject, risk="high")
        subjects.update_subject(b, subject, risk="low")
        converge(hub, a, b)
        states = {security.show_security(d, sian)["measures"][0]["status"] for d in (a, b)}
        assert states == {"declined"}
        assert {subjects.get_subject(d, subject)["risk"] for d in (a, b)} == {"low"}
        kept = sorted((c["entity"], c["field"]) for d in (a, b) for c in list_conflicts(d))
        assert ("security_measure", "status") in kept and ("subject", "risk") in kept

        # A subject erased on one desk is erased on the other, with their links.
        subjects.erase_subject(a, subject, "No further action")
        people.erase_person(a, sian, "Stood down")
        converge(hub, a, b)
        with pytest.raises(NotFound):
            subjects.get_subject(b, subject)
        assert links(b) == set()
        record = security.show_security(b, sian, reveal=True)
        assert record["surveys"] == record["measures"] == record["referrals"] == []
        with b.read() as conn:
            held = conn.exec_driver_sql(
                "SELECT findings FROM security_survey UNION ALL SELECT provider || notes "
                "FROM security_referral UNION ALL SELECT facts FROM subject"
            ).scalars()
            assert set(held) == {""}
        assert status(a).pending == status(b).pending == 0

        # A hostile status from the hub is held back; the desk's vocabulary stands.
        data, versions = hub_data(hub, "security_measure", measure)
        data["status"] = "\x1b[2Jgone"
        versions["status"] = [now_hlc(), "intruder"]
        poison(hub, "security_measure", measure, data, versions)
        assert run_sync(b, hub).quarantined == 1
        [held_back] = quarantined(b)
        assert held_back["fields"] == "status"
    finally:
        a.close()
        b.close()


def test_a_late_record_of_an_erased_person_is_blanked_when_the_erasure_arrives(
    tmp_path: Path, hub: str
) -> None:
    """Desk b records a measure for a person that desk a erases before b hears of it: when
    the erasure reaches b, b blanks that record too, and the blanking reaches a."""
    a, b = make_desk(tmp_path, "a", hub=hub), make_desk(tmp_path, "b", hub=hub)
    try:
        sian = people.add_person(a, name="Siân Evans", role="mp")
        converge(hub, a, b)
        late = security.add_record(
            b, "measure", sian, kind="cctv", status="agreed", notes="Camera over the side gate"
        )
        people.erase_person(a, sian, "Stood down")
        run_sync(a, hub)
        converge(hub, b, a)
        for desk in (a, b):
            assert security.show_security(desk, sian, reveal=True)["measures"] == []
            with desk.read() as conn:
                notes = conn.exec_driver_sql(
                    "SELECT notes FROM security_measure WHERE id = ?", (late,)
                ).scalars()
                assert set(notes) <= {""}
        assert status(a).pending == status(b).pending == 0
    finally:
        a.close()
        b.close()
