"""Protective-security casework (issue #19): surveys, measures and referrals through the
one write path, masked and revealed only as logged consultations; subjects of concern
linked to incidents with a category; the cross-victim view; the review-due list; erasure."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT, INCIDENT_LINK, OUTBOX, SECURITY_MEASURE
from deskapp.domain.errors import ConfigError, NotFound, PermissionDenied, ValidationError
from deskapp.domain.masking import MASK
from deskapp.domain.security import add_months, subject_ref
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.protocol.merge_rule import ERASED_NAME
from deskapp.runtime.settings import parse_settings
from deskapp.services import incidents, people, review, security, subjects
from deskapp.services.caseload import review_query

TODAY = date(2026, 5, 7)
FINDINGS = "Rear gate unlocked; no lighting on the lane"


def audit_rows(desk: Desk) -> list[dict[str, Any]]:
    table = AUDIT_EVENT
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.seq)).mappings()]


def count(desk: Desk, table: Table, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with desk.read() as conn:
        return int(conn.execute(query).scalar_one())


def council(desk: Desk, slug: str, name: str) -> str:
    with desk.write() as tx:
        return tx.insert("organisation", {"slug": slug, "name": name})


def incident_for(desk: Desk, person_id: str, summary: str = "Threatening letters") -> str:
    return incidents.add_incident(
        desk, person=person_id, type="harassment", grade=3, summary=summary
    )


def test_survey_measure_and_referral_life_cycle(desk: Desk) -> None:
    pid = people.add_person(desk, name="Siân Evans", role="mp")
    outbox = count(desk, OUTBOX)
    survey = security.add_record(
        desk, "survey", pid, today=TODAY, place="home", surveyed_by="PC 1234",
        findings=FINDINGS, risk="high",
    )  # fmt: skip
    measure = security.add_record(
        desk, "measure", pid, today=TODAY, kind="cctv", status="recommended"
    )
    referral_id, _ = security.set_referral(desk, pid, status="requested", cost="4,500")
    assert count(desk, OUTBOX) == outbox + 3
    record = security.show_security(desk, pid)
    (shown,) = record["surveys"]
    assert (shown["surveyed_on"], shown["next_review"]) == (TODAY, date(2027, 5, 7))
    assert shown["findings"] == MASK
    # Each status records its date; fitting starts the 12-month review.
    changed = security.update_record(
        desk, "measure", measure, today=date(2026, 6, 1), status="fitted"
    )
    assert set(changed) == {"status", "fitted_on", "next_review"}
    row = security.show_security(desk, pid)["measures"][0]
    assert (row["fitted_on"], row["next_review"]) == (date(2026, 6, 1), date(2027, 6, 1))
    security.update_record(desk, "measure", measure, today=date(2026, 9, 1), status="removed")
    row = security.show_security(desk, pid)["measures"][0]
    assert (row["removed_on"], row["next_review"]) == (date(2026, 9, 1), None)
    # The open referral is the one changed; an ended one makes the next request new.
    again, changes = security.set_referral(desk, pid, status="in-place", provider="Acme Guarding")
    assert again == referral_id and set(changes) >= {"status", "provider", "started_on"}
    security.set_referral(desk, pid, status="ended")
    third, _ = security.set_referral(desk, pid, status="requested")
    assert third != referral_id
    referrals = security.show_security(desk, pid)["referrals"]
    assert [r["status"] for r in referrals] == ["requested", "ended"]
    assert referrals[1]["cost"] == 450000 and referrals[1]["provider"] == MASK
    actions = {(r["action"], r["entity"]) for r in audit_rows(desk)}
    assert {
        ("collection", "security_survey"),
        ("collection", "security_measure"),
        ("alteration", "security_measure"),
        ("alteration", "security_referral"),
    } <= actions
    assert survey


def test_bad_input_names_its_field_and_writes_nothing(desk: Desk) -> None:
    pid = people.add_person(desk, name="Tom Jones")
    before = count(desk, OUTBOX)
    with pytest.raises(ValidationError) as bad:
        security.add_record(desk, "measure", pid, kind="moat", status="fitted")
    assert bad.value.field == "kind"
    with pytest.raises(ValidationError) as bad:
        security.add_record(desk, "measure", pid, kind="cctv", status="fitted", notes="a\x1b[2Jb")
    assert bad.value.field == "notes" and "\x1b" not in str(bad.value)
    with pytest.raises(ValidationError) as bad:
        security.add_record(desk, "survey", pid, place="garden")
    assert bad.value.field == "place"
    with pytest.raises(ValidationError) as bad:
        security.add_record(
            desk, "survey", pid, place="home", surveyed_on="2026-05-07", next_review="2026-01-01"
        )
    assert bad.value.field == "next_review"
    with pytest.raises(NotFound):
        security.add_record(desk, "measure", "no-such-person", kind="cctv")
    assert count(desk, OUTBOX) == before


def test_review_period_is_a_setting(desk: Desk) -> None:
    assert parse_settings({}).security_review_months == 12
    assert parse_settings({"security_review_months": 6}).security_review_months == 6
    for bad in (0, 61, "12", True):
        with pytest.raises(ConfigError, match="security_review_months"):
            parse_settings({"security_review_months": bad})
    desk.settings = dataclasses.replace(desk.settings, security_review_months=6)
    pid = people.add_person(desk, name="Ann Other")
    security.add_record(desk, "survey", pid, today=TODAY, place="office")
    assert security.show_security(desk, pid)["surveys"][0]["next_review"] == date(2026, 11, 7)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)


def test_masked_fields_are_revealed_only_as_logged_consultations(desk: Desk) -> None:
    pid = people.add_person(desk, name="Siân Evans")
    survey = security.add_record(desk, "survey", pid, place="home", findings=FINDINGS)
    listed = security.list_measures(desk)
    assert listed == []
    before = len(audit_rows(desk))
    assert security.reveal_field(desk, "survey", survey, "findings") == FINDINGS
    event = audit_rows(desk)[-1]
    assert (event["action"], event["entity"], event["entity_id"], event["fields"]) == (
        "consultation", "security_survey", survey, "findings",
    )  # fmt: skip
    assert FINDINGS not in str(audit_rows(desk))
    with pytest.raises(ValidationError):
        security.reveal_field(desk, "survey", survey, "risk")
    shown = security.show_security(desk, pid, reveal=True)
    assert shown["surveys"][0]["findings"] == FINDINGS
    assert len(audit_rows(desk)) == before + 1 + 2  # the reveal, the record and its survey


def cross_victim_desk(desk: Desk) -> dict[str, str]:
    """One subject, three councillors in two councils, an MP who only witnessed."""
    cardiff = council(desk, "cardiff", "Cardiff Council")
    newport = council(desk, "newport", "Newport City Council")
    cllr = {"role": "councillor"}
    ids = {
        "ann": people.add_person(desk, name="Ann Cardiff", organisation_id=cardiff, **cllr),
        "bob": people.add_person(desk, name="Bob Cardiff", organisation_id=cardiff, **cllr),
        "cat": people.add_person(desk, name="Cat Newport", organisation_id=newport, **cllr),
        "dai": people.add_person(desk, name="Dai Witness", role="mp"),
    }
    ids["subject"] = subjects.add_subject(
        desk, name="Unknown male, 40s", aliases="'Watcher'", identifiers="X handle @w",
        facts="Letters posted by hand", assessment="Fixated; escalating", risk="high",
        ftac="referred",
    )  # fmt: skip
    for who in ("ann", "bob", "cat"):
        ids[f"i_{who}"] = incident_for(desk, ids[who])
        assert subjects.link(desk, ids[f"i_{who}"], "suspect", subject=ids["subject"])
    assert subjects.link(desk, ids["i_cat"], "witness", person=ids["dai"])
    ids["lone"] = incident_for(desk, ids["dai"], "Unrelated")
    return ids


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


def test_review_due_lists_surveys_measures_and_subjects(desk: Desk) -> None:
    pid = people.add_person(desk, name="Siân Evans")
    survey = security.add_record(
        desk, "survey", pid, place="office", surveyed_on="2025-01-10", next_review="2026-01-10"
    )
    fitted = security.add_record(
        desk, "measure", pid, kind="panic-alarm", status="fitted", fitted_on="2025-02-01"
    )
    declined = security.add_record(
        desk, "measure", pid, kind="cctv", status="declined", next_review="2025-03-01"
    )
    subject = subjects.add_subject(desk, name="Neighbour", review_date="2026-02-01")
    with desk.read() as conn:
        due = {(r["kind"], r["id"]): r for r in conn.execute(review_query(TODAY)).mappings()}
    assert {("survey", survey), ("measure", fitted), ("subject", subject)} <= set(due)
    assert ("measure", declined) not in due
    assert due[("survey", survey)]["person_id"] == pid
    assert due[("survey", survey)]["label"] == "Siân Evans: office survey"
    review.extend_review(desk, "survey", survey, date(2026, 8, 1), "Resurvey booked", today=TODAY)
    review.extend_review(desk, "subject", subject, date(2027, 1, 1), "Trial pending", today=TODAY)
    with desk.read() as conn:
        kinds = {(r["kind"], r["id"]) for r in conn.execute(review_query(TODAY)).mappings()}
    assert ("survey", survey) not in kinds and ("subject", subject) not in kinds
    assert ("measure", fitted) in kinds


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


def test_erasing_a_person_with_measures(desk: Desk) -> None:
    ids = cross_victim_desk(desk)
    pid = ids["dai"]
    security.add_record(desk, "survey", pid, place="home", findings=FINDINGS)
    security.add_record(desk, "measure", pid, kind="cctv", status="fitted", notes="Camera on porch")
    security.set_referral(desk, pid, status="in-place", provider="Acme Guarding")
    people.erase_person(desk, pid, "Left office")
    assert count(desk, SECURITY_MEASURE, person_id=pid, deleted=False) == 0
    assert count(desk, INCIDENT_LINK, person_id=pid) == 0
    with desk.read() as conn:
        held = (
            conn.exec_driver_sql(
                "SELECT findings FROM security_survey UNION ALL SELECT notes FROM security_measure "
                "UNION ALL SELECT provider || notes FROM security_referral"
            )
            .scalars()
            .all()
        )
        assert held == ["", "", ""]
    erasure = audit_rows(desk)[-1]
    assert "3 security records" in erasure["detail"] and "1 links" in erasure["detail"]
    with pytest.raises(NotFound):
        security.add_record(desk, "measure", pid, kind="cctv")
