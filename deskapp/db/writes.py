"""The one write path.

Every mutation of desk data happens inside a ``WriteTx``: in a single database
transaction it writes the row, the field versions (HLC + site id) that sync merges
by, an outbox entry for the hub, and the s.62 audit events. Nothing else in the app
issues INSERT/UPDATE/DELETE on these tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, select, update
from sqlmodel import SQLModel

from deskapp.db import audit
from deskapp.db.tables import (
    Adviser,
    Candidacy,
    Contact,
    Event,
    EventPerson,
    Incident,
    IncidentLink,
    IncidentPerson,
    Officer,
    Organisation,
    Person,
    SecurityMeasure,
    SecurityReferral,
    SecuritySurvey,
    Subject,
    TimelineEntry,
)
from deskapp.domain.errors import NotFound, PermissionDenied
from deskapp.domain.vocabulary import AuditAction
from deskapp.protocol.hlc import HybridClock
from deskapp.protocol.ids import uuid7
from deskapp.runtime.clock import utcnow


def _t(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


#: Tables whose fields merge one by one at sync.
VERSIONED: dict[str, Table] = {
    "person": _t(Person),
    "adviser": _t(Adviser),
    "organisation": _t(Organisation),
    "incident": _t(Incident),
    "event": _t(Event),
    "candidacy": _t(Candidacy),
    "officer": _t(Officer),
    "security_survey": _t(SecuritySurvey),
    "security_measure": _t(SecurityMeasure),
    "security_referral": _t(SecurityReferral),
    "subject": _t(Subject),
}
#: Insert-only tables: they never conflict.
APPEND_ONLY: dict[str, Table] = {
    "timeline_entry": _t(TimelineEntry),
    "contact": _t(Contact),
    "event_person": _t(EventPerson),
    "incident_person": _t(IncidentPerson),
    "incident_link": _t(IncidentLink),
}
AUDITOR_REFUSED = (
    "An auditor reads the audit log, its monitoring and the returns, and changes nothing."
)
#: Bookkeeping columns that are not the record's own data.
NOT_FIELDS = frozenset({"id", "created_at", "updated_at"})


def _scalar_default(column: Column[Any]) -> Any:
    default = column.default
    return getattr(default, "arg", None) if default is not None and default.is_scalar else None


#: Bound parameters per multi-row statement (SQLite allows 32,766).
MAX_PARAMS = 30000
#: Rows per multi-row statement.
MAX_ROWS = 500


def bulk_columns(table: Table) -> list[Column[Any]]:
    """The columns a bulk insert writes, in its order (a table's own ``seq`` counter is
    left to SQLite)."""
    return [
        c
        for c in table.columns
        if not (c.primary_key and c.autoincrement is True and c.name == "seq")
    ]


class _Bulk:
    """A fast insert of many rows into one table. Values go through each column's own
    bind processor (so they are stored exactly as SQLAlchemy stores them) but skip the
    per-row statement compilation, which dominates at 100,000 rows. Rows go in as
    multi-row statements: SQLite's FTS5 flushes its pending index data at the end of
    every statement, so one statement per row would write an index segment per row on
    the tables with full-text triggers (person, incident)."""

    def __init__(self, conn: Connection, table: Table, *, stored: bool = False) -> None:
        self.columns = bulk_columns(table)
        # ``stored``: the rows hold values already as the database stores them (sync's
        # merge converts pulled values straight to that form), so no bind processors.
        self.spec = [
            (c.name, None if stored else c.type.bind_processor(conn.dialect), _scalar_default(c))
            for c in self.columns
        ]
        self.head = f"INSERT INTO {table.name} ({', '.join(c.name for c in self.columns)}) VALUES "
        self.one = "(" + ", ".join("?" for _ in self.columns) + ")"
        self.per = max(1, min(MAX_ROWS, MAX_PARAMS // len(self.columns)))
        self.conn = conn

    def run_values(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows given as values in ``bulk_columns`` order, already in stored form."""
        for start in range(0, len(rows), self.per):
            part = rows[start : start + self.per]
            params = tuple(chain.from_iterable(part))
            self.conn.exec_driver_sql(self.head + ", ".join([self.one] * len(part)), params)

    def run(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), self.per):
            part = rows[start : start + self.per]
            # Column by column (a comprehension and a map each), then interleaved into
            # row order: far fewer interpreter steps than a loop over every cell.
            columns = []
            for name, proc, default in self.spec:
                values = [row.get(name, default) for row in part]
                if proc is not None:
                    first = values[0]
                    # A column holding one value throughout (the transaction's time in
                    # created_at and updated_at, a default) is converted once.
                    if all(v is first for v in values):
                        values = [proc(first)] * len(values)
                    else:
                        values = list(map(proc, values))
                columns.append(values)
            params = tuple(chain.from_iterable(zip(*columns, strict=True)))
            self.conn.exec_driver_sql(self.head + ", ".join([self.one] * len(part)), params)


