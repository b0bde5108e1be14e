"""Sync on demand: push the outbox to the hub, pull what changed, keep conflicts.

``run_sync`` is what ``deskapp sync`` and the TUI's sync key call. Every batch is atomic
on both sides and retries are harmless:

* push: a batch of outbox entries is one hub transaction, which reads back the versions
  the hub then holds for the rows it touched; after it commits, the desk drops the entries
  the hub holds (by those versions, never by a watermark the hub states), and keeps the
  rest to send again (a crash in between re-sends them; applying one twice changes
  nothing);
* pull: a batch of hub rows after the desk's cursor is merged, and the cursor advanced, in
  one local transaction.

Cancelling stops between batches; whatever committed stays committed and consistent.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from deskapp.core import collector, merge_rule, wire_checks
from deskapp.core.clock import utcnow
from deskapp.core.errors import ConfigError
from deskapp.core.merge_rule import CREATION, Version, effective
from deskapp.core.wording import count
from deskapp.store import audit, merge, quarantine, search_index
from deskapp.store.desk import Desk
from deskapp.store.models import Conflict
from deskapp.store.quarantine import Quarantined
from deskapp.store.wire_rules import RULES
from deskapp.store.writes import APPEND_ONLY, VERSIONED, WriteTx
from deskapp.sync.enrolment import HubTrust, admit
from deskapp.sync.hub import Hub, ReadCaps, open_hub
from deskapp.sync.hub_push import Change, HeldRow, PushBatch
from deskapp.sync.hub_url import parse_hub_url

CONFLICT = Conflict.__table__  # type: ignore[attr-defined]
#: Outbox entries per push batch (one hub transaction each).
BATCH = 2000
#: Hub rows per pull batch (one desk transaction each): larger, since a new desk's first
#: sync pulls everything and each batch costs a commit and a hub query. The app's peak
#: memory grows with the batch: this size, batches read in turn, keeps the app's first
#: sync of the 100k demo desk under its memory goal (docs/performance.md).
PULL_BATCH = 4000
#: What one pull reads at most (``core.wire_checks``): larger rows are quarantined unread.
CAPS = ReadCaps(
    row=wire_checks.MAX_ROW_BYTES,
    versions=wire_checks.MAX_VERSIONS_BYTES,
    batch=wire_checks.MAX_BATCH_BYTES,
)

K_URL = "sync_hub_url"
K_HUB_ID = "sync_hub_id"
K_CURSOR = "sync_cursor"
K_CONFLICT_CURSOR = "sync_conflict_cursor"
K_PUSHED = "sync_pushed_hw"
K_AUDIT = "sync_audit_hw"
K_LAST = "sync_last_at"
KEYS = (K_URL, K_HUB_ID, K_CURSOR, K_CONFLICT_CURSOR, K_PUSHED, K_AUDIT, K_LAST)


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "push" | "pull"
    done: int
    total: int


@dataclass
class SyncResult:
    hub_url: str
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    audit_pushed: int = 0
    #: Pulled changes held back by this sync (see store.quarantine).
    quarantined: int = 0
    #: Changes and audit events sent that the hub did not hold afterwards: kept to send again.
    unconfirmed: int = 0
    skew: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    cancelled: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "hub": self.hub_url,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "quarantined": self.quarantined,
            "audit_pushed": self.audit_pushed,
            "unconfirmed": self.unconfirmed,
            "skew": list(self.skew),
            "duration_s": round(self.duration_s, 3),
            "cancelled": self.cancelled,
        }


@dataclass(frozen=True)
class SyncStatus:
    pending: int
    last_sync_at: datetime | None
    conflicts_waiting: int
    hub_url: str | None
    quarantined: int = 0


# -- the desk's sync state (in its encrypted meta table) --------------------------------
def _state(conn: Connection) -> dict[str, str]:
    rows = conn.exec_driver_sql(
        f"SELECT key, value FROM meta WHERE key IN ({','.join('?' for _ in KEYS)})", KEYS
    )
    return {str(k): str(v) for k, v in rows}


def _set(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(
        text(
            "INSERT INTO meta(key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        [{"k": k, "v": str(v)} for k, v in values.items()],
    )


def _mark(conn: Connection, cursor: int) -> None:
    """Record that edits made from now on were made having seen the hub up to ``cursor``."""
    conn.exec_driver_sql(
        "INSERT INTO sync_mark(outbox_seq, cursor) "
        "VALUES ((SELECT coalesce(max(seq), 0) FROM outbox), ?) "
        "ON CONFLICT(outbox_seq) DO UPDATE SET cursor = excluded.cursor",
        (cursor,),
    )


def status(desk: Desk) -> SyncStatus:
    """Pending changes, last sync, conflicts waiting and the hub: a few indexed reads."""
    with desk.read() as conn:
        state = _state(conn)
        # Unpushed entries are contiguous (seq is the rowid, assigned max+1, and only
        # pushed entries are ever deleted), so one index probe counts them.
        newest = conn.exec_driver_sql("SELECT max(seq) FROM outbox").scalar() or 0
        pending = max(0, int(newest) - int(state.get(K_PUSHED, "0")))
        waiting = conn.exec_driver_sql(
            "SELECT count(*) FROM conflict WHERE resolved_at IS NULL"
        ).scalar_one()
        held = quarantine.count(conn)
    last = state.get(K_LAST)
    return SyncStatus(
        pending=int(pending),
        last_sync_at=datetime.fromisoformat(last) if last else None,
        conflicts_waiting=int(waiting),
        hub_url=state.get(K_URL),
        quarantined=held,
    )


def remember_url(desk: Desk, display: str) -> None:
    """Make ``display`` this desk's hub if it has none yet (``hub init`` and ``hub join``)."""
    if remembered_hub(desk) is None:
        with desk.write() as tx:
            _set(tx.conn, {K_URL: display})


