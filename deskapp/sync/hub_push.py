"""A push at the hub: what it carries, and how the hub takes it in one transaction.

The rule is ``core.merge_rule``'s: per field, the larger version (hlc, site) wins; a
desk's edit that loses, or wins over a value made without sight of it, is recorded as a
conflict for the desk that made the loser. Applying a change twice changes nothing, so a
retried push is harmless.

The hub does not tell a desk what it has received by a watermark (one stored in its
tables, or claimed by a pusher, would let anyone with the hub's secret make a desk drop
its work unsent): the push reads back, in its own transaction, the versions the hub
holds for every row the batch touched, and the audit events it holds for the pusher's
site, and the desk decides from those what it may drop (``sync.service``).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from deskapp.core import jsontext, merge_rule
from deskapp.core.clock import utcnow
from deskapp.core.ids import uuid7
from deskapp.core.merge_rule import (
    CREATION,
    PERSON_LINKED,
    FieldChange,
    RowChange,
    Version,
    effective,
    version_of,
)
from deskapp.store import audit
from deskapp.store.merge import id_in
from deskapp.sync.hub_errors import AuditChainRefused
from deskapp.sync.hub_schema import hub_audit, hub_conflict, hub_counter, hub_row, hub_site


@dataclass
class Change:
    """One outbox entry as sent: values on the wire and their versions."""

    outbox_seq: int
    entity: str
    row_id: str
    kind: str  # insert|update|append|erase
    data: dict[str, Any] | None
    versions: dict[str, Version]
    seen: int  # the hub seq the desk had pulled to when it made the edit
    ref_id: str | None = None


@dataclass
class PushBatch:
    site_id: str
    changes: list[Change]
    audits: list[dict[str, Any]]
    outbox_hw: int  # the highest outbox seq this batch covers: kept for show, never trusted
    audit_hw: int
    cursor: int  # how far the desk has pulled
    conflict_ack: int  # conflicts the desk has taken in up to this hub seq
    versioned: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HeldRow:
    """A row as the hub holds it after a push: its field versions, and whether it holds
    no values (an erased insert-only row)."""

    versions: dict[str, Version]
    erased: bool


@dataclass
class PushReceipt:
    accepted: int = 0
    #: What the hub holds, read back before the push commits: every row the batch
    #: touched, and the hash of each of the pusher's audit events the batch carried.
    held: dict[tuple[str, str], HeldRow] = field(default_factory=dict)
    audit_hashes: dict[int, str] = field(default_factory=dict)
    seq_before: int = 0
    seq_after: int = 0
    conflicts: int = 0
    erased: bool = False


def _key_in(conn: Connection, ids: Sequence[str]) -> Any:
    """``row_id IN (…)`` for any number of ids, answered from the primary key: on
    PostgreSQL as ``= ANY(array)`` (a long IN list it may scan for), on SQLite through
    one JSON array parameter (an IN list is bounded by its parameter limit, and each
    length compiles anew)."""
    if conn.dialect.name == "postgresql":
        return hub_row.c.row_id == func.any(
            bindparam("ids", list(ids), type_=ARRAY(String()), literal_execute=False)
        )
    return id_in(hub_row.c.row_id, ids)


#: Keys per lookup query (the ids travel as one parameter).
LOOKUP_CHUNK = 20000


#: Columns of ``hub_row`` in the order ``_write_rows`` takes them.
_ROW_COLUMNS = ("entity", "row_id", "seq", "ref_id", "data", "versions")
_ROW_TYPES = ("text", "text", "bigint", "text", "text", "text")
_AUDIT_COLUMNS = tuple(c.name for c in hub_audit.columns)
assert _AUDIT_COLUMNS[0] == "site_id"  # filled from the batch; the rest from each event
_audit_values = operator.itemgetter(*_AUDIT_COLUMNS[1:])


def _pg_json_rows(types: Sequence[str]) -> str:
    """A SELECT of the rows in one JSON array parameter (one array per row).

    One text parameter, encoded by the C JSON encoder and parsed by the server, costs far
    less than per-value array quoting in the client, and it is one round trip per batch."""
    cols = ", ".join(f"(r ->> {i})::{t}" for i, t in enumerate(types))
    return f"SELECT {cols} FROM json_array_elements(%s::json) AS r"


def _json_param(rows: Sequence[tuple[Any, ...]]) -> str:
    return jsontext.dumps(rows)


def _write_rows(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert or overwrite hub rows ``(entity, row_id, seq, ref_id, data, versions)``.

    One upsert for the whole batch: a new row keeps the ``ref_id`` it came with; a known
    row keeps its ``ref_id`` and takes the new seq, data and versions. On PostgreSQL the
    rows travel as one set of arrays (a single statement and round trip, however many
    rows); on SQLite, in process, as one executemany.
    """
    if not rows:
        return
    names = ", ".join(_ROW_COLUMNS)
    update_ = "seq = excluded.seq, data = excluded.data, versions = excluded.versions"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"INSERT INTO hub_row ({names}) {_pg_json_rows(_ROW_TYPES)} "
            f"ON CONFLICT (entity, row_id) DO UPDATE SET {update_}",
            (_json_param(rows),),
        )
        return
    marks = ", ".join("?" for _ in _ROW_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO hub_row ({names}) VALUES ({marks}) "
        f"ON CONFLICT (entity, row_id) DO UPDATE SET {update_}",
        list(rows),
    )