class WriteTx:
    """One atomic unit of work, made by ``Desk.write()``."""

    def __init__(
        self,
        conn: Connection,
        officer_id: str,
        site_id: str,
        clock: HybridClock,
        *,
        audit_only: bool = False,
    ) -> None:
        self.conn = conn
        #: An auditor's transaction: it may log what they read, and change nothing else.
        self.audit_only = audit_only
        self.officer_id = officer_id
        self.site_id = site_id
        self.clock = clock
        self.now = utcnow()
        self._audit: list[audit.AuditEntry] = []
        #: Tables this transaction changed; the desk bumps their generation at commit so
        #: cached orderings (deskapp.search.ranked) know to rebuild.
        self.touched: set[str] = set()

    # -- audit -----------------------------------------------------------------
    def audit(
        self,
        action: AuditAction,
        entity: str,
        entity_id: str = "",
        fields: Iterable[str] = (),
        recipient: str = "",
        detail: str = "",
    ) -> None:
        self._audit.append(
            audit.AuditEntry(action, entity, entity_id, tuple(fields), recipient, detail)
        )

    def _may_change(self) -> None:
        if self.audit_only:
            raise PermissionDenied(AUDITOR_REFUSED)

    def flush_audit(self) -> None:
        audit.append(self.conn, self.officer_id, self.site_id, self.now, self._audit)
        self._audit.clear()

    # -- versioned records ---------------------------------------------------------
    def insert(self, entity: str, values: dict[str, Any], *, log: str = "each") -> str:
        """Create a record; returns its id (a new UUIDv7 unless given)."""
        self.insert_many(entity, [values], log=log)
        return str(values["id"])

    def insert_many(
        self, entity: str, rows: list[dict[str, Any]], *, log: str = "each", detail: str = ""
    ) -> None:
        """Create records. ``log`` is "each" (an audit event per record) or "batch" (one
        event for the whole operation, e.g. loading demo data)."""
        self._may_change()
        table = VERSIONED[entity]
        if not rows:
            return
        versions, outbox = [], []
        for row in rows:
            if "id" not in row:  # not setdefault: an import gives ids, and makes 1M of them
                row["id"] = uuid7()
            if "created_at" in table.c:
                row.setdefault("created_at", self.now)
            if "updated_at" in table.c:
                row.setdefault("updated_at", self.now)
            hlc = self.clock.now()
            versions.append((entity, row["id"], "*", hlc, self.site_id))
            outbox.append((entity, row["id"], "insert", "", hlc, self.site_id))
        _Bulk(self.conn, table).run(rows)
        self.touched.add(entity)
        self.conn.exec_driver_sql(
            "INSERT INTO field_version(entity, row_id, field, hlc, site_id) VALUES (?,?,?,?,?)",
            versions,
        )
        self._outbox(outbox)
        self._log_collection(entity, [str(r["id"]) for r in rows], log, detail)

    def _outbox(self, entries: list[tuple[str, str, str, str, int, str]]) -> None:
        self.conn.exec_driver_sql(
            "INSERT INTO outbox(entity, row_id, op, fields, hlc, site_id) VALUES (?,?,?,?,?,?)",
            entries,
        )

    def _log_collection(self, entity: str, ids: list[str], log: str, detail: str) -> None:
        if log == "each":
            for row_id in ids:
                self.audit(AuditAction.COLLECTION, entity, row_id, detail=detail)
        elif log == "batch":
            self.audit(
                AuditAction.COLLECTION,
                entity,
                "",
                detail=f"{detail + ': ' if detail else ''}{len(ids)} records",
            )

    def get(self, entity: str, row_id: str) -> dict[str, Any]:
        table = VERSIONED[entity]
        row = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if row is None:
            raise NotFound(f"No {entity} with id {row_id}.")
        return dict(row)

    def update(
        self, entity: str, row_id: str, changes: Mapping[str, Any], *, detail: str = ""
    ) -> dict[str, tuple[Any, Any]]:
        """Change fields of a record; returns ``{field: (old, new)}`` for real changes."""
        self._may_change()
        table = VERSIONED[entity]
        current = self.get(entity, row_id)
        changed = {
            k: (current[k], v) for k, v in changes.items() if k in table.c and current[k] != v
        }
        unknown = [k for k in changes if k not in table.c or k in NOT_FIELDS]
        if unknown:
            raise KeyError(f"not a field of {entity}: {', '.join(unknown)}")
        if not changed:
            return {}
        values = {k: new for k, (_, new) in changed.items()}
        if "updated_at" in table.c:
            values["updated_at"] = self.now
        self.conn.execute(update(table).where(table.c.id == row_id).values(**values))
        self.touched.add(entity)
        hlc = self.clock.now()
        fields = list(changed)
        self.conn.exec_driver_sql(
            "INSERT INTO field_version(entity, row_id, field, hlc, site_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(entity, row_id, field) "
            "DO UPDATE SET hlc = excluded.hlc, site_id = excluded.site_id",
            [(entity, row_id, name, hlc, self.site_id) for name in fields],
        )
        self._outbox([(entity, row_id, "update", ",".join(fields), hlc, self.site_id)])
        self.audit(AuditAction.ALTERATION, entity, row_id, fields, detail=detail)
        return changed

    def erase_appended(self, entity: str, where: Mapping[str, str]) -> list[str]:
        """Delete insert-only rows (erasure): an ``erase`` outbox entry carries it to the hub
        and other desks. Returns the keys erased; nothing of their content is kept."""
        self._may_change()
        table = APPEND_ONLY[entity]
        condition = and_(*(table.c[name] == value for name, value in where.items()))
        rows = [dict(r) for r in self.conn.execute(select(table).where(condition)).mappings()]
        if not rows:
            return []
        keys = [_append_key(row) for row in rows]
        self.conn.execute(table.delete().where(condition))
        self.touched.add(entity)
        hlc = self.clock.now()
        self._outbox([(entity, key, "erase", "", hlc, self.site_id) for key in keys])
        return keys

    def queue_everything(self) -> int:
        """Queue every row of the desk for the hub again: a desk moving to a new hub sends
        its whole state, not only what was still waiting. Rows go as inserts (each with
        the versions of its fields) and insert-only rows as appends; the hub merges them
        like any push, so what it already holds changes nothing. Returns the rows queued."""
        self._may_change()
        hlc = self.clock.now()
        before = self.conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM outbox").scalar()
        for entity, table in VERSIONED.items():
            self.conn.exec_driver_sql(
                "INSERT INTO outbox(entity, row_id, op, fields, hlc, site_id) "
                f"SELECT ?, id, 'insert', '', ?, ? FROM {table.name} ORDER BY id",
                (entity, hlc, self.site_id),
            )
        for entity, table in APPEND_ONLY.items():
            key = "id" if "id" in table.c else " || ':' || ".join(sorted(table.c.keys()))
            self.conn.exec_driver_sql(
                "INSERT INTO outbox(entity, row_id, op, fields, hlc, site_id) "
                f"SELECT ?, {key}, 'append', '', ?, ? FROM {table.name}",
                (entity, hlc, self.site_id),
            )
        after = self.conn.exec_driver_sql("SELECT max(seq) FROM outbox").scalar()
        return int(after or 0) - int(before or 0)

    # -- insert-only records ---------------------------------------------------------
    def append(
        self,
        entity: str,
        values: dict[str, Any],
        *,
        audit_entity: str | None = None,
        audit_id: str = "",
        detail: str = "",
    ) -> None:
        """Insert a timeline entry, contact or link: these never conflict at sync."""
        self.append_many(
            entity, [values], audit_entity=audit_entity, audit_id=audit_id, detail=detail
        )

    def append_many(
        self,
        entity: str,
        rows: list[dict[str, Any]],
        *,
        audit_entity: str | None = None,
        audit_id: str = "",
        detail: str = "",
        log: str = "each",
    ) -> None:
        table = APPEND_ONLY[entity]
        self._may_change()
        if not rows:
            return
        if "id" in table.c:
            for row in rows:
                row.setdefault("id", uuid7())
        hlc = self.clock.now()
        _Bulk(self.conn, table).run(rows)
        self.touched.add(entity)
        keys = [_append_key(row) for row in rows]
        self._outbox([(entity, key, "append", "", hlc, self.site_id) for key in keys])
        if log == "each" and audit_id:
            for _ in rows:
                self.audit(
                    AuditAction.COLLECTION,
                    audit_entity or entity,
                    audit_id,
                    detail=detail or entity,
                )
        else:
            self._log_collection(audit_entity or entity, keys, log, detail or entity)


def _append_key(row: Mapping[str, Any]) -> str:
    """Link tables have no id of their own: their key is the pair they link."""
    if "id" in row:
        return str(row["id"])
    return ":".join(str(row[name]) for name in sorted(row))
