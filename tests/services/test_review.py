"""Review dates (services/review.py): extended to a later date only, with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.services import people, review, security, subjects
from deskapp.services.caseload import review_query
from tests.services.audit_trail import last_event
from tests.services.casework_desk import TODAY


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
