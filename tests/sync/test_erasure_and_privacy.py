"""The hub holds ciphertext only (issue #16, point 1): no name, address, note or other
value in its tables, in `pg_dump` of a PostgreSQL hub or in any file of a file hub,
before or after an erasure; erasure travels through the hub to every desk; clock skew
is capped and reported."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.domain.errors import NotFound
from deskapp.protocol import hlc, merge_rule
from deskapp.services import contacts, incidents, people, subjects
from deskapp.sync import run_sync
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import metadata

from .conftest import PG_HOST, PG_PORT, PG_USER, desk_state, hub_state, make_desk

NAME = "Gwenllian Ap Rhys"
PHONE = "07700 900456"
SECRET_NOTE = "Lives at 12 Quarry Lane"


def _hub_text(url: str) -> str:
    """Everything the hub's tables hold, as text."""
    hub = open_hub(url)
    parts = []
    with hub.read() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(parts)


def _stored(url: str, tmp_path: Path) -> bytes:
    """Every byte the hub keeps: `pg_dump` of a PostgreSQL hub (its whole database,
    in the plain format, binary columns as text), every file of a file hub."""
    if url.startswith("postgresql://"):
        database = url.rsplit("/", 1)[1]
        dumped = subprocess.run(
            ["pg_dump", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, database],
            capture_output=True, check=True, timeout=120,
        )  # fmt: skip
        return dumped.stdout
    return b"".join(p.read_bytes() for p in tmp_path.glob("hub.db*") if p.is_file())


def _forms(value: str) -> list[bytes]:
    raw = value.encode("utf-8")
    return [raw, raw.hex().encode(), value.encode("utf-16-le")]


@pytest.mark.parametrize("kind", ["file", "pg"])
def test_erasure_reaches_the_hub_and_the_other_desk(
    tmp_path: Path, request: pytest.FixtureRequest, kind: str
) -> None:
    url = str(request.getfixturevalue("file_hub" if kind == "file" else "pg_hub"))
    a, b = make_desk(tmp_path, "a", hub=url), make_desk(tmp_path, "b", hub=url)
    pid = people.add_person(a, name=NAME, phone=PHONE, party="Plaid Cymru")
    contacts.log_contact(a, pid, "phone", "welfare-check", SECRET_NOTE)
    iid = incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Letter")
    subjects.link(a, iid, "witness", person=pid)
    for desk in (a, b, a):
        run_sync(desk, url)
    assert people.get_person(b, pid)["contacts"]
    secrets = (NAME, PHONE, SECRET_NOTE, "Plaid Cymru", "welfare-check", "person", "phone")
    for where in (_hub_text(url).encode(), _stored(url, tmp_path)):
        assert len(where) > 1000  # something is there, just nothing readable
        for secret in secrets:
            assert not any(f in where for f in _forms(secret)), secret
    # A contact logged on A but not yet synced when B erases.
    contacts.log_contact(a, pid, "email", "welfare-check", SECRET_NOTE + " (late)")
    people.erase_person(b, pid, "subject access: erasure request")
    for desk in (b, a, b, a):
        run_sync(desk, url)
    for desk in (a, b):
        person = people.get_person(desk, pid, reveal=True)
        assert person["name"] == merge_rule.ERASED_NAME and person["phone"] == ""
        assert person["contacts"] == []
    for where in (_hub_text(url).encode(), _stored(url, tmp_path)):
        for secret in secrets:
            assert not any(f in where for f in _forms(secret)), secret
    assert desk_state(a) == desk_state(b) == hub_state(url)
    # The late contact, logged for the person before A heard of the erasure, reached
    # no desk either.
    for desk in (a, b):
        with desk.read() as conn:
            notes = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar_one()
        assert notes == 0
    a.close()
    b.close()


def test_hub_file_holds_no_plaintext(tmp_path: Path, file_hub: str) -> None:
    a = make_desk(tmp_path, "a", hub=file_hub)
    for n in range(20):
        pid = people.add_person(a, name=f"{NAME} {n}", phone=PHONE, address="1 Plain Street")
        incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Menacing letter")
    run_sync(a, file_hub)
    files = sorted(p for p in tmp_path.glob("hub.db*") if p.is_file())
    assert any(p.name.endswith("-wal") for p in files) or files
    raw = b"".join(p.read_bytes() for p in files)
    assert len(raw) > 10_000
    for secret in (NAME, PHONE, "Plain Street", "Menacing", "person", "hub_row", "SQLite format"):
        assert secret.encode() not in raw, secret
    a.close()


def test_clock_skew_is_quarantined_and_reported(tmp_path: Path, file_hub: str) -> None:
    """A change stamped further ahead than the allowed drift is quarantined, not merged
    (it would win every edit made before its time), and the sync says why."""
    a, b = make_desk(tmp_path, "a", hub=file_hub), make_desk(tmp_path, "b", hub=file_hub)
    ahead_ms = hlc.MAX_DRIFT_MS * 10
    real = a.clock._wall
    a.clock._wall = lambda: real() + ahead_ms  # desk A's clock runs 50 minutes fast
    pid = people.add_person(a, name="Tom Jones")
    run_sync(a, file_hub)
    result = run_sync(b, file_hub)
    assert result.skew and "ahead" in result.skew[0] and "quarantined" in result.skew[0]
    assert result.quarantined >= 1
    wall = hlc.decode(hlc.encode(real(), 0))[0]
    assert hlc.decode(b.clock.last)[0] <= wall + hlc.MAX_DRIFT_MS + 1000
    with pytest.raises(NotFound):
        people.get_person(b, pid)
    a.close()
    b.close()
