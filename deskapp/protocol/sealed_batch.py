"""A sealed batch: what a desk writes to the hub, and the only thing the hub holds of it.

A push is one batch: the desk's changes and audit events, serialised, encrypted with the
hub data key (AES-256-GCM) and signed once by the officer who pushes it (Ed25519). The
hub stores the ciphertext beside a small plaintext *header* (canonical JSON, no personal
data) that names the site, the signer, the key, the desk's batch counter, the audit
chain's first and last hashes and the SHA-256 of the ciphertext. The signature covers the
header, so it covers the ciphertext through that digest; the header (less the digest,
which cannot be known before encrypting) is the AEAD's associated data, so a ciphertext
moved under another header does not open. The batch id is the SHA-256 of the header.

One AEAD and one signature per batch: with thousands of changes a batch, the crypto
costs milliseconds (issue #16, "sign per batch, not per row"). No I/O here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from deskapp.protocol import jsontext

KIND = "deskapp-batch/1"
NONCE_LEN = 12
#: The header's key that holds the ciphertext's digest (not part of the AEAD's data).
DIGEST = "ct_sha256"


class BatchProblem(ValueError):
    """Why a batch read from the hub cannot be trusted (kept as the quarantine reason)."""


@dataclass(frozen=True)
class SealedBatch:
    batch_id: str  # sha256 hex of the header
    header: bytes  # canonical JSON
    ciphertext: bytes
    signature: bytes


@dataclass(frozen=True)
class AuditSpan:
    """The audit events a batch carries, as its header names them: from event ``first``
    (whose ``prev_hash`` is ``prev``) to event ``last`` (whose hash is ``head``)."""

    first: int
    prev: str
    last: int
    head: str


@dataclass(frozen=True)
class Header:
    hub_id: str
    site: str
    signer: str
    key_id: int
    counter: int
    nonce: bytes
    digest: str
    entries: int
    audit: AuditSpan | None

    def associated(self) -> bytes:
        """The AEAD's associated data: the header without the ciphertext's digest."""
        return jsontext.canonical(_fields(self, with_digest=False))


def _fields(h: Header, *, with_digest: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": KIND,
        "hub": h.hub_id,
        "site": h.site,
        "signer": h.signer,
        "key_id": h.key_id,
        "counter": h.counter,
        "nonce": h.nonce.hex(),
        "entries": h.entries,
        "audit": None
        if h.audit is None
        else [h.audit.first, h.audit.prev, h.audit.last, h.audit.head],
    }
    if with_digest:
        body[DIGEST] = h.digest
    return body


def seal(
    payload: Mapping[str, Any],
    *,
    hub_id: str,
    site: str,
    signer: str,
    key_id: int,
    key: bytes,
    counter: int,
    entries: int,
    audit: AuditSpan | None,
    sign: Callable[[bytes], bytes],
) -> SealedBatch:
    """``payload`` encrypted under ``key`` and signed by ``sign``."""
    nonce = os.urandom(NONCE_LEN)
    draft = Header(hub_id, site, signer, key_id, counter, nonce, "", entries, audit)
    plain = jsontext.dumps_bytes(payload)
    ciphertext = AESGCM(key).encrypt(nonce, plain, draft.associated())
    header = Header(
        hub_id,
        site,
        signer,
        key_id,
        counter,
        nonce,
        hashlib.sha256(ciphertext).hexdigest(),
        entries,
        audit,
    )
    raw = jsontext.canonical(_fields(header, with_digest=True))
    return SealedBatch(hashlib.sha256(raw).hexdigest(), raw, ciphertext, sign(raw))


def parse_header(raw: bytes) -> Header:
    """The header as stored; BatchProblem unless it is one this code wrote, byte for byte."""
    try:
        doc = jsontext.loads(raw)
        if not isinstance(doc, dict) or doc.get("kind") != KIND:
            raise BatchProblem("a header that is not a deskapp batch's")
        span = doc["audit"]
        audit = (
            None
            if span is None
            else AuditSpan(int(span[0]), str(span[1]), int(span[2]), str(span[3]))
        )
        header = Header(
            str(doc["hub"]),
            str(doc["site"]),
            str(doc["signer"]),
            int(doc["key_id"]),
            int(doc["counter"]),
            bytes.fromhex(doc["nonce"]),
            str(doc[DIGEST]),
            int(doc["entries"]),
            audit,
        )
    except BatchProblem:
        raise
    except (ValueError, KeyError, TypeError, IndexError):
        raise BatchProblem("a header that cannot be read") from None
    if jsontext.canonical(_fields(header, with_digest=True)) != bytes(raw):
        raise BatchProblem("a header not in its canonical form")
    return header


def open_sealed(header: Header, ciphertext: bytes, key: bytes) -> Any:
    """The payload; BatchProblem if the ciphertext is not the header's or does not open."""
    if hashlib.sha256(ciphertext).hexdigest() != header.digest:
        raise BatchProblem("a ciphertext that is not the one its header was signed with")
    try:
        plain = AESGCM(key).decrypt(header.nonce, ciphertext, header.associated())
    except InvalidTag:
        raise BatchProblem("a ciphertext that does not open with its hub key") from None
    try:
        return jsontext.loads(plain)
    except ValueError:
        raise BatchProblem("a payload that is not JSON") from None


def batch_id(header: bytes) -> str:
    return hashlib.sha256(header).hexdigest()
