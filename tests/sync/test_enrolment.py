"""Enrolment at the hub (file and PostgreSQL): the sync gate, approval, forged rows
written straight into the hub's tables, a replaced root, and removal with key rotation."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, select, update

from deskapp.db.desk import Desk
from deskapp.db.keyslots import open_sealed, sealed_from_text
from deskapp.domain.errors import NotFound, PermissionDenied, TrustError, ValidationError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import certs
from deskapp.runtime.clock import utcnow
from deskapp.services import officers, people
from deskapp.sync import enrolment, run_sync, status
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import hub_batch, hub_meta
from deskapp.sync.trust_tables import ROOT_KEY, hub_certificate, hub_key_slot, hub_officer_keys

from . import conftest
from .conftest import PASS, READER_OFFICER, ROOTS, make_desk

#: These tests approve desks as officers unless they say otherwise.
enrol = functools.partial(conftest.enrol, role=OfficerRole.OFFICER)

YES = lambda _fingerprint: True  # noqa: E731 - a confirmation that says yes


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[list[Desk]]:
    made = [make_desk(tmp_path, name) for name in ("a", "b", "c")]
    yield made
    for desk in made:
        desk.close()


def hub_holds(url: str) -> tuple[int, list[str]]:
    """How many batches the hub holds and which desks have pushed to it."""
    with open_hub(url).read() as conn:
        rows = len(conn.execute(select(hub_batch.c.seq)).all())
        sites = sorted(set(conn.execute(select(hub_batch.c.site_id)).scalars()))
    return rows, sites


def write_certificate(url: str, cert: certs.Certificate) -> None:
    """What anyone holding the hub's secret can do: write a row straight in."""
    with open_hub(url).write() as conn:
        conn.execute(
            hub_certificate.insert(),
            {
                "serial": cert.serial,
                "officer_id": cert.officer_id,
                "body": cert.to_bytes().decode(),
            },
        )


def test_an_unapproved_desk_moves_nothing_until_a_supervisor_approves(
    hub_url: str, desks: list[Desk]
) -> None:
    a, b, _ = desks
    enrol(hub_url, a)
    pid = people.add_person(a, name="Siân Evans")
    run_sync(a, hub_url)
    people.add_person(b, name="Waiting Person")
    before, pending = hub_holds(hub_url), status(b).pending
    hub = open_hub(hub_url)

    with pytest.raises(TrustError, match="has not joined") as caught:
        run_sync(b, hub_url)
    assert "deskapp hub join" in str(caught.value)
    joined = enrolment.join(hub, b)
    assert joined.status == "pending" and joined.root_officer == ROOTS[hub_url].officer.id
    with pytest.raises(TrustError) as caught:
        run_sync(b, hub_url)
    assert str(caught.value) == (
        f"Waiting for a supervisor to approve PC-b on this hub (fingerprint "
        f"{joined.fingerprint}): ask them to run `deskapp hub approve PC-b`."
    )
    assert caught.value.exit_code == 16
    assert hub_holds(hub_url) == before and status(b).pending == pending  # nothing pushed
    with pytest.raises(NotFound):
        people.get_person(b, pid)  # nothing pulled
    listed = {r["id"]: r for r in enrolment.officers(hub, a)}
    assert listed["PC-b"]["status"] == "pending"
    assert listed["PC-b"]["fingerprint"] == joined.fingerprint

    enrolment.approve(hub, ROOTS[hub_url], "PC-b", OfficerRole.OFFICER, YES)
    run_sync(b, hub_url)
    assert people.get_person(b, pid)["name"] == "Siân Evans"
    assert status(b).pending == 0
    assert {r["id"]: r["status"] for r in enrolment.officers(hub, a)}["PC-b"] == "approved"


