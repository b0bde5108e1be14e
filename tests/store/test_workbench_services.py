"""The services behind the workbench's forms: errors name their field, reasons reach
the audit log, the audit view's filters, councils not sharing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.errors import ValidationError
from deskapp.services import advisers, audit_log, incidents, organisations, people, review

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


def last_event(desk: Desk) -> dict:
    with desk.read() as conn:
        row = conn.execute(select(AUDIT).order_by(AUDIT.c.seq.desc()).limit(1)).mappings().one()
    return dict(row)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"risk": "extreme"}, "risk"),
        ({"next_contact_due": "soon"}, "next_contact_due"),
        ({"name": " "}, "name"),
    ],
)
def test_a_person_error_names_its_field(desk: Desk, fields: dict, field: str) -> None:
    pid = people.add_person(desk, name="Field Test")
    with pytest.raises(ValidationError) as caught:
        people.update_person(desk, pid, **fields)
    assert caught.value.field == field


def test_an_adviser_capacity_must_be_a_whole_number(desk: Desk) -> None:
    with pytest.raises(ValidationError) as caught:
        advisers.add_adviser(desk, name="Cap Test", capacity="lots")
    assert caught.value.field == "capacity"
    assert str(caught.value) == "Capacity must be a whole number."


def test_a_reason_for_a_change_goes_in_the_audit_event(desk: Desk) -> None:
    pid = people.add_person(desk, name="Risk Test")
    people.update_person(desk, pid, reason="Threat received", risk="high")
    event = last_event(desk)
    assert (event["action"], event["fields"], event["detail"]) == (
        "alteration",
        "risk",
        "Threat received",
    )


def test_a_review_is_extended_to_a_later_date_with_its_reason(desk: Desk) -> None:
    pid = people.add_person(desk, name="Review Test", review_date="2026-01-01")
    today = date(2026, 5, 1)
    with pytest.raises(ValidationError) as caught:
        review.extend_review(desk, "person", pid, date(2026, 4, 1), "Still standing", today=today)
    assert caught.value.field == "review_date"
    with pytest.raises(ValidationError) as caught:
        review.extend_review(desk, "person", pid, date(2027, 5, 1), " ", today=today)
    assert caught.value.field == "reason"
    assert review.extend_review(
        desk, "person", pid, date(2027, 5, 1), "Still standing", today=today
    ) == date(2027, 5, 1)
    assert last_event(desk)["detail"] == "review extended: Still standing"
    assert people.get_person(desk, pid)["review_date"] == date(2027, 5, 1)


def test_the_audit_view_names_people_and_filters(desk: Desk) -> None:
    sian = people.add_person(desk, name="Siân Evans")
    people.add_person(desk, name="Aled Roberts")
    incidents.add_incident(desk, person=sian, type="threat", grade=2, summary="Voicemail")
    flt = audit_log.AuditFilter(person="sian", action="collection")
    with desk.read() as conn:
        rows = [dict(r) for r in conn.execute(audit_log.audit_query("", flt)).mappings()]
    assert rows and {r["person_name"] for r in rows} == {"Siân Evans"}
    assert {r["entity"] for r in rows} >= {"person", "incident"}
    assert all(r["officer_name"] == "Sgt Ada Example" for r in rows)
    later = audit_log.AuditFilter(since=date(2999, 1, 1))
    with desk.read() as conn:
        assert conn.execute(audit_log.audit_query("", later)).first() is None
    audit_log.log_opened(desk, flt)
    event = last_event(desk)
    assert (event["action"], event["detail"]) == (
        "consultation",
        "audit log viewed (person sian, collection)",
    )


def test_councils_not_sharing_are_counted(desk: Desk) -> None:
    with desk.write() as tx:
        tx.insert("organisation", {"slug": "leeds", "name": "Leeds City Council"})
        tx.insert("organisation", {"slug": "york", "name": "City of York Council"})
    assert organisations.not_shared(desk) == 2
    organisations.update_organisation(desk, "leeds", share_request_status="agreed")
    assert organisations.not_shared(desk) == 1
