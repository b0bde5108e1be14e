"""Ranked windows: the roster and the queue at 100,000 rows, filtered per keystroke.

A type-ahead prefix such as "jo" matches thousands of people spread all through name
order, so neither walking the name index nor sorting the matches in SQL answers in a
few milliseconds. Instead the display order itself is read once (an index-only scan
of row ids, see migration 0004) and kept in memory as numpy arrays of positions. A
filter is then: FTS5 row ids (one joined string, parsed in C) -> a mask over the list's
positions -> the marked positions, already in order -> fetch only the visible rows by
rowid. Every step but the FTS lookup is a vector operation, so a prefix that matches
90,000 rows costs little more than one that matches 9. Counts are exact and page 2,000
costs what page 1 costs. The order is re-read when a committed write touched the table
(``Desk.generations``).
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Connection, Select, literal_column, select

from deskapp.db.desk import Desk
from deskapp.domain.status import OPEN_STATUSES
from deskapp.services.people import SORT_KEY, fts_query

#: The rows for some row ids, in that order. A row holds whatever columns the list's
#: query selects (the roster's, the queue's), so it is a plain dict.
RowsFor = Callable[[Connection, Sequence[int]], list[dict[str, Any]]]
Ints = NDArray[np.int64]
Mask = NDArray[np.bool_]


class _Cache:
    """The last filter's positions, so scrolling a filtered list costs one fetch."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.positions: Ints = np.empty(0, np.int64)


