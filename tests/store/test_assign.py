"""Automatic assignment of named contacts, and the coverage counts for the Caseload view."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select, text

from deskapp.db.desk import Desk
from deskapp.db.tables import Person
from deskapp.runtime.clock import utcnow
from deskapp.services import advisers, assign, people
from deskapp.services.assign import BY_AREA, BY_LOAD, OVERFLOW, area_matches, area_terms

PERSON = Person.__table__  # type: ignore[attr-defined]


def add_org(desk: Desk, slug: str, name: str) -> str:
    with desk.write() as tx:
        return tx.insert("organisation", {"slug": slug, "name": name})


def adviser_of(desk: Desk) -> dict[str, str | None]:
    with desk.read() as conn:
        return {
            r.name: r.adviser_id for r in conn.execute(select(PERSON.c.name, PERSON.c.adviser_id))
        }


def test_area_matching_rules() -> None:
    assert area_terms("Leeds; Bradford, Vale of Glamorgan") == [
        ("leeds",),
        ("bradford",),
        ("vale", "glamorgan"),
    ]
    assert area_matches(area_terms("Leeds"), "Leeds City Council", "leeds")
    assert area_matches(area_terms("Leeds City Council"), "Leeds", "leeds")
    assert area_matches(area_terms("Gwynedd"), "Cyngor Gwynedd", "cyngor-gwynedd")
    assert area_matches(area_terms("Ynys Môn"), "Isle of Anglesey", "ynys-mon")
    assert area_matches(area_terms("North, Vale of Glamorgan"), "Vale of Glamorgan Council", "")
    # Generic words alone match nothing, and a word is not a substring match.
    assert not area_matches(area_terms("City Council"), "Leeds City Council", "leeds")
    assert not area_matches(area_terms("Leed"), "Leeds City Council", "leeds")
    assert not area_matches(area_terms(""), "Leeds", "leeds")


def test_matches_area_and_balances_load(desk: Desk) -> None:
    leeds = add_org(desk, "leeds", "Leeds City Council")
    cardiff = add_org(desk, "cardiff", "Cardiff Council")
    powys = add_org(desk, "powys", "Powys County Council")
    a1 = advisers.add_adviser(desk, name="PC Ann Leeds", area="Leeds")
    a2 = advisers.add_adviser(desk, name="PC Bo Leeds", area="Leeds, Bradford")
    a3 = advisers.add_adviser(desk, name="PC Cai Caerdydd", area="Cardiff; Vale of Glamorgan")
    for i in range(10):
        people.add_person(desk, name=f"Leeds Person {i:02}", organisation_id=leeds)
    for i in range(3):
        people.add_person(desk, name=f"Cardiff Person {i}", organisation_id=cardiff)
    for i in range(4):
        people.add_person(desk, name=f"Powys Person {i}", organisation_id=powys)
    people.add_person(desk, name="No Organisation")

    plan = assign.plan_auto_assign(desk)
    assert plan.unassigned == 18 and len(plan.assignments) == 18 and plan.overflow == 0
    got = {a.person_name: a for a in plan.assignments}
    leeds_advisers = Counter(got[f"Leeds Person {i:02}"].adviser_id for i in range(10))
    assert leeds_advisers == {a1: 5, a2: 5}  # area match, load balanced
    assert {got[f"Cardiff Person {i}"].adviser_id for i in range(3)} == {a3}
    assert all(got[f"Cardiff Person {i}"].reason == BY_AREA for i in range(3))
    # No adviser covers Powys: they go to whoever has most room, evenly.
    assert all(got[f"Powys Person {i}"].reason == BY_LOAD for i in range(4))
    after = {a.id: a.after for a in plan.advisers}
    assert max(after.values()) - min(after.values()) <= 5
    assert sum(after.values()) == 18


def test_dry_run_writes_nothing_and_apply_does(desk: Desk) -> None:
    a1 = advisers.add_adviser(desk, name="PC Ann", area="Leeds")
    ids = [people.add_person(desk, name=f"Person {i}") for i in range(5)]
    before = adviser_of(desk)
    plan = assign.plan_auto_assign(desk)
    assert adviser_of(desk) == before and set(before.values()) == {None}
    assert assign.apply(desk, plan) == 5
    assert set(adviser_of(desk).values()) == {a1}
    # Everyone listed with their adviser; nothing left to do.
    listed = people.list_people(desk)
    assert {p["id"] for p in listed} == set(ids) and {p["adviser_id"] for p in listed} == {a1}
    again = assign.plan_auto_assign(desk)
    assert again.unassigned == 0 and not again.assignments
    with desk.read() as conn:
        events = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action='alteration' AND "
                 "fields='adviser_id' AND detail='auto-assign'")
        ).scalar_one()  # fmt: skip
    assert events == 5


def test_capacity_is_respected_and_overflow_reported(desk: Desk) -> None:
    leeds = add_org(desk, "leeds", "Leeds")
    a1 = advisers.add_adviser(desk, name="PC Ann", area="Leeds", capacity=2)
    a2 = advisers.add_adviser(desk, name="PC Bo", area="Bradford", capacity=3)
    for i in range(7):
        people.add_person(desk, name=f"Leeds Person {i}", organisation_id=leeds)
    plan = assign.plan_auto_assign(desk)
    reasons = Counter(a.reason for a in plan.assignments)
    # Two fit PC Ann (area); the rest stay with her, over capacity, rather than go to
    # PC Bo in Bradford: named contacts follow place first.
    assert reasons == {BY_AREA: 2, OVERFLOW: 5}
    assert plan.overflow == 5 and not plan.outside_area
    loads = {a.id: a for a in plan.advisers}
    assert loads[a1].after == 7 and loads[a1].over_capacity == 5
    assert loads[a2].after == 0 and loads[a2].over_capacity == 0


def test_inactive_advisers_people_are_reassigned_and_concurrent_changes_kept(
    desk: Desk,
) -> None:
    gone = advisers.add_adviser(desk, name="PC Gone", area="Leeds")
    here = advisers.add_adviser(desk, name="PC Here", area="Leeds")
    kept = people.add_person(desk, name="Held By Here", adviser_id=here)
    orphan = people.add_person(desk, name="Held By Gone", adviser_id=gone)
    with desk.write() as tx:
        tx.update("adviser", gone, {"active": False})
    assert assign.coverage(desk).without_contact == 1
    plan = assign.plan_auto_assign(desk)
    assert [a.person_id for a in plan.assignments] == [orphan]
    # Someone assigns the person by hand before the plan is applied: their choice stands.
    people.update_person(desk, orphan, adviser_id=here)
    assert assign.apply(desk, plan) == 0
    assert adviser_of(desk) == {"Held By Here": here, "Held By Gone": here}
    del kept


def test_no_active_adviser(desk: Desk) -> None:
    people.add_person(desk, name="Alone")
    plan = assign.plan_auto_assign(desk)
    assert plan.unassigned == 1 and plan.left_unassigned == 1 and not plan.assignments
    assert assign.apply(desk, plan) == 0


def test_coverage_counts(desk: Desk) -> None:
    a1 = advisers.add_adviser(desk, name="PC Ann")
    people.add_person(desk, name="No Contact")
    held = people.add_person(desk, name="Held", adviser_id=a1)
    people.add_person(desk, name="Also Held", adviser_id=a1)
    with desk.write() as tx:
        tx.update("person", held, {"last_contact_at": utcnow()})
    cov = assign.coverage(desk)
    assert cov.as_dict() == {"people": 3, "without_contact": 1, "never_contacted": 2}
