"""Ranked windows: the roster and the queue at 100,000 rows, filtered per keystroke.

A type-ahead prefix such as "jo" matches thousands of people spread all through name
order, so neither walking the name index nor sorting the matches in SQL answers in a
few milliseconds. Instead the display order itself is read once (an index-only scan
of row ids, see migration 0004) and kept in memory as positions. A filter is then:
FTS5 row ids -> positions -> sort -> fetch only the visible rows by rowid. Counts are
exact and page 2,000 costs what page 1 costs. The order is re-read when a committed
write touched the table (``Desk.generations``).
"""

from __future__ import annotations

import threading
import time
import weakref
from array import array
from collections.abc import Callable, Sequence
from itertools import compress
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, literal_column, select

from deskapp.core.status import OPEN_STATUSES
from deskapp.store.desk import Desk
from deskapp.store.people import fts_query

RowsFor = Callable[[Connection, Sequence[int]], list[dict[str, Any]]]


class _Cache:
    """The last filter's positions, so scrolling a filtered list costs one fetch."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.positions: list[int] = []


#: One-letter filters match a large share of every list; ``prewarm`` answers them ahead.
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _single_letter(filter_text: str) -> str:
    """The letter when the filter is one ASCII letter (any case), else ''."""
    text = filter_text.strip().lower()
    return text if len(text) == 1 and text in LETTERS else ""


def _fts_rowids(conn: Connection, table: str, filter_text: str) -> list[int]:
    # One joined string instead of tens of thousands of result rows: the per-row cost of
    # fetching is what a one-letter filter would otherwise spend its time on.
    sql = f"SELECT group_concat(rowid) FROM {table}_fts WHERE {table}_fts MATCH ?"
    joined = conn.exec_driver_sql(sql, (fts_query(filter_text),)).scalar()
    return [int(x) for x in joined.split(",")] if joined else []


def _positions_by_rowid(rowids: array[int]) -> array[int]:
    by_rowid = array("q", [-1]) * ((max(rowids) + 1) if rowids else 1)
    for i, rowid in enumerate(rowids):
        by_rowid[rowid] = i
    return by_rowid


def _positions(by_rowid: array[int], rowids: list[int]) -> list[int]:
    """The list positions of these row ids (ids not in the list left out)."""
    size = len(by_rowid)
    return [i for r in rowids if r < size and (i := by_rowid[r]) >= 0]


def _mark(mask: bytearray, by_rowid: array[int], rowids: list[int]) -> None:
    size = len(by_rowid)
    for rowid in rowids:
        if rowid < size and (i := by_rowid[rowid]) >= 0:
            mask[i] = 1


#: A match of at most this share of a list is gathered as a sorted list of positions;
#: a larger one through a bitmask over the whole list (see ``_marked``).
SPARSE = 8


def _marked(mask: bytearray | bytes) -> list[int]:
    """Positions set in ``mask``, in order, at C speed (no sort needed)."""
    return list(compress(range(len(mask)), mask))


def _fetch(
    conn: Connection, query: Select[Any], table: str, rowids: Sequence[int]
) -> list[dict[str, Any]]:
    """The rows for ``rowids``, in that order."""
    if not rowids:
        return []
    column: ColumnElement[int] = literal_column(f"{table}.rowid")
    found = conn.execute(
        query.order_by(None).add_columns(column.label("_rowid")).where(column.in_(list(rowids)))
    ).mappings()
    by_rowid = {r["_rowid"]: {k: v for k, v in r.items() if k != "_rowid"} for r in found}
    return [by_rowid[r] for r in rowids if r in by_rowid]


class RankedRoster:
    """Everyone on the roster (not erased), in name order."""

    def __init__(self, conn: Connection, generation: int) -> None:
        self.generation = generation
        self.rowids = array("q")
        self.ids: list[str] = []
        for rowid, person_id in conn.exec_driver_sql(
            "SELECT rowid, id FROM person INDEXED BY ix_person_order "
            "WHERE deleted = 0 ORDER BY name, id"
        ):
            self.rowids.append(rowid)
            self.ids.append(person_id)
        self.by_rowid = _positions_by_rowid(self.rowids)
        self.cache = _Cache()
        self.letters: dict[str, int] = {}

    def matching(self, conn: Connection, filter_text: str) -> list[int] | None:
        """Positions matching the filter, in order; None means the whole list."""
        if not fts_query(filter_text).strip('"'):
            return None
        if self.cache.key != (filter_text,):
            size = len(self.rowids)
            bits = self.letters.get(_single_letter(filter_text))
            if bits is not None:
                found = _marked(bits.to_bytes(size, "little"))
            else:
                rowids = _fts_rowids(conn, "person", filter_text)
                if len(rowids) * SPARSE <= size:  # a few: sort them, skip the mask
                    found = sorted(_positions(self.by_rowid, rowids))
                else:
                    found = _marked(self._mask(rowids))
            self.cache.key, self.cache.positions = (filter_text,), found
        return self.cache.positions

    def _mask(self, rowids: list[int]) -> bytearray:
        mask = bytearray(len(self.rowids))
        _mark(mask, self.by_rowid, rowids)
        return mask

    def _bits(self, conn: Connection, filter_text: str) -> int:
        return int.from_bytes(self._mask(_fts_rowids(conn, "person", filter_text)), "little")

    def prewarm(self, conn: Connection) -> None:
        """Answer every one-letter filter ahead: those match tens of thousands of rows."""
        for letter in LETTERS:
            self.letters[letter] = self._bits(conn, letter)

    def window(
        self, conn: Connection, filter_text: str, offset: int, limit: int, fetch: RowsFor
    ) -> tuple[int, list[dict[str, Any]]]:
        positions = self.matching(conn, filter_text)
        total = len(self.rowids) if positions is None else len(positions)
        chosen = range(offset, min(offset + limit, total))
        rowids = [self.rowids[p if positions is None else positions[p]] for p in chosen]
        return total, fetch(conn, rowids)


class RankedQueue:
    """Every incident (not deleted) in queue order: grade, then due time, then id."""

    def __init__(self, conn: Connection, generation: int) -> None:
        self.generation = generation
        open_statuses = {str(s) for s in OPEN_STATUSES}
        person_rowid = {
            pid: rowid for rowid, pid in conn.exec_driver_sql("SELECT rowid, id FROM person")
        }
        self.rowids = array("q")
        self.open_positions: list[int] = []
        owners: list[int] = []  # the reporting person's rowid, per queue position
        for i, (rowid, status, person_id) in enumerate(
            conn.exec_driver_sql(
                "SELECT rowid, status, person_id FROM incident INDEXED BY ix_incident_queue "
                "WHERE deleted = 0 ORDER BY grade, due_at, id"
            )
        ):
            self.rowids.append(rowid)
            if status in open_statuses:
                self.open_positions.append(i)
            owners.append(person_rowid.get(person_id, 0))
        self.by_rowid = _positions_by_rowid(self.rowids)
        self.people = (max(person_rowid.values()) + 1) if person_rowid else 1
        # Each person's incidents, as positions: ``held[starts[p]:starts[p + 1]]``, so a
        # filter matching a few hundred people marks their incidents without a pass over
        # every incident.
        counts = array("q", [0]) * (self.people + 1)
        for owner in owners:
            counts[owner + 1] += 1
        for p in range(self.people):
            counts[p + 1] += counts[p]
        self.starts = counts
        fill = array("q", counts)
        self.held = array("q", [0]) * len(owners)
        for i, owner in enumerate(owners):
            self.held[fill[owner]] = i
            fill[owner] += 1
        # Gathering a per-person mask through this getter marks every incident of the
        # matched people in one C call, however many people a short prefix matches.
        self.owner_of = itemgetter(*owners) if len(owners) > 1 else None
        open_mask = bytearray(len(self.rowids))
        for i in self.open_positions:
            open_mask[i] = 1
        self.open_mask = bytes(open_mask)
        self.open_bits = int.from_bytes(open_mask, "little")
        self.cache = _Cache()
        self.letters: dict[str, int] = {}

    def _bits(
        self, conn: Connection, filter_text: str, found: tuple[list[int], list[int]] | None = None
    ) -> int:
        """Incidents whose own words, or whose person's, match the filter. ``found``:
        the incident and person row ids matching it, when already fetched."""
        incidents, people_ = found or self._matches(conn, filter_text)
        mask = bytearray(len(self.rowids))
        _mark(mask, self.by_rowid, incidents)
        bits = int.from_bytes(mask, "little")
        if self.owner_of is not None:
            people = bytearray(self.people)
            for rowid in people_:
                if rowid < self.people:
                    people[rowid] = 1
            bits |= int.from_bytes(bytes(self.owner_of(people)), "little")
        return bits

    def _matches(self, conn: Connection, filter_text: str) -> tuple[list[int], list[int]]:
        return _fts_rowids(conn, "incident", filter_text), _fts_rowids(conn, "person", filter_text)

    def _sparse(self, found: tuple[list[int], list[int]]) -> list[int] | None:
        """The matching positions, sorted, when they are few (None when they are many):
        the incidents whose own words match, and every incident of each matching person."""
        size = len(self.rowids)
        incidents, people = found
        if (len(people) + len(incidents)) * SPARSE > size:
            return None
        positions = set(_positions(self.by_rowid, incidents))
        starts, held = self.starts, self.held
        for person in people:
            if person < self.people:
                positions.update(held[starts[person] : starts[person + 1]])
        return sorted(positions) if len(positions) * SPARSE <= size else None

    def prewarm(self, conn: Connection) -> None:
        for letter in LETTERS:
            self.letters[letter] = self._bits(conn, letter)

    def matching(self, conn: Connection, filter_text: str, include_closed: bool) -> list[int]:
        key = (filter_text, include_closed)
        if self.cache.key == key:
            return self.cache.positions
        if not fts_query(filter_text).strip('"'):
            found = list(range(len(self.rowids))) if include_closed else self.open_positions
        else:
            bits = self.letters.get(_single_letter(filter_text))
            matches = self._matches(conn, filter_text) if bits is None else None
            sparse = self._sparse(matches) if matches is not None else None
            if sparse is not None:
                found = sparse if include_closed else [p for p in sparse if self.open_mask[p]]
            else:
                if bits is None:
                    bits = self._bits(conn, filter_text, matches)
                if not include_closed:
                    bits &= self.open_bits
                found = _marked(bits.to_bytes(len(self.rowids), "little"))
        self.cache.key, self.cache.positions = key, found
        return found

    def window(
        self,
        conn: Connection,
        filter_text: str,
        offset: int,
        limit: int,
        fetch: RowsFor,
        *,
        include_closed: bool = False,
    ) -> tuple[int, list[dict[str, Any]]]:
        positions = self.matching(conn, filter_text, include_closed)
        rowids = [self.rowids[p] for p in positions[offset : offset + limit]]
        return len(positions), fetch(conn, rowids)


_lock = threading.Lock()
_rosters: weakref.WeakKeyDictionary[Desk, RankedRoster] = weakref.WeakKeyDictionary()
_queues: weakref.WeakKeyDictionary[Desk, RankedQueue] = weakref.WeakKeyDictionary()


def roster(desk: Desk, conn: Connection) -> RankedRoster:
    """The desk's ranked roster, re-read if a write has touched people since."""
    generation = desk.generations.get("person", 0)
    with _lock:
        current = _rosters.get(desk)
        if current is None or current.generation != generation:
            current = _rosters[desk] = RankedRoster(conn, generation)
        return current