def _ints(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> Ints:
    """The integers of a query's one ``group_concat`` value. One joined string parsed
    in C: fetching tens of thousands of result rows one by one, or parsing them with
    ``int()``, is what a short filter would otherwise spend its time on."""
    joined = conn.exec_driver_sql(sql, params).scalar()
    if not joined:
        return np.empty(0, np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def _fts_rowids(conn: Connection, table: str, filter_text: str) -> Ints:
    sql = f"SELECT group_concat(rowid) FROM {table}_fts WHERE {table}_fts MATCH ?"
    return _ints(conn, sql, (fts_query(filter_text),))


def _positions_by_rowid(rowids: Ints) -> NDArray[np.int32]:
    """For each row id, its position in the list (-1: not in the list)."""
    by_rowid = np.full(int(rowids.max()) + 1 if len(rowids) else 1, -1, np.int32)
    by_rowid[rowids] = np.arange(len(rowids), dtype=np.int32)
    return by_rowid


def _positions(by_rowid: NDArray[np.int32], rowids: Ints) -> NDArray[np.int32]:
    """The list positions of these row ids (ids not in the list left out)."""
    found = by_rowid[rowids[rowids < len(by_rowid)]]
    return found[found >= 0]


def _fetch(
    conn: Connection, query: Select[Any], table: str, rowids: Sequence[int]
) -> list[dict[str, Any]]:
    """The rows for ``rowids``, in that order."""
    if not rowids:
        return []
    column: ColumnElement[int] = literal_column(f"{table}.rowid")
    found = conn.execute(query.add_columns(column.label("_rowid")).where(column.in_(list(rowids))))
    keys = list(found.keys())[:-1]
    by_rowid = {row[-1]: dict(zip(keys, row, strict=False)) for row in found}
    return [by_rowid[r] for r in rowids if r in by_rowid]


class RankedRoster:
    """Everyone on the roster (not erased), by surname then forename (``SORT_KEY``)."""

    def __init__(self, conn: Connection, generation: int) -> None:
        self.generation = generation
        self.rowids = _ints(
            conn,
            "SELECT group_concat(rowid, ',') FROM (SELECT rowid FROM person "
            f"INDEXED BY ix_person_sort WHERE deleted = 0 ORDER BY {SORT_KEY}, id)",
        )
        self.by_rowid = _positions_by_rowid(self.rowids)
        self.cache = _Cache()

    def matching(self, conn: Connection, filter_text: str) -> Ints | None:
        """Positions matching the filter, in order; None means the whole list."""
        if not fts_query(filter_text).strip('"'):
            return None
        if self.cache.key != (filter_text,):
            mask = self._mask(_fts_rowids(conn, "person", filter_text))
            self.cache.key, self.cache.positions = (filter_text,), np.flatnonzero(mask)
        return self.cache.positions

    def _mask(self, rowids: Ints) -> Mask:
        mask = np.zeros(len(self.rowids), np.bool_)
        mask[_positions(self.by_rowid, rowids)] = True
        return mask

    def window(
        self, conn: Connection, filter_text: str, offset: int, limit: int, fetch: RowsFor
    ) -> tuple[int, list[dict[str, Any]]]:
        positions = self.matching(conn, filter_text)
        if positions is None:
            return len(self.rowids), fetch(conn, self.rowids[offset : offset + limit].tolist())
        chosen = positions[offset : offset + limit]
        return len(positions), fetch(conn, self.rowids[chosen].tolist())


def owner_pairs(conn: Connection) -> Ints:
    """(incident row id, person row id) of every incident with a person, in no order.
    Read apart from the queue order: sorting the join's rows as well took longer than
    the two reads do together, and the order alone serves the unfiltered queue."""
    return _ints(
        conn,
        "SELECT group_concat(i.rowid || ',' || p.rowid) FROM incident i "
        "JOIN person p ON p.id = i.person_id WHERE i.deleted = 0",
    ).reshape(-1, 2)


class RankedQueue:
    """Every incident (not deleted) in queue order: grade, then due time, then id.

    ``pairs`` gives ``owner_pairs`` when a filter first needs them (by default, read
    then; ``queue()`` passes the desk's shared ones, which ``warm`` reads beside this
    order)."""

    def __init__(
        self,
        conn: Connection,
        generation: int,
        pairs: Callable[[Connection], Ints] = owner_pairs,
    ) -> None:
        self.generation = generation
        self._pairs = pairs
        marks = ", ".join("?" for _ in OPEN_STATUSES)
        # Per incident, in queue order: its row id and whether it is open. Joined from an
        # ordered subquery (as the roster's is), which SQLite runs as a co-routine feeding
        # rows in the index's order: an ORDER BY inside group_concat sorted every row again
        # in a temporary b-tree, most of the build's CPU (tests/search/test_ranked.py holds
        # the order to the plain ORDER BY's).
        order = _ints(
            conn,
            f"SELECT group_concat(pair, ',') FROM (SELECT rowid || ',' || "
            f"(status IN ({marks})) AS pair FROM incident INDEXED BY ix_incident_queue "
            "WHERE deleted = 0 ORDER BY grade, due_at, id)",
            tuple(str(s) for s in OPEN_STATUSES),
        ).reshape(-1, 2)
        self.rowids: Ints = np.ascontiguousarray(order[:, 0])
        self.open: Mask = order[:, 1].astype(np.bool_)
        self.open_positions = np.flatnonzero(self.open)
        self.by_rowid = _positions_by_rowid(self.rowids)
        self.cache = _Cache()
        # Each position's reporting person, read when a filter first needs it: the join
        # is most of the build, and the unfiltered queue after unlock does not need it.
        self._owners: Ints | None = None
        self._owners_lock = threading.Lock()

    def owners(self, conn: Connection) -> Ints:
        """The reporting person's row id per queue position (0: none)."""
        if self._owners is None:
            with self._owners_lock:
                if self._owners is None:
                    pairs = self._pairs(conn)
                    top = max(
                        int(self.rowids.max()) if len(self.rowids) else 0,
                        int(pairs[:, 0].max(initial=0)),
                    )
                    owner_of = np.zeros(top + 1, np.int64)
                    owner_of[pairs[:, 0]] = pairs[:, 1]
                    self._owners = owner_of[self.rowids]
        return self._owners

    def _mask(self, conn: Connection, filter_text: str) -> Mask:
        """Incidents whose own words, or whose person's, match the filter."""
        mask = np.zeros(len(self.rowids), np.bool_)
        mask[_positions(self.by_rowid, _fts_rowids(conn, "incident", filter_text))] = True
        people = _fts_rowids(conn, "person", filter_text)
        if len(people):
            owners = self.owners(conn)
            size = max(int(owners.max(initial=0)), int(people.max())) + 1
            matched = np.zeros(size, np.bool_)
            matched[people] = True
            matched[0] = False  # 0 stands for "no person"
            mask |= matched[owners]  # every incident of each matched person at once
        return mask

    def matching(self, conn: Connection, filter_text: str, include_closed: bool) -> Ints:
        key = (filter_text, include_closed)
        if self.cache.key == key:
            return self.cache.positions
        if not fts_query(filter_text).strip('"'):
            found = np.arange(len(self.rowids)) if include_closed else self.open_positions
        else:
            mask = self._mask(conn, filter_text)
            found = np.flatnonzero(mask if include_closed else mask & self.open)
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
        chosen = positions[offset : offset + limit]
        return len(positions), fetch(conn, self.rowids[chosen].tolist())


_lock = threading.Lock()  # guards the three maps below (never held while building)
_rosters: weakref.WeakKeyDictionary[Desk, RankedRoster] = weakref.WeakKeyDictionary()
_queues: weakref.WeakKeyDictionary[Desk, RankedQueue] = weakref.WeakKeyDictionary()
_pairs: weakref.WeakKeyDictionary[Desk, tuple[int, Ints]] = weakref.WeakKeyDictionary()
# One build at a time per kind: a second caller waits for the build under way instead of
# repeating it, and a roster keystroke never waits for the queue's build.
_building = {"roster": threading.Lock(), "queue": threading.Lock(), "pairs": threading.Lock()}


def _generation(desk: Desk, kind: str) -> int:
    if kind == "roster":
        return desk.generations.get("person", 0)
    return desk.generations.get("incident", 0) + desk.generations.get("person", 0)


def cached(desk: Desk, kind: str) -> RankedRoster | RankedQueue | None:
    """The ranked list if it is built and current, else None (never builds)."""
    with _lock:
        current = (_rosters if kind == "roster" else _queues).get(desk)
    return (
        current if current is not None and current.generation == _generation(desk, kind) else None
    )


def roster(desk: Desk, conn: Connection) -> RankedRoster:
    """The desk's ranked roster, re-read if a write has touched people since."""
    found = _current(desk, conn, "roster")
    assert isinstance(found, RankedRoster)
    return found


def queue(desk: Desk, conn: Connection) -> RankedQueue:
    found = _current(desk, conn, "queue")
    assert isinstance(found, RankedQueue)
    return found


def queue_pairs(desk: Desk, conn: Connection) -> Ints:
    """The desk's ``owner_pairs``, read once per generation of its incidents and people,
    by whichever thread asks first; another asking meanwhile waits for that read."""
    with _building["pairs"]:
        generation = _generation(desk, "queue")
        with _lock:
            found = _pairs.get(desk)
        if found is None or found[0] != generation:
            found = (generation, owner_pairs(conn))
            with _lock:
                _pairs[desk] = found
        return found[1]


def _shared_pairs(desk: Desk) -> Callable[[Connection], Ints]:
    """``queue_pairs`` of this desk for its queue, holding the desk weakly: the queue is
    kept under the desk as a weak key, and a strong one would keep a locked desk alive."""
    ref = weakref.ref(desk)

    def pairs(conn: Connection) -> Ints:
        current = ref()
        return owner_pairs(conn) if current is None else queue_pairs(current, conn)

    return pairs


def _current(desk: Desk, conn: Connection, kind: str) -> RankedRoster | RankedQueue:
    with _building[kind]:
        current = cached(desk, kind)
        if current is None:
            generation = _generation(desk, kind)
            if kind == "roster":
                current = RankedRoster(conn, generation)
            else:
                current = RankedQueue(conn, generation, _shared_pairs(desk))
            with _lock:
                if isinstance(current, RankedRoster):
                    _rosters[desk] = current
                else:
                    _queues[desk] = current
        return current


_warming: weakref.WeakSet[Desk] = weakref.WeakSet()
#: Desks whose roster order is wanted now (a filter, a deep page, the pane shown):
#: ``warm`` stops waiting for a quiet spell.
_roster_wanted: weakref.WeakSet[Desk] = weakref.WeakSet()
#: Seconds before the ranked lists are built in the background (none: the build is mostly
#: SQLite's own work, outside the GIL, and the first windows wait for it).
WARM_DELAY = 0.0
#: How often the roster's deferred build looks again for a quiet spell or a want.
_POLL_S = 0.05


def warming(desk: Desk) -> bool:
    """A background build (``warm``) is under way or waiting for this desk."""
    with _lock:
        return desk in _warming


def want_roster(desk: Desk) -> None:
    """The roster's order is needed now: a build waiting for a quiet spell starts."""
    with _lock:
        _roster_wanted.add(desk)


def ensure(desk: Desk, kind: str) -> RankedRoster | RankedQueue:
    """The ranked list, built (or waited for) on a connection of its own: never while
    holding one of the pool's few connections, which the screen's other windows (and a
    keystroke's) would then wait for too."""
    found = cached(desk, kind)
    if found is not None:
        return found
    if kind == "roster":
        want_roster(desk)
    with desk.read_apart() as conn:
        return _current(desk, conn, kind)


def warm(
    desk: Desk,
    on_ready: Callable[[], None] | None = None,
    quiet: Callable[[], bool] | None = None,
) -> None:
    """Build both ranked lists on threads of their own (once at a time per desk), from
    the moment the desk opens: the first windows use them, and a list that asks before
    its build is done waits for that build rather than repeating it.

    The queue's owner pairs, which its first filter needs, are read on a second thread
    beside the queue's order (SQLite reads without the GIL, so the two overlap): read
    after it, they kept a filter typed the moment the queue showed waiting for them.
    The roster's order follows once ``quiet()`` says the officer has paused (or the
    roster is wanted: ``want_roster``): built at once, it took the machine from a
    filter typed the moment the queue showed, and the roster's first, unfiltered
    windows do not need it (see ``tui.sources``). ``on_ready`` runs once the queue's are
    built, and again once the roster's is.
    (One-letter filters are not answered ahead: each is quick on its own, and answering
    all 52 would take the CPU just when the first windows and keystrokes want it.)"""
    with _lock:
        if desk in _warming:
            return
        _warming.add(desk)
        _roster_wanted.discard(desk)

    def read_pairs() -> None:
        with contextlib.suppress(Exception), desk.read_apart() as conn:
            queue_pairs(desk, conn)

    def roster_waits() -> bool:
        if quiet is None or desk.closed:
            return False
        with _lock:
            if desk in _roster_wanted:
                return False
        return not quiet()

    def build() -> None:
        beside = threading.Thread(target=read_pairs, name="deskapp-ranked-pairs", daemon=True)
        try:
            if WARM_DELAY:
                time.sleep(WARM_DELAY)
            if desk.closed:
                return
            beside.start()
            # Off the pool (see Desk.read_apart); the queue first: it is focused at unlock.
            with desk.read_apart() as conn:
                queue(desk, conn)
                beside.join()
                queue(desk, conn).owners(conn)
            if on_ready is not None and not desk.closed:
                on_ready()
            while roster_waits():
                time.sleep(_POLL_S)
            if desk.closed:
                return
            with desk.read_apart() as conn:
                roster(desk, conn)
            if on_ready is not None and not desk.closed:
                on_ready()
        except Exception:  # noqa: S110 - a later load builds (and reports) it instead
            pass
        finally:
            with _lock:
                _warming.discard(desk)
                _roster_wanted.discard(desk)

    threading.Thread(target=build, name="deskapp-ranked-warm", daemon=True).start()


def fetcher(query: Select[Any], table: str) -> RowsFor:
    """Rows of ``query``'s columns for given row ids, in the order given. Its WHERE and
    ORDER BY are dropped: the ids were chosen already, and a leftover ``deleted = 0``
    would tempt SQLite to scan that index instead of looking the ids up."""
    bare = select(*query.selected_columns).select_from(*query.get_final_froms())
    return lambda conn, rowids: _fetch(conn, bare, table, rowids)
