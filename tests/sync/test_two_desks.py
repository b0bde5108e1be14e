"""Two desks and a hub (file and PostgreSQL): the basic promises of sync."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db import audit
from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.services import incidents, people
from deskapp.sync import list_conflicts, merge, resolve_conflict, run_sync, status
from deskapp.sync.hub import Hub

from .conftest import ROOTS, desk_state, enrol, hub_audits, hub_state, make_desk, new_hub


@pytest.fixture
def desks(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Desk, Desk]]:
    """Two desks approved on the test's hub."""
    url = request.getfixturevalue("hub_url" if "hub_url" in request.fixturenames else "file_hub")
    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
    enrol(url, a, b)
    yield a, b
    a.close()
    b.close()


def converge(url: str, *desks: Desk) -> None:
    for _ in range(2):
        for desk in desks:
            run_sync(desk, url)


def test_person_and_incident_reach_the_other_desk(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    a, b = desks
    pid = people.add_person(a, name="Siân Evans", party="Green", phone="07700 900123")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=2, summary="Threat at surgery")
    first = run_sync(a, hub_url)
    assert first.pushed > 0 and first.conflicts == 0
    got = run_sync(b, hub_url)
    assert got.pulled >= 2
    person = people.get_person(b, pid, reveal=True)
    assert person["name"] == "Siân Evans" and person["phone"] == "07700 900123"
    incident = incidents.get_incident(b, iid)
    assert incident["summary"] == "Threat at surgery"
    assert [t["kind"] for t in incident["timeline"]] == ["created"]
    assert desk_state(a) == desk_state(b) or run_sync(a, hub_url)
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)


def test_edits_to_different_fields_both_survive(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    converge(hub_url, a, b)
    incidents.update_incident(a, iid, grade=1)
    incidents.update_incident(b, iid, crime_ref="CR-123")
    converge(hub_url, a, b)
    for desk in (a, b):
        got = incidents.get_incident(desk, iid)
        assert (got["grade"], got["crime_ref"]) == (1, "CR-123")
    assert sum(status(d).conflicts_waiting for d in (a, b)) == 0
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)


@pytest.mark.parametrize("later", ["a", "b"])
def test_same_field_converges_and_leaves_one_conflict(
    hub_url: str, desks: tuple[Desk, Desk], later: str
) -> None:
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    converge(hub_url, a, b)
    first, second = (b, a) if later == "a" else (a, b)
    incidents.update_incident(first, iid, summary="Letter: first version")
    incidents.update_incident(second, iid, summary="Letter: second version")
    converge(hub_url, a, b)
    summaries = {incidents.get_incident(d, iid)["summary"] for d in (a, b)}
    assert summaries == {"Letter: second version"}  # the later edit wins
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)
    waiting = {d.site_id: list_conflicts(d) for d in (a, b)}
    assert sum(len(v) for v in waiting.values()) == 1
    loser = first
    [conflict] = waiting[loser.site_id]
    assert conflict["field"] == "summary"
    assert conflict["local_value"] == "Letter: first version"
    assert conflict["remote_value"] == "Letter: second version"
    # A supervisor keeps the losing value: a new local edit that then wins everywhere.
    resolve_conflict(loser, conflict["id"], "local")
    converge(hub_url, a, b)
    assert {incidents.get_incident(d, iid)["summary"] for d in (a, b)} == {"Letter: first version"}
    assert sum(status(d).conflicts_waiting for d in (a, b)) == 0
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)


def test_two_fields_of_one_record_lost_at_once(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    """Two fields of one incident edited on both desks: the loser gets both winners of the
    same row in one batch, and keeps a conflict for each field."""
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    converge(hub_url, a, b)
    incidents.update_incident(a, iid, summary="From A", crime_ref="CR-A")
    run_sync(a, hub_url)
    incidents.update_incident(b, iid, summary="From B", crime_ref="CR-B")
    converge(hub_url, a, b)
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)
    fields = sorted(c["field"] for d in (a, b) for c in list_conflicts(d))
    assert fields == ["crime_ref", "summary"]


