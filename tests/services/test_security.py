"""Protective-security casework (services/security.py, issue #19): surveys, measures and
referrals through the one write path, masked and revealed only as logged consultations, the
review period a setting, erasing a person with measures."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from deskapp.db.desk import Desk
from deskapp.db.tables import INCIDENT_LINK, OUTBOX, SECURITY_MEASURE
from deskapp.domain.errors import ConfigError, NotFound, ValidationError
from deskapp.domain.masking import MASK
from deskapp.domain.security import add_months
from deskapp.runtime.settings import parse_settings
from deskapp.services import people, security
from tests.services.casework_desk import (
    TODAY,
    audit_rows,
    count,
    cross_victim_desk,
)

FINDINGS = "Rear gate unlocked; no lighting on the lane"


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
