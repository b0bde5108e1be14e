"""The hub's schema (SQLAlchemy Core), the same on an encrypted SQLite file and PostgreSQL.

The hub is an append-only log of sealed, signed batches (``protocol.sealed_batch``): one row
per push, numbered by a hub sequence number (``seq``) that desks pull after. It holds
ciphertext, site and officer ids, key ids, counters and hashes: no value of any record,
no field or entity name, nothing that names a person. It merges nothing and decides
nothing: every desk checks each batch itself (``sync.batches``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, LargeBinary, MetaData, String, Table, Text

#: 3: the log of sealed batches replaced the plaintext rows (hub_row, hub_audit, …).
SCHEMA_VERSION = 3
#: pg_advisory_xact_lock key serialising hub writers ("desk" in ASCII).
ADVISORY_LOCK = 0x6465736B

metadata = MetaData()
hub_meta = Table(
    "hub_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
hub_counter = Table(
    "hub_counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
hub_batch = Table(
    "hub_batch",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("batch_id", String(64), nullable=False),  # sha256 hex of the header
    Column("site_id", String(64), nullable=False),
    Column("signer_id", String(64), nullable=False),
    Column("key_id", BigInteger, nullable=False),
    Column("counter", BigInteger, nullable=False),  # the site's own batch counter
    Column("entries", BigInteger, nullable=False),  # changes and events it carries
    # The ciphertext's length, so a pull learns it without reading the ciphertext (on
    # SQLite, octet_length of a blob reads it: every pull would read the whole log).
    Column("size", BigInteger, nullable=False),
    Column("header", Text, nullable=False),  # canonical JSON (protocol.sealed_batch)
    Column("ciphertext", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Index("ix_hub_batch_id", "batch_id", unique=True),
    Index("ix_hub_batch_site", "site_id", "counter"),
)
