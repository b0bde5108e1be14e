"""Indexes set aside while one transaction loads many rows.

Kept in step row by row, an index whose order is not the order rows arrive in (the
roster's, on ``collation_key(name)``, by surname) costs a page of the encrypted file
read, decrypted, changed and encrypted again for nearly every row once it outgrows the
page cache; made once after the load it is one sort of the table. Indexes in arrival
order (by a UUIDv7, by a date every new row shares) cost little kept in step, and a sort
of them would cost memory, so they are best left alone.

Making an index sorts every row's key in memory (``temp_store = MEMORY`` keeps decrypted
data off the disk): the roster's order takes about 110 bytes a person, so a table beyond
:data:`MAX_ROWS` keeps its indexes in step, and memory stays bounded however large the load.

Everything happens inside the caller's write transaction: a load that is refused, fails
or is killed rolls back with the indexes as they were, and no flag outlives the
transaction (unlike the search index's deferral, which spans a pull's many).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection

from deskapp.db.search_index import cheaper_rebuilt

#: The most rows a table may hold, with the load's, for its indexes to be set aside: the
#: sort of the roster's order at 250,000 people takes ~30 MB.
MAX_ROWS = 250_000


def worth_setting_aside(conn: Connection, table: str, incoming: int) -> bool:
    """Whether ``incoming`` rows are loaded faster into ``table`` with its out-of-order
    indexes made again after (the search index's rule), within :data:`MAX_ROWS`."""
    if not cheaper_rebuilt(0, incoming):  # too few rows to be worth a look
        return False
    held = int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
    return cheaper_rebuilt(held, incoming) and held + incoming <= MAX_ROWS


def set_aside(conn: Connection, indexes: Collection[str]) -> list[str]:
    """Drop the named indexes (those that exist); return the SQL that makes them again
    (:func:`restore`, in the same transaction)."""
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ).all()
    aside = [(str(name), str(sql)) for name, sql in found if name in indexes]
    for name, _ in aside:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in aside]


def restore(conn: Connection, made: list[str]) -> None:
    """Make again the indexes :func:`set_aside` dropped, each built from its table."""
    for sql in made:
        conn.exec_driver_sql(sql)
