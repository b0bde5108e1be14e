"""The s.62 audit log: every operation logged, and tampering of any kind detected."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from deskapp.db import audit
from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.services import incidents, people

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


def events(desk: Desk) -> list[dict]:
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(select(AUDIT).order_by(AUDIT.c.seq)).mappings()]


def seeded(desk: Desk) -> str:
    pid = people.add_person(desk, name="Audit Subject", phone="07700 900001")
    people.update_person(desk, pid, risk="high", reason="Threat received")
    people.get_person(desk, pid)
    people.reveal_field(desk, pid, "phone")
    iid = incidents.add_incident(desk, person=pid, type="harassment", grade=3, summary="Calls")
    incidents.add_note(desk, iid, "Followed up")
    return pid


def test_operations_are_logged_with_officer_and_time(desk: Desk) -> None:
    pid = seeded(desk)
    rows = events(desk)
    actions = [(r["action"], r["entity"]) for r in rows]
    assert ("collection", "person") in actions
    assert ("alteration", "person") in actions
    assert ("consultation", "person") in actions
    reveal = [r for r in rows if r["detail"].startswith("revealed")]
    assert reveal and reveal[0]["fields"] == "phone" and reveal[0]["entity_id"] == pid
    assert all(r["officer_id"] == "4521" and r["at"] is not None for r in rows)
    # field names, never values
    assert all("07700" not in (r["fields"] + r["detail"]) for r in rows)


def test_verify_ok(desk: Desk) -> None:
    seeded(desk)
    with desk.read() as conn:
        assert audit.verify(conn).ok


def tamper(desk: Desk, sql: str) -> audit.Verification:
    with desk.engine.begin() as conn:
        conn.execute(text(sql))
    with desk.read() as conn:
        return audit.verify(conn)


def test_edit_detected(desk: Desk) -> None:
    seeded(desk)
    result = tamper(desk, "UPDATE audit_event SET officer_id = '9999' WHERE seq = 3")
    assert not result.ok and result.seq == 3 and "altered" in result.problem


def test_delete_detected(desk: Desk) -> None:
    seeded(desk)
    result = tamper(desk, "DELETE FROM audit_event WHERE seq = 2")
    assert not result.ok and result.seq == 2


def test_delete_last_detected(desk: Desk) -> None:
    seeded(desk)
    result = tamper(desk, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    assert not result.ok and "removed" in result.problem


def test_reorder_detected(desk: Desk) -> None:
    seeded(desk)
    tamper(desk, "UPDATE audit_event SET seq = -1 WHERE seq = 2")
    tamper(desk, "UPDATE audit_event SET seq = 2 WHERE seq = 3")
    result = tamper(desk, "UPDATE audit_event SET seq = 3 WHERE seq = -1")
    assert not result.ok and result.seq == 2


def test_chain_continues_across_reopen(desk: Desk, db_path: Path) -> None:
    seeded(desk)
    desk.close()
    with Desk.open(db_path, "4521", "correct horse battery") as again:
        people.add_person(again, name="Second Session")
        with again.read() as conn:
            assert audit.verify(conn).ok
