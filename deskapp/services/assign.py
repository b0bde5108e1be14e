"""A named police contact for everyone: automatic assignment of advisers, and coverage.

:func:`plan_auto_assign` proposes an adviser for every person without one (no adviser,
or an adviser who has left or been removed). Place first, then load: among the advisers
who cover the person's place, the one with most room (over capacity when all of them
are full, reported as overflow, rather than someone across the country); a person whose
place no adviser covers goes to the adviser with most room anywhere, and the plan lists
them as outside any adviser's area. The plan is the preview; :func:`apply` writes it
through the one write path (an alteration event per person). :func:`coverage` gives
the Caseload view its at-a-glance counts.

Who covers a place: an adviser's ``areas`` lists codes (council slugs, constituency GSS
codes); a person is covered when their organisation's slug or GSS code is listed, or,
for a constituency, the slug of the council whose returning officer acts for it. An
adviser's ``area`` (the name people use) also counts, matched by words: it may list
several places ("Leeds; Bradford", "Cardiff, Vale of Glamorgan"). Each is compared with
the organisation's name and slug as a run of words, ignoring case, accents, punctuation
and generic words ("council", "city", "county", "borough", "cyngor", ...), either way
round: "Leeds" matches "Leeds City Council", and "Gwynedd" matches "Cyngor Gwynedd".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypedDict

from sqlalchemy import ColumnElement, Connection, func, or_, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_rows
from deskapp.db.tables import ADVISER, ORGANISATION, PERSON
from deskapp.domain.text import fold
from deskapp.domain.vocabulary import AuditAction

#: Why an adviser was chosen.
BY_AREA: Final = "area"  # they cover the person's place, and had room
BY_LOAD: Final = "load"  # no adviser covers the place: the adviser with most room anywhere
OVERFLOW: Final = "overflow"  # every adviser who could take them was full: over capacity

_GENERIC: Final = frozenset(
    (
        "council", "city", "county", "borough", "district", "metropolitan", "unitary",
        "authority", "of", "the", "cyngor", "sir", "dinas", "bwrdeistref", "sirol", "royal",
    )
)  # fmt: skip
_SPLIT: Final = re.compile(r"[,;/|&\n]+")
_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_CHUNK: Final = 500


class AssignPlanDict(TypedDict):
    """A plan as ``--json`` prints it (``AssignPlan.as_dict``)."""

    unassigned: int
    assigned: int
    by_area: int
    overflow: int
    left_unassigned: int
    outside_area: int
    assignments: list[dict[str, str | bool]]
    advisers: list[dict[str, str | int]]


class ActiveAdviser(TypedDict):
    """An adviser a plan may give people to, with the people they hold."""

    id: str
    name: str
    area: str
    areas: str
    capacity: int
    people: int


class UnassignedPerson(TypedDict):
    """A person without an active named contact, with the place they belong to."""

    id: str
    name: str
    organisation_id: str | None
    org_name: str
    org_slug: str
    gss: str
    council_slug: str


@dataclass(frozen=True)
class Assignment:
    person_id: str
    person_name: str
    organisation: str
    adviser_id: str
    adviser_name: str
    reason: str  # BY_AREA | BY_LOAD | OVERFLOW
    in_area: bool = True  # False: no adviser covers the person's place

    def as_dict(self) -> dict[str, str | bool]:
        """The fields by name (``--json``): text, and ``in_area``."""
        return {
            "person_id": self.person_id,
            "person_name": self.person_name,
            "organisation": self.organisation,
            "adviser_id": self.adviser_id,
            "adviser_name": self.adviser_name,
            "reason": self.reason,
            "in_area": self.in_area,
        }


@dataclass(frozen=True)
class AdviserLoad:
    id: str
    name: str
    area: str
    capacity: int
    before: int
    after: int

    @property
    def over_capacity(self) -> int:
        return max(0, self.after - self.capacity)

    def as_dict(self) -> dict[str, str | int]:
        """The fields by name (``--json``), with ``over_capacity``."""
        return {
            "id": self.id,
            "name": self.name,
            "area": self.area,
            "capacity": self.capacity,
            "before": self.before,
            "after": self.after,
            "over_capacity": self.over_capacity,
        }


@dataclass(frozen=True)
class AssignPlan:
    """The preview of an automatic assignment."""

    assignments: tuple[Assignment, ...]
    advisers: tuple[AdviserLoad, ...]
    unassigned: int  # people without a named contact when the plan was made

    @property
    def by_area(self) -> int:
        return sum(1 for a in self.assignments if a.reason == BY_AREA)

    @property
    def overflow(self) -> int:
        """People the plan puts over an adviser's capacity (all advisers were full)."""
        return sum(1 for a in self.assignments if a.reason == OVERFLOW)

    @property
    def outside_area(self) -> tuple[Assignment, ...]:
        """Assignments of people whose place no adviser covers."""
        return tuple(a for a in self.assignments if not a.in_area)

    @property
    def left_unassigned(self) -> int:
        """People the plan cannot assign: there is no active adviser."""
        return self.unassigned - len(self.assignments)

    def as_dict(self) -> AssignPlanDict:
        return {
            "unassigned": self.unassigned,
            "assigned": len(self.assignments),
            "by_area": self.by_area,
            "overflow": self.overflow,
            "left_unassigned": self.left_unassigned,
            "outside_area": len(self.outside_area),
            "assignments": [a.as_dict() for a in self.assignments],
            "advisers": [a.as_dict() for a in self.advisers],
        }


