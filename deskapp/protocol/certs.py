"""Officers' certificates: who may sign what, proved from one pinned root.

A certificate binds an officer id and role to the officer's two public keys (X25519, to
which keys are sealed; Ed25519, which signs their changes) and is signed by a
supervisor's Ed25519 key. The root is the first supervisor's certificate, signed by
itself at ``hub init``; every desk pins its fingerprint, so whoever controls the hub's
tables can neither replace it nor forge a certificate without a supervisor's private key.

Signatures cover *canonical bytes*: sorted-key compact JSON of the body, with a
``kind`` naming what is signed, so a signature over one kind of statement can never be
presented as another. Pure code: no I/O; the caller stores and fetches.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from deskapp.domain.errors import TrustError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import jsontext

CERT_KIND = "deskapp-certificate/1"
REVOCATION_KIND = "deskapp-revocation/1"
KEY_LEN = 32
SIGNATURE_LEN = 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, str):
        raise TrustError(f"A certificate's {what} is missing.")
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError:
        raise TrustError(f"A certificate's {what} is not valid base64.") from None
    if len(data) != size:
        raise TrustError(f"A certificate's {what} has the wrong length.")
    return data


def _text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value:
        raise TrustError(f"A certificate's {key} is missing.")
    return value


def canonical(body: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: sorted-key compact JSON."""
    return jsontext.canonical(dict(body))


def fingerprint(exchange_key: bytes, signing_key: bytes) -> str:
    """A short human fingerprint of an officer's public keys, to compare by phone: five
    groups of four base32 characters of their SHA-256 (100 bits)."""
    digest = hashlib.sha256(b"deskapp-fingerprint/1\0" + exchange_key + signing_key).digest()
    text = base64.b32encode(digest).decode("ascii")[:20]
    return "-".join(text[i : i + 4] for i in range(0, 20, 4))


def new_serial() -> str:
    """A certificate's serial: random, so desks need not coordinate to number them."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Certificate:
    officer_id: str
    role: OfficerRole
    exchange_key: bytes  # X25519 public key
    signing_key: bytes  # Ed25519 public key
    issued_at: str  # ISO 8601 UTC, as the issuer's desk wrote it
    issuer_id: str
    serial: str
    signature: bytes = b""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.exchange_key, self.signing_key)

    @property
    def self_signed(self) -> bool:
        return self.issuer_id == self.officer_id

    def body(self) -> dict[str, Any]:
        return {
            "kind": CERT_KIND,
            "officer_id": self.officer_id,
            "role": str(self.role),
            "exchange_key": _b64(self.exchange_key),
            "signing_key": _b64(self.signing_key),
            "issued_at": self.issued_at,
            "issuer_id": self.issuer_id,
            "serial": self.serial,
        }

    def to_bytes(self) -> bytes:
        return canonical({**self.body(), "signature": _b64(self.signature)})

    def signed_by(self, public: bytes) -> bool:
        return _verifies(public, self.signature, canonical(self.body()))


@dataclass(frozen=True)
class Revocation:
    officer_id: str
    serial: str  # the certificate revoked
    revoked_at: str
    issuer_id: str
    signature: bytes = b""

    def body(self) -> dict[str, Any]:
        return {
            "kind": REVOCATION_KIND,
            "officer_id": self.officer_id,
            "serial": self.serial,
            "revoked_at": self.revoked_at,
            "issuer_id": self.issuer_id,
        }

    def to_bytes(self) -> bytes:
        return canonical({**self.body(), "signature": _b64(self.signature)})

    def signed_by(self, public: bytes) -> bool:
        return _verifies(public, self.signature, canonical(self.body()))


def _verifies(public: bytes, signature: bytes, data: bytes) -> bool:
    if len(signature) != SIGNATURE_LEN:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_signature(public: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is ``public``'s Ed25519 signature of ``data``."""
    return _verifies(public, signature, data)


def issue(
    *,
    officer_id: str,
    role: OfficerRole,
    exchange_key: bytes,
    signing_key: bytes,
    issued_at: datetime,
    issuer_id: str,
    issuer_key: Ed25519PrivateKey,
    serial: str | None = None,
) -> Certificate:
    """A certificate signed with ``issuer_key`` (the officer's own, for the root)."""
    if len(exchange_key) != KEY_LEN or len(signing_key) != KEY_LEN:
        raise TrustError("A public key must be 32 bytes.")
    cert = Certificate(
        officer_id,
        OfficerRole(role),
        exchange_key,
        signing_key,
        issued_at.isoformat(),
        issuer_id,
        serial or new_serial(),
    )
    return replace(cert, signature=issuer_key.sign(canonical(cert.body())))


def revoke(
    cert: Certificate, *, revoked_at: datetime, issuer_id: str, issuer_key: Ed25519PrivateKey
) -> Revocation:
    """A supervisor's signed statement that ``cert`` no longer counts."""
    rev = Revocation(cert.officer_id, cert.serial, revoked_at.isoformat(), issuer_id)
    return replace(rev, signature=issuer_key.sign(canonical(rev.body())))


def _document(raw: bytes | str, kind: str) -> dict[str, Any]:
    try:
        doc = jsontext.loads(raw)
    except ValueError:
        raise TrustError("A certificate on the hub is not valid JSON.") from None
    if not isinstance(doc, dict) or doc.get("kind") != kind:
        raise TrustError("A certificate on the hub is of an unknown kind.")
    return doc