def remembered_hub(desk: Desk) -> str | None:
    with desk.read() as conn:
        return _state(conn).get(K_URL)


# -- one sync ----------------------------------------------------------------------------
class _Run:
    trust: HubTrust | None = None  # the hub keys and certificates (run_sync's gate)

    def __init__(
        self,
        desk: Desk,
        hub: Hub,
        result: SyncResult,
        progress: Callable[[SyncProgress], None] | None,
        cancel: threading.Event | None,
        batch: int,
        pull_batch: int,
    ) -> None:
        self.desk = desk
        self.hub = hub
        self.result = result
        self.progress = progress
        self.cancel = cancel
        self.batch = batch
        self.pull_batch = pull_batch
        with desk.read() as conn:
            state = _state(conn)
        self.cursor = int(state.get(K_CURSOR, "0"))
        self.conflict_cursor = int(state.get(K_CONFLICT_CURSOR, "0"))
        self.pushed_hw = int(state.get(K_PUSHED, "0"))
        self.audit_hw = int(state.get(K_AUDIT, "0"))
        self.hub_id = state.get(K_HUB_ID)
        self.url = state.get(K_URL)

    def cancelled(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.result.cancelled = True
            return True
        return False

    def report(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(phase, done, total))

    # -- start ----------------------------------------------------------------------
    def remember_hub(self, hub_id: str) -> None:
        changes: dict[str, Any] = {}
        if self.url != self.hub.display:
            changes[K_URL] = self.hub.display
        moving = self.hub_id is not None and self.hub_id != hub_id
        if self.hub_id != hub_id:
            # A different hub: pull everything it holds (merging is idempotent) and send
            # the audit log again.
            changes.update({K_HUB_ID: hub_id, K_CURSOR: 0, K_CONFLICT_CURSOR: 0, K_AUDIT: 0})
            self.cursor = self.conflict_cursor = self.audit_hw = 0
        if changes:
            with self.desk.write() as tx:
                _set(tx.conn, changes)
                if K_CURSOR in changes:
                    tx.conn.exec_driver_sql("DELETE FROM sync_mark")
                if moving:
                    # The new hub has none of what the old one was sent: the desk's whole
                    # state goes again (queued with the move, so a crash loses neither).
                    tx.queue_everything()

    # -- push -----------------------------------------------------------------------
    def push(self) -> None:
        # The cyclic collector rests while the outbox is read and while each batch is
        # made and sent (see core.collector); it runs between batches.
        with collector.paused():
            entries, marks, sent = self._outbox()
        total = len(entries)
        self.report("push", 0, total)
        parts = _parts(entries, sent, self.batch)
        # Each batch also carries the audit events next in line, so changes and events
        # cost one hub transaction and one desk commit together; events left when the
        # changes are done go in batches of their own. Batches are read and sent in turn:
        # reading the next on a second thread while one was at the hub was slower (the
        # two threads handed the GIL to and fro at every SQLite step).
        for index in itertools.count():
            with collector.paused():
                part = parts[index] if index < len(parts) else []
                changes, audits = self._load(part, sent, marks, self.audit_hw)
                if (not part and not audits) or self.cancelled():
                    return
                complete = self._send(part, changes, audits)
            if part:
                self.report("push", self.result.pushed, total)
            if not complete:
                # The hub did not take all of it: what it lacks stays in the outbox, and
                # the next sync sends it again (later batches would leave a gap).
                return

    def _outbox(
        self,
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, int]], dict[int, list[str]]]:
        """The entries to push, the sync marks, and the fields each update still sends."""
        with self.desk.read() as conn:
            entries = [
                tuple(r)
                for r in conn.exec_driver_sql(
                    "SELECT seq, entity, row_id, op, fields, hlc, site_id FROM outbox "
                    "WHERE seq > ? ORDER BY seq",
                    (self.pushed_hw,),
                ).fetchall()
            ]
            marks = [
                (int(s), int(c))
                for s, c in conn.exec_driver_sql(
                    "SELECT outbox_seq, cursor FROM sync_mark ORDER BY outbox_seq"
                )
            ]
        # A field is sent with the last entry that changed it (later edits supersede):
        # walking back from the newest, an update sends the fields no later one took.
        sent: dict[int, list[str]] = {}
        taken: set[tuple[str, str, str]] = set()
        for seq, entity, row_id, op, names, _, _ in reversed(entries):
            if op == "update" and names:
                fields = [n for n in str(names).split(",") if (entity, row_id, n) not in taken]
                if fields:
                    sent[seq] = fields
                    taken.update((entity, row_id, n) for n in fields)
        return entries, marks, sent

    def _load(
        self,
        part: Sequence[tuple[Any, ...]],
        sent: dict[int, list[str]],
        marks: list[tuple[int, int]],
        audit_after: int,
    ) -> tuple[list[Change], list[dict[str, Any]]]:
        """A push batch: the changes of ``part`` and the audit events after ``audit_after``."""
        changes = self._changes(part, sent, marks) if part else []
        with self.desk.read() as conn:
            return changes, audit.events_after(conn, audit_after, self.batch * 2)

    def _send(
        self, part: Sequence[tuple[Any, ...]], changes: list[Change], audits: list[dict[str, Any]]
    ) -> bool:
        """Push one batch; drop from the outbox what the hub now holds. Whether it holds
        everything the batch carried."""
        receipt = self.hub.push(
            PushBatch(
                site_id=self.desk.site_id,
                changes=changes,
                audits=audits,
                outbox_hw=int(part[-1][0]) if part else self.pushed_hw,
                audit_hw=int(audits[-1]["seq"]) if audits else self.audit_hw,
                cursor=self.cursor,
                conflict_ack=self.conflict_cursor,
                versioned=frozenset(VERSIONED),
            )
        )
        missing = [c for c in changes if not _held(c, receipt.held.get((c.entity, c.row_id)))]
        hw = int(part[-1][0]) if part else self.pushed_hw
        if missing:
            hw = max(self.pushed_hw, min(c.outbox_seq for c in missing) - 1)
        ahw = self.audit_hw
        for event in audits:
            if receipt.audit_hashes.get(int(event["seq"])) != event["hash"]:
                break
            ahw = int(event["seq"])
        taken_audits = sum(1 for e in audits if int(e["seq"]) <= ahw)
        with self.desk.write() as tx:
            values: dict[str, Any] = {K_PUSHED: hw, K_AUDIT: ahw}
            # Drop what the hub holds; the newest entry stays so outbox seqs never repeat.
            tx.conn.exec_driver_sql(
                "DELETE FROM outbox WHERE seq <= ? AND seq < (SELECT max(seq) FROM outbox)",
                (hw,),
            )
            tx.conn.exec_driver_sql(
                "DELETE FROM sync_mark WHERE outbox_seq < "
                "(SELECT coalesce(max(outbox_seq), 0) FROM sync_mark WHERE outbox_seq <= ?)",
                (hw,),
            )
            complete = not missing and taken_audits == len(audits)
            if complete and self.cursor == receipt.seq_before and receipt.conflicts == 0:
                # Nothing else reached the hub since we last pulled: what it now holds
                # beyond our cursor is exactly what we sent, so there is nothing to pull back.
                values[K_CURSOR] = self.cursor = receipt.seq_after
                _mark(tx.conn, self.cursor)
            _set(tx.conn, values)
        self.result.pushed += sum(1 for entry in part if int(entry[0]) <= hw)
        self.result.audit_pushed += taken_audits
        self.result.unconfirmed += len(missing) + len(audits) - taken_audits
        self.pushed_hw, self.audit_hw = hw, ahw
        return complete

    def _changes(
        self,
        part: Sequence[tuple[Any, ...]],
        sent: dict[int, list[str]],
        marks: list[tuple[int, int]],
    ) -> list[Change]:
        """The changes ``part`` sends; an update only with the fields in ``sent`` (and
        its row is not read at all when it sends none)."""
        inserted: dict[str, set[str]] = {}
        updated: dict[str, set[str]] = {}
        edited: dict[str, set[str]] = {}  # per entity, the fields its updates touched
        keys: dict[str, set[str]] = {}
        for seq, entity, row_id, op, _, _, _ in part:
            if op == "insert":
                inserted.setdefault(entity, set()).add(row_id)
            elif op == "update" and seq in sent:
                updated.setdefault(entity, set()).add(row_id)
                edited.setdefault(entity, set()).update(sent[seq])
            elif op == "append":
                keys.setdefault(entity, set()).add(row_id)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        versions: dict[str, dict[str, dict[str, Version]]] = {}
        with self.desk.read() as conn:
            for entity in inserted.keys() | updated.keys():
                table = VERSIONED[entity]
                new = inserted.get(entity, set())
                # A new row travels whole; an edited one only with the fields it changed
                # (reading whole rows was most of a large push's time on the desk).
                touched = [table.c.id, *(c for c in table.c if c.name in edited.get(entity, ()))]
                for wanted, columns in (
                    (new, list(table.c)),
                    (updated.get(entity, set()) - new, touched),
                ):
                    if wanted:
                        for row_id, rec in merge.rows_by_id(conn, table, columns, wanted).items():
                            rows[(entity, row_id)] = rec
                everyone = sorted(new | updated.get(entity, set()))
                versions[entity] = merge.local_versions(conn, entity, everyone)
            for entity, wanted in keys.items():
                table = APPEND_ONLY[entity]
                for key in wanted:
                    query = select(table)
                    for n, v in merge.split_append_key(table, key).items():
                        query = query.where(table.c[n] == v)
                    found = conn.execute(query).mappings().first()
                    if found is not None:
                        rows[(entity, key)] = dict(found)
        changes = []
        mark_index = 0
        seen = 0
        for seq, entity, row_id, op, _, hlc, site in part:
            while mark_index < len(marks) and marks[mark_index][0] < seq:
                seen = marks[mark_index][1]
                mark_index += 1
            row = rows.get((entity, row_id))
            made = {CREATION: Version(hlc, site)}
            if op == "erase":
                changes.append(Change(seq, entity, row_id, op, None, made, seen))
                continue
            if row is None:
                continue  # an appended row erased since; an erase entry follows
            if op == "append":
                data = merge.encode_row(row)
                ref = data.get("person_id") or data.get("incident_id")
                changes.append(Change(seq, entity, row_id, op, data, made, seen, ref_id=ref))
                continue
            mine = versions[entity].get(row_id, {})
            if op == "insert":
                data = merge.encode_row({k: v for k, v in row.items() if k != "id"})
                changes.append(Change(seq, entity, row_id, op, data, dict(mine), seen))
                continue
            fields = [n for n in sent.get(seq, ()) if n in row]
            if not fields:
                continue
            data = {n: merge.encode_value(row[n]) for n in fields}
            vers: dict[str, Version] = {}
            for n in fields:
                version = effective(mine, n)
                if version is not None:
                    vers[n] = version
            changes.append(Change(seq, entity, row_id, op, data, vers, seen))
        return changes

    # -- pull -----------------------------------------------------------------------
    def _fetch(
        self, cursor: int
    ) -> tuple[list[tuple[Any, ...]], list[merge.RemoteRow], list[Quarantined]]:
        rows = self.hub.rows_after(cursor, self.pull_batch, CAPS)
        remote, held = _decode_rows(rows)
        return rows, remote, held

    def pull(self) -> None:
        total = self.hub.count_after(self.cursor)
        with self.desk.read() as conn:
            # Also when a pull killed before its end left the index deferred: this one
            # rebuilds it at its end.
            defer = search_index.worth_deferring(conn, total) or search_index.deferred(conn)
        try:
            self._pull_rows(total, defer)
        except BaseException:
            if defer:  # best effort; else the next open of the desk rebuilds
                with suppress(Exception):
                    search_index.rebuild(self.desk)
            raise
        if defer:
            search_index.rebuild(self.desk)
        self._pull_conflicts()

    def _pull_rows(self, total: int, defer_index: bool) -> None:
        """Every hub row after the cursor, in batches; ``defer_index``: the search index
        is rebuilt once afterwards instead of kept in step (see store.search_index)."""
        done = 0
        self.report("pull", 0, total)
        # Batches are read from the hub and merged in turn, the cyclic collector resting
        # in each. (Reading the next batch on a second thread while one is merged was
        # slower for a small pull, the two threads handing the GIL to and fro at every
        # SQLite step, and made no difference that showed through the noise to a first
        # sync.)
        while True:
            if self.cancelled():
                return
            with collector.paused():
                rows, remote, held = self._fetch(self.cursor)
                if not rows:
                    break
                with self.desk.write(streaming=defer_index) as tx:
                    if defer_index:
                        search_index.defer(tx.conn)
                    outcome = merge.apply_remote(tx, remote, self._pushed_hw(tx))
                    outcome.quarantined[:0] = held
                    quarantine.keep(tx.conn, outcome.quarantined, tx.now)
                    self.cursor = rows[-1][0]
                    _set(tx.conn, {K_CURSOR: self.cursor})
                    _mark(tx.conn, self.cursor)
            self._absorb(outcome)
            done += len(rows)
            self.report("pull", done, max(total, done))

    def _pull_conflicts(self) -> None:
        while True:
            if self.cancelled():
                return
            found = self.hub.conflicts_for(self.desk.site_id, self.conflict_cursor, self.batch)
            if not found:
                break
            remote_conflicts = [
                merge.RemoteConflict(
                    id=str(c["id"]),
                    entity=str(c["entity"]),
                    row_id=str(c["row_id"]),
                    field=str(c["field"]),
                    loser_value=merge_json(c["loser_value"]),
                    loser_version=Version(int(c["loser_hlc"]), str(c["loser_site"])),
                    winner_value=merge_json(c["winner_value"]),
                    winner_version=Version(int(c["winner_hlc"]), str(c["winner_site"])),
                )
                for c in found
            ]
            with self.desk.write() as tx:
                outcome = merge.apply_conflicts(tx, remote_conflicts, self._pushed_hw(tx))
                quarantine.keep(tx.conn, outcome.quarantined, tx.now)
                self.conflict_cursor = int(found[-1]["seq"])
                _set(tx.conn, {K_CONFLICT_CURSOR: self.conflict_cursor})
            self._absorb(outcome)

    def _pushed_hw(self, tx: WriteTx) -> int:
        return int(_state(tx.conn).get(K_PUSHED, "0"))

    def _absorb(self, outcome: merge.MergeOutcome) -> None:
        self.result.pulled += outcome.changed
        self.result.conflicts += outcome.conflicts
        self.result.quarantined += len(outcome.quarantined)
        for site, skew in outcome.skews:
            minutes = skew.ahead_ms / 60000
            self.result.skew.append(
                f"A change from desk {site} was stamped {count(round(minutes), 'minute')} "
                "ahead of this desk's clock: it was quarantined, not merged. Check the "
                "clocks of both machines."
            )


