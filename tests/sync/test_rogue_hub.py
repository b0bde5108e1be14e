"""Trusted sync (issue #16, point 2): every batch is signed, and a desk takes nothing it
cannot verify.

A rogue holding only the hub's secret writes straight into the hub's tables: a batch of
their own, a flipped byte of an honest ciphertext, a replayed batch, another desk's
site, a role grant, an erasure, an audit event. None changes anything on any desk; each
is quarantined and reported, and honest desks keep syncing. An approved officer cannot
make changes other desks attribute to someone else, nor grant a role, erase, record a
disclosure or resolve a conflict without a supervisor's certificate. A removed officer's
keys open nothing written after the removal.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from deskapp.db.desk import Desk
from deskapp.domain.errors import TrustError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import hlc, jsontext, merge_rule, sealed_batch
from deskapp.protocol.sealed_batch import BatchProblem
from deskapp.services import people, security, subjects
from deskapp.sync import enrolment, published, run_sync, status
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import hub_batch, hub_counter
from deskapp.sync.quarantine import QuarantineRow

from . import conftest
from .conftest import (
    ROOTS,
    desk_state,
    hub_state,
    make_desk,
    opened_batches,
    rogue_batch,
)

YES = lambda _fingerprint: True  # noqa: E731 - a confirmation that says yes
#: An officer (not a supervisor) on the hub, whatever their desk says of them.
as_officer = functools.partial(conftest.enrol, role=OfficerRole.OFFICER)


@pytest.fixture
def desks(tmp_path: Path, hub_url: str) -> Iterator[tuple[Desk, Desk]]:
    a, b = make_desk(tmp_path, "a", hub=hub_url), make_desk(tmp_path, "b", hub=hub_url)
    yield a, b
    a.close()
    b.close()


def now() -> int:
    return hlc.encode(hlc.HybridClock().wall_ms(), 0)


def change(entity: str, row_id: str, kind: str, data: Any, site: str) -> list[Any]:
    """A change as it travels: ``[entity, row_id, kind, data JSON, versions, seen]``."""
    raw = None if data is None else jsontext.dumps(data)
    return [entity, row_id, kind, raw, {"*" if kind != "update" else k: [now(), site]
                                        for k in (data or {"*": 0})}, 0]  # fmt: skip


def quarantined(desk: Desk) -> list[QuarantineRow]:
    from deskapp.sync.quarantine import list_quarantined

    return list_quarantined(desk)


def officer_row(desk: Desk, officer_id: str) -> dict[str, Any]:
    with desk.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT role, active FROM officer WHERE id = ?", (officer_id,)
        ).first()
    return {"role": row[0], "active": bool(row[1])} if row else {}


def test_a_rogue_with_only_the_hubs_secret_changes_nothing(
    hub_url: str, desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    a, b = desks
    pid = people.add_person(a, name="Siân Evans", phone="07700 900123")
    run_sync(a, hub_url)
    run_sync(b, hub_url)
    run_sync(a, hub_url)
    before = desk_state(b)
    site_b, seen_seq = b.site_id, open_hub(hub_url).head()
    erased = {"name": merge_rule.ERASED_NAME, "deleted": True, "phone": ""}
    promote = {"role": "supervisor", "active": True}
    forged_event = {
        "seq": 999, "at": "2026-01-01T00:00:00+00:00", "officer_id": a.officer.id,
        "action": "disclosure", "entity": "person", "entity_id": pid, "fields": "",
        "recipient": "a newspaper", "detail": "", "prev_hash": "0" * 64, "hash": "e" * 64,
    }  # fmt: skip
    # A batch of their own, claiming desk b's site and officer: a role grant, an
    # erasure, a new person, a disclosure in the audit log.
    rogue_batch(
        hub_url,
        site=site_b,
        signer=b.officer.id,
        counter=10**6,
        changes=[
            change("officer", a.officer.id, "update", promote, site_b),
            change("person", pid, "update", erased, site_b),
            change("person", "p-rogue", "insert", {"name": "Planted"}, site_b),
        ],
        audits=[forged_event],
    )
    # An honest batch, one byte of its ciphertext flipped before anyone pulled it.
    people.update_person(a, pid, party="Honest edit")
    run_sync(a, hub_url)
    with open_hub(hub_url).write() as conn:
        newest = conn.execute(
            select(hub_batch.c.seq, hub_batch.c.ciphertext).order_by(hub_batch.c.seq.desc())
        ).first()
        assert newest is not None
        seq, cipher = newest
        flipped = bytearray(cipher)
        flipped[len(flipped) // 2] ^= 1
        conn.execute(
            update(hub_batch).where(hub_batch.c.seq == seq).values(ciphertext=bytes(flipped))
        )
    # A copy of an honest batch b has taken already, under a new seq (the rogue drops
    # the hub's unique index on batch ids to put it there).
    with open_hub(hub_url).write() as conn:
        conn.execute(text("DROP INDEX ix_hub_batch_id"))
        first = conn.execute(select(hub_batch).where(hub_batch.c.seq == 1)).mappings().one()
        head = int(conn.execute(select(hub_counter.c.value)).scalar_one()) + 1
        conn.execute(hub_batch.insert().values({**first, "seq": head}))
        conn.execute(update(hub_counter).values(value=head))

    result = run_sync(b, hub_url)
    assert result.quarantined == 3
    reasons = {r["reason"].split(";")[0] for r in quarantined(b)}
    assert reasons == {
        "a signature that is not an approved officer's (forged, altered, or signed by a "
        "removed officer)",
        "a ciphertext that is not the one its header was signed with",
        "a replay: its desk has sent a batch with this counter before",
    }
    listed = quarantined(b)
    assert all(r["entity"] == "batch" for r in listed)
    assert any(f"signed as {b.officer.id} for site {site_b}" in r["reason"] for r in listed)
    # Nothing of it reached desk b: not the grant, not the erasure, not the planted row,
    # and not the damaged batch's honest edit either (it cannot be told from a forgery).
    after = desk_state(b)
    assert after == before
    assert status(b).quarantined == 3
    # Honest desks keep syncing: a's next change arrives, and b's own pushes go on.
    people.update_person(a, pid, address="1 Honest Road")
    run_sync(a, hub_url)
    people.add_person(b, name="Made On B")
    assert run_sync(b, hub_url).quarantined == 0
    got = people.get_person(b, pid, reveal=True)
    assert got["address"] == "1 Honest Road" and got["name"] == "Siân Evans"
    run_sync(a, hub_url)
    # a reports the forgery (the other two were its own batches, which it skips).
    assert status(a).quarantined == 1
    assert officer_row(a, a.officer.id)["role"] == "supervisor"  # as it was made
    assert people.get_person(a, pid, reveal=True)["name"] == "Siân Evans"
    assert seen_seq < open_hub(hub_url).head()


def test_an_officer_cannot_attribute_to_another_or_act_as_a_supervisor(
    hub_url: str, desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    """Officer c is approved as an officer (a supervisor on their own desk, as every new
    desk's first officer is). Their own signed batches, with the real hub key: events
    attributed to officer a, a role grant, an erasure, a disclosure and a conflict's
    resolution are quarantined; their ordinary edits go through."""
    a, b = desks
    c = make_desk(tmp_path, "c")
    as_officer(hub_url, c)
    pid = people.add_person(a, name="Tom Jones")
    for desk in (a, b, c, a):
        run_sync(desk, hub_url)
    assert status(a).quarantined == 1  # c's officer record (see below)
    trust = enrolment.admit(open_hub(hub_url), c)
    # From a modified client of c's, as another desk of theirs (so c's own desk, which
    # never wrote these, is not stopped by them: see test_audit_anchor).
    s = "c-modified-client"
    sealed = functools.partial(
        rogue_batch, hub_url, site=s, signer=c.officer.id, key=trust.current_key[1],
        sign=c.sign,
    )  # fmt: skip
    last: dict[str, Any] = {"seq": 0, "hash": "0" * 64}

    def event(officer: str, action: str, detail: str = "", seq: int = 1) -> dict[str, Any]:
        found = {
            "seq": last["seq"] + seq, "at": "2026-01-01T00:00:00+00:00", "officer_id": officer,
            "action": action, "entity": "person", "entity_id": pid, "fields": "",
            "recipient": "", "detail": detail, "prev_hash": last["hash"],
        }  # fmt: skip
        found["hash"] = _wire_hash(found, s)
        return found

    counter = iter(range(10**3, 10**4))
    sealed(counter=next(counter), audits=[event(a.officer.id, "alteration")])
    sealed(counter=next(counter), audits=[event(c.officer.id, "disclosure")])
    sealed(counter=next(counter), audits=[event(c.officer.id, "alteration", "sync conflict x")])
    sealed(
        counter=next(counter),
        changes=[
            change("officer", c.officer.id, "update", {"role": "supervisor"}, s),
            change("officer", "PC-new", "insert", {"name": "New", "role": "supervisor"}, s),
            change("person", pid, "update", {"deleted": True, "name": "[erased]"}, s),
            change("contact", "c-1", "erase", None, s),
            change("person", pid, "update", {"party": "Officer's edit"}, s),
        ],
    )
    result = run_sync(b, hub_url)
    # Seven, and c's own officer record from its first sync: its desk made c a
    # supervisor, which c's certificate does not back.
    assert result.quarantined == status(b).quarantined == 8
    reasons = sorted(r["reason"] for r in quarantined(b))
    assert sum("attributed to an officer other than its signer" in r for r in reasons) == 1
    assert sum("needs a supervisor (records a disclosure)" in r for r in reasons) == 1
    assert sum("needs a supervisor (resolves a sync conflict)" in r for r in reasons) == 1
    assert sum("changes officers, roles or keys" in r for r in reasons) == 3
    assert sum("erases a record" in r for r in reasons) == 2
    got = people.get_person(b, pid, reveal=True)
    assert (got["name"], got["party"]) == ("Tom Jones", "Officer's edit")
    assert officer_row(b, c.officer.id).get("role") != "supervisor"

    # The real path: c's desk thinks its officer a supervisor, and erases Tom Jones.
    people.erase_person(c, pid, "told to")
    run_sync(c, hub_url)
    assert run_sync(b, hub_url).quarantined >= 1
    assert people.get_person(b, pid, reveal=True)["name"] == "Tom Jones"
    run_sync(a, hub_url)
    assert people.get_person(a, pid, reveal=True)["name"] == "Tom Jones"
    c.close()


def test_an_erasure_is_refused_as_a_whole(
    hub_url: str, desks: tuple[Desk, Desk], tmp_path: Path
) -> None:
    """An erasure is accepted or refused as a whole: officer c's desk (which thinks c a
    supervisor, as every new desk's first officer is) erases a person with security
    records; no other desk takes any of it, not the blanking of the records' notes
    either, and a supervisor's erasure afterwards goes through whole."""
    a, b = desks
    c = make_desk(tmp_path, "c")
    as_officer(hub_url, c)
    pid = people.add_person(a, name="Tom Jones")
    security.add_record(a, "survey", pid, place="home", findings="Dog at the side gate")
    security.add_record(
        a, "measure", pid, kind="cctv", status="agreed", notes="Camera over the door"
    )
    subject = subjects.add_subject(a, name="Unknown male", facts="Seen at the gate twice")
    for desk in (a, b, c):
        run_sync(desk, hub_url)

    def notes(desk: Desk) -> set[str]:
        with desk.read() as conn:
            return set(
                conn.exec_driver_sql(
                    "SELECT findings FROM security_survey UNION ALL "
                    "SELECT notes FROM security_measure UNION ALL SELECT facts FROM subject"
                ).scalars()
            )

    kept = {"Dog at the side gate", "Camera over the door", "Seen at the gate twice"}
    assert notes(b) == notes(c) == kept
    people.erase_person(c, pid, "told to")
    run_sync(c, hub_url, batch_size=2)  # batches of two entries: still one for the erasure
    subjects.erase_subject(c, subject, "told to")
    run_sync(c, hub_url)  # a subject's erasure in a batch of its own
    before = quarantined(b)
    run_sync(b, hub_url)
    held = [r for r in quarantined(b) if r not in before]
    assert {r["entity"] for r in held} - {"officer"} == {
        "person",
        "security_survey",
        "security_measure",
        "subject",
    }
    assert all("needs a supervisor" in r["reason"] for r in held)
    for desk in (a, b):
        run_sync(desk, hub_url)
        assert people.get_person(desk, pid, reveal=True)["name"] == "Tom Jones"
        assert notes(desk) == kept
    # A supervisor's erasure is taken whole.
    people.erase_person(a, pid, "Stood down")
    subjects.erase_subject(a, subject, "Stood down")
    run_sync(a, hub_url)
    run_sync(b, hub_url)
    assert notes(b) <= {""}
    c.close()


def test_a_batch_deleted_at_the_hub_is_sent_again(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    """A rogue deletes desk a's newest batch before desk b pulls it: b notices the gap in
    the hub's log (quarantined, so counted and listed), and a, which knows what it
    published, notices its batch gone and sends its changes again."""
    a, b = desks
    pid = people.add_person(a, name="Siân Evans")
    for desk in (a, b, a):
        run_sync(desk, hub_url)
    people.update_person(a, pid, party="Before the deletion")
    tom = people.add_person(a, name="Tom Jones")
    run_sync(a, hub_url)
    with open_hub(hub_url).write() as conn:
        seq = conn.execute(
            select(func.max(hub_batch.c.seq)).where(hub_batch.c.site_id == a.site_id)
        ).scalar_one()
        conn.execute(hub_batch.delete().where(hub_batch.c.seq == seq))
    people.add_person(b, name="Made On B")
    assert run_sync(b, hub_url).quarantined == 1
    [gap] = [r for r in quarantined(b) if r["row_id"] == f"seq {seq}"]
    assert gap["entity"] == "batch" and "missing from the hub's log" in gap["reason"]
    assert people.get_person(b, pid, reveal=True)["party"] != "Before the deletion"
    assert run_sync(a, hub_url).resent == 2
    run_sync(b, hub_url)
    assert people.get_person(b, pid, reveal=True)["party"] == "Before the deletion"
    assert people.get_person(b, tom, reveal=True)["name"] == "Tom Jones"
    assert run_sync(a, hub_url).resent == 0  # what was sent again is held now


def test_the_published_list_keeps_only_what_a_conflict_check_can_need(
    hub_url: str, desks: tuple[Desk, Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry a push: pruned of the pushes whose versions have all been replaced
    since (the same field edited again and again), while a conflict is still found."""
    monkeypatch.setattr(published, "PRUNE_EVERY", 4)
    a, b = desks
    pid = people.add_person(a, name="Siân Evans")
    for desk in (a, b, a):
        run_sync(desk, hub_url)
    for n in range(11):
        people.update_person(a, pid, party=f"Party {n}")
        run_sync(a, hub_url)

    def entries() -> list[Any]:
        with a.read() as conn:
            raw = conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'sync_published'"
            ).scalar_one()
        return list(jsontext.loads(raw))

    # 12 pushes: the first (the creation), and those since the last pruning
    assert 2 <= len(entries()) <= 5
    # Edited on both desks unseen by each other: still a conflict on a.
    people.update_person(a, pid, party="A's")
    run_sync(a, hub_url)
    run_sync(b, hub_url)
    people.update_person(a, pid, party="A's again")
    people.update_person(b, pid, party="B's")
    run_sync(b, hub_url)
    assert run_sync(a, hub_url).conflicts == 1


def _wire_hash(event: dict[str, Any], site: str) -> str:
    from deskapp.db import audit

    return audit.wire_digest(event, site)


def test_a_removed_officers_keys_open_nothing_written_after_removal(
    hub_url: str, tmp_path: Path
) -> None:
    a = make_desk(tmp_path, "a", hub=hub_url)
    c = make_desk(tmp_path, "c", hub=hub_url)
    people.add_person(a, name="Before Removal")
    run_sync(a, hub_url)
    hub = open_hub(hub_url)
    old = enrolment.admit(hub, c)  # what c held while approved: key 1
    assert old.current_key[0] == 1
    enrolment.remove(hub, ROOTS[hub_url], c.officer.id, YES)
    people.add_person(a, name="After Removal")
    run_sync(a, hub_url)
    with pytest.raises(TrustError, match="removed from the hub"):
        run_sync(c, hub_url)
    batches = opened_batches(hub_url)
    before, after = batches[0], batches[-1]
    assert before[1].key_id == 1 and after[1].key_id == 2
    assert "After Removal" in jsontext.dumps(after[2])
    # c's own key 1 still opens what it could read before, and nothing written since.
    assert sealed_batch.open_sealed(before[1], before[0].ciphertext or b"", old.key(1))
    with pytest.raises(BatchProblem, match="does not open"):
        sealed_batch.open_sealed(after[1], after[0].ciphertext or b"", old.key(1))
    with pytest.raises(TrustError):
        old.key(2)
    a.close()
    c.close()


def test_the_hub_holds_no_value_in_plain_sight(hub_url: str, desks: tuple[Desk, Desk]) -> None:
    """What the hub's batch table shows of a push: ids, counters, hashes and a header;
    the header names no entity or field, and the ciphertext is not the payload."""
    a, _ = desks
    people.add_person(a, name="Header Check", phone="07700 900999")
    run_sync(a, hub_url)
    with open_hub(hub_url).read() as conn:
        rows = conn.execute(select(hub_batch)).mappings().all()
    assert rows
    for row in rows:
        header = jsontext.loads(row["header"])
        assert set(header) == {
            "kind", "hub", "site", "signer", "key_id", "counter", "nonce", "entries", "audit",
            "ct_sha256",
        }  # fmt: skip
        assert row["batch_id"] == hashlib.sha256(row["header"].encode()).hexdigest()
        for word in (b"Header Check", b"person", b"phone", b"name"):
            assert word not in bytes(row["ciphertext"]) and word.decode() not in row["header"]
    assert hub_state(hub_url)["person"]  # and yet an approved desk reads it all
