"""The hub's identity tables (since schema version 2), on the hub's own ``MetaData``.

Nothing here names a person: officer ids (staff or collar numbers) and public keys only.
Nothing here is trusted either: every certificate, revocation and key slot carries a
supervisor's signature that desks check against the root they pinned, so a row written
straight into these tables by whoever holds the hub's secret counts for nothing.
The root certificate itself is kept in ``hub_meta`` (``ROOT_KEY``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text

from deskapp.sync.hub_schema import metadata

ROOT_KEY = "root_certificate"

#: Signed certificates, each binding an officer id and role to their public keys.
hub_certificate = Table(
    "hub_certificate",
    metadata,
    Column("serial", String(64), primary_key=True),
    Column("officer_id", String(64), nullable=False),
    Column("body", Text, nullable=False),  # canonical signed JSON (protocol.certs)
    Index("ix_hub_certificate_officer", "officer_id"),
)
#: Signed revocations of certificates (by serial).
hub_revocation = Table(
    "hub_revocation",
    metadata,
    Column("serial", String(64), primary_key=True),
    Column("officer_id", String(64), nullable=False),
    Column("body", Text, nullable=False),
)
#: Desks asking to be approved: the officer's public keys, until a supervisor approves.
hub_join_request = Table(
    "hub_join_request",
    metadata,
    Column("officer_id", String(64), primary_key=True),
    Column("exchange_key", String(64), nullable=False),  # base64
    Column("signing_key", String(64), nullable=False),  # base64
    Column("requested_at", String(40), nullable=False),
)
#: The hub data keys, each sealed to every approved officer's X25519 key and signed by
#: the supervisor who sealed it (so no one can slip in a key of their own).
hub_key_slot = Table(
    "hub_key_slot",
    metadata,
    Column("key_id", BigInteger, primary_key=True, autoincrement=False),
    Column("officer_id", String(64), primary_key=True),
    Column("sealed", Text, nullable=False),
    Column("signer_id", String(64), nullable=False),
    Column("signature", String(128), nullable=False),  # base64 Ed25519
)
#: Each officer's private keys, wrapped under Argon2id of their passphrase, so that they
#: can set up another desk by signing in (``enrolment.join``). Checked against their
#: certificate when unwrapped: a bundle swapped in by someone else is refused.
hub_officer_keys = Table(
    "hub_officer_keys",
    metadata,
    Column("officer_id", String(64), primary_key=True),
    Column("bundle", Text, nullable=False),  # JSON: public keys + keyslots.wrap_with_passphrase
)