@dataclass(frozen=True)
class Coverage:
    """At a glance, for the Caseload view."""

    people: int  # on the roster (not deleted)
    without_contact: int  # no named contact: no adviser, or one who is inactive/removed
    never_contacted: int  # no contact recorded yet (last_contact_at is empty)

    def as_dict(self) -> dict[str, int]:
        return {
            "people": self.people,
            "without_contact": self.without_contact,
            "never_contacted": self.never_contacted,
        }


# --------------------------------------------------------------------------- matching


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _NON_WORD.split(fold(text)) if w and w not in _GENERIC)


def area_terms(area: str) -> list[tuple[str, ...]]:
    """The places an adviser's area names, as runs of significant words."""
    return [t for t in (_words(part) for part in _SPLIT.split(area)) if t]


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def area_matches(terms: Sequence[tuple[str, ...]], org_name: str, org_slug: str) -> bool:
    """True when one of the area ``terms`` and the organisation name each other."""
    names = {w for w in (_words(org_name), _words(org_slug.replace("-", " "))) if w}
    return any(_contains(n, t) or _contains(t, n) for t in terms for n in names)


def _covers(
    codes: frozenset[str], terms: Sequence[tuple[str, ...]], place: tuple[str, ...]
) -> bool:
    """Whether an adviser with these area ``codes`` and name ``terms`` covers ``place``
    (organisation name, slug, GSS code, acting council's slug)."""
    name, slug, gss, council = place
    if codes and any(c and c in codes for c in (slug, gss, council)):
        return True
    return bool(terms) and bool(name or slug) and area_matches(terms, name, slug)


# --------------------------------------------------------------------------- queries


def _active_advisers(conn: Connection) -> list[ActiveAdviser]:
    load = (
        select(PERSON.c.adviser_id, func.count().label("people"))
        .where(PERSON.c.deleted.is_(False), PERSON.c.adviser_id.is_not(None))
        .group_by(PERSON.c.adviser_id)
        .subquery()
    )
    query = (
        select(
            ADVISER.c.id,
            ADVISER.c.name,
            ADVISER.c.area,
            ADVISER.c.areas,
            ADVISER.c.capacity,
            func.coalesce(load.c.people, 0).label("people"),
        )
        .outerjoin(load, load.c.adviser_id == ADVISER.c.id)
        .where(ADVISER.c.deleted.is_(False), ADVISER.c.active.is_(True))
        .order_by(ADVISER.c.name, ADVISER.c.id)
    )
    return typed_rows(ActiveAdviser, conn.execute(query).mappings())


def _no_named_contact() -> ColumnElement[bool]:
    """Condition on PERSON outer-joined to ADVISER: nobody active holds this person."""
    return or_(
        PERSON.c.adviser_id.is_(None),
        ADVISER.c.id.is_(None),
        ADVISER.c.active.is_(False),
        ADVISER.c.deleted.is_(True),
    )


def _unassigned_people(conn: Connection) -> list[UnassignedPerson]:
    council = ORGANISATION.alias("council")
    query = (
        select(
            PERSON.c.id,
            PERSON.c.name,
            PERSON.c.organisation_id,
            func.coalesce(ORGANISATION.c.name, "").label("org_name"),
            func.coalesce(ORGANISATION.c.slug, "").label("org_slug"),
            func.coalesce(ORGANISATION.c.gss, "").label("gss"),
            func.coalesce(council.c.slug, "").label("council_slug"),
        )
        .outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id)
        .outerjoin(ORGANISATION, ORGANISATION.c.id == PERSON.c.organisation_id)
        .outerjoin(council, council.c.id == ORGANISATION.c.council_id)
        .where(PERSON.c.deleted.is_(False), _no_named_contact())
        .order_by(func.coalesce(ORGANISATION.c.name, ""), PERSON.c.name, PERSON.c.id)
    )
    return typed_rows(UnassignedPerson, conn.execute(query).mappings())


