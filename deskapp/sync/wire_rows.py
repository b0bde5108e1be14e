"""Whole rows read as the JSON text they travel as, made by SQLite (the push's mirror of
``sync.wire_insert``).

A desk's first push sends every row it holds whole. Reading each into Python objects
(a time column parsed into a datetime, only to be written back out as ISO text) and
serialising it again had cost more than sealing and sending it. Here one statement a
batch hands back each row's values as a JSON object, as ``merge.encode_value`` would
give them: text and numbers as stored, flags as true/false, dates as stored, times as
``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` (always with microseconds, which is one of the two
forms desks take: ``protocol.wire_checks``), empty values as null. Only the columns the
tables declare travel (not the search index's SQL-only ones).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Boolean, Column, Connection, Table

from deskapp.db.types import UTCDateTime
from deskapp.protocol import jsontext

_cache: dict[str, str] = {}


def _value(column: Column[object]) -> str:
    name = f'"{column.name}"'
    if isinstance(column.type, UTCDateTime):
        return (
            f"CASE WHEN {name} IS NULL THEN NULL ELSE "
            f"substr({name}, 1, 10) || 'T' || substr({name}, 12) || '+00:00' END"
        )
    if isinstance(column.type, Boolean):
        return f"CASE {name} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END"
    return name


def _statement(table: Table) -> str:
    found = _cache.get(table.name)
    if found is None:
        pairs = ", ".join(f"'{c.name}', {_value(c)}" for c in table.c if c.name != "id")
        found = _cache[table.name] = (
            f"SELECT id, json_object({pairs}) FROM {table.name} "
            "WHERE id IN (SELECT value FROM json_each(?))"
        )
    return found


def rows_as_json(conn: Connection, table: Table, ids: Iterable[str]) -> dict[str, str]:
    """The rows of ``table`` with these ids, each as its JSON text without its id."""
    found = conn.exec_driver_sql(_statement(table), (jsontext.dumps(list(ids)),))
    return {str(row_id): str(text) for row_id, text in found}