def test_only_a_supervisor_with_a_certificate_can_approve(
    hub_url: str, desks: list[Desk], tmp_path: Path
) -> None:
    a, b, c = desks
    hub = open_hub(hub_url)
    enrol(hub_url, a)  # as an officer on the hub, though a supervisor on desk a
    enrolment.join(hub, c)
    with pytest.raises(TrustError, match=r"does not chain to the root .* as a supervisor's"):
        enrolment.approve(hub, a, "PC-c", OfficerRole.SUPERVISOR, YES)
    enrolment.join(hub, b)  # b has no certificate at all
    with pytest.raises(TrustError, match="does not chain"):
        enrolment.approve(hub, b, "PC-c", OfficerRole.OFFICER, YES)
    # An officer of the desk (not a supervisor there) is refused before the hub is asked.
    officers.add_officer(a, "PC-d", "PC Dee", "dee's long passphrase")
    with (
        Desk.open(a.path, "PC-d", "dee's long passphrase") as plain,
        pytest.raises(PermissionDenied, match="Only a supervisor can approve"),
    ):
        enrolment.approve(hub, plain, "PC-c", OfficerRole.OFFICER, YES)
    # Said no to: nothing changed.
    assert (
        enrolment.approve(hub, ROOTS[hub_url], "PC-c", OfficerRole.OFFICER, lambda f: False) is None
    )
    with pytest.raises(TrustError, match="Waiting for a supervisor"):
        run_sync(c, hub_url)
    # A supervisor the root approved can approve in turn.
    enrol(hub_url, b, role=OfficerRole.SUPERVISOR)
    enrolment.approve(hub, b, "PC-c", OfficerRole.OFFICER, YES)
    run_sync(c, hub_url)


def test_forged_certificates_do_not_verify(hub_url: str, desks: list[Desk]) -> None:
    a, b, c = desks
    hub = open_hub(hub_url)
    enrol(hub_url, a)
    enrolment.join(hub, b)
    enrolment.join(hub, c)
    now = utcnow()
    keys_b, keys_c = b.public_keys, c.public_keys
    # 1. Self-signed by the requester, as a supervisor.
    write_certificate(hub_url, certs.issue(
        officer_id="PC-b", role=OfficerRole.SUPERVISOR, exchange_key=keys_b.exchange,
        signing_key=keys_b.signing, issued_at=now, issuer_id="PC-b", issuer_key=b.keys.signing,
    ))  # fmt: skip
    # 2. Signed by an approved officer who is not a supervisor.
    write_certificate(hub_url, certs.issue(
        officer_id="PC-c", role=OfficerRole.OFFICER, exchange_key=keys_c.exchange,
        signing_key=keys_c.signing, issued_at=now, issuer_id="PC-a", issuer_key=a.keys.signing,
    ))  # fmt: skip
    for desk in (b, c):
        with pytest.raises(
            TrustError, match=f"Waiting for a supervisor to approve {desk.officer.id}"
        ):
            run_sync(desk, hub_url)
    statuses = {r["id"]: r["status"] for r in enrolment.officers(hub, ROOTS[hub_url])}
    assert statuses["PC-b"] == statuses["PC-c"] == "pending"  # the forgeries count for nothing
    # 3. A byte changed in a real certificate: a's promoted to supervisor.
    with hub.write() as conn:
        body = conn.execute(
            select(hub_certificate.c.body).where(hub_certificate.c.officer_id == "PC-a")
        ).scalar_one()
        doc = json.loads(body)
        doc["role"] = "supervisor"
        conn.execute(
            update(hub_certificate)
            .where(hub_certificate.c.officer_id == "PC-a")
            .values(body=json.dumps(doc))
        )
    with pytest.raises(TrustError, match="Waiting for a supervisor to approve PC-a"):
        run_sync(a, hub_url)
    assert {r["id"]: r for r in enrolment.officers(hub, ROOTS[hub_url])}["PC-a"]["status"] == (
        "unverified"
    )
    # 4. A hub key slot sealed to b by someone who is not a supervisor is not used.
    enrolment.approve(hub, ROOTS[hub_url], "PC-b", OfficerRole.OFFICER, YES)
    with hub.write() as conn:
        conn.execute(
            update(hub_key_slot).where(hub_key_slot.c.officer_id == "PC-b").values(signer_id="PC-b")
        )
    with pytest.raises(TrustError, match=r"No hub key .* is sealed to officer PC-b"):
        run_sync(b, hub_url)


