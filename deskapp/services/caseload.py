"""Advisers' caseloads and records due for review, as windows for the TUI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, union_all

from deskapp.db.tables import (
    Adviser,
    Incident,
    Person,
    SecurityMeasure,
    SecuritySurvey,
    Subject,
)
from deskapp.domain.security import STANDING
from deskapp.domain.status import OPEN_STATUSES

ADVISER = Adviser.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
INCIDENT = Incident.__table__  # type: ignore[attr-defined]
SUBJECT = Subject.__table__  # type: ignore[attr-defined]
SURVEY = SecuritySurvey.__table__  # type: ignore[attr-defined]
MEASURE = SecurityMeasure.__table__  # type: ignore[attr-defined]


def caseload_query(now: datetime, filter_text: str = "") -> Select[Any]:
    """Advisers with their load: people held, overdue contacts, open incidents."""
    people = (
        select(
            PERSON.c.adviser_id,
            func.count().label("people"),
            func.sum(
                case(
                    (
                        and_(
                            PERSON.c.next_contact_due.is_not(None), PERSON.c.next_contact_due < now
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("overdue_contacts"),
        )
        .where(PERSON.c.deleted.is_(False), PERSON.c.adviser_id.is_not(None))
        .group_by(PERSON.c.adviser_id)
        .subquery()
    )
    incidents = (
        select(INCIDENT.c.adviser_id, func.count().label("open_incidents"))
        .where(
            INCIDENT.c.status.in_([str(s) for s in OPEN_STATUSES]),
            INCIDENT.c.deleted.is_(False),
            INCIDENT.c.adviser_id.is_not(None),
        )
        .group_by(INCIDENT.c.adviser_id)
        .subquery()
    )
    query = (
        select(
            ADVISER.c.id,
            ADVISER.c.name,
            ADVISER.c.area,
            ADVISER.c.capacity,
            func.coalesce(people.c.people, 0).label("people"),
            func.coalesce(people.c.overdue_contacts, 0).label("overdue_contacts"),
            func.coalesce(incidents.c.open_incidents, 0).label("open_incidents"),
        )
        .outerjoin(people, people.c.adviser_id == ADVISER.c.id)
        .outerjoin(incidents, incidents.c.adviser_id == ADVISER.c.id)
        .where(ADVISER.c.deleted.is_(False), ADVISER.c.active.is_(True))
    )
    if filter_text.strip():
        like = f"%{filter_text.strip().lower()}%"
        query = query.where(
            func.lower(ADVISER.c.name).like(like) | func.lower(ADVISER.c.area).like(like)
        )
    return query.order_by(ADVISER.c.name, ADVISER.c.id)


def review_query(on: date, filter_text: str = "") -> Select[Any]:
    """Records whose review date has come: people, incidents and subjects of concern at
    their retention review (DPA 2018 s.39), and security surveys and standing measures
    at their protective review (Operation Bridger: every 12 months). ``person_id`` is the
    person a survey or measure protects (a person's own id for a person)."""
    people = select(
        literal("person").label("kind"),
        PERSON.c.id,
        PERSON.c.name.label("label"),
        PERSON.c.review_date,
        PERSON.c.id.label("person_id"),
    ).where(PERSON.c.deleted.is_(False), PERSON.c.review_date <= on)
    incidents = select(
        literal("incident").label("kind"),
        INCIDENT.c.id,
        (INCIDENT.c.ref + " " + INCIDENT.c.summary).label("label"),
        INCIDENT.c.review_date,
        INCIDENT.c.person_id,
    ).where(INCIDENT.c.deleted.is_(False), INCIDENT.c.review_date <= on)
    subjects = select(
        literal("subject").label("kind"),
        SUBJECT.c.id,
        SUBJECT.c.name.label("label"),
        SUBJECT.c.review_date,
        literal(None).label("person_id"),
    ).where(SUBJECT.c.deleted.is_(False), SUBJECT.c.review_date <= on)
    surveys = (
        select(
            literal("survey").label("kind"),
            SURVEY.c.id,
            (PERSON.c.name + ": " + SURVEY.c.place + " survey").label("label"),
            SURVEY.c.next_review.label("review_date"),
            SURVEY.c.person_id,
        )
        .join(PERSON, PERSON.c.id == SURVEY.c.person_id)
        .where(SURVEY.c.deleted.is_(False), SURVEY.c.next_review <= on)
    )
    measures = (
        select(
            literal("measure").label("kind"),
            MEASURE.c.id,
            (PERSON.c.name + ": " + MEASURE.c.kind + " " + MEASURE.c.status).label("label"),
            MEASURE.c.next_review.label("review_date"),
            MEASURE.c.person_id,
        )
        .join(PERSON, PERSON.c.id == MEASURE.c.person_id)
        .where(
            MEASURE.c.deleted.is_(False),
            MEASURE.c.status.in_(sorted(STANDING)),
            MEASURE.c.next_review <= on,
        )
    )
    if filter_text.strip():
        like = f"%{filter_text.strip().lower()}%"
        people = people.where(func.lower(PERSON.c.name).like(like))
        incidents = incidents.where(func.lower(INCIDENT.c.summary).like(like))
        subjects = subjects.where(func.lower(SUBJECT.c.name).like(like))
        surveys = surveys.where(func.lower(PERSON.c.name).like(like))
        measures = measures.where(func.lower(PERSON.c.name).like(like))
    both = union_all(people, incidents, subjects, surveys, measures).subquery()
    return select(both).order_by(both.c.review_date, both.c.kind, both.c.id)
