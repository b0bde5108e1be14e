"""Protective monitoring: `who` after a scripted sequence by two officers, and each
monitor rule firing on its pattern and staying quiet on ordinary use. The clock of the
write path is scripted, so every audit event has a known time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskapp.db import access_log
from deskapp.db.desk import Desk
from deskapp.domain.errors import AuthError, NotFound, PermissionDenied, ValidationError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.exporting.export import export_table
from deskapp.services import contacts, incidents, monitor, officers, people
from tests.conftest import PASS

BO_PASS = "bo passphrase"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)  # a Tuesday, 11:00 in London

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr("deskapp.db.writes.utcnow", c)
    yield c


def _rules(findings: list[monitor.Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_who_lists_two_officers_reveals_and_edits(desk: Desk, db_path: Path, clock: Clock) -> None:
    officers.add_officer(desk, "1001", "PC Bo Example", BO_PASS)
    person = people.add_person(desk, name="Watched Person", phone="07700 900123")
    other = people.add_person(desk, name="Somebody Else", phone="07700 900999")
    clock.now += timedelta(minutes=5)
    people.reveal_field(desk, person, "phone", reason="call back")
    people.reveal_field(desk, other, "phone")
    desk.close()
    with Desk.open(db_path, "1001", BO_PASS) as bo:
        clock.now += timedelta(minutes=5)
        people.update_person(bo, person, risk="high", reason="threat received")
        incident = incidents.add_incident(
            bo, person=person, type="threat", grade=2, summary="Letter"
        )
        incidents.add_note(bo, incident, "Called the person")
    with Desk.open(db_path, "4521", PASS) as ada:
        person_id, events = monitor.who(ada, person)
    assert person_id == person
    seen = [(e["officer_id"], e["what"], e["entity"], e["fields"]) for e in events]
    assert seen == [
        ("4521", "recorded", "person", ""),
        ("4521", "consulted", "person", "phone"),
        ("1001", "altered", "person", "risk"),
        ("1001", "recorded", "incident", ""),  # the incident
        ("1001", "recorded", "incident", ""),  # its timeline's first line
        ("1001", "recorded", "incident", ""),  # the note
    ]
    assert [e["detail"] for e in events][-2:] == ["timeline created", "timeline note"]
    assert all(e["entity_id"] != other for e in events)
    assert events[1]["at"] == datetime(2026, 4, 14, 10, 5, tzinfo=UTC)
    assert events[1]["officer_name"] == "Sgt Ada Example"
    assert events[2]["officer_name"] == "PC Bo Example"
    assert "threat received" in events[2]["detail"]


def _findings(desk: Desk, **rules: object) -> list[monitor.Finding]:
    return monitor.monitor(desk, rules=monitor.Rules(**rules))  # type: ignore[arg-type]


def test_ordinary_use_flags_nothing(
    desk: Desk, db_path: Path, clock: Clock, tmp_path: Path
) -> None:
    ids = [people.add_person(desk, name=f"Person {i}", phone="07700 900123") for i in range(6)]
    for person in ids:
        incidents.add_incident(desk, person=person, type="threat", grade=3, summary="s")
    for person in ids[:5]:  # a few reveals in office hours, of people with incidents
        clock.now += timedelta(minutes=3)
        people.reveal_field(desk, person, "phone")
        people.get_person(desk, person)
    export_table(desk, "roster", tmp_path / "roster.csv")  # six people: not bulk
    desk.close()
    with pytest.raises(AuthError):
        Desk.open(db_path, "4521", "wrong passphrase")  # one slip of the finger
    with Desk.open(db_path, "4521", PASS) as again:
        access_log.unlocked(again, "the app")
        assert _findings(again, bulk_people=10) == []


def test_reveal_rate_fires_above_the_rate(desk: Desk, clock: Clock) -> None:
    person = people.add_person(desk, name="Revealed Often", phone="07700 900123")
    incidents.add_incident(desk, person=person, type="threat", grade=3, summary="s")
    for _ in range(5):  # five reveals an hour apart each: never more than 1 in an hour
        clock.now += timedelta(minutes=61)
        people.reveal_field(desk, person, "phone")
    assert "reveal rate" not in _rules(_findings(desk, reveals_per_hour=3))
    clock.now = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    for _ in range(4):  # four within 30 minutes: above three an hour
        clock.now += timedelta(minutes=10)
        people.reveal_field(desk, person, "phone")
    found = [f for f in _findings(desk, reveals_per_hour=3) if f.rule == "reveal rate"]
    assert [(f.officer_id, f.count) for f in found] == [("4521", 4)]
    assert found[0].at == datetime(2026, 4, 15, 9, 10, tzinfo=UTC)


def test_consultations_out_of_hours(desk: Desk, clock: Clock) -> None:
    person = people.add_person(desk, name="Night Look")
    incidents.add_incident(desk, person=person, type="threat", grade=3, summary="s")
    people.get_person(desk, person)  # 11:00 in London
    assert "out of hours" not in _rules(_findings(desk))
    clock.now = datetime(2026, 4, 14, 22, 30, tzinfo=UTC)  # 23:30 BST
    people.get_person(desk, person)
    found = [f for f in _findings(desk) if f.rule == "out of hours"]
    assert [(f.officer_id, f.count) for f in found] == [("4521", 1)]
    assert "2026-04-14" in found[0].detail
    # Working hours are configurable: a desk that works to midnight sees nothing.
    assert "out of hours" not in _rules(_findings(desk, working_to=24))
    # The hours are on the force's clock (settings: timezone): 22:30 UTC is inside
    # working hours to 23:00 on UTC time, and outside them at 23:30 BST.
    desk.settings = replace(desk.settings, timezone="UTC")
    assert "out of hours" not in _rules(_findings(desk, working_to=23))
    desk.settings = replace(desk.settings, timezone="Europe/London")
    assert "out of hours" in _rules(_findings(desk, working_to=23))


def test_bulk_export(desk: Desk, clock: Clock, tmp_path: Path) -> None:
    for i in range(5):
        people.add_person(desk, name=f"Person {i}")
    export_table(desk, "roster", tmp_path / "small.csv")
    assert "bulk export" not in _rules(_findings(desk, bulk_people=6))
    people.add_person(desk, name="Person 6")
    export_table(desk, "roster", tmp_path / "big.csv")
    found = [f for f in _findings(desk, bulk_people=6) if f.rule == "bulk export"]
    assert [(f.officer_id, f.count) for f in found] == [("4521", 6)]


def test_failed_unlocks_in_a_row(desk: Desk, db_path: Path, clock: Clock) -> None:
    desk.close()
    for _ in range(3):
        with pytest.raises(AuthError):
            Desk.open(db_path, "4521", "not my passphrase")
    with Desk.open(db_path, "4521", PASS) as again:
        assert again.failed_before == 3
        access_log.unlocked(again, "the app")
        found = [f for f in _findings(again) if f.rule == "failed unlocks"]
        assert [(f.officer_id, f.count) for f in found] == [("4521", 3)]
    # The count was written once: the next unlock starts again from none.
    with Desk.open(db_path, "4521", PASS) as later:
        assert later.failed_before == 0


def test_people_consulted_with_no_incident_or_contact(desk: Desk, clock: Clock) -> None:
    known = people.add_person(desk, name="Known Case")
    incidents.add_incident(desk, person=known, type="threat", grade=3, summary="s")
    contacted = people.add_person(desk, name="Contacted Case")
    contacts.log_contact(desk, contacted, channel="phone", kind="introduction", summary="Hello")
    stranger = people.add_person(desk, name="No Business")
    for person in (known, contacted):
        people.get_person(desk, person)
    assert "no incident or contact" not in _rules(_findings(desk))
    people.get_person(desk, stranger)
    found = [f for f in _findings(desk) if f.rule == "no incident or contact"]
    assert [(f.officer_id, f.person_id) for f in found] == [("4521", stranger)]


def test_a_reviewers_own_looks_out_of_hours_are_not_flagged(
    desk: Desk, db_path: Path, clock: Clock
) -> None:
    """The data protection officer reads the log, runs the monitoring and asks who
    consulted a person, late at night: none of it is the pattern being looked for (it
    was flagged as consultations out of hours before); a person looked at then is."""
    officers.add_officer(desk, "DPO-1", "Dana Protection", BO_PASS, role=OfficerRole.AUDITOR)
    person = people.add_person(desk, name="Night Look")
    desk.close()
    clock.now = datetime(2026, 4, 14, 22, 30, tzinfo=UTC)  # 23:30 BST
    with Desk.open(db_path, "DPO-1", BO_PASS) as dpo:
        monitor.monitor(dpo)
        monitor.who(dpo, person)
        assert "out of hours" not in _rules(_findings(dpo))
    with Desk.open(db_path, "4521", PASS) as ada:
        people.get_person(ada, person)
        found = [f for f in _findings(ada) if f.rule == "out of hours"]
        assert [(f.officer_id, f.detail.split(" on ")[0]) for f in found] == [
            ("4521", "1 consultation")
        ]


def test_who_finds_a_person_by_name(desk: Desk) -> None:
    """Asked about a person by name, the reviewer need not look through the roster for
    their id; two of the same name are told apart by id."""
    person = people.add_person(desk, name="Wyn Named")
    assert monitor.who(desk, "  wyn named ")[0] == person
    twin = people.add_person(desk, name="Wyn Named")
    with pytest.raises(ValidationError, match="More than one person is named") as refused:
        monitor.who(desk, "Wyn Named")
    assert person in str(refused.value) and twin in str(refused.value)
    assert monitor.who(desk, twin)[0] == twin
    with pytest.raises(NotFound, match="id or the name"):
        monitor.who(desk, "Nobody Here")


def test_monitoring_is_logged_and_refused_to_officers(
    desk: Desk, db_path: Path, clock: Clock
) -> None:
    officers.add_officer(desk, "1001", "PC Bo Example", BO_PASS)
    monitor.monitor(desk)
    desk.close()
    with Desk.open(db_path, "1001", BO_PASS) as bo, pytest.raises(PermissionDenied):
        officers.require_reviewer(bo, "read the audit log")
    with pytest.raises(ValidationError):
        monitor.Rules(working_from=19, working_to=7)
