"""Certificates: canonical bytes, signatures, the chain from a pinned root, revocations,
fingerprints (pure code, no database)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from deskapp.domain.errors import TrustError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import certs
from deskapp.protocol.certs import Certificate, issue, revoke, verify_chain

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SUP, OFF = OfficerRole.SUPERVISOR, OfficerRole.OFFICER


class Person:
    """An officer's key pairs, as their desk holds them."""

    def __init__(self, officer_id: str) -> None:
        self.id = officer_id
        self.signing = Ed25519PrivateKey.generate()
        self.exchange = X25519PrivateKey.generate()

    @property
    def keys(self) -> tuple[bytes, bytes]:
        return (
            self.exchange.public_key().public_bytes_raw(),
            self.signing.public_key().public_bytes_raw(),
        )

    def cert(self, role: OfficerRole, by: Person, at: datetime = T0) -> Certificate:
        exchange, signing = self.keys
        return issue(
            officer_id=self.id,
            role=role,
            exchange_key=exchange,
            signing_key=signing,
            issued_at=at,
            issuer_id=by.id,
            issuer_key=by.signing,
        )


@pytest.fixture(scope="module")
def cast() -> dict[str, Person]:
    return {name: Person(name) for name in ("SGT-1", "SGT-2", "PC-1", "PC-2", "PC-X")}


def test_a_root_and_the_officers_it_approves_verify(cast: dict[str, Person]) -> None:
    root = cast["SGT-1"].cert(SUP, cast["SGT-1"])
    sgt2 = cast["SGT-2"].cert(SUP, cast["SGT-1"])
    pc1 = cast["PC-1"].cert(OFF, cast["SGT-2"])  # approved by a supervisor the root approved
    trusted = verify_chain(root, [sgt2, pc1], pin=certs.root_pin(root))
    assert {k: c.role for k, c in trusted.officers.items()} == {
        "SGT-1": SUP,
        "SGT-2": SUP,
        "PC-1": OFF,
    }
    assert trusted.role_of("PC-2") is None


def test_forgeries_do_not_verify(cast: dict[str, Person]) -> None:
    root = cast["SGT-1"].cert(SUP, cast["SGT-1"])
    pc1 = cast["PC-1"].cert(OFF, cast["SGT-1"])
    self_signed = cast["PC-X"].cert(SUP, cast["PC-X"])
    by_an_officer = cast["PC-2"].cert(SUP, cast["PC-1"])
    # Claims the root as issuer but signed by someone else's key.
    claimed = replace(cast["PC-X"].cert(SUP, cast["PC-1"]), issuer_id="SGT-1")
    claimed = replace(claimed, signature=cast["PC-1"].signing.sign(certs.canonical(claimed.body())))
    promoted = replace(pc1, role=SUP)  # a byte of the body changed after signing
    trusted = verify_chain(root, [pc1, self_signed, by_an_officer, claimed, promoted])
    assert set(trusted.officers) == {"SGT-1", "PC-1"}
    assert trusted.officers["PC-1"].role == OFF


def test_a_replaced_or_altered_root_is_refused(cast: dict[str, Person]) -> None:
    root = cast["SGT-1"].cert(SUP, cast["SGT-1"])
    other = cast["SGT-2"].cert(SUP, cast["SGT-2"])
    with pytest.raises(TrustError, match="not the one this desk pinned"):
        verify_chain(other, [], pin=certs.root_pin(root))
    with pytest.raises(TrustError, match="altered"):
        verify_chain(replace(root, issued_at="2027-01-01T00:00:00+00:00"), [])
    with pytest.raises(TrustError, match="not a supervisor's own"):
        verify_chain(cast["PC-1"].cert(OFF, cast["PC-1"]), [])
    with pytest.raises(TrustError, match="not a supervisor's own"):
        verify_chain(cast["SGT-2"].cert(SUP, cast["SGT-1"]), [])


