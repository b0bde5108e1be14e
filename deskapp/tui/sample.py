"""A small, deterministic sample desk built through the services, for the TUI's tests and
snapshots (fixed names, refs and times). The screenshots and the benchmark use the real
demo desk (``deskapp.demo.desk``). Imports no Textual.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

FIXED_NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
OFFICER = "PC-4521"
OFFICER_NAME = "Sgt Amira Okafor"
PASSPHRASE = "correct horse battery"  # noqa: S105 - invented test credentials

ADVISERS = [
    ("Dawn Hughes", "Cardiff"),
    ("Ifan Pritchard", "Gwynedd"),
    ("Priya Natarajan", "Birmingham"),
    ("Tom Whitaker", "Leeds"),
]
PEOPLE = [
    ("Siân Evans", "councillor", "Plaid Cymru", "Cathays", "high"),
    ("Aled Roberts", "candidate", "Labour", "Bangor Dewi", "medium"),
    ("Bethan Morgan", "mp", "Labour", "Cardiff Central", "high"),
    ("Callum Fraser", "candidate", "Liberal Democrats", "Headingley", "low"),
    ("Deborah O'Neill", "councillor", "Conservative", "Edgbaston", "medium"),
    ("Farah Hussain", "candidate", "Green Party", "Sparkbrook", "high"),
    ("Gareth Llewellyn", "mayor", "Independent", "Cardiff", "low"),
    ("Hannah Schofield", "pcc", "Conservative", "West Yorkshire", "medium"),
    ("Imran Chaudhry", "councillor", "Labour", "Hall Green", "low"),
    ("Joanna Kowalska", "candidate", "Reform UK", "Roundhay", "low"),
    ("Kwame Mensah", "candidate", "Labour", "Aston", "medium"),
    ("Lowri Jenkins", "councillor", "Plaid Cymru", "Menai", "low"),
]
INCIDENTS = [
    # person index, type, grade, summary, minutes ago reported
    (0, "threat", 1, "Threatening voicemail left at constituency office", 20),
    (2, "online-abuse", 2, "Abusive posts naming home street", 30),
    (5, "harassment", 2, "Followed from canvassing session", 90),
    (1, "address-disclosure", 3, "Home address posted in local forum", 200),
    (4, "criminal-damage", 3, "Campaign posters and car damaged", 600),
    (7, "intimidation", 3, "Group gathered outside surgery", 1500),
    (3, "suspicious-activity", 4, "Repeated unknown caller", 3000),
    (8, "online-abuse", 4, "Hostile email thread", 4000),
]
EVENTS = [
    ("Cathays hustings", "hustings", 2, "Cathays Community Centre", "high", True, (0, 6)),
    ("Headingley canvass", "canvassing", 5, "Otley Road", "low", False, (3,)),
    ("Birmingham count", "count", 10, "ICC Birmingham", "medium", True, (4, 5, 8, 10)),
    ("Bangor surgery", "surgery", 1, "Bangor library", "medium", False, (1, 11)),
]
#: Per event: organiser, why its risk is what it is, hours before now that notice came
#: (the Bangor surgery's came a day before it starts: short notice).
EVENT_DETAILS = [
    ("Cathays Residents' Association", "Protest group says it will attend", 72),
    ("Liberal Democrats, Headingley", "", 48),
    ("Returning officer, Birmingham", "Close result; crowd outside at the last count", 240),
    ("Lowri Jenkins's office", "A fixated individual attends her surgeries", 2),
]


@contextlib.contextmanager
def deterministic(now: datetime = FIXED_NOW) -> Iterator[list[datetime]]:
    """Fixed clock and counter ids inside the services, so refs and times repeat exactly."""
    from deskapp.db import audit, writes
    from deskapp.services import contacts, incidents

    counter = [0]
    base = int(now.timestamp() * 1000)

    def fake_uuid7() -> str:
        counter[0] += 1
        value = (base & ((1 << 48) - 1)) << 80 | 0x7 << 76 | 0b10 << 62 | counter[0] * 0x9E3779B1
        return str(uuid.UUID(int=value))

    clock = [now]

    def fake_now() -> datetime:
        return clock[0]

    saved: list[tuple[Any, str, Any]] = []
    for module, name, value in (
        (writes, "uuid7", fake_uuid7),
        (writes, "utcnow", fake_now),
        (incidents, "uuid7", fake_uuid7),
        (audit, "uuid7", fake_uuid7),
        (contacts, "uuid7", fake_uuid7),
    ):
        if not hasattr(module, name):
            continue
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, value)
    try:
        yield clock
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def build_sample(path: Path, *, now: datetime = FIXED_NOW) -> str:
    """A small desk with fixed names, refs and times; returns the recovery key."""
    from deskapp.db.desk import Desk
    from deskapp.domain import thrive as th
    from deskapp.services import advisers, contacts, incidents, people

    with deterministic(now) as clock:
        desk, recovery = Desk.init(path, OFFICER, OFFICER_NAME, PASSPHRASE)
        try:
            adviser_ids = [
                advisers.add_adviser(
                    desk, name=n, area=a, phone="029 2000 0000", email="feoa@example.police.uk"
                )
                for n, a in ADVISERS
            ]
            with desk.write() as tx:
                org = tx.insert("organisation", {"slug": "cardiff", "name": "Cardiff Council"})
            person_ids = []
            for i, (name, role, party, post, risk) in enumerate(PEOPLE):
                person_ids.append(
                    people.add_person(
                        desk,
                        name=name,
                        role=role,
                        party=party,
                        post=post,
                        risk=risk,
                        organisation_id=org if i % 3 == 0 else None,
                        adviser_id=adviser_ids[i % len(adviser_ids)] if i % 4 != 3 else None,
                        phone=f"07700 900{i:03d}",
                        email=f"person{i}@example.org",
                        address=f"{i + 1} Example Street, Cardiff",
                        briefing_status=("done", "booked", "none", "offered")[i % 4],
                        review_date=date(2026, 4, 1) if i in (9, 11) else None,
                    )
                )
            with desk.write() as tx:
                for i, pid in enumerate(person_ids):
                    if i % 2 == 0:
                        due = now + timedelta(days=(i - 5) * 3)
                        tx.update("person", pid, {"next_contact_due": due})
            incident_ids = []
            for pi, kind, grade, summary, ago in INCIDENTS:
                clock[0] = now - timedelta(minutes=ago)
                incident_ids.append(
                    incidents.add_incident(
                        desk,
                        person=person_ids[pi],
                        type=kind,
                        grade=grade,
                        summary=summary,
                        thrive=th.parse_spec("threat=high,harm=medium") if grade <= 2 else None,
                        adviser=adviser_ids[pi % len(adviser_ids)] if grade == 3 else None,
                    )
                )
            clock[0] = now - timedelta(days=3)
            contacts.log_contact(
                desk,
                person_ids[0],
                "phone",
                "personal-safety-advice",
                "Advice on varying routes home",
            )
            contacts.log_contact(
                desk,
                person_ids[0],
                "in-person",
                "security-briefing",
                "Security briefing at council offices",
            )
            clock[0] = now
            with desk.write() as tx:
                for event, details in zip(EVENTS, EVENT_DETAILS, strict=True):
                    title, kind, days, place, risk, patrol, linked = event
                    organiser, reason, notice_hours = details
                    eid = tx.insert(
                        "event",
                        {
                            "title": title,
                            "kind": kind,
                            "starts_at": now + timedelta(days=days),
                            "place": place,
                            "organiser": organiser,
                            "notice_received_at": now - timedelta(hours=notice_hours),
                            "risk": risk,
                            "risk_reason": reason,
                            "patrol_requested": patrol,
                        },
                    )
                    tx.append_many(
                        "event_person",
                        [{"event_id": eid, "person_id": person_ids[p]} for p in linked],
                        audit_entity="event",
                        audit_id=eid,
                    )
            add_casework(desk, person_ids, incident_ids, now.date())
        finally:
            desk.close()
    return recovery


def add_casework(desk: Any, person_ids: list[str], incident_ids: list[str], today: date) -> None:
    """Protective security for Siân Evans (a survey now due its review, measures, a
    referral) and one subject of concern linked to three people's incidents."""
    from deskapp.services import security, subjects

    sian = person_ids[0]
    security.add_record(
        desk, "survey", sian, today=today, place="home", surveyed_on="2025-04-02",
        surveyed_by="PC 2231 Rhys", risk="high", findings="Rear lane unlit; door glazed",
    )  # fmt: skip
    security.add_record(
        desk, "survey", sian, today=today, place="office", surveyed_by="PC 2231 Rhys",
        risk="medium", findings="Reception has no screen",
    )  # fmt: skip
    for kind, status, notes in (
        ("panic-alarm", "fitted", "Linked to the control room"),
        ("address-marker", "fitted", ""),
        ("cctv", "recommended", "Front and rear"),
        ("cyber-pip", "agreed", ""),
    ):
        security.add_record(
            desk, "measure", sian, today=today, kind=kind, status=status, notes=notes
        )
    security.set_referral(
        desk, sian, today=today, status="requested", cost="4,800", provider="Taff Guarding"
    )
    subject = subjects.add_subject(
        desk, name="Unknown male, 40s, grey van", aliases="'The Watcher'", risk="high",
        ftac="referred", facts="Seen at three surgeries", assessment="Fixated; escalating",
        review_date="2032-05-07",
    )  # fmt: skip
    for index in (0, 1, 2):
        subjects.link(desk, incident_ids[index], "suspect", subject=subject)
    subjects.link(desk, incident_ids[0], "witness", person=person_ids[6])