def _write_audits(conn: Connection, site_id: str, audits: Sequence[Mapping[str, Any]]) -> None:
    rows = [(site_id, *_audit_values(a)) for a in audits]
    names = ", ".join(_AUDIT_COLUMNS)
    if conn.dialect.name == "postgresql":
        types = ["bigint" if c == "seq" else "text" for c in _AUDIT_COLUMNS]
        conn.exec_driver_sql(
            f"INSERT INTO hub_audit ({names}) {_pg_json_rows(types)} ON CONFLICT DO NOTHING",
            (_json_param(rows),),
        )
        return
    marks = ", ".join("?" for _ in _AUDIT_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO hub_audit ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows
    )


class _Held(NamedTuple):
    """A field's version as the hub keeps it (JSON ``[hlc, site, seq, hlc, site]``): the
    version, the hub seq that stamped it, and the version it overwrote, if any."""

    version: Version
    seq: int
    overwrote: Version | None


def _held(stored: Sequence[Any]) -> _Held:
    overwrote = version_of(stored[3:5]) if len(stored) >= 5 else None
    return _Held(version_of(stored), int(stored[2]), overwrote)


def _stored(version: Version, seq: int, overwrote: Version | None = None) -> list[Any]:
    """A field's version as the hub keeps it (see ``_Held``)."""
    if overwrote is None:
        return [version.hlc, version.site, seq]
    return [version.hlc, version.site, seq, overwrote.hlc, overwrote.site]