def test_notes_from_both_reach_both_once(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    iid = incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    converge(hub_url, a, b)
    incidents.add_note(a, iid, "Note from A")
    incidents.add_note(b, iid, "Note from B")
    converge(hub_url, a, b)
    run_sync(a, hub_url)  # an extra sync must not duplicate anything
    for desk in (a, b):
        notes = [
            t["text"] for t in incidents.get_incident(desk, iid)["timeline"] if t["kind"] == "note"
        ]
        assert sorted(notes) == ["Note from A", "Note from B"]


def test_repeated_sync_moves_nothing(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    a, b = desks
    pid = people.add_person(a, name="Tom Jones")
    incidents.add_incident(a, person=pid, type="threat", grade=3, summary="Letter")
    people.add_person(b, name="Ann Other")
    converge(hub_url, a, b)
    for desk in (a, b):
        again = run_sync(desk, hub_url)
        assert (again.pushed, again.pulled, again.conflicts) == (0, 0, 0)
        assert status(desk).pending == 0


def test_pending_counts_every_unpushed_change(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from deskapp.db.desk import Desk
    from deskapp.services import people
    from deskapp.sync import run_sync, status

    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", "hub passphrase for tests")
    hub = str(tmp_path / "pending-hub.db")
    new_hub(hub, tmp_path / "root")
    desk, _ = Desk.init(tmp_path / "p.db", "4521", "Sgt P", "correct horse battery")
    enrol(hub, desk)
    with desk.read() as conn:
        outbox = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
    assert status(desk).pending == outbox > 0
    run_sync(desk, hub)
    assert status(desk).pending == 0
    pid = people.add_person(desk, name="Pending One")
    people.update_person(desk, pid, risk="high", reason="Threat received")
    assert status(desk).pending == 2
    run_sync(desk, hub)
    assert status(desk).pending == 0
    desk.close()
    ROOTS.pop(hub).close()


DC_CSV = Path(__file__).resolve().parent.parent / "data" / "dc_candidates.csv"


def test_same_candidate_list_imported_on_two_desks_offline(
    hub_url: str, desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    """Both desks import the Democracy Club list before either syncs: each makes its own
    record of every candidate. Sync must still complete and converge (it used to stop on
    the unique DC id); the pairs are then reported, and a later import on either desk
    updates the same record of each pair (the first listed), the other stays as it was."""
    from deskapp.db.checks import duplicate_dc_people, run_checks
    from deskapp.importing.roster import import_file

    a, b = desks
    assert import_file(a, DC_CSV).summary.written
    assert import_file(b, DC_CSV).summary.written
    converge(hub_url, a, b)
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)
    pairs = duplicate_dc_people(a)
    assert "900001" in pairs and pairs == duplicate_dc_people(b)
    assert all(len(ids) == 2 for ids in pairs.values())
    report = run_checks(a)
    assert not report["ok"] and not report["checks"]["duplicates"][0]
    first, second = pairs["900001"]
    kept = people.get_person(a, second, reveal=True)
    changed = tmp_path / "dc_changed.csv"
    changed.write_text(
        DC_CSV.read_text(encoding="utf-8").replace(
            "sian.aprhys@example.org", "sian.new@example.org"
        ),
        encoding="utf-8",
    )
    assert import_file(b, changed).summary.written
    converge(hub_url, a, b)
    assert people.get_person(a, first, reveal=True)["email"] == "sian.new@example.org"
    assert people.get_person(a, second, reveal=True) == kept
    assert desk_state(a) == desk_state(b) == hub_state(hub_url)


def test_audit_log_reaches_the_hub_once_and_verifiable(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    """Every audit event of a desk reaches the hub exactly once, with the text its hash
    covers, whether it rides in a batch of changes or in one of its own; a repeated sync
    sends none again."""
    a, _ = desks
    pids = [people.add_person(a, name=f"Person {n}") for n in range(12)]
    for n, pid in enumerate(pids):
        people.update_person(a, pid, party=f"Party {n}")
    first = run_sync(a, hub_url, batch_size=5)  # changes and events over several batches
    again = run_sync(a, hub_url, batch_size=5)
    with a.read() as conn:
        mine = [dict(r) for r in conn.execute(select(AUDIT).order_by(AUDIT.c.seq)).mappings()]
    held = hub_audits(hub_url, a.site_id)
    # The events up to the second sync's own were sent (that one's travel next time).
    sent = mine[: len(held)]
    assert first.audit_pushed + again.audit_pushed == len(held) > 24
    assert [e["seq"] for e in held] == [e["seq"] for e in sent]
    prev = audit.GENESIS
    for theirs, ours in zip(held, sent, strict=True):
        assert theirs["at"] == ours["at"].isoformat()
        assert (theirs["hash"], theirs["prev_hash"]) == (ours["hash"], prev)
        assert audit.wire_digest(theirs, a.site_id) == theirs["hash"]  # verifiable
        prev = theirs["hash"]
    assert run_sync(a, hub_url).audit_pushed == len(mine) - len(held)


def test_batches_run_with_the_collector_paused_and_it_resumes(
    file_hub: str, desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each push and pull batch runs with the cyclic collector paused (a full collection
    walks every object in the process, and a large batch triggered several), and the
    collector is on again when the sync is done."""
    seen: list[tuple[str, bool]] = []
    real_push, real_merge = Hub.push, merge.apply_remote

    def push(self: Hub, sealed, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("push", gc.isenabled()))
        return real_push(self, sealed, **kwargs)

    def apply_remote(tx, rows, pushed_hw, published=None):  # type: ignore[no-untyped-def]
        seen.append(("pull", gc.isenabled()))
        return real_merge(tx, rows, pushed_hw, published)

    monkeypatch.setattr(Hub, "push", push)
    monkeypatch.setattr(merge, "apply_remote", apply_remote)
    a, b = desks
    for n in range(5):
        people.add_person(a, name=f"Person {n}")
    gc.enable()
    run_sync(a, file_hub, batch_size=2)
    run_sync(b, file_hub, batch_size=2)
    assert gc.isenabled()
    assert {phase for phase, _ in seen} == {"push", "pull"}
    assert len(seen) > 4  # several batches each way
    assert not any(enabled for _, enabled in seen)
