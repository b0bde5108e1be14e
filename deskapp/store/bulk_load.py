"""A table's indexes set aside while one transaction loads many rows into it.

Kept in step row by row, an index whose order is not the order rows arrive in (the
roster's ``sort_key``, by surname) costs a page of the encrypted file read, decrypted,
changed and encrypted again for nearly every row; made once after the load it is one
sort of the table.

Everything happens inside the caller's write transaction: a load that is refused, fails
or is killed rolls back with the indexes as they were, and no flag outlives the
transaction (unlike the search index's deferral, which spans a pull's many).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection


def set_aside(conn: Connection, table: str, *, keep: Collection[str]) -> list[str]:
    """Drop ``table``'s indexes but those in ``keep`` (the load's own look-ups) and
    those SQLite makes for its keys; return the SQL that makes them again
    (:func:`restore`, in the same transaction)."""
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).all()
    aside = [(str(name), str(sql)) for name, sql in found if name not in keep]
    for name, _ in aside:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in aside]


def restore(conn: Connection, made: list[str]) -> None:
    """Make again the indexes :func:`set_aside` dropped, each built from the table."""
    for sql in made:
        conn.exec_driver_sql(sql)
