"""Subjects of concern (services/subjects.py): the cross-victim view, links and their category,
erasure."""

from __future__ import annotations

import dataclasses

import pytest

from deskapp.db.desk import Desk
from deskapp.db.tables import INCIDENT_LINK
from deskapp.domain.errors import NotFound, PermissionDenied, ValidationError
from deskapp.domain.masking import MASK
from deskapp.domain.security import subject_ref
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.protocol.merge_rule import ERASED_NAME
from deskapp.services import incidents, people, subjects
from tests.services.casework_desk import (
    audit_rows,
    count,
    cross_victim_desk,
    incident_for,
)


def test_cross_victim_view(desk: Desk) -> None:
    ids = cross_victim_desk(desk)
    shown = subjects.get_subject(desk, subject_ref(ids["subject"]))
    assert {i["id"] for i in shown["incidents"]} == {ids["i_ann"], ids["i_bob"], ids["i_cat"]}
    assert {i["category"] for i in shown["incidents"]} == {"suspect"}
    people_rows = {p["name"]: p for p in shown["people"]}
    assert set(people_rows) == {"Ann Cardiff", "Bob Cardiff", "Cat Newport", "Dai Witness"}
    assert {p["organisation"] for p in shown["people"]} == {
        "Cardiff Council", "Newport City Council", None,
    }  # fmt: skip
    assert people_rows["Dai Witness"]["categories"] == "witness"
    assert people_rows["Ann Cardiff"]["categories"] == "victim"
    assert shown["aliases"] == shown["facts"] == shown["assessment"] == MASK
    # The queue flag: each councillor's incident has a subject linked to other victims.
    with desk.read() as conn:
        flagged = subjects.other_victims(
            conn, [ids[k] for k in ("i_ann", "i_bob", "i_cat", "lone")]
        )
        assert flagged == {ids["i_ann"], ids["i_bob"], ids["i_cat"]}
        # A person's view lists the subjects linked to them, as victim or witness.
        for who in ("ann", "dai"):
            assert [s["id"] for s in subjects.subjects_for_person(conn, ids[who])] == [
                ids["subject"]
            ]
    # A link is a logged combination.
    combos = [r for r in audit_rows(desk) if r["action"] == AuditAction.COMBINATION]
    assert {(r["entity"], r["detail"]) for r in combos} >= {
        ("subject", "linked to incident as suspect"),
        ("person", "linked to incident as witness"),
    }
    assert [link["category"] for link in incidents.get_incident(desk, ids["i_cat"])["links"]] == [
        "suspect", "witness",
    ]  # fmt: skip


def test_a_subject_linked_to_one_victim_only_is_not_flagged(desk: Desk) -> None:
    pid = people.add_person(desk, name="Ann Cardiff")
    subject = subjects.add_subject(desk, name="Neighbour")
    first, second = incident_for(desk, pid), incident_for(desk, pid, "Again")
    subjects.link(desk, first, "suspect", subject=subject)
    subjects.link(desk, second, "suspect", subject=subject)
    with desk.read() as conn:
        assert subjects.other_victims(conn, [first, second]) == set()


def test_a_link_needs_its_category(desk: Desk) -> None:
    pid = people.add_person(desk, name="Ann Cardiff")
    subject = subjects.add_subject(desk, name="Neighbour")
    incident = incident_for(desk, pid)
    for bad in (None, "", "bystander"):
        with pytest.raises(ValidationError) as refused:
            subjects.link(desk, incident, bad, subject=subject)
        assert refused.value.field == "category"
    with pytest.raises(ValidationError):
        subjects.link(desk, incident, "victim")  # neither a person nor a subject
    assert count(desk, INCIDENT_LINK) == 0
    assert subjects.link(desk, incident, "suspect", subject=subject)
    assert not subjects.link(desk, incident, "suspect", subject=subject)  # already so
    assert count(desk, INCIDENT_LINK) == 1


def test_erasing_a_subject(desk: Desk) -> None:
    ids = cross_victim_desk(desk)
    officer = dataclasses.replace(desk.officer, role=OfficerRole.OFFICER)
    supervisor, desk.officer = desk.officer, officer
    with pytest.raises(PermissionDenied):
        subjects.erase_subject(desk, ids["subject"], "No further action")
    desk.officer = supervisor
    subjects.erase_subject(desk, ids["subject"], "No further action")
    with pytest.raises(NotFound):
        subjects.get_subject(desk, ids["subject"])
    assert count(desk, INCIDENT_LINK, subject_id=ids["subject"]) == 0
    assert count(desk, INCIDENT_LINK) == 1  # the witness stays linked
    with desk.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT name, aliases, identifiers, facts, assessment FROM subject WHERE id = ?",
            (ids["subject"],),
        ).one()
        assert tuple(row) == (ERASED_NAME, "", "", "", "")
        assert subjects.other_victims(conn, [ids["i_ann"]]) == set()
    erasure = audit_rows(desk)[-1]
    assert erasure["action"] == "erasure" and "removed 3 links" in erasure["detail"]
    assert "Watcher" not in str(audit_rows(desk))
