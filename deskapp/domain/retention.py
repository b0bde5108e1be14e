"""Review dates (DPA 2018 s.39: personal data kept no longer than necessary).

Defaults a force can change later in settings: the roster is reviewed a year after a
person is added (after the election cycle), incident records after six years (the MoPI
minimum review period for most police information)."""

from __future__ import annotations

from datetime import date, timedelta

PERSON_REVIEW = timedelta(days=365)
INCIDENT_REVIEW = timedelta(days=6 * 365)


def person_review_date(today: date) -> date:
    return today + PERSON_REVIEW


def subject_review_date(today: date) -> date:
    """A subject of concern is police information about a suspect: reviewed as an
    incident is."""
    return today + INCIDENT_REVIEW


def incident_review_date(today: date) -> date:
    return today + INCIDENT_REVIEW