def apply_push(conn: Connection, batch: PushBatch) -> PushReceipt:
    """Take ``batch`` into the hub inside ``conn``'s transaction, field by field by the
    merge rule, and read back what the hub then holds for it (``PushReceipt.held``)."""
    site = (
        conn.execute(select(hub_site).where(hub_site.c.site_id == batch.site_id)).mappings().first()
    )
    seq = int(
        conn.execute(select(hub_counter.c.value).where(hub_counter.c.name == "seq")).scalar_one()
    )
    receipt = PushReceipt(seq_before=seq)
    audits = _extending(conn, batch.site_id, batch.audits)
    if batch.conflict_ack:
        conn.execute(
            hub_conflict.delete().where(
                hub_conflict.c.target_site == batch.site_id,
                hub_conflict.c.seq <= batch.conflict_ack,
            )
        )
    changes = batch.changes  # all of them: taking one twice changes nothing
    # Current state of every row the batch touches.
    state: dict[tuple[str, str], dict[str, Any]] = {}
    keys_by_entity: dict[str, list[str]] = {}
    for c in changes:
        keys_by_entity.setdefault(c.entity, []).append(c.row_id)
    for entity, ids in keys_by_entity.items():
        unique = sorted(set(ids))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            part = unique[start : start + LOOKUP_CHUNK]
            found = conn.execute(
                select(hub_row.c.row_id, hub_row.c.data, hub_row.c.versions).where(
                    hub_row.c.entity == entity, _key_in(conn, part)
                )
            ).all()
            # Decoded as one JSON document per batch: one parser call, not two per row.
            decoded = jsontext.loads(
                "[" + ",".join(f"[{r.data or 'null'},{r.versions}]" for r in found) + "]"
            )
            for row, (data, versions) in zip(found, decoded, strict=True):
                state[(entity, row.row_id)] = {
                    "data": data,
                    "versions": versions,
                    "new": False,
                    "seq": None,
                }
    # People already erased at the hub: a contact or link made for them elsewhere before
    # that desk heard of the erasure arrives as a tombstone, never as data.
    refs = sorted({c.ref_id for c in changes if c.entity in PERSON_LINKED and c.ref_id})
    already_erased: set[str] = set()
    for start in range(0, len(refs), LOOKUP_CHUNK):
        for found in conn.execute(
            select(hub_row.c.row_id, hub_row.c.data).where(
                hub_row.c.entity == "person", _key_in(conn, refs[start : start + LOOKUP_CHUNK])
            )
        ):
            person = json.loads(found.data) if found.data else {}
            if merge_rule.is_erased_person(person):
                already_erased.add(str(found.row_id))
    touched: list[tuple[str, str]] = []
    conflicts: list[dict[str, Any]] = []
    erased_people: list[str] = []

    def stamp(key: tuple[str, str]) -> int:
        nonlocal seq
        entry = state[key]
        if entry["seq"] is None:
            seq += 1
            entry["seq"] = seq
            touched.append(key)
        return int(entry["seq"])

    for c in changes:
        key = (c.entity, c.row_id)
        cur = state.get(key)
        if c.entity not in batch.versioned:
            first = effective(c.versions, CREATION) or next(iter(c.versions.values()), None)
            version = version_of(first) if first else Version(0, batch.site_id)
            incoming = RowChange(
                c.entity,
                c.row_id,
                c.data,
                version,
                erased=c.kind == "erase" or c.ref_id in already_erased,
            )
            held = None
            if cur is not None:
                stored = effective(cur["versions"], CREATION)
                at = version_of(stored) if stored else version
                held = RowChange(c.entity, c.row_id, cur["data"], at, cur["data"] is None)
            if merge_rule.merge_appended(held, incoming) is not incoming:
                receipt.accepted += c.kind != "erase"
                continue
            if cur is None:
                state[key] = cur = {"data": None, "new": True, "seq": None, "ref_id": c.ref_id}
            cur["data"] = None if incoming.erased else c.data
            cur["versions"] = {CREATION: _stored(version, stamp(key))}
            receipt.erased |= c.kind == "erase"
            receipt.accepted += 1
            continue
        if c.data is None:
            continue
        if cur is None:
            state[key] = cur = {"data": dict(c.data), "versions": {}, "new": True, "seq": None}
            row_seq = stamp(key)
            cur["versions"] = {f: _stored(version_of(v), row_seq) for f, v in c.versions.items()}
            receipt.accepted += 1
            continue
        data, versions = cur["data"], cur["versions"]
        accepted = False
        for name, value in c.data.items():
            sent = effective(c.versions, name)
            if sent is None:
                continue
            incoming_field = FieldChange(c.entity, c.row_id, name, value, version_of(sent))
            stored = effective(versions, name)
            if stored is None:
                data[name] = value
                versions[name] = _stored(incoming_field.version, stamp(key))
                accepted = True
                continue
            held_version = _held(stored)
            held_field = FieldChange(c.entity, c.row_id, name, data.get(name), held_version.version)
            lost = merge_rule.lost_at_hub(
                incoming_field,
                held_field,
                held_overwrote=held_version.overwrote,
                held_unseen=held_version.seq > c.seen,
                pusher=batch.site_id,
                is_update=c.kind == "update",
            )
            if lost is not None:
                won = held_field if lost is incoming_field else incoming_field
                conflicts.append(_conflict(lost, won))
            if merge_rule.wins(incoming_field.version, held_field.version):
                data[name] = value
                versions[name] = _stored(incoming_field.version, stamp(key), held_field.version)
                accepted = True
        if accepted:
            receipt.accepted += 1
            if c.entity == "person" and merge_rule.is_erased_person(data):
                erased_people.append(c.row_id)
    # Erasure: the person's contact log and links become tombstones everywhere.
    for person_id in sorted(set(erased_people)):
        receipt.erased = True
        for linked in conn.execute(
            select(hub_row.c.entity, hub_row.c.row_id, hub_row.c.versions).where(
                hub_row.c.ref_id == person_id,
                hub_row.c.entity.in_(PERSON_LINKED),
                hub_row.c.data.is_not(None),
            )
        ):
            key = (linked.entity, linked.row_id)
            if key not in state:
                state[key] = {"data": None, "versions": json.loads(linked.versions), "new": False}
                state[key]["seq"] = None
            state[key]["data"] = None
            first = effective(state[key]["versions"], CREATION)
            version = version_of(first) if first else Version(0, batch.site_id)
            state[key]["versions"] = {CREATION: _stored(version, stamp(key))}
        for key, entry in state.items():
            if (
                key[0] in PERSON_LINKED
                and entry["data"]
                and entry["data"].get("person_id") == person_id
            ):
                entry["data"] = None
                stamp(key)
        conn.execute(hub_conflict.delete().where(hub_conflict.c.row_id == person_id))
        conflicts = [c for c in conflicts if c["row_id"] != person_id]
    written = []
    for key in touched:
        entry = state[key]
        written.append(
            (
                key[0],
                key[1],
                int(entry["seq"]),
                entry.get("ref_id") if entry["new"] else None,
                None if entry["data"] is None else jsontext.dumps(entry["data"]),
                jsontext.dumps(entry["versions"]),
            )
        )
    _write_rows(conn, written)
    for conflict in conflicts:
        seq += 1
        conflict["seq"] = seq
    if conflicts:
        conn.execute(hub_conflict.insert(), conflicts)
    receipt.conflicts = len(conflicts)
    if audits:
        _write_audits(conn, batch.site_id, audits)
    new_outbox_hw = max(int(site["outbox_hw"]) if site else 0, batch.outbox_hw)
    new_audit_hw = max(int(site["audit_hw"]) if site else 0, batch.audit_hw)
    now = utcnow().isoformat()
    if site is None:
        conn.execute(
            hub_site.insert(),
            {
                "site_id": batch.site_id,
                "outbox_hw": new_outbox_hw,
                "audit_hw": new_audit_hw,
                "last_push_at": now,
            },
        )
    else:
        conn.execute(
            update(hub_site)
            .where(hub_site.c.site_id == batch.site_id)
            .values(outbox_hw=new_outbox_hw, audit_hw=new_audit_hw, last_push_at=now)
        )
    conn.execute(update(hub_counter).where(hub_counter.c.name == "seq").values(value=seq))
    receipt.held = _read_back(conn, changes)
    receipt.audit_hashes = _audit_hashes(conn, batch.site_id, [int(a["seq"]) for a in batch.audits])
    receipt.seq_after = seq
    return receipt


