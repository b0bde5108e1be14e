"""The DPA 2018 s.62 audit log: append-only, hash-chained, verifiable.

Each event's hash covers its own fields and the previous event's hash, so editing,
deleting or reordering any event breaks the chain from that point on. The chain head
(last seq and hash) is also kept in ``meta``, so removing events from the end is caught.
Events record which fields were touched, never their values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, select, text

from deskapp.db.tables import AuditEvent, Meta
from deskapp.db.types import from_sqlite, to_sqlite
from deskapp.domain.vocabulary import AuditAction

GENESIS = "0" * 64
HEAD_KEY = "audit_head"

_table = AuditEvent.__table__  # type: ignore[attr-defined]
_meta = Meta.__table__  # type: ignore[attr-defined]


#: One encoder for every event: ``json.dumps`` with these options makes a new one a call.
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _digest(prev_hash: str, event: dict[str, Any]) -> str:
    return _hash(
        [
            event["seq"],
            event["at"].isoformat(),
            event["officer_id"],
            event["action"],
            event["entity"],
            event["entity_id"],
            event["fields"],
            event["recipient"],
            event["detail"],
            event["site_id"],
            prev_hash,
        ]
    )


def _hash(body: list[Any]) -> str:
    """The hash of an event's fields (the time as ISO text) and the previous hash."""
    return hashlib.sha256(_JSON.encode(body).encode("utf-8")).hexdigest()


#: An event's columns as it travels to the hub (which files it under the desk's site id).
WIRE_COLUMNS = (
    "seq",
    "at",
    "officer_id",
    "action",
    "entity",
    "entity_id",
    "fields",
    "recipient",
    "detail",
    "prev_hash",
    "hash",
)


def events_after(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` events with seq above ``after``, oldest first, as they travel: the
    time as ISO text with its offset, the form the hash covers (so the hub can verify).

    Read without the ORM's rows: a large push carries an event per change, and building
    and converting those cost more than the hub's write of them."""
    rows = conn.exec_driver_sql(
        f"SELECT {', '.join(WIRE_COLUMNS)} FROM audit_event WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, limit),
    ).fetchall()
    events = [dict(zip(WIRE_COLUMNS, row, strict=True)) for row in rows]
    for event in events:
        at = from_sqlite(event["at"])
        assert at is not None  # the column is NOT NULL
        event["at"] = at.isoformat()
    return events


def _head(conn: Connection) -> tuple[int, str]:
    value = conn.execute(select(_meta.c.value).where(_meta.c.key == HEAD_KEY)).scalar()
    if value is None:
        return 0, GENESIS
    seq, _, digest = str(value).partition(":")
    return int(seq), digest


@dataclass(frozen=True)
class AuditEntry:
    action: AuditAction
    entity: str
    entity_id: str = ""
    fields: tuple[str, ...] = ()
    recipient: str = ""
    detail: str = ""


#: The columns an event is stored in: as it travels, with the desk's site id.
_STORED: Final = (*WIRE_COLUMNS[:-2], "site_id", *WIRE_COLUMNS[-2:])
_INSERT: Final = (
    f"INSERT INTO audit_event ({', '.join(_STORED)}) VALUES ({', '.join('?' * len(_STORED))})"
)


def append(
    conn: Connection, officer_id: str, site_id: str, at: datetime, entries: Iterable[AuditEntry]
) -> int:
    """Append events inside the caller's (write) transaction; returns how many.

    The rows go in as plain tuples, the time converted once: an import appends an
    event per person, a million for a large file."""
    seq, prev = _head(conn)
    when, stored_at = at.isoformat(), to_sqlite(at)
    rows = []
    for entry in entries:
        seq += 1
        action, fields = str(entry.action), ",".join(entry.fields)
        own = (entry.entity, entry.entity_id, fields, entry.recipient, entry.detail, site_id)
        digest = _hash([seq, when, officer_id, action, *own, prev])
        rows.append((seq, stored_at, officer_id, action, *own, prev, digest))
        prev = digest
    if rows:
        conn.exec_driver_sql(_INSERT, rows)
        head = f"{seq}:{prev}"
        conn.execute(
            text(
                "INSERT INTO meta(key, value) VALUES (:k, :v) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            ),
            {"k": HEAD_KEY, "v": head},
        )
    return len(rows)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    problem: str = ""
    seq: int | None = None


def verify(conn: Connection) -> Verification:
    """Walk the whole chain; report the first event that does not fit."""
    prev = GENESIS
    expected_seq = 0
    count = 0
    result = conn.execute(select(_table).order_by(_table.c.seq)).mappings()
    for row in result:
        expected_seq += 1
        count += 1
        if row["seq"] != expected_seq:
            return Verification(
                False, count, f"event {expected_seq} is missing or out of order", expected_seq
            )
        if row["prev_hash"] != prev:
            return Verification(
                False, count, f"event {row['seq']} does not follow the one before", row["seq"]
            )
        if _digest(prev, dict(row)) != row["hash"]:
            return Verification(False, count, f"event {row['seq']} has been altered", row["seq"])
        prev = row["hash"]
    head_seq, head_hash = _head(conn)
    if (head_seq, head_hash) != (expected_seq, prev):
        return Verification(
            False,
            count,
            f"the log ends at event {expected_seq} but the recorded head is "
            f"event {head_seq}: events have been removed",
            expected_seq,
        )
    return Verification(True, count)


def chain(conn: Connection) -> list[tuple[int, str]]:
    """Every event's ``(seq, hash)``, in order: what is compared with the hub's copy."""
    found = conn.execute(select(_table.c.seq, _table.c.hash).order_by(_table.c.seq))
    return [(int(seq), str(digest)) for seq, digest in found]


def wire_digest(event: dict[str, Any], site_id: str) -> str:
    """The hash an event as it travels (``events_after``) must carry, on desk ``site_id``:
    a desk checks the events of a pulled batch by it."""
    at = datetime.fromisoformat(str(event["at"]))
    return _digest(str(event["prev_hash"]), {**event, "at": at, "site_id": site_id})
