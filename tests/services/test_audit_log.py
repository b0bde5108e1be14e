"""The audit view's query (services/audit_log.py): names people, filters, and logs that it was
read."""

from __future__ import annotations

from datetime import date

from deskapp.db.desk import Desk
from deskapp.services import audit_log, incidents, people
from tests.services.audit_trail import last_event


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
