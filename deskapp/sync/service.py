"""Sync on demand: push the outbox to the hub as sealed batches, pull everyone else's.

``run_sync`` is what ``deskapp sync`` and the TUI's sync key call. It passes the gate
first (``enrolment.admit``: this desk's officer approved, the hub keys unsealed). Every
batch is atomic on both sides and retries are harmless:

* push: outbox entries and audit events go as one batch (``sync.batches``), sealed with
  the newest hub key and signed by the signed-in officer, appended to the hub's log in
  one transaction that reads it back; after it commits, the desk drops the entries only
  if the hub holds that very batch (never by a watermark the hub states); a crash in
  between sends them again in a new batch (applying a change twice changes nothing);
* pull: the batches after the desk's cursor are checked and opened (``sync.batches``),
  merged, and the cursor advanced, in one local transaction; what fails its checks is
  quarantined, never blocks the rest.

Cancelling stops between batches; whatever committed stays committed and consistent.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypedDict

from sqlalchemy import Connection, select, text

from deskapp.db import audit, search_index
from deskapp.db.desk import Desk
from deskapp.db.rows import driver_rows
from deskapp.db.writes import APPEND_ONLY, VERSIONED, WriteTx
from deskapp.domain.errors import ConfigError
from deskapp.domain.wording import count
from deskapp.protocol import jsontext, sealed_batch, wire_checks
from deskapp.protocol.merge_rule import CREATION, Version, effective
from deskapp.runtime import collector
from deskapp.runtime.clock import utcnow
from deskapp.sync import batches, merge, published, quarantine, wire_rows
from deskapp.sync.batches import Change
from deskapp.sync.enrolment import HubTrust, admit
from deskapp.sync.hub import Hub, ReadCaps, StoredBatch, open_hub
from deskapp.sync.hub_errors import AuditChainRefused
from deskapp.sync.hub_url import parse_hub_url

#: Outbox entries per push batch (one hub transaction, one AEAD and one signature each,
#: and a desk commit): as many as a pull takes at a time, so that a first push costs no
#: more commits than the first sync that takes it. ``PUSH_CHARS`` cuts wide rows' sooner.
BATCH = 4000
#: Characters of changes and audit events a push batch carries at most: a character is
#: at most 4 bytes, so a batch stays within what a desk fetches of one (``CAPS``), and
#: wide rows (a description may hold 10,000 characters) never make a batch every other
#: desk would quarantine unread.
PUSH_CHARS = wire_checks.MAX_BATCH_BYTES // 4
#: Changes per pull (one desk transaction each, of as many hub batches as reach it):
#: larger, since a new desk's first sync pulls everything and each costs a commit. The
#: app's peak memory grows with it: this size keeps the app's first sync of the 100k
#: demo desk under its memory goal (docs/performance.md).
PULL_BATCH = 4000
#: What one pull reads at most (``protocol.wire_checks``): a larger batch is quarantined unread.
CAPS = ReadCaps(row=wire_checks.MAX_BATCH_BYTES, batch=wire_checks.MAX_BATCH_BYTES)


class Queued(NamedTuple):
    """An outbox entry waiting to be pushed, as ``_Run._outbox`` reads it: its ``seq``,
    then the row the write path added (``db.writes.OutboxEntry``)."""

    seq: int
    entity: str
    row_id: str
    op: str  # insert|update|erase|append
    fields: str  # an update's changed fields, comma-separated
    hlc: int
    site_id: str


class Mark(NamedTuple):
    """A row of ``sync_mark``: the hub seq pulled to when the outbox reached ``outbox_seq``."""

    outbox_seq: int
    cursor: int


K_URL = "sync_hub_url"
K_HUB_ID = "sync_hub_id"
K_CURSOR = "sync_cursor"
K_PUSHED = "sync_pushed_hw"
K_AUDIT = "sync_audit_hw"
K_LAST = "sync_last_at"
#: This desk's batch counter (it only grows, across hubs too).
K_COUNTER = "sync_batch_counter"
#: Per site, the highest batch counter taken from it (JSON): replays are refused.
K_COUNTERS = "sync_site_counters"
#: Where this desk's own versions were published: ``[[largest hlc, hub seq, batch id], …]``
#: per push (``sync.published``).
K_PUBLISHED = "sync_published"
#: The officers who have signed this desk's batches (JSON list).
K_SIGNERS = "sync_signers"
KEYS = (
    K_URL, K_HUB_ID, K_CURSOR, K_PUSHED, K_AUDIT, K_LAST, K_COUNTER, K_COUNTERS, K_PUBLISHED,
    K_SIGNERS,
)  # fmt: skip


@dataclass(frozen=True)
class SyncProgress:
    phase: str  # "push" | "pull" | "index" (the search index made again after a large pull)
    done: int
    total: int


class SyncResultDict(TypedDict):
    """A sync's result as ``--json`` prints it (``SyncResult.as_dict``)."""

    hub: str
    pushed: int
    pulled: int
    conflicts: int
    quarantined: int
    audit_pushed: int
    unconfirmed: int
    resent: int
    skew: list[str]
    duration_s: float
    cancelled: bool