def parse_certificate(raw: bytes | str) -> Certificate:
    """A certificate from its stored bytes (shape only: ``verify_chain`` checks trust)."""
    doc = _document(raw, CERT_KIND)
    try:
        role = OfficerRole(str(doc.get("role")))
    except ValueError:
        raise TrustError("A certificate names an unknown role.") from None
    return Certificate(
        _text(doc, "officer_id"),
        role,
        _unb64(doc.get("exchange_key"), KEY_LEN, "exchange key"),
        _unb64(doc.get("signing_key"), KEY_LEN, "signing key"),
        _text(doc, "issued_at"),
        _text(doc, "issuer_id"),
        _text(doc, "serial"),
        _unb64(doc.get("signature"), SIGNATURE_LEN, "signature"),
    )


def parse_revocation(raw: bytes | str) -> Revocation:
    doc = _document(raw, REVOCATION_KIND)
    return Revocation(
        _text(doc, "officer_id"),
        _text(doc, "serial"),
        _text(doc, "revoked_at"),
        _text(doc, "issuer_id"),
        _unb64(doc.get("signature"), SIGNATURE_LEN, "signature"),
    )


def root_pin(root: Certificate) -> str:
    """What a desk pins of a hub's root: the SHA-256 of its signed certificate."""
    return hashlib.sha256(root.to_bytes()).hexdigest()


def check_root(root: Certificate, pin: str | None = None) -> None:
    """A root is a supervisor's certificate signed by its own key (and, once a desk has
    pinned one, that very certificate)."""
    if not (root.self_signed and root.role == OfficerRole.SUPERVISOR):
        raise TrustError("The hub's root certificate is not a supervisor's own.")
    if not root.signed_by(root.signing_key):
        raise TrustError("The hub's root certificate does not verify: it has been altered.")
    if pin is not None and root_pin(root) != pin:
        raise TrustError(
            "The hub's root certificate is not the one this desk pinned when it joined: "
            "the hub may have been replaced. Nothing was sent or received; ask a supervisor."
        )


@dataclass(frozen=True)
class Trusted:
    """The outcome of ``verify_chain``: each officer's valid certificate."""

    root: Certificate
    officers: dict[str, Certificate]
    revoked: frozenset[str]  # serials revoked by a valid revocation

    def role_of(self, officer_id: str) -> OfficerRole | None:
        cert = self.officers.get(officer_id)
        return None if cert is None else cert.role


def _chain(
    root: Certificate,
    certs: Iterable[Certificate],
    excluded: frozenset[str],
    checked: dict[tuple[Certificate, bytes], bool],
) -> dict[str, Certificate]:
    """Every certificate reachable from the root through supervisors' signatures, leaving
    out ``excluded`` serials (and what only they vouched for). Keyed by serial.
    ``checked`` remembers each verification across calls, by the whole certificate (a
    forgery may reuse a real one's serial)."""

    def signed(cert: Certificate, key: bytes) -> bool:
        found = checked.get((cert, key))
        if found is None:
            found = checked[(cert, key)] = cert.signed_by(key)
        return found

    valid = {root.serial: root}
    pending = [c for c in certs if c.serial != root.serial and c.serial not in excluded]
    grew = True
    while grew:
        grew = False
        supervisors = {
            (c.officer_id, c.signing_key)
            for c in valid.values()
            if c.role == OfficerRole.SUPERVISOR
        }
        by_officer: dict[str, list[bytes]] = {}
        for officer, key in supervisors:
            by_officer.setdefault(officer, []).append(key)
        rest = []
        for cert in pending:
            keys = by_officer.get(cert.issuer_id, [])
            if not cert.self_signed and any(signed(cert, k) for k in keys):
                valid[cert.serial] = cert
                grew = True
            else:
                rest.append(cert)
        pending = rest
    return valid


def verify_chain(
    root: Certificate,
    certs: Iterable[Certificate],
    revocations: Iterable[Revocation] = (),
    *,
    pin: str | None = None,
) -> Trusted:
    """The officers whose certificates chain to ``root`` and are not revoked.

    A certificate is valid when a supervisor whose own certificate is valid signed it.
    A revocation counts when a supervisor whose certificate chains to the root signed it;
    it overrides: the certificate it names is no longer valid, nor any certificate that
    only it vouched for (a removed supervisor's approvals go with them, so a key kept by
    someone removed cannot vouch for anyone, backdated or not). The root itself cannot be
    revoked. Where an officer holds several valid certificates, the latest issued counts.
    """
    check_root(root, pin)
    certs = list(certs)
    checked: dict[tuple[Certificate, bytes], bool] = {}
    unrevoked = _chain(root, certs, frozenset(), checked)
    signers: dict[str, list[bytes]] = {}
    for cert in unrevoked.values():
        if cert.role == OfficerRole.SUPERVISOR:
            signers.setdefault(cert.officer_id, []).append(cert.signing_key)
    revoked = frozenset(
        r.serial
        for r in revocations
        if r.serial != root.serial
        and any(r.signed_by(k) for k in signers.get(r.issuer_id, []))
        and any(c.serial == r.serial and c.officer_id == r.officer_id for c in certs)
    )
    valid = _chain(root, certs, revoked, checked)
    officers: dict[str, Certificate] = {}
    for cert in sorted(valid.values(), key=lambda c: (c.issued_at, c.serial)):
        officers[cert.officer_id] = cert
    # The root's officer keeps the root: nothing later replaces the pinned identity.
    officers[root.officer_id] = root
    return Trusted(root, officers, revoked)