def test_revocations_override_and_take_what_only_they_vouched_for(
    cast: dict[str, Person],
) -> None:
    s1, s2, p1, p2 = (cast[k] for k in ("SGT-1", "SGT-2", "PC-1", "PC-2"))
    root = s1.cert(SUP, s1)
    sgt2, pc1, pc2 = s2.cert(SUP, s1), p1.cert(OFF, s2), p2.cert(OFF, s1)
    gone = revoke(sgt2, revoked_at=T0 + timedelta(days=1), issuer_id="SGT-1", issuer_key=s1.signing)
    trusted = verify_chain(root, [sgt2, pc1, pc2], [gone])
    assert set(trusted.officers) == {"SGT-1", "PC-2"}
    assert trusted.revoked == {sgt2.serial}
    # An officer cannot revoke; a revocation with a changed byte counts for nothing;
    # the root cannot be revoked.
    by_officer = revoke(pc2, revoked_at=T0, issuer_id="PC-2", issuer_key=p2.signing)
    altered = replace(revoke(pc2, revoked_at=T0, issuer_id="SGT-1", issuer_key=s1.signing))
    altered = replace(altered, serial=pc1.serial)
    of_root = revoke(root, revoked_at=T0, issuer_id="SGT-2", issuer_key=s2.signing)
    trusted = verify_chain(root, [sgt2, pc1, pc2], [by_officer, altered, of_root])
    assert set(trusted.officers) == {"SGT-1", "SGT-2", "PC-1", "PC-2"}
    # Approved again after removal: the new certificate counts.
    again = p1.cert(OFF, s1, at=T0 + timedelta(days=2))
    trusted = verify_chain(root, [sgt2, pc1, pc2, again], [gone])
    assert trusted.officers["PC-1"].serial == again.serial


def test_the_latest_valid_certificate_of_an_officer_counts(cast: dict[str, Person]) -> None:
    s1, p1 = cast["SGT-1"], cast["PC-1"]
    root = s1.cert(SUP, s1)
    first = p1.cert(OFF, s1)
    promoted = p1.cert(SUP, s1, at=T0 + timedelta(hours=1))
    assert verify_chain(root, [promoted, first]).role_of("PC-1") == SUP


def test_stored_bytes_parse_back_and_junk_is_refused(cast: dict[str, Person]) -> None:
    s1 = cast["SGT-1"]
    root = s1.cert(SUP, s1)
    assert certs.parse_certificate(root.to_bytes()) == root
    gone = revoke(root, revoked_at=T0, issuer_id="SGT-1", issuer_key=s1.signing)
    assert certs.parse_revocation(gone.to_bytes()) == gone
    for junk in (b"", b"[]", b'{"kind": "other"}', gone.to_bytes(), root.to_bytes()[:-3]):
        with pytest.raises(TrustError):
            certs.parse_certificate(junk)


officer_ids = st.from_regex(r"[A-Z]{2}-[0-9]{1,6}", fullmatch=True)


@given(officer_ids, st.sampled_from([OFF, SUP]), st.data())
def test_any_changed_byte_breaks_the_signature(
    officer_id: str, role: OfficerRole, data: st.DataObject
) -> None:
    issuer = Person("SGT-9")
    cert = Person(officer_id).cert(role, issuer)
    raw = bytearray(cert.to_bytes())
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[index]))
    try:
        changed = certs.parse_certificate(bytes(raw))
    except TrustError:
        return  # no longer a certificate at all
    assert changed != cert
    assert not changed.signed_by(issuer.signing.public_key().public_bytes_raw())


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_fingerprints_are_five_groups_of_four_and_tell_keys_apart(
    exchange: bytes, signing: bytes
) -> None:
    text = certs.fingerprint(exchange, signing)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", text)
    assert certs.fingerprint(exchange, signing) == text
    flipped = bytes([signing[0] ^ 1]) + signing[1:]
    assert certs.fingerprint(exchange, flipped) != text
    assert certs.fingerprint(signing, exchange) != text or exchange == signing
