"""Moving hub (issue #16, point 6): a desk switched to a new hub sends its whole state,
every row and audit event, not only what was still in its outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp.db.tables import AuditEvent
from deskapp.services import contacts, incidents, people, subjects
from deskapp.sync import run_sync, status

from .conftest import ROOTS, desk_state, enrol, hub_audits, hub_state, make_desk, new_hub

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


def _hub_audits(url: str, site_id: str) -> int:
    found = [int(e["seq"]) for e in hub_audits(url, site_id)]
    assert found == list(range(1, len(found) + 1))
    return len(found)


@pytest.mark.parametrize("kind", ["file", "pg"])
def test_moving_to_a_new_hub_sends_everything(
    tmp_path: Path, file_hub: str, request: pytest.FixtureRequest, kind: str
) -> None:
    if kind == "file":
        new_url = f"sqlite:///{tmp_path / 'new-hub.db'}"
        new_hub(new_url, tmp_path / "new-hub-root")
    else:
        new_url = str(request.getfixturevalue("pg_hub"))
    a = make_desk(tmp_path, "a", hub=file_hub)
    enrol(new_url, a)
    pid = people.add_person(a, name="Moved Person", phone="07700 900456")
    contacts.log_contact(a, pid, "phone", "welfare-check", "A note made before the move")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Before")
    subjects.link(a, iid, "witness", person=pid)
    run_sync(a, file_hub)
    people.update_person(a, pid, party="After the first hub")
    run_sync(a, file_hub)
    assert status(a).pending == 0  # the old hub holds it all; the outbox is empty

    with a.read() as conn:
        events = int(conn.execute(select(func.count()).select_from(AUDIT)).scalar_one())
    moved = run_sync(a, new_url)
    assert moved.unconfirmed == 0 and status(a).pending == 0
    # Every event made before the move, from the first (the sync's own go next time).
    assert _hub_audits(new_url, a.site_id) == moved.audit_pushed >= events
    assert hub_state(new_url) == desk_state(a)

    b = make_desk(tmp_path, "b", hub=new_url)
    run_sync(b, new_url)
    assert people.get_person(b, pid, reveal=True)["party"] == "After the first hub"
    assert [c["summary"] for c in people.get_person(b, pid, reveal=True)["contacts"]] == [
        "A note made before the move"
    ]
    run_sync(a, new_url)  # B's officer row (made at its init) reaches A
    assert desk_state(b) == desk_state(a) == hub_state(new_url)
    # Back on the first hub: everything again, B's officer row with it.
    run_sync(a, file_hub)
    assert hub_state(file_hub) == desk_state(a)
    a.close()
    b.close()
    if kind == "file":
        ROOTS.pop(new_url).close()