def _parts(
    entries: Sequence[tuple[Any, ...]], sent: dict[int, list[str]], batch: int
) -> list[Sequence[tuple[Any, ...]]]:
    """Outbox entries in push batches of at most ``batch`` entries that send something:
    an update whose fields all changed again later sends nothing and rides along free
    (a record edited again and again offline costs no extra hub transactions)."""
    parts: list[Sequence[tuple[Any, ...]]] = []
    start = live = 0
    for k, entry in enumerate(entries):
        if entry[3] != "update" or entry[0] in sent:
            if live == batch:
                parts.append(entries[start:k])
                start, live = k, 0
            live += 1
    if start < len(entries):
        parts.append(entries[start:])
    return parts


def _held(change: Change, row: HeldRow | None) -> bool:
    """Whether the hub holds ``change``, by the versions it read back (``row``)."""
    if row is None:
        return False
    if change.kind == "erase":
        # Taken, or made again since by a later copy (a link put back), which the hub
        # keeps instead: either way nothing of this erase is left to send.
        return row.erased or merge_rule.holds(row.versions, change.versions, (CREATION,))
    if change.kind == "append" or row.erased:
        return True  # an insert-only row is taken once (an erasure beats its data)
    return merge_rule.holds(row.versions, change.versions, change.data or ())