@dataclass
class SyncResult:
    hub_url: str
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    audit_pushed: int = 0
    #: Pulled changes held back by this sync (see sync.quarantine).
    quarantined: int = 0
    #: Changes and audit events sent that the hub did not hold afterwards: kept to send again.
    unconfirmed: int = 0
    #: Rows queued again because a batch this desk had pushed is gone from the hub.
    resent: int = 0
    skew: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    cancelled: bool = False

    def as_dict(self) -> SyncResultDict:
        return {
            "hub": self.hub_url,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "quarantined": self.quarantined,
            "audit_pushed": self.audit_pushed,
            "unconfirmed": self.unconfirmed,
            "resent": self.resent,
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


def signers(desk: Desk) -> set[str]:
    """The officers who have signed this desk's batches, and the one signed in."""
    with desk.read() as conn:
        found: list[str] = _json(_state(conn).get(K_SIGNERS), [])
    return {*found, desk.officer.id}


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
    def __init__(
        self,
        desk: Desk,
        hub: Hub,
        trust: HubTrust,
        result: SyncResult,
        progress: Callable[[SyncProgress], None] | None,
        cancel: threading.Event | None,
        batch: int,
        pull_batch: int,
    ) -> None:
        self.desk = desk
        self.hub = hub
        self.trust = trust  # the hub keys and certificates (run_sync's gate)
        self.result = result
        self.progress = progress
        self.cancel = cancel
        self.batch = batch
        self.pull_batch = pull_batch
        with desk.read() as conn:
            state = _state(conn)
        self.cursor = int(state.get(K_CURSOR, "0"))
        self.pushed_hw = int(state.get(K_PUSHED, "0"))
        self.audit_hw = int(state.get(K_AUDIT, "0"))
        self.counter = int(state.get(K_COUNTER, "0"))
        self.counters: dict[str, int] = _json(state.get(K_COUNTERS), {})
        self.published: list[list[int | str]] = _json(state.get(K_PUBLISHED), [])
        self.signers: list[str] = _json(state.get(K_SIGNERS), [])
        self.hub_id = state.get(K_HUB_ID) or ""
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
        moving = bool(self.hub_id) and self.hub_id != hub_id
        if self.hub_id != hub_id:
            # A different hub: pull everything it holds (merging is idempotent) and send
            # the audit log again. (The batch counter goes on: it only ever grows.)
            changes.update({K_HUB_ID: hub_id, K_CURSOR: 0, K_AUDIT: 0})
            changes.update({K_COUNTERS: "{}", K_PUBLISHED: "[]"})
            self.cursor = self.audit_hw = 0
            self.counters, self.published = {}, []
            self.hub_id = hub_id
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
        # made and sent (see runtime.collector); it runs between batches.
        self.audit_hw = self._audit_head()
        self._resend_lost()
        with collector.paused():
            entries, marks, sent = self._outbox()
        total = len(entries)
        self.report("push", 0, total)
        parts = _parts(entries, sent, self.batch)
        # Each batch also carries the audit events next in line, so changes and events
        # cost one hub transaction and one desk commit together; events left when the
        # changes are done go in batches of their own.
        index = 0
        while True:
            with collector.paused():
                part = parts[index] if index < len(parts) else []
                changes, audits = self._load(part, sent, marks, self.audit_hw)
                if (not part and not audits) or self.cancelled():
                    return
                if _size(changes, audits) > PUSH_CHARS and (cut := _halve(part)):
                    # Too large for other desks to fetch: in two, the first half read
                    # again and sent if it fits.
                    parts[index : index + 1] = [part[:cut], part[cut:]]
                    continue
                complete = self._send(part, changes, audits)
                index += 1
            if part:
                self.report("push", self.result.pushed, total)
            if not complete:
                # The hub does not hold the batch: it stays in the outbox, and the next
                # sync sends it again (later batches would leave a gap).
                return

    def _resend_lost(self) -> None:
        """Queue again what this desk pushed in batches the hub no longer holds as sent
        (deleted at the hub, perhaps before another desk pulled them): the outbox entries
        were dropped once the hub held them, so nothing else would send them again."""
        lost = published.missing(self.hub, self.published)
        if not lost:
            return
        with self.desk.write() as tx:
            self.result.resent += published.requeue(
                tx.conn, self.desk.site_id, self.published, lost, tx.clock.now()
            )
            # Those versions are published again by the push that follows (a later seq).
            self.published = [p for k, p in enumerate(self.published) if k not in set(lost)]
            _set(tx.conn, {K_PUBLISHED: jsontext.dumps(self.published)})

    def _audit_head(self) -> int:
        """The last of this desk's audit events the hub holds, by the newest batch of
        this site signed by one of its officers (a batch anyone else put there counts for
        nothing, so no one can stop this desk by extending its chain at the hub); and the
        batch counter goes past every such batch's. Refused if the desk's own log no
        longer holds that event as it was sent: it was cut or rewritten since."""
        signers = {*self.signers, self.desk.officer.id}
        for limit in (8, 0):
            found, read = batches.own_batches(
                self.hub, self.trust, self.hub_id, self.desk.site_id, signers, limit
            )
            for header, _ in found:
                self.counter = max(self.counter, header.counter)
            spans = [h.audit for h, _ in found if h.audit is not None]
            if spans:
                return self._check_head(max(spans, key=lambda span: span.last))
            if limit and read < limit:
                break
        return 0

    def _check_head(self, span: sealed_batch.AuditSpan) -> int:
        with self.desk.read() as conn:
            held = conn.exec_driver_sql(
                "SELECT hash FROM audit_event WHERE seq = ?", (span.last,)
            ).scalar()
        if held != span.head:
            raise AuditChainRefused(
                f"Nothing was sent: this desk's audit log does not extend the audit chain "
                f"the hub holds for it (event {span.last}, as this desk sent it, is no longer "
                "in the log): the log was cut or rewritten after the hub saw it. Run "
                "`deskapp audit verify` and tell a supervisor."
            )
        return span.last

    def _outbox(self) -> tuple[list[Queued], list[Mark], dict[int, list[str]]]:
        """The entries to push, the sync marks, and the fields each update still sends."""
        with self.desk.read() as conn:
            # A first push reads one entry per row the desk holds.
            entries = list(
                map(
                    Queued._make,
                    driver_rows(
                        conn,
                        "SELECT seq, entity, row_id, op, fields, hlc, site_id FROM outbox "
                        "WHERE seq > ? ORDER BY seq",
                        (self.pushed_hw,),
                    ),
                )
            )
            marks = [
                Mark(int(s), int(c))
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
        part: Sequence[Queued],
        sent: dict[int, list[str]],
        marks: list[Mark],
        audit_after: int,
    ) -> tuple[list[Change], list[dict[str, Any]]]:
        """A push batch: the changes of ``part`` and the audit events after
        ``audit_after``, up to the first one of another officer (a batch carries its
        signer's events only: no desk can attribute an event to someone else; the other
        officer's events go when they sync)."""
        changes = self._changes(part, sent, marks) if part else []
        with self.desk.read() as conn:
            events = audit.events_after(conn, audit_after, self.batch * 2)
        me = self.desk.officer.id
        mine = next((k for k, e in enumerate(events) if e["officer_id"] != me), len(events))
        return changes, events[:mine]

    def _send(
        self, part: Sequence[Queued], changes: list[Change], audits: list[dict[str, Any]]
    ) -> bool:
        """Push one batch; drop from the outbox what it carried once the hub holds it.
        Whether it does."""
        self.counter += 1
        sealed = batches.seal(
            self.trust,
            hub_id=self.hub_id,
            site_id=self.desk.site_id,
            counter=self.counter,
            changes=changes,
            audits=audits,
        )
        receipt = self.hub.push(
            sealed,
            site_id=self.desk.site_id,
            signer_id=self.desk.officer.id,
            key_id=self.trust.current_key[0],
            counter=self.counter,
            entries=len(changes) + len(audits),
        )
        if not receipt.held:
            self.result.unconfirmed += len(changes) + len(audits)
            return False
        hw = part[-1].seq if part else self.pushed_hw
        ahw = int(audits[-1]["seq"]) if audits else self.audit_hw
        mine = [e.hlc for e in part if e.site_id == self.desk.site_id]
        if mine:
            self.published.append([max(mine), receipt.seq, sealed.batch_id])
        values: dict[str, Any] = {
            K_PUSHED: hw,
            K_AUDIT: ahw,
            K_COUNTER: self.counter,
            K_PUBLISHED: jsontext.dumps(self.published),
        }
        if self.desk.officer.id not in self.signers:
            self.signers.append(self.desk.officer.id)
            values[K_SIGNERS] = jsontext.dumps(self.signers)
        with self.desk.write() as tx:
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
            if mine and self.counter % published.PRUNE_EVERY == 0:
                self.published = published.prune(tx.conn, self.desk.site_id, self.published)
                values[K_PUBLISHED] = jsontext.dumps(self.published)
            if self.cursor == receipt.seq_before:
                # Nothing else reached the hub since we last pulled: what it holds beyond
                # our cursor is the batch we sent, so there is nothing to pull back.
                values[K_CURSOR] = self.cursor = receipt.seq
                _mark(tx.conn, self.cursor)
            _set(tx.conn, values)
        self.result.pushed += len(part)
        self.result.audit_pushed += len(audits)
        self.pushed_hw, self.audit_hw = hw, ahw
        return True

    def _changes(
        self,
        part: Sequence[Queued],
        sent: dict[int, list[str]],
        marks: list[Mark],
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
        whole: dict[tuple[str, str], str] = {}
        versions: dict[str, dict[str, dict[str, Version]]] = {}
        with self.desk.read() as conn:
            for entity in inserted.keys() | updated.keys():
                table = VERSIONED[entity]
                new = inserted.get(entity, set())
                # A new row travels whole, as the JSON text SQLite makes of the change,
                # its versions included; an edited one only with the fields it changed
                # (reading whole rows into Python, and their versions, was most of a
                # large push's time on the desk).
                if new:
                    for row_id, head in wire_rows.new_rows(conn, table, new).items():
                        whole[(entity, row_id)] = head
                touched = [table.c.id, *(c for c in table.c if c.name in edited.get(entity, ()))]
                if wanted := updated.get(entity, set()) - new:
                    for row_id, rec in merge.rows_by_id(conn, table, touched, wanted).items():
                        rows[(entity, row_id)] = rec
                    versions[entity] = merge.local_versions(conn, entity, sorted(wanted))
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
            while mark_index < len(marks) and marks[mark_index].outbox_seq < seq:
                seen = marks[mark_index].cursor
                mark_index += 1
            if op == "insert":
                if (start := whole.get((entity, row_id))) is not None:
                    text_ = wire_rows.change(start, seen)
                    changes.append(Change(seq, entity, row_id, op, None, {}, seen, wire=text_))
                continue
            if op == "erase":
                made = {CREATION: Version(hlc, site)}
                changes.append(Change(seq, entity, row_id, op, None, made, seen))
                continue
            row = rows.get((entity, row_id))
            if row is None:
                continue  # an appended row erased since; an erase entry follows
            if op == "append":
                data = row  # (times and dates go as ISO text: see batches.seal)
                ref = data.get("person_id") or data.get("incident_id")
                made = {CREATION: Version(hlc, site)}
                changes.append(Change(seq, entity, row_id, op, data, made, seen, ref_id=ref))
                continue
            mine = versions[entity].get(row_id, {})
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
    def pull(self) -> None:
        total = self.hub.count_after(self.cursor)
        with self.desk.read() as conn:
            # Also when a pull killed before its end left the index deferred: this one
            # rebuilds it at its end.
            defer = search_index.worth_deferring(conn, total) or search_index.deferred(conn)
        try:
            self._pull_batches(total, defer)
        except BaseException:
            if defer:  # best effort; else the next open of the desk rebuilds
                with suppress(Exception):
                    search_index.rebuild(self.desk)
            raise
        if defer:
            # Its own phase, so a progress bar's estimate is not of the pull's rate.
            self.report("index", 0, 1)
            search_index.rebuild(self.desk)
            self.report("index", 1, 1)

    def _pull_batches(self, total: int, defer_index: bool) -> None:
        """Every hub batch after the cursor, a pull's worth at a time, each checked and
        opened (``sync.batches``); ``defer_index``: the search index is rebuilt once
        afterwards instead of kept in step (see db.search_index)."""
        done = 0
        self.report("pull", 0, total)
        reader = batches.Reader(self.trust, self.hub_id, self.desk.site_id, self.counters)
        while True:
            if self.cancelled():
                return
            with collector.paused():
                stored = self.hub.batches_after(self.cursor, self.pull_batch, CAPS)
                if not stored:
                    break
                opened = batches.Opened()
                before = self.cursor
                for batch in stored:
                    opened.held.extend(_gap(before, batch))
                    reader.open(batch, opened)
                    before = batch.seq
                with self.desk.write(streaming=defer_index) as tx:
                    if defer_index:
                        search_index.defer(tx.conn)
                    outcome = merge.apply_remote(
                        tx, opened.rows, self._pushed_hw(tx), self._published_at
                    )
                    outcome.quarantined[:0] = opened.held
                    quarantine.keep(tx.conn, outcome.quarantined, tx.now)
                    self.cursor = stored[-1].seq
                    _set(
                        tx.conn, {K_CURSOR: self.cursor, K_COUNTERS: jsontext.dumps(self.counters)}
                    )
                    _mark(tx.conn, self.cursor)
            self._absorb(outcome)
            done += sum(b.entries for b in stored)
            self.report("pull", done, max(total, done))

    def _published_at(self, version: Version) -> int | None:
        """The hub seq of the batch that carried this desk's own ``version`` (None: not
        sent yet, or another desk's)."""
        if version.site != self.desk.site_id:
            return None
        at = bisect.bisect_left(self.published, version.hlc, key=lambda entry: int(entry[0]))
        return int(self.published[at][1]) if at < len(self.published) else None

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
    entries: Sequence[Queued], sent: dict[int, list[str]], batch: int
) -> list[Sequence[Queued]]:
    """Outbox entries in push batches of at most ``batch`` entries that send something:
    an update whose fields all changed again later sends nothing and rides along free
    (a record edited again and again offline costs no extra hub transactions)."""
    parts: list[Sequence[Queued]] = []
    start = live = 0
    for k, entry in enumerate(entries):
        if entry.op != "update" or entry.seq in sent:
            # An erasure goes in one batch (other desks take or refuse it whole,
            # ``batches.Reader``): no cut between two tombstoning entries.
            if live >= batch and not (_tombstones(entry) and _tombstones(entries[k - 1])):
                parts.append(entries[start:k])
                start, live = k, 0
            live += 1
    if start < len(entries):
        parts.append(entries[start:])
    return parts


def _size(changes: Sequence[Change], audits: Sequence[dict[str, Any]]) -> int:
    """About the characters of a push batch's payload (a version's few dozen counted as
    256 a change)."""
    size = len(jsontext.dumps(audits)) if audits else 0
    for c in changes:
        if c.wire is not None:
            size += len(c.wire)
        else:
            size += 256 + (len(jsontext.dumps(c.data)) if c.data is not None else 0)
    return size


def _halve(part: Sequence[Queued]) -> int:
    """Where to cut a push batch in two (0: it cannot be): near its middle, and not
    between two entries of one erasure (``_parts``)."""
    for cut in sorted(range(1, len(part)), key=lambda k: abs(2 * k - len(part))):
        if not (_tombstones(part[cut]) and _tombstones(part[cut - 1])):
            return cut
    return 0


def _gap(before: int, batch: StoredBatch) -> list[quarantine.Quarantined]:
    """The batches missing from the hub's log between seq ``before`` and ``batch``: the
    hub numbers batches one after another as they commit, so a gap is a batch deleted
    at the hub. Kept in quarantine, to be counted and listed (its desk sends it again:
    ``sync.published``)."""
    if batch.seq <= before + 1:
        return []
    first, last = before + 1, batch.seq - 1
    return [
        quarantine.Quarantined(
            first,
            quarantine.WHOLE_BATCH,
            f"seq {first}" if first == last else f"seq {first}-{last}",
            "missing from the hub's log (deleted at the hub): its desk sends its changes "
            "again when it next syncs",
        )
    ]


def _tombstones(entry: Queued) -> bool:
    """An outbox entry that erases a row or may tombstone one (what an erasure writes)."""
    return entry.op == "erase" or (entry.op == "update" and "deleted" in entry.fields.split(","))


def _json(raw: str | None, default: Any) -> Any:
    """A JSON value kept in the desk's meta table (``default`` when absent)."""
    found = jsontext.loads(raw) if raw else default
    return found if type(found) is type(default) else default


def run_sync(
    desk: Desk,
    hub_url: str | None = None,
    *,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
    batch_size: int | None = None,
    push: bool = True,
) -> SyncResult:
    """Push this desk's changes to the hub and pull everyone else's (``push=False``:
    only pull, as a desk that only reads, or a test reading what the hub holds, does).

    ``batch_size`` sets both the push and the pull batch; by default pushes go in batches
    of ``BATCH`` outbox entries and pulls take ``PULL_BATCH`` changes at a time."""
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
    run = _Run(desk, hub, trust, result, progress, cancel, push_batch, pull_batch)
    run.remember_hub(hub_id)
    if push:
        run.push()
    if not result.cancelled:
        run.pull()
    with desk.write() as tx:
        _set(tx.conn, {K_LAST: utcnow().isoformat()})
    result.duration_s = time.perf_counter() - started
    return result
