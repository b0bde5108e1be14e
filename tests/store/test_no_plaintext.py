"""No plaintext of any record in any file the desk writes (DB, WAL, SHM, slots, logs)."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from deskapp.db.desk import Desk
from deskapp.services import advisers, incidents, people, security, subjects

SECRETS = [
    "Zebedee Quillfeather",
    "17 Marmalade Crescent",
    "07700 900417",
    "zq@example.org",
    "threatened outside the Quillfeather surgery",
    # Protective-security casework (issue #19)
    "Bathroom window overlooks Quillfeather Lane",
    "Alarm wired to the Gorsedd control room",
    "Brackenbury Guarding Ltd",
    "Ezekiel Pumphrey-Nightingale",
    "aka The Lamplighter of Pontcanna",
    "PNC 99/123456Z",
    "Posted eleven letters by hand",
    "Assessed as fixated and escalating",
]


def forms(value: str) -> list[bytes]:
    raw = value.encode("utf-8")
    return [raw, value.encode("utf-16-le"), base64.b64encode(raw), raw.hex().encode()]


def test_no_plaintext_anywhere(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    desk, _ = Desk.init(db_path, "4521", "Sgt Ada Example", "correct horse battery")
    adviser = advisers.add_adviser(desk, name="PC Adviser", area="Leeds")
    pid = people.add_person(
        desk, name=SECRETS[0], address=SECRETS[1], phone=SECRETS[2], email=SECRETS[3]
    )
    iid = incidents.add_incident(desk, person=pid, type="threat", grade=1, summary=SECRETS[4])
    incidents.update_incident(desk, iid, adviser=adviser, status="in-progress")
    incidents.add_note(desk, iid, f"Spoke to {SECRETS[0]} at {SECRETS[1]}")
    people.list_people(desk, filter_text="zebedee", reveal=True)
    security.add_record(desk, "survey", pid, place="home", findings=SECRETS[5])
    security.add_record(desk, "measure", pid, kind="panic-alarm", status="fitted", notes=SECRETS[6])
    security.set_referral(desk, pid, status="in-place", provider=SECRETS[7])
    subject = subjects.add_subject(
        desk, name=SECRETS[8], aliases=SECRETS[9], identifiers=SECRETS[10],
        facts=SECRETS[11], assessment=SECRETS[12],
    )  # fmt: skip
    subjects.link(desk, iid, "suspect", subject=subject)
    security.show_security(desk, pid, reveal=True)
    subjects.get_subject(desk, subject, reveal=True)
    # Check while the desk is open (WAL and SHM exist) and again after closing.
    for stage in ("open", "closed"):
        files = [p for p in db_path.parent.iterdir() if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files) or stage == "closed"
        for path in files:
            data = path.read_bytes()
            for secret in SECRETS:
                for form in forms(secret):
                    assert form not in data, f"{secret!r} found in {path.name} ({stage})"
        desk.close()
    for record in caplog.records:
        for secret in SECRETS:
            assert secret not in record.getMessage()