def _conflict(loser: FieldChange, winner: FieldChange) -> dict[str, Any]:
    """A conflict for the desk that made ``loser``."""
    return {
        "id": uuid7(),
        "target_site": loser.version.site,
        "entity": loser.entity,
        "row_id": loser.row_id,
        "field": loser.field,
        "loser_value": json.dumps(loser.value, ensure_ascii=False),
        "loser_hlc": loser.version.hlc,
        "loser_site": loser.version.site,
        "winner_value": json.dumps(winner.value, ensure_ascii=False),
        "winner_hlc": winner.version.hlc,
        "winner_site": winner.version.site,
    }


def _read_back(conn: Connection, changes: Sequence[Change]) -> dict[tuple[str, str], HeldRow]:
    """The versions the hub now holds for every row of ``changes``."""
    keys_by_entity: dict[str, set[str]] = {}
    for c in changes:
        keys_by_entity.setdefault(c.entity, set()).add(c.row_id)
    held: dict[tuple[str, str], HeldRow] = {}
    for entity, ids in keys_by_entity.items():
        unique = sorted(ids)
        for start in range(0, len(unique), LOOKUP_CHUNK):
            found = conn.execute(
                select(hub_row.c.row_id, hub_row.c.data.is_(None), hub_row.c.versions).where(
                    hub_row.c.entity == entity,
                    _key_in(conn, unique[start : start + LOOKUP_CHUNK]),
                )
            ).all()
            decoded = jsontext.loads("[" + ",".join(r[2] for r in found) + "]")
            for (row_id, erased, _), versions in zip(found, decoded, strict=True):
                held[(entity, str(row_id))] = HeldRow(
                    {name: version_of(v) for name, v in versions.items()}, bool(erased)
                )
    return held