def test_a_replaced_root_is_refused(hub_url: str, desks: list[Desk]) -> None:
    a, b, _ = desks
    enrol(hub_url, a)
    run_sync(a, hub_url)
    before = hub_holds(hub_url)
    # Someone with the hub's secret puts a root of their own in place (b's keys here).
    rogue = certs.issue(
        officer_id=ROOTS[hub_url].officer.id, role=OfficerRole.SUPERVISOR,
        exchange_key=b.public_keys.exchange, signing_key=b.public_keys.signing,
        issued_at=utcnow(), issuer_id=ROOTS[hub_url].officer.id, issuer_key=b.keys.signing,
    )  # fmt: skip
    with open_hub(hub_url).write() as conn:
        conn.execute(
            update(hub_meta)
            .where(hub_meta.c.key == ROOT_KEY)
            .values(value=rogue.to_bytes().decode())
        )
    people.add_person(a, name="Kept Here")
    with pytest.raises(TrustError, match="not the one this desk pinned"):
        run_sync(a, hub_url)
    with pytest.raises(TrustError, match="not the one this desk pinned"):
        enrolment.join(open_hub(hub_url), a)
    assert hub_holds(hub_url) == before  # nothing pushed to the impostor
    # A root altered in place does not even verify.
    with open_hub(hub_url).write() as conn:
        altered = replace(rogue, issued_at="2030-01-01T00:00:00+00:00")
        conn.execute(
            update(hub_meta)
            .where(hub_meta.c.key == ROOT_KEY)
            .values(value=altered.to_bytes().decode())
        )
    with pytest.raises(TrustError, match="altered"):
        run_sync(a, hub_url)


def test_removal_revokes_and_rotates_the_hub_key(hub_url: str, desks: list[Desk]) -> None:
    a, b, c = desks
    hub = open_hub(hub_url)
    root = ROOTS[hub_url]
    enrol(hub_url, a, b, c)
    assert enrolment.admit(hub, c).current_key[0] == 1
    with pytest.raises(ValidationError, match="hub's root and cannot be removed"):
        enrolment.remove(hub, root, root.officer.id, YES)
    officers.add_officer(a, "PC-d", "PC Dee", "dee's long passphrase")
    with (
        Desk.open(a.path, "PC-d", "dee's long passphrase") as plain,
        pytest.raises(PermissionDenied, match="Only a supervisor can remove"),
    ):
        enrolment.remove(hub, plain, "PC-c", YES)
    with pytest.raises(TrustError, match="as a supervisor's"):  # a hub officer
        enrolment.remove(hub, a, "PC-c", YES)
    assert enrolment.remove(hub, root, "PC-c", lambda f: False) is None

    assert enrolment.remove(hub, root, "PC-c", YES) == 2
    trust = enrolment.admit(hub, b)
    assert trust.current_key[0] == 2 and trust.key(1) != trust.current_key[1]
    assert trust.verify("PC-c", b"x", c.sign(b"x")) is None  # revoked: signs nothing now
    assert trust.verify("PC-b", b"x", b.sign(b"x")) == OfficerRole.OFFICER
    assert trust.verify("PC-b", b"y", b.sign(b"x")) is None
    with pytest.raises(TrustError, match="has been removed from the hub"):
        run_sync(c, hub_url)
    statuses = {r["id"]: r["status"] for r in enrolment.officers(hub, root)}
    assert statuses["PC-c"] == "revoked" and statuses["PC-b"] == "approved"
    # The removed officer's real private key opens no slot of the new key.
    with hub.read() as conn:
        slots = conn.execute(select(hub_key_slot).where(hub_key_slot.c.key_id == 2)).all()
    assert {s.officer_id for s in slots} == {root.officer.id, READER_OFFICER, "PC-a", "PC-b"}
    hub_id = hub.check()
    for slot in slots:
        for officer in ("PC-c", slot.officer_id):
            with pytest.raises(InvalidTag):
                aad = enrolment.key_slot_aad(hub_id, 2, officer)
                open_sealed(c.keys.exchange, sealed_from_text(slot.sealed), aad)
    # ... while b's own key opens b's slot, under the same code.
    mine = next(s for s in slots if s.officer_id == "PC-b")
    aad = enrolment.key_slot_aad(hub_id, 2, "PC-b")
    assert open_sealed(b.keys.exchange, sealed_from_text(mine.sealed), aad) == trust.key(2)
    # Approved again later, they get every key, the new one included.
    enrolment.join(hub, c)
    enrolment.approve(hub, root, "PC-c", OfficerRole.OFFICER, YES)
    assert enrolment.admit(hub, c).current_key[0] == 2