def queue(desk: Desk, conn: Connection) -> RankedQueue:
    generation = desk.generations.get("incident", 0) + desk.generations.get("person", 0)
    with _lock:
        current = _queues.get(desk)
        if current is None or current.generation != generation:
            current = _queues[desk] = RankedQueue(conn, generation)
        return current


def cached(desk: Desk, kind: str) -> RankedRoster | RankedQueue | None:
    """The ranked list if it is built and current, else None (never builds)."""
    with _lock:
        if kind == "roster":
            roster_ = _rosters.get(desk)
            ok = roster_ is not None and roster_.generation == desk.generations.get("person", 0)
            return roster_ if ok else None
        queue_ = _queues.get(desk)
        generation = desk.generations.get("incident", 0) + desk.generations.get("person", 0)
        return queue_ if queue_ is not None and queue_.generation == generation else None


_warming: weakref.WeakSet[Desk] = weakref.WeakSet()
#: Seconds after unlock before the ranked lists are built in the background.
WARM_DELAY = 1.0


def warm(desk: Desk, on_ready: Callable[[], None] | None = None) -> None:
    """Build both ranked lists on a thread of their own (once at a time per desk), so
    the first screen after unlock is served by plain SQL and never waits for them.
    ``on_ready`` runs on that thread once both are built and prewarmed."""
    with _lock:
        if desk in _warming:
            return
        _warming.add(desk)

    def build() -> None:
        try:
            time.sleep(WARM_DELAY)  # let the first windows (plain SQL) have the CPU first
            if desk.closed:
                return
            with desk.read() as conn:
                ranked_roster, ranked_queue = roster(desk, conn), queue(desk, conn)
            for ranked in (ranked_roster, ranked_queue):
                with desk.read() as conn:  # one letter at a time would also do; this is brief
                    ranked.prewarm(conn)
            if on_ready is not None and not desk.closed:
                on_ready()
        except Exception:  # noqa: S110 - a later load builds (and reports) it instead
            pass
        finally:
            with _lock:
                _warming.discard(desk)

    threading.Thread(target=build, name="deskapp-ranked-warm", daemon=True).start()


def fetcher(query: Select[Any], table: str) -> RowsFor:
    """Rows of ``query``'s columns for given row ids, in the order given. Its WHERE and
    ORDER BY are dropped: the ids were chosen already, and a leftover ``deleted = 0``
    would tempt SQLite to scan that index instead of looking the ids up."""
    bare = select(*query.selected_columns).select_from(*query.get_final_froms())
    return lambda conn, rowids: _fetch(conn, bare, table, rowids)
