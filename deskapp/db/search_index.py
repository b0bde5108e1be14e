"""Deferring the full-text search index while a large pull stores its rows.

Kept in step row by row, FTS5 (with its one-, two- and three-letter prefix indexes) cost
a new desk's first sync about as much as storing the pulled rows themselves; rebuilt once
from the tables afterwards it costs about a third of that. While the ``meta`` row
``search_index_deferred`` exists the FTS triggers do nothing (migration 0006), and
``rebuild`` brings both indexes back in step and removes the row, in one transaction.

The flag is set inside the first deferred batch's own transaction, so no row is ever
stored unindexed without it; a pull cut short (a cancel, a lost hub, a killed process)
leaves it set, and the next pull's end or the next open of the desk rebuilds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

if TYPE_CHECKING:
    from deskapp.db.desk import Desk

KEY = "search_index_deferred"
#: The columns each search index holds, folded (``domain.text.fold``).
INDEXED = {"person": ("name", "party", "post"), "incident": ("ref", "type", "summary", "location")}

#: A pull of at least this many rows may defer the index...
MIN_ROWS = 10_000
#: ...when it brings at least this share of the rows the desk will then hold: a rebuild
#: reads every row, kept-in-step indexing costs about three times as much per row.
MIN_SHARE = 1 / 3


def worth_deferring(conn: Connection, incoming: int) -> bool:
    """Whether a pull of ``incoming`` rows is cheaper with the index rebuilt after."""
    if incoming < MIN_ROWS:
        return False
    held = int(
        conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM incident)"
        ).scalar_one()
    )
    return cheaper_rebuilt(held, incoming)


def cheaper_rebuilt(held: int, incoming: int) -> bool:
    """``incoming`` rows arriving at a desk holding ``held``: rebuild after, or keep up?"""
    return incoming >= MIN_ROWS and incoming >= MIN_SHARE * (held + incoming)


def defer(conn: Connection) -> None:
    """From this transaction on, the FTS triggers stand aside (until ``rebuild``)."""
    conn.exec_driver_sql("INSERT OR IGNORE INTO meta(key, value) VALUES (?, '1')", (KEY,))


def deferred(conn: Connection) -> bool:
    found = conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = ?", (KEY,)).first()
    return found is not None


def rebuild_in(conn: Connection) -> bool:
    """In ``conn``'s write transaction: rebuild both search indexes if they were
    deferred; True if they were."""
    if not deferred(conn):
        return False
    for table, columns in INDEXED.items():
        # The index holds folded text and no content of its own (migration 0007), so
        # FTS5's 'rebuild' cannot serve: empty it, then index every row folded.
        conn.exec_driver_sql(f"INSERT INTO {table}_fts({table}_fts) VALUES ('delete-all')")
        conn.exec_driver_sql(
            f"INSERT INTO {table}_fts(rowid, {', '.join(columns)}) "
            f"SELECT rowid, {', '.join(folded(c) for c in columns)} FROM {table}"
        )
    conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (KEY,))
    return True


def folded(column: str) -> str:
    """SQL giving ``fold(column)``, as the triggers store it. Text of printable ASCII
    alone (most of it) folds to its lower case, which SQLite's ``lower`` gives without a
    call into Python for each value; the rest goes through ``fold``. (A rebuild folds
    every indexed column of every row: 700,000 values at 100k people and incidents.)
    A NUL would end the GLOB's look early: such text has fewer characters before its
    first NUL (``length``) than bytes, as has any text beyond ASCII."""
    return (
        f"CASE WHEN length({column}) = octet_length({column}) AND {column} NOT GLOB "
        f"'*[^ -~]*' THEN lower({column}) ELSE fold({column}) END"
    )


def rebuild(desk: Desk) -> bool:
    """``rebuild_in`` through the desk's write path (so ranked lists know to re-read)."""
    with desk.write(streaming=True) as tx:
        if not rebuild_in(tx.conn):
            return False
        tx.touched.update(("person", "incident"))  # filters answer differently now
    return True
