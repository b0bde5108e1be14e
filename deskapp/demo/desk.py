"""`deskapp demo`: a desk full of invented people and incidents (officer "demo",
passphrase "demo"), written through the one write path like any other data."""

from __future__ import annotations

from pathlib import Path

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KdfParams, lock_path
from deskapp.db.writes import VERSIONED
from deskapp.demo.data import generate
from deskapp.domain.errors import AuthError, ValidationError
from deskapp.runtime.clock import utcnow
from deskapp.runtime.paths import slots_path
from deskapp.services.incidents import make_ref
from deskapp.services.officers import list_officers

DEMO_OFFICER = "demo"
DEMO_PASSPHRASE = "demo"  # noqa: S105 - the published demo credentials
#: Rows per transaction: big enough to be fast, small enough to keep the WAL modest.
BATCH = 20_000


def build_demo(
    path: Path,
    *,
    people: int = 1200,
    incidents: int = 300,
    seed: int = 7,
    kdf: KdfParams | None = None,
) -> None:
    """Create a demo desk at ``path`` (which must not exist)."""
    # The published passphrase is fine only because everything in it is invented.
    desk, _recovery = Desk.init(
        path, DEMO_OFFICER, "Demo Officer", DEMO_PASSPHRASE, kdf=kdf, invented_data_only=True
    )
    with desk:
        data = generate(
            people=people,
            incidents=incidents,
            seed=seed,
            now=utcnow(),
            officer_id=DEMO_OFFICER,
            targets=desk.settings.grade_targets,
        )
        for incident in data.incidents:  # the same reference format as incidents made live
            incident["ref"] = make_ref(incident["id"])
        versioned = [
            ("organisation", data.organisations),
            ("adviser", data.advisers),
            ("person", data.people),
            ("candidacy", data.candidacies),
            ("event", data.events),
            ("incident", data.incidents),
            ("security_survey", data.surveys),
            ("security_measure", data.measures),
            ("security_referral", data.referrals),
            ("subject", data.subjects),
        ]
        appended = [
            ("event_person", data.event_people),
            ("timeline_entry", data.timeline),
            ("contact", data.contacts),
            ("incident_link", data.incident_links),
        ]
        # Versioned records first (what the appended rows point at), in batches.
        for entity, rows in versioned + appended:
            for start in range(0, len(rows), BATCH):
                with desk.write() as tx:
                    store = tx.insert_many if entity in VERSIONED else tx.append_many
                    store(entity, rows[start : start + BATCH], log="batch", detail="demo data")


def is_demo_desk(path: Path) -> bool:
    """True only for a desk that opens as the demo officer and has no other officers."""
    try:
        with Desk.open(path, DEMO_OFFICER, DEMO_PASSPHRASE) as desk:
            return [o.id for o in list_officers(desk, include_removed=True)] == [DEMO_OFFICER]
    except AuthError:
        return False


def remove_demo(path: Path) -> None:
    if not is_demo_desk(path):
        raise ValidationError(
            f"The desk at {path} is not a demo desk (it does not open as officer 'demo' alone); "
            "refusing to replace it."
        )
    for leftover in (
        path,
        slots_path(path),
        lock_path(slots_path(path)),
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
    ):
        leftover.unlink(missing_ok=True)