def audit_head(conn: Connection, site_id: str) -> tuple[int, str]:
    """The head ``(seq, hash)`` of the audit chain the hub holds for ``site_id``."""
    found = conn.execute(
        select(hub_audit.c.seq, hub_audit.c.hash)
        .where(hub_audit.c.site_id == site_id)
        .order_by(hub_audit.c.seq.desc())
        .limit(1)
    ).first()
    return (int(found.seq), str(found.hash)) if found else (0, audit.GENESIS)


def _extending(
    conn: Connection, site_id: str, events: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The events of a push that are new to the hub, once it is sure they extend the chain
    it holds for the desk: events it holds already must be the same ones (a retried push),
    and each new one must follow the one before, from the head it holds. Else the whole
    push is refused: the desk's log was cut or rewritten after the hub saw it (or someone
    pushes as that desk)."""
    if not events:
        return []
    head_seq, head_hash = audit_head(conn, site_id)
    seen = [int(e["seq"]) for e in events if int(e["seq"]) <= head_seq]
    held = _audit_hashes(conn, site_id, seen)
    new: list[Mapping[str, Any]] = []
    for event in events:
        seq = int(event["seq"])
        if seq <= head_seq:
            if held.get(seq) != event["hash"]:
                raise _refused(seq)
            continue
        if seq != head_seq + 1 or event["prev_hash"] != head_hash:
            raise _refused(seq)
        head_seq, head_hash = seq, str(event["hash"])
        new.append(event)
    return new


def _refused(seq: int) -> AuditChainRefused:
    return AuditChainRefused(
        f"The hub refused this push: the desk's audit event {seq} does not extend the audit "
        "chain the hub holds for this desk. The desk's audit log was cut or rewritten after "
        "the hub saw it; nothing was sent. Run `deskapp audit verify` and tell a supervisor."
    )


def _audit_hashes(conn: Connection, site_id: str, seqs: Sequence[int]) -> dict[int, str]:
    """The hashes the hub holds for these audit events of ``site_id``."""
    if not seqs:
        return {}
    found = conn.execute(
        select(hub_audit.c.seq, hub_audit.c.hash).where(
            hub_audit.c.site_id == site_id,
            hub_audit.c.seq >= min(seqs),
            hub_audit.c.seq <= max(seqs),
        )
    )
    return {int(seq): str(hash_) for seq, hash_ in found}
