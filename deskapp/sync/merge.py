"""Applying remote changes to the desk: the second entry of the one write path.

``WriteTx`` writes local edits (row, field versions, outbox, audit). This module writes
changes that came from the hub, inside the caller's ``WriteTx`` transaction: the row
values, the field versions taken from the remote (so every desk converges on the same
versions), conflict records, and audit events. It never writes outbox entries: a remote
change is not this desk's to send again.

The merge rule is ``protocol.merge_rule``'s (the hub's too): per field, the larger version
(hlc, site id) wins; a local edit still waiting in the outbox that loses to a remote one
is kept as a ``conflict`` row for a supervisor; insert-only rows are inserted once (or
deleted when erased) and never conflict.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Dialect,
    String,
    Table,
    bindparam,
    func,
    literal_column,
    select,
)

from deskapp.db.tables import CONFLICT
from deskapp.db.types import UTCDateTime, to_sqlite
from deskapp.db.writes import (
    APPEND_ONLY,
    MAX_PARAMS,
    MAX_ROWS,
    NOT_FIELDS,
    VERSIONED,
    FieldVersionRow,
    WriteTx,
    _Bulk,
    _scalar_default,
    bulk_columns,
)
from deskapp.domain.text import json_may_hold_control
from deskapp.domain.vocabulary import AuditAction
from deskapp.protocol import jsontext, merge_rule, wire_checks
from deskapp.protocol.hlc import ClockSkew
from deskapp.protocol.ids import uuid7
from deskapp.protocol.merge_rule import Version, effective
from deskapp.services import security
from deskapp.sync import wire_insert
from deskapp.sync.quarantine import Quarantined
from deskapp.sync.wire_rules import RULES


# -- values on the wire --------------------------------------------------------------
def encode_value(value: Any) -> Any:
    """A column value as JSON: times and dates as ISO strings, the rest as they are."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def decode_value(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    return value


_Storer = Callable[[Any], Any] | None


def stored_datetime(wire: str) -> str:
    """A time off the wire as the desk stores it. ``encode_value`` writes UTC times as
    ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``; those only need re-punctuating (once parsed,
    so nothing but a valid time is stored). Anything else goes the long way round."""
    parsed = datetime.fromisoformat(wire)
    if len(wire) == 32 and wire[10] == "T" and wire.endswith("+00:00"):
        return f"{wire[:10]} {wire[11:26]}"
    return str(to_sqlite(parsed))


def _stored_date(wire: str) -> str:
    return date.fromisoformat(wire).isoformat()


def _stored_bool(wire: Any) -> int:
    return 1 if wire else 0


def _storer(column: Column[Any]) -> _Storer:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return stored_datetime
    if isinstance(kind, Date):
        return _stored_date
    if isinstance(kind, Boolean):
        return _stored_bool
    return None


#: Per table: its column names, and the columns whose wire values need converting.
_storer_cache: dict[str, tuple[frozenset[str], list[tuple[str, Callable[[Any], Any]]]]] = {}


def _storers(table: Table) -> tuple[frozenset[str], list[tuple[str, Callable[[Any], Any]]]]:
    found = _storer_cache.get(table.name)
    if found is None:
        convert = [(c.name, store) for c in table.columns if (store := _storer(c)) is not None]
        found = _storer_cache[table.name] = (frozenset(table.c.keys()), convert)
    return found


