"""The events service: every write through the one write path, sensitive fields masked
and revealed only as a logged consultation, links as logged combinations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent, EventPerson, FieldVersion, Outbox
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.events import event_ref
from deskapp.domain.masking import MASK
from deskapp.domain.vocabulary import AuditAction
from deskapp.protocol.wire_checks import value_problem
from deskapp.services import events, people
from deskapp.sync.wire_rules import RULES

START = datetime(2026, 5, 7, 19, 0, tzinfo=UTC)
PLACE = "Neuadd y Dref, 5 Stryd Fawr"


def audit_rows(desk: Desk) -> list[dict[str, Any]]:
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.seq)).mappings()]


def count(desk: Desk, model: Any) -> int:
    table = model.__table__
    with desk.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def new_event(desk: Desk, **more: Any) -> str:
    return events.add_event(
        desk,
        title="Hustings",
        kind="hustings",
        starts_at="2026-05-07 19:00",
        place=PLACE,
        organiser="Chamber of Trade",
        notice_received_at="2026-05-06 12:00",
        **more,
    )


def test_add_update_and_show_go_through_the_write_path(desk: Desk) -> None:
    event_id = new_event(desk, risk="high", risk_reason="Protest group expected")
    outbox_before = count(desk, Outbox)
    changed = events.update_event(
        desk,
        event_ref(event_id),
        patrol_requested=True,
        patrol_minutes="2.5",
        patrol_additional_pence="1,250.50",
        patrol_opportunity_pence="300",
        outcome="Passed off peacefully.",
    )
    assert set(changed) == {
        "patrol_requested", "patrol_minutes", "patrol_additional_pence",
        "patrol_opportunity_pence", "outcome",
    }  # fmt: skip
    assert count(desk, Outbox) == outbox_before + 1
    fv = FieldVersion.__table__  # type: ignore[attr-defined]
    with desk.read() as conn:
        versioned = set(conn.execute(select(fv.c.field).where(fv.c.row_id == event_id)).scalars())
    assert {"*", "outcome", "patrol_minutes"} <= versioned
    shown = events.get_event(desk, event_id[:13])
    assert shown["ref"] == event_ref(event_id)
    assert (shown["place"], shown["organiser"]) == (MASK, MASK)
    assert shown["short_notice"] and "31 h notice" in shown["notice"]
    assert (shown["patrol_minutes"], shown["patrol_additional_pence"]) == (150, 125050)
    log = [e for e in audit_rows(desk) if e["entity"] == "event"]
    assert [(e["action"], e["fields"]) for e in log[:2]] == [
        (AuditAction.COLLECTION, ""),
        (AuditAction.ALTERATION, ",".join(changed)),
    ]
    assert log[-1]["action"] == AuditAction.CONSULTATION and log[-1]["fields"] == ""
    assert PLACE not in str(log)


def test_revealing_the_place_is_a_logged_consultation(desk: Desk) -> None:
    event_id = new_event(desk)
    assert events.reveal_field(desk, event_id, "place") == PLACE
    last = audit_rows(desk)[-1]
    assert (last["action"], last["entity_id"], last["fields"]) == (
        AuditAction.CONSULTATION, event_id, "place",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        events.reveal_field(desk, event_id, "title")
    listed = events.list_events(desk)
    assert listed[0]["place"] == MASK and listed[0]["ref"] == event_ref(event_id)
    assert events.list_events(desk, filter_text="neuadd") == []  # no search on the place
    assert len(events.list_events(desk, filter_text="husting")) == 1


def test_revealing_an_empty_masked_field_shows_it_empty(desk: Desk) -> None:
    # An event with no organiser contact exists: revealing that field must not say it doesn't.
    event_id = new_event(desk)
    assert events.reveal_field(desk, event_id, "organiser_contact") in (None, "")
    with pytest.raises(NotFound):
        events.reveal_field(desk, "no-such-event", "place")


def test_bad_input_writes_nothing(desk: Desk) -> None:
    event_id = new_event(desk)
    before = count(desk, Outbox), len(audit_rows(desk))
    bad: list[dict[str, Any]] = [
        {"risk": "medium"},  # a new risk needs its reason
        {"ends_at": "2026-05-07 18:00"},  # before the start
        {"kind": "party"},
        {"title": ""},
        {"patrol_minutes": "lots"},
        {"place": "Hall\x1b]0;x\x07"},
    ]
    for fields in bad:
        with pytest.raises(ValidationError):
            events.update_event(desk, event_id, **fields)
    with pytest.raises(ValidationError, match=r"^Give the event's start"):
        events.add_event(desk, title="X", kind="other", starts_at="")
    with pytest.raises(NotFound):
        events.update_event(desk, "E-00000000", title="X")
    assert (count(desk, Outbox), len(audit_rows(desk))) == before
    events.update_event(desk, event_id, risk="medium", risk_reason="Counter-protest")
    events.update_event(desk, event_id, risk="low")  # lowering needs no new reason


def test_link_and_unlink_people(desk: Desk) -> None:
    event_id = new_event(desk)
    sian = people.add_person(desk, name="Siân Evans")
    tom = people.add_person(desk, name="Tom Jones")
    assert events.link_people(desk, event_ref(event_id), [sian, tom[:13]]) == (
        event_id, [sian, tom],
    )  # fmt: skip
    assert events.link_people(desk, event_id, [sian]) == (event_id, [])  # already there
    with pytest.raises(NotFound):
        events.link_people(desk, event_id, [sian, "nobody-at-all"])
    assert [p["name"] for p in events.get_event(desk, event_id)["people"]] == [
        "Siân Evans", "Tom Jones",
    ]  # fmt: skip
    combined = [e for e in audit_rows(desk) if e["action"] == AuditAction.COMBINATION]
    assert {e["entity_id"] for e in combined} == {sian, tom}
    assert events.unlink_people(desk, event_id, [tom]) == (event_id, [tom])
    assert count(desk, EventPerson) == 1
    ob = Outbox.__table__  # type: ignore[attr-defined]
    with desk.read() as conn:
        erased = conn.execute(select(ob.c.row_id).where(ob.c.op == "erase")).scalars().all()
    assert erased == [f"{event_id}:{tom}"]
    # Linked again after an unlink: a new link, as any other.
    assert events.link_people(desk, event_id, [tom]) == (event_id, [tom])


def test_new_columns_refuse_hostile_pulled_values() -> None:
    rules = RULES["event"].fields
    hostile = {
        "organiser": 12,
        "organiser_contact": "call \x1b[2J now",
        "notice_received_at": "2026-05-07T19:00:00",  # no zone
        "risk_reason": ["not", "text"],
        "patrol_minutes": "150",
        "patrol_additional_pence": 1.5,
        "patrol_opportunity_pence": True,
        "outcome": "x" * (64 * 1024 + 1),
    }
    for name, value in hostile.items():
        assert value_problem(name, rules[name], value) is not None, name
    assert value_problem("notice_received_at", rules["notice_received_at"], None) is None
    assert value_problem("organiser", rules["organiser"], "Chamber of Trade") is None
    # Rows from desks before these columns existed still go in: each has a default.
    assert not {"organiser", "patrol_minutes", "outcome"} & RULES["event"].required


def test_times_stay_utc(desk: Desk) -> None:
    event_id = events.add_event(
        desk, title="Count", kind="count", starts_at="2026-05-07T23:00+01:00"
    )
    assert events.get_event(desk, event_id)["starts_at"] == START + timedelta(hours=3)


def test_an_incident_names_its_event(desk: Desk) -> None:
    from deskapp.services import incidents

    event_id = new_event(desk)
    sian = people.add_person(desk, name="Siân Evans")
    events.link_people(desk, event_id, [sian])
    iid = incidents.add_incident(
        desk, person=sian, type="threat", grade=2, summary="Shouted at", event=event_id
    )
    shown = incidents.get_incident(desk, iid)
    assert (shown["event_id"], shown["event_title"]) == (event_id, "Hustings")
    assert incidents.list_incidents(desk)[0]["event_id"] == event_id
    events.get_event(desk, event_id)
    last = audit_rows(desk)[-1]
    listed = f"listed 1 person at event {event_ref(event_id)}"
    assert (last["entity"], last["detail"]) == ("person", listed)