def test_a_hub_key_taken_away_is_noticed(hub_url: str, desks: list[Desk]) -> None:
    """Deleting the newest key's slots (to make desks use an old key the removed officer
    holds) is refused, not followed."""
    a, b, c = desks
    hub = open_hub(hub_url)
    enrol(hub_url, a, b, c)
    enrolment.remove(hub, ROOTS[hub_url], "PC-c", YES)
    run_sync(a, hub_url)
    with hub.write() as conn:
        conn.execute(delete(hub_key_slot).where(hub_key_slot.c.key_id == 2))
    with pytest.raises(TrustError, match="older key than this desk has already seen"):
        run_sync(a, hub_url)


def test_an_enrolled_officer_sets_up_another_desk_with_their_passphrase(
    hub_url: str, tmp_path: Path
) -> None:
    hub, root = open_hub(hub_url), ROOTS[hub_url]
    first = make_desk(tmp_path, "first", officer="PC-7")
    joined = enrolment.join(hub, first, PASS)  # keeps the officer's keys on the hub
    assert joined.status == "pending" and not joined.adopted
    enrolment.approve(hub, root, "PC-7", OfficerRole.OFFICER, YES)
    people.add_person(first, name="Written On The First Desk")
    run_sync(first, hub_url)
    with hub.read() as conn:
        bundle = conn.execute(select(hub_officer_keys.c.bundle)).scalar_one()
    for secret in (first.keys.exchange.private_bytes_raw(), first.keys.signing.private_bytes_raw()):
        assert base64.b64encode(secret).decode() not in bundle and secret.hex() not in bundle

    # A second desk of the same officer, same passphrase: it takes the same keys, at once.
    second = make_desk(tmp_path, "second", officer="PC-7")
    assert second.public_keys != first.public_keys
    taken = enrolment.join(hub, second, PASS)
    assert taken.adopted and taken.status == "approved"
    assert second.public_keys == first.public_keys
    run_sync(second, hub_url)
    assert [p["name"] for p in people.list_people(second)] == ["Written On The First Desk"]
    run_sync(first, hub_url)  # the first desk is not put back to waiting
    second.close()
    with Desk.open(tmp_path / "second.db", "PC-7", PASS) as again:  # kept in its key slots
        assert again.public_keys == first.public_keys
        run_sync(again, hub_url)

    # Another passphrase opens nothing: the desk asks to join as usual (and says why).
    third = make_desk(tmp_path, "third", officer="PC-7")
    third.close()
    officers_passphrase = "a different long passphrase"
    with Desk.open(tmp_path / "third.db", "PC-7", PASS) as desk:
        officers.change_passphrase(desk, PASS, officers_passphrase)
    with Desk.open(tmp_path / "third.db", "PC-7", officers_passphrase) as third:
        refused = enrolment.join(hub, third, officers_passphrase)
        assert refused.status == "pending" and refused.elsewhere and not refused.adopted
        assert third.public_keys != first.public_keys
        with pytest.raises(TrustError, match="Waiting for a supervisor"):
            run_sync(third, hub_url)
    first.close()


def test_keys_swapped_in_at_the_hub_are_not_taken(hub_url: str, tmp_path: Path) -> None:
    """Someone who knows the officer's passphrase and holds the hub's secret replaces the
    kept keys with their own: a new desk refuses them (they are not the certificate's)."""
    hub, root = open_hub(hub_url), ROOTS[hub_url]
    first = make_desk(tmp_path, "first", officer="PC-7")
    enrolment.join(hub, first, PASS)
    enrolment.approve(hub, root, "PC-7", OfficerRole.OFFICER, YES)
    rogue = make_desk(tmp_path, "rogue", officer="PC-7")
    with hub.write() as conn:  # the rogue desk's own keys, wrapped under the passphrase
        conn.execute(delete(hub_officer_keys))
        conn.execute(
            hub_officer_keys.insert(),
            {"officer_id": "PC-7", "bundle": enrolment._bundle(rogue, PASS)},
        )
    second = make_desk(tmp_path, "second", officer="PC-7")
    taken = enrolment.join(hub, second, PASS)
    assert not taken.adopted and taken.status == "pending"
    assert second.public_keys not in (first.public_keys, rogue.public_keys)
    for desk in (first, rogue, second):
        desk.close()
