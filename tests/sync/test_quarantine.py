"""One bad change never stops a desk: changes that fail their checks, in batches an
approved officer signed (a modified client, or stolen keys: anyone else's batches fail
their signature first, see test_rogue_hub.py), are quarantined, counted and listed for
supervisors; every other change still arrives, and every sync exits 0."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from deskapp.db.desk import Desk
from deskapp.db.writes import VERSIONED
from deskapp.protocol import hlc, jsontext
from deskapp.services import incidents, people
from deskapp.sync import enrolment, merge, run_sync, status
from deskapp.sync.hub import ReadCaps, open_hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_schema import hub_batch
from deskapp.sync.quarantine import QuarantineRow
from tests.run_cli import run_in_process

from .conftest import (
    HUB_PASS,
    PASS,
    READERS,
    ROOTS,
    desk_state,
    hub_state,
    make_desk,
    rogue_batch,
)

TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000
ESC_TITLE = "\x1b]0;owned\x07"


@pytest.fixture
def desks(tmp_path: Path, hub_url: str) -> Iterator[tuple[Desk, Desk]]:
    a, b = make_desk(tmp_path, "a", hub=hub_url), make_desk(tmp_path, "b", hub=hub_url)
    yield a, b
    a.close()
    b.close()


def now_hlc(ahead_ms: int = 0) -> int:
    return hlc.encode(time.time_ns() // 1_000_000 + ahead_ms, 0)


#: Batch counters of the intruder's site: each batch's must be above the last.
INTRUDER_COUNTER = itertools.count(1)


def poison(url: str, entity: str, row_id: str, data: Any, versions: Any) -> None:
    """Append one change as an insider would: signed by an approved supervisor (the
    hub's root) and sealed with the real hub key, holding any text."""
    root = ROOTS[url]
    trust = enrolment.admit(open_hub(url), root)
    kind = "insert" if entity in VERSIONED else "append"
    as_text = data if isinstance(data, str) or data is None else jsontext.dumps(data)
    rogue_batch(
        url,
        site="intruder",
        signer=root.officer.id,
        changes=[[entity, row_id, kind, as_text, versions, 0]],
        counter=next(INTRUDER_COUNTER),
        key=trust.current_key[1],
        sign=root.sign,
    )


def hub_data(url: str, entity: str, row_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A row's values and versions as the hub's log gives them (its reading desk)."""
    hub_state(url)
    with READERS[url].read() as conn:
        table = VERSIONED[entity]
        row = merge.rows_by_id(conn, table, list(table.c), [row_id])[row_id]
        versions = merge.local_versions(conn, entity, [row_id])[row_id]
    data = {k: merge.encode_value(v) for k, v in row.items() if k != "id"}
    return data, {k: list(v) for k, v in versions.items()}


def site_of(desk: Desk) -> str:
    site: str = desk.site_id
    return site


def quarantined(desk: Desk) -> list[QuarantineRow]:
    from deskapp.sync.quarantine import list_quarantined

    return list_quarantined(desk)


def test_poisoned_rows_are_quarantined_and_every_desk_keeps_syncing(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    a, b = desks
    pid = people.add_person(a, name="Siân Evans")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Letter")
    run_sync(a, hub_url)
    version = [now_hlc(), site_of(a)]
    good_person = {"name": "Poisoned", "created_at": "not-a-date"}
    poison(hub_url, "person", "p-bad-date", good_person, {"*": version})
    poison(hub_url, "event_person", "a:b:c", {"event_id": "a", "person_id": "b"}, {"*": version})
    bad_incident = {
        "ref": "I-1", "person_id": pid, "type": "threat", "summary": "x",
        "reported_at": "2026-01-01T00:00:00+00:00", "due_at": "2026-01-01T00:00:00+00:00",
    }  # fmt: skip
    poison(hub_url, "incident", "i-grade", {**bad_incident, "grade": "abc"}, {"*": version})
    poison(hub_url, "incident", "i-status", {**bad_incident, "status": "pwned"}, {"*": version})
    poison(hub_url, "incident", "i-null", {**bad_incident, "summary": None}, {"*": version})
    poison(hub_url, "person", "p-field", {"name": "X", "is_admin": True}, {"*": version})
    poison(hub_url, "person", "p-json", '{"name": "X"}, {"name": "Y"}', {"*": version})
    poison(hub_url, "person", "p-vers", {"name": "X"}, '{"*": [1, 2], "x": 1')
    poison(hub_url, "person", "p-esc", {"name": ESC_TITLE, "risk": "extreme"}, {"*": version})
    poison(hub_url, "spaceship", "s1", {"name": "X"}, {"*": version})
    poison(hub_url, "contact", ESC_TITLE, {"person_id": pid}, {"*": version})
    # An honest change made after the poison still reaches the other desk.
    later = people.add_person(a, name="Tom Jones")
    run_sync(a, hub_url)

    first = run_sync(b, hub_url)
    assert first.quarantined == 11
    assert people.get_person(b, later)["name"] == "Tom Jones"
    assert [r["id"] for r in incidents.list_incidents(b)] == [iid]  # still in the queue
    again = [run_sync(d, hub_url) for d in (a, b, a, b)]
    assert all(r.quarantined == 0 for r in again[2:])
    assert desk_state(a) == desk_state(b)
    for desk in (a, b):
        assert status(desk).quarantined == 11
        listed = quarantined(desk)
        assert {r["row_id"] for r in listed} >= {"p-bad-date", "a:b:c", "i-grade", "i-status"}
        reasons = {r["row_id"]: r["reason"] for r in listed}
        assert "created_at" in reasons["p-bad-date"]
        assert "grade" in reasons["i-grade"] and "status" in reasons["i-status"]
        text = json.dumps(listed, default=str)
        for value in ("not-a-date", "abc", "pwned", "is_admin", "\x1b", "spaceship", "extreme"):
            assert value not in text


def test_a_bad_field_of_a_known_row_is_held_back_alone(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    """Of a row a desk already holds, only the failing field is quarantined: the others
    (and later honest edits of the record) still merge."""
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Letter")
    for desk in (a, b, a):
        run_sync(desk, hub_url)
    data, versions = hub_data(hub_url, "incident", iid)
    stamp = [now_hlc(), "intruder"]
    data.update(grade="abc", status="pwned", location="Town hall")
    versions.update(grade=stamp, status=stamp, location=stamp)
    poison(hub_url, "incident", iid, data, versions)
    result = run_sync(b, hub_url)
    assert result.quarantined == 1
    got = incidents.get_incident(b, iid)
    assert (got["grade"], got["status"], got["location"]) == (2, "new", "Town hall")
    [held] = quarantined(b)
    assert held["fields"] == "grade,status"
    incidents.update_incident(a, iid, summary="Letter, then a call")
    run_sync(a, hub_url)
    run_sync(b, hub_url)
    assert incidents.get_incident(b, iid)["summary"] == "Letter, then a call"
    assert iid in [r["id"] for r in incidents.list_incidents(b)]


def test_a_change_stamped_ten_years_ahead_is_quarantined_not_merged(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    for desk in (a, b):
        run_sync(desk, hub_url)
    data, versions = hub_data(hub_url, "person", pid)
    data["party"] = "Future"
    versions["party"] = [now_hlc(TEN_YEARS_MS), "intruder"]
    poison(hub_url, "person", pid, data, versions)
    poison(hub_url, "person", "p-future", {"name": "Later"}, {"*": [now_hlc(TEN_YEARS_MS), "x"]})
    result = run_sync(b, hub_url)
    assert result.quarantined == 2
    assert people.get_person(b, pid)["party"] == ""
    assert result.skew and "quarantined" in result.skew[0]
    # The desk's clock did not move towards the future.
    assert hlc.decode(b.clock.last)[0] <= time.time_ns() // 1_000_000 + hlc.MAX_DRIFT_MS
    reasons = {r["row_id"]: r for r in quarantined(b)}
    assert "ahead of this desk's clock" in reasons[pid]["reason"]
    assert reasons[pid]["fields"] == "party"
    assert reasons["p-future"]["fields"] == ""


def test_oversized_values_are_held_back_and_large_batches_never_fetched(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    """A change over the per-row cap is quarantined alone; a batch over the pull's cap is
    not even fetched (the hub says how large it is first), and a pull stops early once
    what it fetched reaches the cap of a pull."""
    a, b = desks
    for k in range(6):
        people.add_person(a, name=f"Person {k}")
    run_sync(a, hub_url)
    poison(hub_url, "person", "p-big", {"name": "X" * (300 << 10)}, {"*": [now_hlc(), "x"]})
    poison(hub_url, "person", "p-huge", {"name": "X" * (17 << 20)}, {"*": [now_hlc(), "x"]})
    hub = open_hub(hub_url)
    caps = ReadCaps(row=1 << 20, batch=1 << 30)
    stored = hub.batches_after(0, 1 << 30, caps)
    huge = stored[-1]
    assert huge.ciphertext is None and huge.size > 17 << 20  # its size, not its value
    sizes = [s.size for s in stored]
    small = ReadCaps(row=1 << 20, batch=sizes[0] + sizes[1] + 1)
    assert [s.seq for s in hub.batches_after(0, 1 << 30, small)] == [s.seq for s in stored[:3]]
    assert len(hub.batches_after(0, 1 << 30, ReadCaps(row=1 << 20, batch=1))) == 1
    # A size lied about at the hub (the column a pull reads sizes from) fetches nothing.
    with hub.write() as conn:
        conn.execute(update(hub_batch).where(hub_batch.c.seq == huge.seq).values(size=10))
    [lied] = [b for b in hub.batches_after(0, 1 << 30, caps) if b.seq == huge.seq]
    assert lied.ciphertext is None
    result = run_sync(b, hub_url)
    assert result.quarantined == 2 and result.pulled == 7  # six people and officer PC-a
    reasons = {r["row_id"]: r["reason"] for r in quarantined(b)}
    assert "larger than 256 KiB" in reasons["p-big"]
    [whole] = [r for r in quarantined(b) if r["entity"] == "batch"]
    assert "not fetched" in whole["reason"]


SYNC_AND_MEASURE = """
import resource, sys
from pathlib import Path
from deskapp.db.desk import Desk
from deskapp.sync import run_sync
desk = Desk.open(Path(sys.argv[1]), "PC-b", sys.argv[3])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = run_sync(desk, sys.argv[2])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.quarantined, result.pulled, (after - before) // 1024)
"""


def test_a_100_mib_field_costs_a_pulling_desk_no_memory(tmp_path: Path, file_hub: str) -> None:
    a, b = make_desk(tmp_path, "a", hub=file_hub), make_desk(tmp_path, "b", hub=file_hub)
    people.add_person(a, name="Tom Jones")
    run_sync(a, file_hub)
    a.close()
    b.close()
    poison(file_hub, "person", "p-huge", {"name": "X" * (100 << 20)}, {"*": [now_hlc(), "x"]})
    forget_engines()
    env = {**os.environ, "DESKAPP_HUB_PASSPHRASE": HUB_PASS}
    done = subprocess.run(
        [sys.executable, "-c", SYNC_AND_MEASURE, str(tmp_path / "b.db"), file_hub, PASS],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    held, pulled, grown_mib = map(int, done.stdout.split())
    assert (held, pulled) == (1, 2)  # Tom Jones and officer PC-a
    assert grown_mib < 50, grown_mib  # the value alone is 100 MiB


def test_the_cli_counts_and_lists_the_quarantine(
    tmp_path: Path, file_hub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the command (in-process: tests/run_cli.run_in_process): `deskapp sync`
    exits 0 and counts what it held back; `deskapp sync quarantine` lists reasons, never
    values, and no escape codes."""
    a = make_desk(tmp_path, "a", hub=file_hub)
    pid = people.add_person(a, name="Tom Jones")
    run_sync(a, file_hub)
    a.close()
    stamp = [now_hlc(), "x"]
    poison(
        file_hub, "person", "p-bad", {"name": ESC_TITLE, "created_at": "not-a-date"}, {"*": stamp}
    )
    env = {
        **os.environ,
        "DESKAPP_OFFICER": "PC-b",
        "DESKAPP_PASSPHRASE": PASS,
        "DESKAPP_HUB_PASSPHRASE": HUB_PASS,
    }
    db = str(tmp_path / "b.db")
    make_desk(tmp_path, "b", hub=file_hub).close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_in_process(*args, "--db", db, env=env)

    synced = run("sync", "--hub", file_hub)
    assert synced.returncode == 0, synced.stderr
    assert "1 quarantined" in synced.stdout and "sync quarantine" in synced.stdout
    again = run("sync", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["quarantined"] == 0
    listing = run("sync", "quarantine", "--json")
    assert listing.returncode == 0, listing.stderr
    [held] = json.loads(listing.stdout)
    assert held["row_id"] == "p-bad" and held["entity"] == "person"
    assert "created_at" in held["reason"] and "data" not in held
    table = run("sync", "quarantine")
    assert table.returncode == 0 and "p-bad" in table.stdout
    hub_status = run("hub", "status", file_hub, "--json")
    assert hub_status.returncode == 0, hub_status.stderr
    assert json.loads(hub_status.stdout)["desk_quarantined"] == 1  # beside the hub's figures
    for out in (listing.stdout, table.stdout, synced.stdout):
        assert "\x1b" not in out and "not-a-date" not in out
    with Desk.open(Path(db), "PC-b", PASS) as b:
        assert people.get_person(b, pid)["name"] == "Tom Jones"
