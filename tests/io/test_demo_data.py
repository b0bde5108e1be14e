"""The demo data generator: shape, determinism, integrity and a little realism."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from deskapp.db import tables
from deskapp.demo.data import DemoData, generate
from deskapp.domain.grading import GradeTargets
from deskapp.domain.thrive import from_json
from deskapp.domain.vocabulary import (
    BriefingStatus,
    ContactChannel,
    ContactKind,
    EventKind,
    IncidentType,
    PersonRole,
    Risk,
    Status,
)

NOW = datetime(2026, 4, 20, 14, 33, 12, 250_000, tzinfo=UTC)

TABLES: dict[str, type[Any]] = {
    "organisations": tables.Organisation,
    "advisers": tables.Adviser,
    "people": tables.Person,
    "candidacies": tables.Candidacy,
    "events": tables.Event,
    "event_people": tables.EventPerson,
    "incidents": tables.Incident,
    "timeline": tables.TimelineEntry,
    "contacts": tables.Contact,
    "surveys": tables.SecuritySurvey,
    "measures": tables.SecurityMeasure,
    "referrals": tables.SecurityReferral,
    "subjects": tables.Subject,
    "incident_links": tables.IncidentLink,
}


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(now=NOW)


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate(people=300, incidents=200, seed=3, now=NOW)


def rows(d: DemoData) -> dict[str, list[dict[str, Any]]]:
    return {name: getattr(d, name) for name in TABLES}


def test_default_sizes(data: DemoData) -> None:
    assert len(data.people) == 1200
    assert len(data.incidents) == 300
    assert len(data.advisers) == 8
    assert len(data.events) == 30
    assert 30 <= len(data.organisations) <= 60
    assert len(data.timeline) >= 300
    assert 100 <= len(data.contacts) <= 600


def test_keys_are_exactly_the_columns(data: DemoData) -> None:
    for name, model in TABLES.items():
        columns = {c.name for c in model.__table__.columns}
        assert getattr(data, name), name
        for row in getattr(data, name):
            assert set(row) == columns, (name, set(row) ^ columns)


def test_tables_maps_table_names_in_insert_order(data: DemoData) -> None:
    tables = data.tables()
    assert list(tables) == [
        "organisation",
        "adviser",
        "person",
        "candidacy",
        "event",
        "event_person",
        "incident",
        "timeline_entry",
        "contact",
        "security_survey",
        "security_measure",
        "security_referral",
        "subject",
        "incident_link",
    ]
    by_name = {m.__tablename__: attr for attr, m in TABLES.items()}
    for table, table_rows in tables.items():
        assert table_rows is getattr(data, by_name[table])


def test_same_seed_and_now_give_identical_output() -> None:
    one = generate(people=250, incidents=120, seed=11, now=NOW)
    two = generate(people=250, incidents=120, seed=11, now=NOW)
    assert one == two
    other = generate(people=250, incidents=120, seed=12, now=NOW)
    assert other.people != one.people
    later = generate(people=250, incidents=120, seed=11, now=NOW + timedelta(days=1))
    assert later.incidents != one.incidents


def test_ids_are_unique_uuid7(small: DemoData) -> None:
    ids = [r["id"] for table in rows(small).values() for r in table if "id" in r]
    assert len(ids) == len(set(ids))
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    refs = [i["ref"] for i in small.incidents]
    assert len(refs) == len(set(refs))
    assert all(i["ref"] == "I-" + i["id"][-8:] for i in small.incidents)


def test_id_time_matches_creation(small: DemoData) -> None:
    for person in small.people:
        stamp_ms = uuid.UUID(person["id"]).int >> 80
        assert stamp_ms == int(person["created_at"].timestamp() * 1000)


def test_foreign_keys_point_at_rows(data: DemoData) -> None:
    orgs = {o["id"] for o in data.organisations}
    advisers = {a["id"] for a in data.advisers}
    people = {p["id"] for p in data.people}
    events = {e["id"] for e in data.events}
    incidents = {i["id"] for i in data.incidents}
    for p in data.people:
        assert p["organisation_id"] in orgs
        assert p["adviser_id"] is None or p["adviser_id"] in advisers
    for c in data.candidacies:
        assert c["person_id"] in people
        assert c["organisation_id"] in orgs
    for link in data.event_people:
        assert link["event_id"] in events
        assert link["person_id"] in people
    for i in data.incidents:
        assert i["person_id"] in people
        assert i["adviser_id"] is None or i["adviser_id"] in advisers
        assert i["event_id"] is None or i["event_id"] in events
    for t in data.timeline:
        assert t["incident_id"] in incidents
    for c in data.contacts:
        assert c["person_id"] in people
        assert c["adviser_id"] is None or c["adviser_id"] in advisers


def test_unique_constraints(data: DemoData) -> None:
    pairs = [(link["event_id"], link["person_id"]) for link in data.event_people]
    assert len(pairs) == len(set(pairs))
    ballots = [(c["person_id"], c["ballot_paper_id"]) for c in data.candidacies]
    assert len(ballots) == len(set(ballots))
    dc_ids = [p["dc_person_id"] for p in data.people if p["dc_person_id"] is not None]
    assert len(dc_ids) == len(set(dc_ids))
    assert all(d.isdigit() for d in dc_ids)
    slugs = [o["slug"] for o in data.organisations]
    assert len(slugs) == len(set(slugs))


def test_every_event_links_two_to_six_people(data: DemoData) -> None:
    counts: dict[str, int] = {}
    for link in data.event_people:
        counts[link["event_id"]] = counts.get(link["event_id"], 0) + 1
    assert set(counts) == {e["id"] for e in data.events}
    assert all(2 <= n <= 6 for n in counts.values())


def test_some_incidents_overdue_and_some_not(data: DemoData) -> None:
    open_ = [i for i in data.incidents if i["status"] not in ("resolved", "closed")]
    overdue = [i for i in open_ if i["due_at"] < NOW]
    assert overdue
    assert len(overdue) < len(open_)
    targets = GradeTargets()
    for i in data.incidents:
        assert i["due_at"] == targets.due(i["grade"], i["reported_at"])


def test_due_times_follow_the_targets_given() -> None:
    targets = GradeTargets({1: 5, 2: 30, 3: 600, 4: 1440})
    d = generate(people=60, incidents=80, now=NOW, targets=targets)
    for i in d.incidents:
        assert i["due_at"] == targets.due(i["grade"], i["reported_at"])


def test_vocabularies_are_valid(data: DemoData) -> None:
    statuses = {s.value for s in Status}
    assert {i["status"] for i in data.incidents} <= statuses
    assert len({i["status"] for i in data.incidents}) >= 5
    assert {i["type"] for i in data.incidents} <= {t.value for t in IncidentType}
    assert {i["grade"] for i in data.incidents} <= {1, 2, 3, 4}
    assert {i["operation"] for i in data.incidents} <= {"none", "ford", "bridger"}
    assert {p["role"] for p in data.people} <= {r.value for r in PersonRole}
    assert {p["risk"] for p in data.people} == {r.value for r in Risk}
    assert {p["briefing_status"] for p in data.people} <= {b.value for b in BriefingStatus}
    assert {e["kind"] for e in data.events} <= {k.value for k in EventKind}
    assert {e["risk"] for e in data.events} <= {r.value for r in Risk}
    assert {c["channel"] for c in data.contacts} <= {c.value for c in ContactChannel}
    assert {c["kind"] for c in data.contacts} <= {k.value for k in ContactKind}
    assert {o["kind"] for o in data.organisations} == {
        "council",
        "combined-authority",
        "police-area",
        "parliament",
    }
    assert {o["share_request_status"] for o in data.organisations} <= {
        "not-requested",
        "requested",
        "agreed",
        "refused",
    }
    kinds = {"created", "note", "grade", "status", "assign", "thrive", "crime-ref", "update"}
    assert {t["kind"] for t in data.timeline} <= kinds
    # Values are plain strings, not enum members.
    assert all(type(p["role"]) is str for p in data.people)
    assert all(type(i["status"]) is str and type(i["type"]) is str for i in data.incidents)


def test_incident_life_cycle_fields(data: DemoData) -> None:
    by_incident: dict[str, list[dict[str, Any]]] = {}
    for t in data.timeline:
        by_incident.setdefault(t["incident_id"], []).append(t)
    for i in data.incidents:
        entries = by_incident[i["id"]]
        assert [t["kind"] for t in entries].count("created") == 1
        assert all(t["officer_id"] == "demo" for t in entries)
        assert all(i["reported_at"] <= t["at"] <= NOW for t in entries)
        assert i["updated_at"] == max(t["at"] for t in entries)
        assert (i["closed_at"] is not None) == (i["status"] == "closed")
        if i["closed_at"] is not None:
            assert i["reported_at"] <= i["closed_at"] <= NOW
        if i["status"] == "new":
            assert i["thrive"] == ""
            assert i["adviser_id"] is None
        else:
            assert set(from_json(i["thrive"])) == {
                "threat",
                "harm",
                "risk",
                "investigation",
                "vulnerability",
                "engagement",
            }
        if i["status"] in ("assigned", "in-progress", "escalated", "referred", "closed"):
            assert i["adviser_id"] is not None
        if i["status"] in ("new", "triaged"):
            assert i["adviser_id"] is None
        assert i["occurred_at"] is None or i["occurred_at"] <= i["reported_at"]
        if i["crime_ref"]:
            assert re.fullmatch(r"CR/\d{5}/\d{2}", i["crime_ref"])
        else:
            assert i["operation"] == "none"
        assert NOW - timedelta(days=21, seconds=1) <= i["reported_at"] <= NOW
    crime = sum(1 for i in data.incidents if i["crime_ref"])
    assert 0.15 * len(data.incidents) < crime < 0.45 * len(data.incidents)
    assert any(NOW - i["reported_at"] < timedelta(hours=1) for i in data.incidents)
    grades = [i["grade"] for i in data.incidents]
    assert grades.count(1) < grades.count(3)


def test_datetimes_are_aware_utc_and_dates_are_dates(small: DemoData) -> None:
    seen = 0
    for table in rows(small).values():
        for row in table:
            for value in row.values():
                if isinstance(value, datetime):
                    assert value.utcoffset() == timedelta(0)
                    seen += 1
                elif isinstance(value, date):
                    assert type(value) is date
    assert seen > 1000
    assert all(isinstance(p["election_date"], date | None) for p in small.people)


def test_now_in_another_zone_is_converted() -> None:
    bst = timezone(timedelta(hours=1))
    a = generate(people=60, incidents=30, now=NOW)
    b = generate(people=60, incidents=30, now=NOW.astimezone(bst))
    assert a == b
    assert all(i["reported_at"].tzinfo is UTC for i in b.incidents)


def test_naive_now_and_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        generate(now=datetime(2026, 4, 20, 12, 0))
    with pytest.raises(ValueError):
        generate(people=-1, now=NOW)
    with pytest.raises(ValueError):
        generate(people=0, incidents=5, now=NOW)


def test_empty_roster() -> None:
    d = generate(people=0, incidents=0, now=NOW)
    assert d.people == [] and d.incidents == [] and d.timeline == [] and d.contacts == []
    assert len(d.advisers) == 8


def test_people_look_right(data: DemoData) -> None:
    people = data.people
    roles = [p["role"] for p in people]
    assert 0.7 < roles.count("candidate") / len(people) < 0.9
    assert {"councillor", "mayor", "pcc", "mp"} <= set(roles)
    ballot = re.compile(
        r"(local\.[a-z0-9-]+\.[a-z0-9-]+|parl\.[a-z0-9-]+|mayor\.[a-z0-9-]+|pcc\.[a-z0-9-]+)"
        r"\.\d{4}-\d{2}-\d{2}"
    )
    prefix = {"candidate": "local.", "councillor": "local.", "mp": "parl.", "mayor": "mayor."}
    prefix["pcc"] = "pcc."
    for p in people:
        if p["role"] == "other":
            assert p["ballot_paper_id"] == ""
        else:
            assert ballot.fullmatch(p["ballot_paper_id"]), p["ballot_paper_id"]
            assert p["ballot_paper_id"].startswith(prefix[p["role"]])
            assert p["ballot_paper_id"].endswith(p["election_date"].isoformat())
        assert (p["dc_person_id"] is not None) == (p["role"] == "candidate")
        assert re.fullmatch(r"07700 900\d{3}", p["phone"])
        assert p["email"].endswith(("@example.com", "@example.org"))
        assert p["email"].isascii()
        if p["address_withheld"]:
            assert p["address"] == ""
        else:
            assert re.search(r", [A-Z]{1,2}\d{1,2} \dZZ$", p["address"]), p["address"]
        due = p["next_contact_due"]
        assert due is None or due.tzinfo is not None
    withheld = sum(p["address_withheld"] for p in people)
    assert 0 < withheld < 0.08 * len(people)
    assigned = sum(p["adviser_id"] is not None for p in people)
    assert 0.75 < assigned / len(people) < 0.95
    assert any(p["next_contact_due"] and p["next_contact_due"] < NOW for p in people)
    assert any(p["next_contact_due"] and p["next_contact_due"] > NOW for p in people)
    assert any(p["review_date"] and p["review_date"] < NOW.date() for p in people)
    risks = [p["risk"] for p in people]
    assert risks.count("low") > risks.count("medium") > risks.count("high") > 0


def test_accented_and_varied_names(data: DemoData) -> None:
    names = [p["name"] for p in data.people]
    accented = [n for n in names if unicodedata.normalize("NFKD", n) != n or "ł" in n]
    assert accented
    assert len(set(names)) > 0.7 * len(names)
    parties = {p["party"] for p in data.people}
    assert {"Labour Party", "Plaid Cymru", "Scottish National Party", "Independent"} <= parties


def test_candidacies(data: DemoData) -> None:
    people = {p["id"]: p for p in data.people}
    candidates = [p for p in data.people if p["role"] == "candidate"]
    first: dict[str, dict[str, Any]] = {}
    for c in data.candidacies:
        first.setdefault(c["person_id"], c)
    assert set(first) == {p["id"] for p in candidates}
    for person_id, c in first.items():
        assert c["ballot_paper_id"] == people[person_id]["ballot_paper_id"]
        assert c["party"] == people[person_id]["party"]
    extra = len(data.candidacies) - len(candidates)
    assert 0.04 * len(candidates) < extra < 0.18 * len(candidates)
    for c in data.candidacies:
        assert c["election_id"] and c["ballot_paper_id"].startswith("local.")
        assert c["ballot_paper_id"].endswith(c["election_date"].isoformat())


def test_advisers_and_caseloads(data: DemoData) -> None:
    org_names = {o["name"] for o in data.organisations}
    for a in data.advisers:
        assert a["area"] in org_names
        assert a["email"].endswith("@police.example.uk")
        assert a["capacity"] == 150
    emails = [a["email"] for a in data.advisers]
    assert len(emails) == len(set(emails))
    loads: dict[str, int] = {}
    for p in data.people:
        if p["adviser_id"]:
            loads[p["adviser_id"]] = loads.get(p["adviser_id"], 0) + 1
    assert len(loads) == len(data.advisers)
    assert max(loads.values()) <= 150


def test_organisations(data: DemoData) -> None:
    by_slug = {o["slug"]: o for o in data.organisations}
    assert by_slug["birmingham"]["name"] == "Birmingham City Council"
    assert "Caerdydd" in by_slug["cardiff"]["name"]
    assert "glasgow" in by_slug
    for o in data.organisations:
        assert re.fullmatch(r"01632 960\d{3}", o["ro_phone"])
        assert o["ro_email"].endswith("@example.gov.uk")
        assert o["ro_name"]


def test_events_span_the_campaign(data: DemoData) -> None:
    starts = [e["starts_at"] for e in data.events]
    assert all(NOW - timedelta(days=14) <= s <= NOW + timedelta(days=42) for s in starts)
    assert any(s < NOW for s in starts) and any(s > NOW for s in starts)
    for e in data.events:
        assert e["ends_at"] > e["starts_at"]
        assert e["title"] and e["place"]
        assert e["created_at"] <= NOW and e["updated_at"] <= NOW


def test_larger_run_scales_and_stays_consistent() -> None:
    d = generate(people=20_000, incidents=20_000, seed=1, now=NOW)
    assert len(d.people) == 20_000
    assert len(d.incidents) == 20_000
    assert len(d.advisers) == 20_000 // 150
    assert len(d.events) == 20_000 // 40
    assert len(d.contacts) == 20_000 // 4
    ids = [r["id"] for table in rows(d).values() for r in table if "id" in r]
    assert len(ids) == len(set(ids))
    refs = {i["ref"] for i in d.incidents}
    assert len(refs) == len(d.incidents)
    people = {p["id"] for p in d.people}
    assert all(i["person_id"] in people for i in d.incidents)
    # Caseloads stay balanced as the roster grows.
    loads: dict[str, int] = {}
    for p in d.people:
        if p["adviser_id"]:
            loads[p["adviser_id"]] = loads.get(p["adviser_id"], 0) + 1
    assert max(loads.values()) <= 150
    assert min(loads.values()) >= 50


def test_last_contact_is_the_latest_logged_contact(data: DemoData) -> None:
    """A person with a logged contact never shows "Last contact never" (issue #15, 17)."""
    latest: dict[str, datetime] = {}
    for c in data.contacts:
        latest[c["person_id"]] = max(c["at"], latest.get(c["person_id"], c["at"]))
    people = {p["id"]: p for p in data.people}
    for p in data.people:
        assert p["last_contact_at"] == latest.get(p["id"]), p["id"]
        if p["last_contact_at"] is not None:
            assert p["next_contact_due"] is not None
            assert p["next_contact_due"] > p["last_contact_at"]
            assert p["updated_at"] >= p["last_contact_at"]  # logging a contact edits the row
    for c in data.contacts:
        person = people[c["person_id"]]
        assert person["created_at"] <= c["at"] <= NOW
        assert c["adviser_id"] == person["adviser_id"]
    assert any(p["last_contact_at"] for p in data.people)
    assert any(p["last_contact_at"] is None for p in data.people)


def test_an_incident_adviser_holds_the_person(data: DemoData) -> None:
    """The adviser working an incident is the person's named contact, so the caseload
    that counts the person is the one that counts the incident."""
    people = {p["id"]: p for p in data.people}
    assigned = [i for i in data.incidents if i["adviser_id"]]
    assert assigned
    for i in assigned:
        assert people[i["person_id"]]["adviser_id"] == i["adviser_id"], i["ref"]
    loads: dict[str, int] = {}
    for p in data.people:
        if p["adviser_id"]:
            loads[p["adviser_id"]] = loads.get(p["adviser_id"], 0) + 1
    capacity = {a["id"]: a["capacity"] for a in data.advisers}
    assert all(loads[a] <= capacity[a] for a in loads)


def test_built_demo_desk_keeps_last_contact_with_its_log(tmp_path: Any) -> None:
    """The same invariants read back from a real demo desk through SQL."""
    from deskapp.db.desk import Desk
    from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo

    path = tmp_path / "demo.db"
    build_demo(path, people=200, incidents=60)
    with Desk.open(path, DEMO_OFFICER, DEMO_PASSPHRASE) as desk, desk.read() as conn:
        wrong = conn.exec_driver_sql(
            "SELECT count(*) FROM person p WHERE p.deleted = 0 AND "
            "p.last_contact_at IS NOT (SELECT max(c.at) FROM contact c WHERE c.person_id = p.id)"
        ).scalar()
        held_elsewhere = conn.exec_driver_sql(
            "SELECT count(*) FROM incident i JOIN person p ON p.id = i.person_id "
            "WHERE i.adviser_id IS NOT NULL AND p.adviser_id IS NOT i.adviser_id"
        ).scalar()
    assert wrong == 0
    assert held_elsewhere == 0


def test_casework_scale_and_the_cross_victim_subject(data: DemoData) -> None:
    """A tenth of people surveyed with two measures each; a subject per 50 people; the
    first subject linked to three councillors' incidents in two councils."""
    assert len(data.measures) == 2 * (len(data.people) // 10)
    assert len(data.subjects) == len(data.people) // 50
    assert {r["person_id"] for r in data.surveys} >= {r["person_id"] for r in data.measures}
    people = {p["id"]: p for p in data.people}
    incidents = {i["id"]: i for i in data.incidents}
    first = [
        people[incidents[link["incident_id"]]["person_id"]]
        for link in data.incident_links
        if link["subject_id"] == data.subjects[0]["id"]
    ]
    assert len({p["id"] for p in first}) == 3
    assert {p["role"] for p in first} == {"councillor"}
    assert len({p["organisation_id"] for p in first}) == 2
    assert all(link["category"] == "suspect" for link in data.incident_links)