# --------------------------------------------------------------------------- planning


def plan_auto_assign(desk: Desk) -> AssignPlan:
    """Propose an adviser for everyone without a named contact. Changes no record.

    The plan lists people by name, so making it is logged as one consultation.
    """
    with desk.read() as conn:
        advisers = _active_advisers(conn)
        people = _unassigned_people(conn)
    plan = _plan(advisers, people)
    if people:
        desk.log(
            AuditAction.CONSULTATION,
            "person",
            detail=f"auto-assign plan listed {len(people)} people",
        )
    return plan


def _plan(advisers: list[ActiveAdviser], people: list[UnassignedPerson]) -> AssignPlan:
    load = {a["id"]: int(a["people"]) for a in advisers}
    cap = {a["id"]: int(a["capacity"]) for a in advisers}
    terms = {a["id"]: area_terms(a["area"] or "") for a in advisers}
    order = {a["id"]: i for i, a in enumerate(advisers)}  # by name, then id
    names = {a["id"]: a["name"] for a in advisers}

    def fullness(adviser_id: str) -> tuple[float, int, int]:
        c = cap[adviser_id]
        ratio = load[adviser_id] / c if c > 0 else float("inf")
        return (ratio, load[adviser_id], order[adviser_id])

    def room(adviser_id: str) -> bool:
        return load[adviser_id] < cap[adviser_id]

    everyone = [a["id"] for a in advisers]
    codes = {a["id"]: frozenset(filter(None, (a["areas"] or "").split(","))) for a in advisers}
    covering: dict[tuple[str, ...], list[str]] = {}
    out: list[Assignment] = []
    if everyone:
        for person in people:
            place = (person["org_name"], person["org_slug"], person["gss"], person["council_slug"])
            local = covering.get(place)
            if local is None:
                local = [a for a in everyone if _covers(codes[a], terms[a], place)]
                covering[place] = local
            pool = local or everyone
            with_room = [a for a in pool if room(a)]
            if with_room:
                chosen = min(with_room, key=fullness)
                reason = BY_AREA if local else BY_LOAD
            else:
                chosen, reason = min(pool, key=fullness), OVERFLOW
            load[chosen] += 1
            out.append(
                Assignment(
                    person["id"],
                    person["name"],
                    person["org_name"],
                    chosen,
                    names[chosen],
                    reason,
                    in_area=bool(local),
                )
            )
    loads = tuple(
        AdviserLoad(
            a["id"], a["name"], a["area"], int(a["capacity"]), int(a["people"]), load[a["id"]]
        )
        for a in advisers
    )
    return AssignPlan(tuple(out), loads, len(people))


def apply(desk: Desk, plan: AssignPlan) -> int:
    """Write the plan in one transaction; returns how many people were assigned.

    A person who has been given a named contact since the plan was made is left
    alone, and so is an assignment to an adviser who is no longer active.
    """
    if not plan.assignments:
        return 0
    done = 0
    with desk.write() as tx:
        active = {a["id"] for a in _active_advisers(tx.conn)}
        still: set[str] = set()
        ids = [a.person_id for a in plan.assignments]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = (
                select(PERSON.c.id)
                .outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id)
                .where(PERSON.c.id.in_(chunk), PERSON.c.deleted.is_(False), _no_named_contact())
            )
            still.update(str(r) for r in tx.conn.execute(query).scalars())
        for a in plan.assignments:
            if a.person_id in still and a.adviser_id in active:
                tx.update("person", a.person_id, {"adviser_id": a.adviser_id}, detail="auto-assign")
                done += 1
    return done


def coverage(desk: Desk) -> Coverage:
    """People on the roster, those without a named contact, and those never contacted."""
    with desk.read() as conn:
        people = int(
            conn.execute(
                select(func.count()).select_from(PERSON).where(PERSON.c.deleted.is_(False))
            ).scalar_one()
        )
        without = int(
            conn.execute(
                select(func.count())
                .select_from(PERSON.outerjoin(ADVISER, ADVISER.c.id == PERSON.c.adviser_id))
                .where(PERSON.c.deleted.is_(False), _no_named_contact())
            ).scalar_one()
        )
        never = int(
            conn.execute(
                select(func.count())
                .select_from(PERSON)
                .where(PERSON.c.deleted.is_(False), PERSON.c.last_contact_at.is_(None))
            ).scalar_one()
        )
    return Coverage(people, without, never)
