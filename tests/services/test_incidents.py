"""The incident life cycle through the services, with timeline and due times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.domain.thrive import parse_spec
from deskapp.services import advisers, incidents, people
from deskapp.services.incidents import add_note, get_incident


@pytest.fixture
def pid(desk: Desk) -> str:
    return people.add_person(desk, name="Reporting Councillor", role="councillor")


def test_new_to_closed(desk: Desk, pid: str) -> None:
    adviser = advisers.add_adviser(desk, name="PC Named Contact", area="Leeds")
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="Threat")
    row = incidents.get_incident(desk, iid)
    assert row["status"] == "new"
    assert row["due_at"] - row["reported_at"] == timedelta(minutes=60)
    incidents.update_incident(desk, iid, thrive=parse_spec("threat=high,harm=m,risk=l"))
    assert incidents.get_incident(desk, iid)["status"] == "triaged"
    incidents.update_incident(desk, iid, adviser=adviser)
    assert incidents.get_incident(desk, iid)["status"] == "assigned"
    incidents.update_incident(desk, iid, grade=1)
    row = incidents.get_incident(desk, iid)
    assert row["due_at"] - row["reported_at"] == timedelta(minutes=15)
    for status in ("in-progress", "resolved", "closed"):
        incidents.update_incident(desk, iid, status=status)
    row = incidents.get_incident(desk, iid)
    assert row["status"] == "closed" and row["closed_at"] is not None
    kinds = [e["kind"] for e in row["timeline"]]
    assert kinds[0] == "created" and "grade" in kinds and "thrive" in kinds
    assert kinds.count("status") == 5  # triaged, assigned, in-progress, resolved, closed


def test_invalid_transition_is_clear(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="X")
    with pytest.raises(ValidationError, match="cannot go from 'new' to 'resolved'"):
        incidents.update_incident(desk, iid, status="resolved")


def test_queue_order_grade_then_due(desk: Desk, pid: str) -> None:
    g3 = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="three")
    g1 = incidents.add_incident(desk, person=pid, type="threat", grade=1, summary="one")
    g2 = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="two")
    assert [r["id"] for r in incidents.list_incidents(desk)] == [g1, g2, g3]


def test_lookup_by_ref_and_prefix(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="other", grade=4, summary="Ref test")
    ref = incidents.make_ref(iid)
    assert incidents.get_incident(desk, ref)["id"] == iid
    assert incidents.get_incident(desk, ref.lower())["id"] == iid


def test_bulk_update(desk: Desk, pid: str) -> None:
    adviser = advisers.add_adviser(desk, name="PC Bulk")
    ids = [
        incidents.add_incident(desk, person=pid, type="threat", grade=3, summary=f"n{i}")
        for i in range(5)
    ]
    assert incidents.bulk_update(desk, ids, adviser=adviser).count == 5
    assert {r["adviser_name"] for r in incidents.list_incidents(desk)} == {"PC Bulk"}


def test_notes_append(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="n")
    incidents.add_note(desk, iid, "first")
    incidents.add_note(desk, iid, "second")
    notes = [
        e["text"] for e in incidents.get_incident(desk, iid)["timeline"] if e["kind"] == "note"
    ]
    assert notes == ["first", "second"]


def test_revert_writes_the_earlier_values_back_as_a_logged_change(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="u")
    incidents.update_incident(desk, iid, thrive=parse_spec("threat=high"))  # triaged
    before = incidents.get_incident(desk, iid)
    applied = incidents.bulk_update(desk, [iid], grade=1)
    incidents.update_incident(desk, iid, status="resolved")  # a later change, kept
    undone = incidents.revert(desk, applied)
    row = incidents.get_incident(desk, iid)
    assert undone.count == 1
    assert (row["grade"], row["due_at"], row["status"]) == (3, before["due_at"], "resolved")
    assert row["timeline"][-1]["text"] == "Re-graded G1 -> G3 (undo)"


def test_revert_of_a_status_is_a_correction_past_the_life_cycle(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="u")
    incidents.update_incident(desk, iid, thrive=parse_spec("threat=high"))
    applied = incidents.bulk_update(desk, [iid], status="resolved")
    incidents.revert(desk, applied)
    row = incidents.get_incident(desk, iid)
    assert row["status"] == "triaged"
    assert row["timeline"][-1]["text"] == "Status corrected resolved -> triaged (undo)"


def test_revert_leaves_an_incident_changed_again_since(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="u")
    applied = incidents.bulk_update(desk, [iid], grade=1)
    incidents.update_incident(desk, iid, grade=2)
    assert incidents.revert(desk, applied).count == 0
    assert incidents.get_incident(desk, iid)["grade"] == 2


def test_rethrive_timeline_keeps_the_old_assessment(desk: Desk, pid: str) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=3, summary="t")
    incidents.update_incident(desk, iid, thrive=parse_spec("threat=high:named street,harm=m"))
    incidents.update_incident(desk, iid, thrive=parse_spec("threat=medium:moved away"))
    text = incidents.get_incident(desk, iid)["timeline"][-1]["text"]
    assert text.startswith("Re-THRIVE T:M H:M")
    assert "(was T:H H:M" in text
    assert "threat: high (named street) -> medium (moved away)" in text


def test_notes_keep_lines_and_tabs_but_refuse_other_control_characters(
    desk: Desk, pid: str
) -> None:
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=2, summary="Threat")
    add_note(desk, iid, "first line\r\n\tindented  \n\n")
    for bad in ("title \x1b]0;owned\x07", "clear \x1b[2J", "c1 \x9b", "bell \x07"):
        with pytest.raises(ValidationError):
            add_note(desk, iid, bad)
    notes = [e["text"] for e in get_incident(desk, iid)["timeline"] if e["kind"] == "note"]
    assert notes == ["first line\n\tindented"]