def _decode_rows(
    rows: Sequence[tuple[Any, ...]],
) -> tuple[list[merge.RemoteRow], list[Quarantined]]:
    """Hub rows as ``RemoteRow``s, and those that fail the checks a row needs before
    anything else can be asked of it (a known entity, a plain key, sound versions, a
    size within the caps): quarantined here. Versioned rows keep their values as the
    hub's JSON text (a row new here is inserted straight from it); the versions, and
    the values of insert-only rows, are parsed a batch at a time (``parse_each``)."""
    held: list[Quarantined] = []
    sound: list[tuple[Any, ...]] = []
    for row in rows:
        seq, entity, row_id, data, versions, size, vsize = row
        rules = RULES.get(entity)
        problem = (
            "an entity this desk does not know"
            if rules is None
            else wire_checks.size_problem(size, vsize)
            or wire_checks.key_problem(row_id, rules.key_parts)
        )
        if problem is None:
            sound.append(row)
        else:
            fetched = data if size is not None and data is not None else None
            held.append(Quarantined(seq, entity, row_id, problem, data=fetched, versions=versions))
    parsed = wire_checks.parse_each([r[4] for r in sound])
    appended = [k for k, r in enumerate(sound) if r[1] not in VERSIONED and r[3] is not None]
    decoded = wire_checks.parse_each([sound[k][3] for k in appended])
    values = dict(zip(appended, decoded, strict=True))
    remote: list[merge.RemoteRow] = []
    for k, ((seq, entity, row_id, data, versions, _, _), vers) in enumerate(
        zip(sound, parsed, strict=True)
    ):
        problem = (
            "versions that are not JSON"
            if vers is wire_checks.MALFORMED
            else wire_checks.versions_problem(vers, RULES[entity].fields)
        )
        if problem is not None:
            held.append(Quarantined(seq, entity, row_id, problem, data=data, versions=versions))
            continue
        remote.append(
            merge.RemoteRow(
                entity,
                row_id,
                values.get(k),
                {name: Version(v[0], v[1]) for name, v in vers.items()},
                raw=data,
                seq=seq,
            )
        )
    return remote, held


