"""The hub's schema (SQLAlchemy Core), the same on an encrypted SQLite file and PostgreSQL.

The hub keeps, for every synced row, its current values and the version of each field
(``hub_row``), stamped with a hub sequence number (``seq``) each time it changes. No
history is kept: a change overwrites the row, so an erasure leaves no old value behind.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, MetaData, String, Table, Text

SCHEMA_VERSION = 1
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
hub_row = Table(
    "hub_row",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("row_id", String(200), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("ref_id", String(64), nullable=True),
    Column("data", Text, nullable=True),  # JSON values; NULL: an erased insert-only row
    Column("versions", Text, nullable=False),  # JSON {field: [hlc, site, seq, (prev)]}
    Index("ix_hub_row_seq", "seq", unique=True),
    Index("ix_hub_row_ref", "ref_id"),
)
hub_conflict = Table(
    "hub_conflict",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(40), nullable=False),
    Column("target_site", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("row_id", String(200), nullable=False),
    Column("field", String(64), nullable=False),
    Column("loser_value", Text, nullable=False),
    Column("loser_hlc", BigInteger, nullable=False),
    Column("loser_site", String(64), nullable=False),
    Column("winner_value", Text, nullable=False),
    Column("winner_hlc", BigInteger, nullable=False),
    Column("winner_site", String(64), nullable=False),
    Index("ix_hub_conflict_target", "target_site", "seq"),
    Index("ix_hub_conflict_row", "row_id"),
)
hub_site = Table(
    "hub_site",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("outbox_hw", BigInteger, nullable=False),
    Column("audit_hw", BigInteger, nullable=False),
    Column("last_push_at", String(40), nullable=False),
)
hub_audit = Table(
    "hub_audit",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("officer_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("fields", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
