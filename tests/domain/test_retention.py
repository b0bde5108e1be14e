"""Review dates (domain/retention.py): a person a year on, an incident and a subject of
concern six years on (police information about a suspect is reviewed as an incident is)."""

from __future__ import annotations

from datetime import date

from deskapp.domain.retention import incident_review_date, person_review_date, subject_review_date


def test_review_dates() -> None:
    today = date(2026, 5, 7)
    assert person_review_date(today) == date(2027, 5, 7)
    assert incident_review_date(today) == date(2032, 5, 5)  # 6 x 365 days: two leap days
    assert subject_review_date(today) == incident_review_date(today)
