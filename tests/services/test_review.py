"""Review dates (services/review.py): extended to a later date only, with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.services import people, review
from tests.services.audit_trail import last_event


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