def merge_json(raw: Any) -> Any:
    return None if raw is None else json.loads(raw)


def run_sync(
    desk: Desk,
    hub_url: str | None = None,
    *,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
    batch_size: int | None = None,
) -> SyncResult:
    """Push this desk's changes to the hub and pull everyone else's.

    ``batch_size`` sets both the push and the pull batch; by default pushes go in batches
    of ``BATCH`` outbox entries and pulls in batches of ``PULL_BATCH`` hub rows."""
    started = time.perf_counter()
    url = hub_url or remembered_hub(desk)
    if not url:
        raise ConfigError(
            "No hub is set for this desk. Run `deskapp sync --hub URL` once; the desk remembers it."
        )
    target = parse_hub_url(url)
    hub = open_hub(url)
    hub_id = hub.check()
    trust = admit(hub, desk)  # refused here, before anything moves, unless approved
    result = SyncResult(hub_url=target.display)
    push_batch = max(1, batch_size) if batch_size else BATCH
    pull_batch = max(1, batch_size) if batch_size else PULL_BATCH
    run = _Run(desk, hub, result, progress, cancel, push_batch, pull_batch)
    run.trust = trust
    run.remember_hub(hub_id)
    run.push()
    if not result.cancelled:
        run.pull()
    with desk.write() as tx:
        _set(tx.conn, {K_LAST: utcnow().isoformat()})
    result.duration_s = time.perf_counter() - started
    return result