def stored_row(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """A pulled row's values as the desk stores them: what ``decode_value`` and then the
    columns' bind processors would give, in one step (a first sync converts 200,000 rows).
    Most columns are text stored as sent; only times, dates and flags are converted."""
    names, convert = _storers(table)
    out = {k: v for k, v in data.items() if k in names}
    for name, store in convert:
        value = out.get(name)
        if value is not None:
            out[name] = store(value)
    return out


#: Per table: for each column a bulk insert writes, in order, its name, its default and
#: the converter its wire values need (None: stored as sent).
_layouts: dict[str, list[tuple[str, Any, _Storer]]] = {}


def _insert_layout(table: Table) -> list[tuple[str, Any, _Storer]]:
    found = _layouts.get(table.name)
    if found is None:
        found = _layouts[table.name] = [
            (c.name, _scalar_default(c), _storer(c)) for c in bulk_columns(table)
        ]
    return found


def insert_values(table: Table, row_id: str, data: Mapping[str, Any]) -> tuple[Any, ...]:
    """A pulled row as the desk stores it if new: ``stored_row`` in the bulk insert's
    column order, defaults filled, in one pass (no dict in between)."""
    out: list[Any] = []
    for name, default, store in _insert_layout(table):
        value = row_id if name == "id" else data.get(name, default)
        out.append(store(value) if store is not None and value is not None else value)
    return tuple(out)


class _Rows:
    """Bulk writes of pulled rows into one desk table, through each column's own bind
    processor (values stored exactly as SQLAlchemy stores them). Inserts are the write
    path's ``_Bulk``; updates are multi-row ``UPDATE … FROM (VALUES …)`` statements, for
    the same reason ``_Bulk`` uses multi-row inserts (FTS5 flushes once per statement)."""

    def __init__(self, dialect: Dialect, table: Table) -> None:
        self.table = table
        self.columns = list(table.columns)
        self.processors = {c.name: c.type.bind_processor(dialect) for c in self.columns}
        self.defaults = {c.name: _scalar_default(c) for c in self.columns}

    def _bind(self, name: str, value: Any) -> Any:
        proc = self.processors[name]
        return proc(value) if proc is not None else value

    def insert(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows whose values are already in stored form (``stored_row``)."""
        _Bulk(conn, self.table, stored=True).run(rows)

    def insert_values(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows made by ``insert_values``."""
        _Bulk(conn, self.table, stored=True).run_values(rows)

    def update(
        self, conn: Connection, names: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """``UPDATE … FROM (VALUES …)`` by id: the named columns of each row."""
        if not rows:
            return
        cols = ["id", *names]
        one = "(" + ", ".join("?" for _ in cols) + ")"
        sets = ", ".join(f"{n} = v.column{i + 2}" for i, n in enumerate(names))
        per = max(1, min(MAX_ROWS, MAX_PARAMS // len(cols)))
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            params = [self._bind(n, row[n]) for row in part for n in cols]
            conn.exec_driver_sql(
                f"UPDATE {self.table.name} SET {sets} "
                f"FROM (VALUES {', '.join([one] * len(part))}) AS v "
                f"WHERE {self.table.name}.id = v.column1",
                tuple(params),
            )


_rows_cache: dict[tuple[str, str], _Rows] = {}


def _rows(conn: Connection, table: Table) -> _Rows:
    key = (conn.dialect.name, table.name)
    found = _rows_cache.get(key)
    if found is None:
        found = _rows_cache[key] = _Rows(conn.dialect, table)
    return found


def dumps(value: Any) -> str:
    return json.dumps(encode_value(value), ensure_ascii=False)


def append_key_columns(table: Table) -> list[str]:
    """The columns an insert-only row's key is made of (see ``writes._append_key``)."""
    if "id" in table.c:
        return ["id"]
    return sorted(c.name for c in table.columns)


def split_append_key(table: Table, key: str) -> dict[str, str]:
    names = append_key_columns(table)
    return dict(zip(names, key.split(":") if len(names) > 1 else [key], strict=True))


# -- versions ------------------------------------------------------------------------
def _ids_param(ids: Iterable[str]) -> str:
    """Ids as one JSON array parameter, for ``IN (SELECT value FROM json_each(?))``: one
    query however many (an IN list is bounded by SQLite's parameter limit, and each
    length compiles anew)."""
    return jsontext.dumps(list(ids))


def id_in(column: Column[Any], ids: Iterable[str]) -> Any:
    """``column IN (ids)`` on SQLite, the ids as one JSON array (``_ids_param``)."""
    listed = select(literal_column("value", String)).select_from(
        func.json_each(bindparam("ids", _ids_param(ids), unique=True))
    )
    return column.in_(listed.scalar_subquery())


def rows_by_id(
    conn: Connection, table: Table, columns: Sequence[Column[Any]], ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The given columns (``id`` among them) of the rows with these ids, by id."""
    names = [c.name for c in columns]
    found = conn.execute(select(*columns).where(id_in(table.c.id, ids)))
    return {rec["id"]: rec for rec in (dict(zip(names, r, strict=True)) for r in found)}


def local_versions(
    conn: Connection, entity: str, ids: Sequence[str]
) -> dict[str, dict[str, Version]]:
    out: dict[str, dict[str, Version]] = defaultdict(dict)
    for row_id, name, hlc, site in conn.exec_driver_sql(
        "SELECT row_id, field, hlc, site_id FROM field_version "
        "WHERE entity = ? AND row_id IN (SELECT value FROM json_each(?))",
        (entity, _ids_param(ids)),
    ).fetchall():
        out[row_id][name] = Version(int(hlc), str(site))
    return out


def pending_fields(
    conn: Connection, pushed_hw: int, entity: str, ids: Sequence[str]
) -> dict[str, set[str]]:
    """Fields of these rows edited locally and not yet accepted by the hub."""
    out: dict[str, set[str]] = defaultdict(set)
    table = VERSIONED[entity]
    for row_id, op, names in conn.exec_driver_sql(
        "SELECT row_id, op, fields FROM outbox "
        "WHERE seq > ? AND entity = ? AND row_id IN (SELECT value FROM json_each(?))",
        (pushed_hw, entity, _ids_param(ids)),
    ).fetchall():
        if op == "insert":
            out[row_id].update(c.name for c in table.columns)
        elif names:
            out[row_id].update(str(names).split(","))
    return out


# -- what arrives --------------------------------------------------------------------
class RemoteRow:
    """A pulled change of a row: values on the wire (None: an erased insert-only row) and
    the version of each field (``*`` for the creation).

    The values come decoded (``data``), as the JSON text they travelled as (``raw``), or
    both; a row new here goes in straight from the text (``sync.wire_insert``)."""

    __slots__ = ("_data", "entity", "raw", "row_id", "seen", "seq", "site", "versions")

    def __init__(
        self,
        entity: str,
        row_id: str,
        data: Any,
        versions: dict[str, Version],
        *,
        raw: str | None = None,
        seq: int = 0,
        seen: int | None = None,
        site: str = "",
    ) -> None:
        self.entity = entity
        self.row_id = row_id
        self.versions = versions
        self.raw = raw
        self.seq = seq  # the hub sequence number it came under
        #: Of an edit (an update), the hub seq its desk had pulled to when it was made;
        #: None for anything else (a new row, or a value relayed). See ``lost_on_desk``.
        self.seen = seen
        self.site = site  # the site whose batch brought it
        self._data = data

    @property
    def data(self) -> Any:
        """The values: a dict, unless the hub's text was something else (then the checks
        of ``protocol.wire_checks`` hold the row back)."""
        if self._data is None and self.raw is not None:
            self._data = wire_checks.parse_each([self.raw])[0]
        return self._data

    def held_back(self, reason: str, fields: Sequence[str] = ()) -> Quarantined:
        """This row (or ``fields`` of it) as kept in quarantine."""
        return Quarantined(
            self.seq,
            self.entity,
            self.row_id,
            reason,
            tuple(fields),
            data=self.raw if self.raw is not None else _json_or_none(self._data),
            versions=jsontext.dumps({k: list(v) for k, v in self.versions.items()}),
        )

    @property
    def erased(self) -> bool:
        return self._data is None and self.raw is None


def _json_or_none(value: Any) -> str | None:
    if value is None or value is wire_checks.MALFORMED:
        return None
    return jsontext.dumps(value)


def decode_all(rows: Sequence[RemoteRow]) -> None:
    """Decode the values of rows still held as JSON text, together (``parse_each``)."""
    waiting = [r for r in rows if r._data is None and r.raw is not None]
    if waiting:
        decoded = wire_checks.parse_each([r.raw or "null" for r in waiting])
        for row, data in zip(waiting, decoded, strict=True):
            row._data = data


@dataclass
class MergeOutcome:
    changed: int = 0  # rows inserted, altered or erased on this desk
    conflicts: int = 0
    skews: list[tuple[str, ClockSkew]] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)

    def add(self, other: MergeOutcome) -> None:
        self.changed += other.changed
        self.conflicts += other.conflicts
        self.skews.extend(other.skews)
        self.quarantined.extend(other.quarantined)

    def hold(self, row: RemoteRow, problems: Mapping[str, str], now_ms: int) -> None:
        """Quarantine ``row`` (``problems`` by field; ``''``: the row as a whole)."""
        fields = sorted(n for n in problems if n)
        self.quarantined.append(row.held_back("; ".join(sorted(set(problems.values()))), fields))
        limit = wire_checks.drift_limit(now_ms)
        late = [v for v in row.versions.values() if v.hlc >= limit]
        if late:
            hlc_value, site = max(late)
            self.skews.append((site, ClockSkew(remote_ms=hlc_value >> 16, local_ms=now_ms)))


def observe(tx: WriteTx, versions: Iterable[Version]) -> list[tuple[str, ClockSkew]]:
    """Advance the desk's clock past remote versions; report any implausibly far ahead."""
    latest: dict[str, int] = {}
    for hlc, site in versions:
        if hlc > latest.get(site, -1):
            latest[site] = hlc
    skews = []
    for site, hlc in latest.items():
        skew = tx.clock.observe(hlc)
        if skew is not None:
            skews.append((site, skew))
    return skews


#: The hub seq under which this desk published a version of its own (None: not yet).
Published = Callable[[Version], int | None]


def _erased_people(conn: Connection, rows: Sequence[RemoteRow]) -> set[str]:
    """The people named by ``rows`` (``person_id``) who are erased on this desk."""
    ids = {
        str(r.data["person_id"])
        for r in rows
        if isinstance(r.data, dict) and isinstance(r.data.get("person_id"), str)
    }
    if not ids:
        return set()
    found = conn.exec_driver_sql(
        "SELECT id FROM person WHERE deleted AND name = ? "
        "AND id IN (SELECT value FROM json_each(?))",
        (merge_rule.ERASED_NAME, _ids_param(sorted(ids))),
    )
    return {str(i) for (i,) in found}


def apply_remote(
    tx: WriteTx, rows: Sequence[RemoteRow], pushed_hw: int, published: Published | None = None
) -> MergeOutcome:
    """Merge remote rows into the desk, inside ``tx``'s transaction, in their order (one
    row may come more than once: the hub is a log of changes).

    Rows (or, of a row already here, fields) that fail ``protocol.wire_checks`` are not
    merged: they come back in ``outcome.quarantined``, for the caller to keep."""
    outcome = MergeOutcome()
    now_ms = tx.clock.wall_ms()
    limit = wire_checks.drift_limit(now_ms)
    # A version too far ahead is quarantined with its field, so it moves no clock here.
    outcome.skews = observe(tx, (v for r in rows for v in r.versions.values() if v.hlc < limit))
    by_entity: dict[str, list[RemoteRow]] = defaultdict(list)
    for row in rows:
        by_entity[row.entity].append(row)
    for entity, group in by_entity.items():
        if entity in VERSIONED:
            outcome.add(_merge_versioned(tx, entity, group, pushed_hw, now_ms, published))
        elif entity in APPEND_ONLY:
            outcome.add(_merge_appended(tx, entity, group, now_ms))
    return outcome


def _new_row_problems(remote: RemoteRow, now_ms: int) -> dict[str, str]:
    """Why a row new to this desk cannot go in whole (it goes in whole or not at all)."""
    rules = RULES[remote.entity]
    data = remote.data
    problems = wire_checks.data_problems(data, rules.fields)
    if not problems and (lacking := wire_checks.missing_required(data, rules.required)):
        problems[""] = lacking
    for name in wire_checks.ahead(remote.versions, now_ms):
        problems[name if name != "*" else ""] = wire_checks.DRIFT
    return problems


def _merge_versioned(
    tx: WriteTx,
    entity: str,
    rows: Sequence[RemoteRow],
    pushed_hw: int,
    now_ms: int,
    published: Published | None = None,
) -> MergeOutcome:
    conn = tx.conn
    table = VERSIONED[entity]
    rules = RULES[entity].fields
    limit = wire_checks.drift_limit(now_ms)
    tx.touched.add(entity)  # cached orderings of this table rebuild (search.ranked)
    outcome = MergeOutcome()
    names_here = _storers(table)[0]
    field_versions: list[FieldVersionRow] = []
    ids = [r.row_id for r in rows]
    here = _present(conn, table, ids)
    repeated = _repeated(ids)
    # Rows new here (all of a first sync) go in straight from the JSON text they
    # travelled as when their values pass the checks there; the rows that path leaves
    # (checked here, one by one), those stamped too far ahead, and every row already
    # here are merged below.
    fresh = [
        k
        for k, r in enumerate(rows)
        if r.raw is not None
        and not json_may_hold_control(r.raw)  # such text is checked the Python way
        and r.row_id not in here
        and r.row_id not in repeated
        and all(v.hlc < limit for v in r.versions.values())
    ]
    now = str(to_sqlite(tx.now))
    left = wire_insert.insert_json(
        conn,
        table,
        [(rows[k].row_id, rows[k].raw or "") for k in fresh],
        now,
        [rows[k].data for k in fresh],
    )
    received = set(fresh).difference(fresh[p] for p in left)
    for k in received:
        field_versions.extend(_creation_versions(entity, rows[k], names_here))
    first_received = rows[min(received)].row_id if received else ""
    rows = [r for k, r in enumerate(rows) if k not in received]
    decode_all(rows)
    ids = [r.row_id for r in rows]
    known = [i for i in ids if i in here]
    versions = local_versions(conn, entity, known)
    pending = pending_fields(conn, pushed_hw, entity, known)
    # Only the fields that may win are compared, so only those are read of the rows
    # already here (and what telling an erasure needs). Per remote row, in order: one
    # row may come twice (a conflict's winners, a field each).
    candidates = [
        _candidates(r, versions.get(r.row_id, {})) if isinstance(r.data, dict) else [] for r in rows
    ]
    wanted = set().union(*candidates) | {"id", "deleted", "name"}
    columns = [c for c in table.c if c.name in wanted]
    existing = rows_by_id(conn, table, columns, known)
    inserts: list[tuple[Any, ...]] = []
    layout = [name for name, _, _ in _insert_layout(table)]
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    changed_rows: dict[str, dict[str, Any]] = {}
    conflicts: list[dict[str, Any]] = []
    altered_fields: set[str] = set()
    erased: list[str] = []
    for remote, names in zip(rows, candidates, strict=True):
        if remote.erased:
            continue
        local = existing.get(remote.row_id)
        if local is None:
            if refused := _new_row_problems(remote, now_ms):
                outcome.hold(remote, refused, now_ms)
                continue
            values = insert_values(table, remote.row_id, remote.data)
            inserts.append(values)
            if remote.row_id in repeated:  # its next occurrence compares with this one
                existing[remote.row_id] = dict(
                    zip(
                        layout,
                        [decode_value(table.c[n], v) for n, v in zip(layout, values, strict=True)],
                        strict=True,
                    )
                )
                versions[remote.row_id] = dict(remote.versions)
            field_versions.extend(_creation_versions(entity, remote, names_here))
            continue
        if not isinstance(remote.data, dict):
            outcome.hold(remote, wire_checks.data_problems(remote.data, rules), now_ms)
            continue
        mine = versions.get(remote.row_id, {})
        changes: dict[str, Any] = {}
        # Of a row already here, a field that fails its checks is held back alone: the
        # row's other fields still merge.
        problems: dict[str, str] = {}
        for name in names:
            if name not in names_here:
                problems[""] = "a field this desk does not know"
                continue
            if name in NOT_FIELDS:
                continue
            wire = remote.data[name]
            theirs = effective(remote.versions, name)
            ours = effective(mine, name)
            if theirs is None or not merge_rule.wins(theirs, ours):
                continue
            found = (
                wire_checks.DRIFT
                if theirs.hlc >= limit
                else wire_checks.value_problem(name, rules[name], wire)
            )
            if found is not None:
                problems[name] = found
                continue
            value = decode_value(table.c[name], wire)
            if remote.row_id in repeated:  # a later change of this row compares with this
                versions.setdefault(remote.row_id, {})[name] = theirs
            if local[name] != value:
                changes[name] = value
                unseen = name in pending.get(remote.row_id, ()) or _unseen(
                    remote, ours, theirs, published
                )
                if ours is not None and merge_rule.lost_on_desk(
                    ours, theirs, site=tx.site_id, unseen=unseen
                ):
                    conflicts.append(
                        _conflict_row(
                            tx, entity, remote.row_id, name, local[name], ours, wire, theirs
                        )
                    )
            field_versions.append(
                FieldVersionRow(entity, remote.row_id, name, theirs.hlc, theirs.site)
            )
        if problems:
            outcome.hold(remote, problems, now_ms)
        if changes:
            altered_fields.update(changes)
            local.update(changes)
            if "updated_at" in table.c:
                changes["updated_at"] = tx.now
            # One row may change more than once in a pull: the last values are written.
            changed_rows.setdefault(remote.row_id, {}).update(changes)
            outcome.changed += 1
            if (
                entity == "person"
                and ("deleted" in changes or "name" in changes)
                and merge_rule.is_erased_person(local)
            ):
                erased.append(remote.row_id)
    if inserts:
        _fill_times(inserts, layout, to_sqlite(tx.now))
        _rows(conn, table).insert_values(conn, inserts)
        first_received = first_received or inserts[0][layout.index("id")]
    if received or inserts:
        count = len(received) + len(inserts)
        outcome.changed += count
        tx.audit(
            AuditAction.COLLECTION,
            entity,
            first_received if count == 1 else "",
            detail=f"sync: {count} received from the hub",
        )
    for row_id, changed in changed_rows.items():
        updates[tuple(sorted(changed))].append({"id": row_id, **changed})
    for changed_columns, params in updates.items():
        _rows(conn, table).update(conn, changed_columns, params)
    if updates:
        count = sum(len(p) for p in updates.values())
        tx.audit(
            AuditAction.ALTERATION,
            entity,
            next(iter(updates.values()))[0]["id"] if count == 1 else "",
            sorted(altered_fields),
            detail=f"sync: {count} altered from the hub",
        )
    if field_versions:
        conn.exec_driver_sql(
            "INSERT INTO field_version(entity, row_id, field, hlc, site_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(entity, row_id, field) "
            "DO UPDATE SET hlc = excluded.hlc, site_id = excluded.site_id",
            field_versions,
        )
    if conflicts:
        conn.execute(CONFLICT.insert(), conflicts)
        outcome.conflicts += len(conflicts)
    for person_id in erased:
        erase_person_locally(tx, person_id)
    return outcome


def _unseen(
    remote: RemoteRow, ours: Version | None, theirs: Version, published: Published | None
) -> bool:
    """Whether the edit that made ``theirs`` was made without sight of this desk's own
    version ``ours``: its desk had pulled only up to a hub seq before the one that
    published ours. Only an edit by the desk whose batch brought it counts (a row sent
    whole, or a value relayed, is no edit of that moment)."""
    if published is None or ours is None or remote.seen is None or theirs.site != remote.site:
        return False
    at = published(ours)
    return at is not None and at > remote.seen


def _present(conn: Connection, table: Table, ids: Sequence[str]) -> set[str]:
    """The ids already on this desk (one query: the ids go in as one JSON array)."""
    found = conn.exec_driver_sql(
        f"SELECT id FROM {table.name} WHERE id IN (SELECT value FROM json_each(?))",
        (_ids_param(ids),),
    )
    return {str(i) for (i,) in found}


def _creation_versions(
    entity: str, remote: RemoteRow, names_here: frozenset[str]
) -> Iterator[FieldVersionRow]:
    """The field versions a row new here is stored with: its creation's and its fields'."""
    for name, (hlc, site) in remote.versions.items():
        if name == "*" or (name in names_here and name not in NOT_FIELDS):
            yield FieldVersionRow(entity, remote.row_id, name, hlc, site)


def _repeated(ids: Sequence[str]) -> set[str]:
    """The ids that come more than once in a batch (a conflict's winners, a field each)."""
    if len(set(ids)) == len(ids):
        return set()
    seen: set[str] = set()
    return {i for i in ids if i in seen or seen.add(i)}  # type: ignore[func-returns-value]


def _fill_times(rows: list[tuple[Any, ...]], layout: list[str], now: Any) -> None:
    """A pulled row without its own created/updated time takes the pull's."""
    slots = [layout.index(n) for n in ("created_at", "updated_at") if n in layout]
    for k, row in enumerate(rows):
        if any(row[i] is None for i in slots):
            filled = list(row)
            for i in slots:
                if filled[i] is None:
                    filled[i] = now
            rows[k] = tuple(filled)


def _candidates(remote: RemoteRow, mine: Mapping[str, Version]) -> Collection[str]:
    """The fields of ``remote`` that could be newer than this desk's.

    A field without a version of its own carries the row's creation version ``*``. When
    that is no newer than the oldest version held here, no such field can win (each of
    ours is at least that old one), and only fields with their own versions are left to
    compare: one or two, rather than every column of the row."""
    data: dict[str, Any] = remote.data
    star = remote.versions.get("*")
    if star is not None and mine and star <= min(mine.values()):
        return [n for n in remote.versions if n != "*" and n in data]
    return data.keys()


def _conflict_row(
    tx: WriteTx,
    entity: str,
    row_id: str,
    name: str,
    local_value: Any,
    local_version: Version,
    remote_wire: Any,
    remote_version: Version,
    conflict_id: str | None = None,
) -> dict[str, Any]:
    tx.audit(
        AuditAction.ALTERATION,
        entity,
        row_id,
        (name,),
        detail="sync: a local edit lost to a concurrent one; kept as a conflict",
    )
    return {
        "id": conflict_id or uuid7(),
        "entity": entity,
        "row_id": row_id,
        "field": name,
        "local_value": dumps(local_value),
        "local_hlc": local_version.hlc,
        "local_site": local_version.site,
        "remote_value": json.dumps(remote_wire, ensure_ascii=False),
        "remote_hlc": remote_version.hlc,
        "remote_site": remote_version.site,
        "detected_at": tx.now,
        "resolved_by": None,
        "resolved_at": None,
        "resolution": None,
    }


def erase_person_locally(tx: WriteTx, person_id: str) -> None:
    """An erasure arrived: remove the person's contact log and links, and every conflict
    holding old values of theirs, from this desk (no outbox: the hub already has it).
    Their security records are blanked as the erasing desk blanks them, and the blanking
    is sent: a record this desk made before it heard of the erasure is on no other desk's
    erasure, so without it its notes would outlive the person."""
    security.erase_for_person(tx, person_id)
    removed = 0
    for entity in merge_rule.PERSON_LINKED:
        table = APPEND_ONLY[entity]
        result = tx.conn.execute(table.delete().where(table.c.person_id == person_id))
        removed += int(result.rowcount or 0)
    tx.conn.execute(CONFLICT.delete().where(CONFLICT.c.row_id == person_id))
    tx.conn.exec_driver_sql("INSERT INTO person_fts(person_fts) VALUES ('optimize')")
    tx.audit(
        AuditAction.ERASURE,
        "person",
        person_id,
        detail=f"sync: erasure received from the hub; removed {removed} contacts and links",
    )


def _last_of_each(entity: str, rows: Sequence[RemoteRow]) -> list[RemoteRow]:
    """One change per key: of several (a link made, taken off and made again, all in
    one pull), the one the merge rule keeps."""
    kept: dict[str, RemoteRow] = {}
    for remote in rows:
        held = kept.get(remote.row_id)
        if (
            held is None
            or merge_rule.merge_appended(
                _row_change(entity, held), incoming := _row_change(entity, remote)
            )
            is incoming
        ):
            kept[remote.row_id] = remote
    return list(kept.values())


def _row_change(entity: str, remote: RemoteRow) -> merge_rule.RowChange:
    version = effective(remote.versions, merge_rule.CREATION) or Version(0, "")
    return merge_rule.RowChange(entity, remote.row_id, None, version, remote.erased)


def _merge_appended(
    tx: WriteTx, entity: str, rows: Sequence[RemoteRow], now_ms: int
) -> MergeOutcome:
    conn = tx.conn
    table = APPEND_ONLY[entity]
    tx.touched.add(entity)
    names = append_key_columns(table)
    outcome = MergeOutcome()
    rows = _last_of_each(entity, rows)
    keys = [r.row_id for r in rows]
    if names == ["id"]:
        present = _present(conn, table, keys)
    else:
        present = set()
        for key in keys:
            query = select(*[table.c[n] for n in names])
            for n, v in split_append_key(table, key).items():
                query = query.where(table.c[n] == v)
            if conn.execute(query).first() is not None:
                present.add(key)
    inserts: list[dict[str, Any]] = []
    erased = 0
    gone = _erased_people(conn, rows) if entity in merge_rule.PERSON_LINKED else set()
    for remote in rows:
        if remote.data is None:
            if remote.row_id in present:
                delete = table.delete()
                for n, v in split_append_key(table, remote.row_id).items():
                    delete = delete.where(table.c[n] == v)
                conn.execute(delete)
                present.discard(remote.row_id)
                erased += 1
            continue
        if remote.row_id in present:
            continue
        if isinstance(remote.data, dict) and remote.data.get("person_id") in gone:
            continue  # made for a person erased since: an erasure beats every copy
        if problems := _new_row_problems(remote, now_ms):
            outcome.hold(remote, problems, now_ms)
            continue
        values = stored_row(table, remote.data)
        values.update(split_append_key(table, remote.row_id))  # ids: stored as they are
        inserts.append(values)
        present.add(remote.row_id)
    if inserts:
        _rows(conn, table).insert(conn, inserts)
        tx.audit(
            AuditAction.COLLECTION, entity, "", detail=f"sync: {len(inserts)} received from the hub"
        )
    if erased:
        tx.audit(AuditAction.ERASURE, entity, "", detail=f"sync: {erased} erased at the hub")
    outcome.changed += len(inserts) + erased
    return outcome
