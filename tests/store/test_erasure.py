"""Erasure, combination and retention review (DPA 2018 s.39 and s.62)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent, Outbox
from deskapp.domain.errors import PermissionDenied
from deskapp.runtime.clock import utcnow
from deskapp.services import incidents, officers, people, subjects
from deskapp.services.contacts import log_contact

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
NAME = "Perpetua Quenby-Oddfellow"
ADDRESS = "9 Obscure Mews"


def test_erase_removes_personal_data_everywhere(desk: Desk, db_path: Path) -> None:
    pid = people.add_person(desk, name=NAME, address=ADDRESS, phone="07700 900999")
    log_contact(desk, pid, "phone", "introduction", f"Spoke to {NAME}")
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="Threat")
    people.erase_person(desk, pid, reason="retention review: no longer a candidate")
    row = people.get_person(desk, pid, reveal=True)
    assert row["name"] == "[erased]" and row["address"] == "" and row["deleted"] is True
    assert row["contacts"] == []
    assert people.list_people(desk, filter_text="perpetua") == []
    assert incidents.get_incident(desk, iid)["person_name"] == "[erased]"
    with desk.read() as conn:
        event = conn.execute(select(AUDIT).where(AUDIT.c.action == "erasure")).mappings().one()
        erases = conn.execute(select(OUTBOX).where(OUTBOX.c.op == "erase")).all()
    assert event["entity_id"] == pid and "retention review" in event["detail"]
    assert NAME not in event["detail"] and "address" in event["fields"]
    assert len(erases) == 1  # the contact; the person's blanking travels as an update
    desk.close()
    for path in db_path.parent.iterdir():
        data = path.read_bytes()
        assert NAME.encode() not in data and ADDRESS.encode() not in data


def test_erase_is_supervisor_only(desk: Desk, db_path: Path) -> None:
    pid = people.add_person(desk, name="Someone")
    officers.add_officer(desk, "1001", "PC Bo", "bo passphrase")
    desk.close()
    with Desk.open(db_path, "1001", "bo passphrase") as bo, pytest.raises(PermissionDenied):
        people.erase_person(bo, pid, reason="no")


def test_link_person_is_a_logged_combination(desk: Desk) -> None:
    a = people.add_person(desk, name="Reporter")
    b = people.add_person(desk, name="Also Targeted")
    iid = incidents.add_incident(desk, person=a, type="harassment", grade=3, summary="Both")
    assert subjects.link(desk, iid, "witness", person=b)
    assert not subjects.link(desk, iid, "witness", person=b)  # once only
    links = incidents.get_incident(desk, iid)["links"]
    assert [(link["person_id"], link["category"]) for link in links] == [(b, "witness")]
    with desk.read() as conn:
        actions = conn.execute(select(AUDIT.c.action).where(AUDIT.c.entity_id == iid)).scalars()
        assert "combination" in list(actions)


def test_review_dates_and_due_list(desk: Desk) -> None:
    pid = people.add_person(desk, name="Reviewable")
    iid = incidents.add_incident(desk, person=pid, type="other", grade=4, summary="x")
    today = utcnow().date()
    assert people.get_person(desk, pid)["review_date"] == today + timedelta(days=365)
    assert people.people_due_for_review(desk, today) == []
    people.update_person(desk, pid, review_date=str(today - timedelta(days=1)))
    assert [p["id"] for p in people.people_due_for_review(desk, today)] == [pid]
    later = today + timedelta(days=7 * 365)
    assert [i["id"] for i in incidents.incidents_due_for_review(desk, later)] == [iid]
