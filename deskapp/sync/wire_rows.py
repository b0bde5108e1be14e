"""New rows read as the JSON text of the changes they travel as, made by SQLite (the
push's mirror of ``sync.wire_insert``).

A desk's first push sends every row it holds whole. Reading each into Python objects
(a time column parsed into a datetime, only to be written back out as ISO text) and
serialising it again had cost more than sealing and sending it; so had reading each
row's field versions into Python and writing them out again. Here one statement a batch
hands back, for each row, its values as a JSON object, as ``merge.encode_value`` would
give them: text and numbers as stored, flags as true/false, dates as stored, times as
``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` (always with microseconds, which is one of the two
forms desks take: ``protocol.wire_checks``), empty values as null; and its versions as
``{field: [hlc, site]}``. Only the columns the tables declare travel (not the search
index's SQL-only ones). ``batches.seal`` writes the change's text into the sealed
payload as it stands (``jsontext.embedded``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Boolean, Column, Connection, Table

from deskapp.db.rows import driver_rows
from deskapp.db.types import UTCDateTime
from deskapp.protocol import jsontext

_cache: dict[str, str] = {}


def _value(column: Column[object]) -> str:
    name = f't."{column.name}"'
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
        # The values travel as a JSON string holding the object (each change's values
        # are text of their own: the receiving desk stores them from it). ``|| ''``
        # makes the object plain text: ``json_quote`` leaves JSON a JSON function made
        # as it is.
        found = _cache[table.name] = (
            f"SELECT t.id, json_quote(t.id), json_quote(json_object({pairs}) || ''), "
            "(SELECT json_group_object(v.field, json_array(v.hlc, v.site_id)) "
            " FROM field_version AS v WHERE v.entity = ? AND v.row_id = t.id) "
            f"FROM {table.name} AS t WHERE t.id IN (SELECT value FROM json_each(?))"
        )
    return found


def new_rows(conn: Connection, table: Table, ids: Iterable[str]) -> dict[str, str]:
    """The rows of ``table`` with these ids, each as the start of the JSON text of the
    change that sends it whole (``[entity, id, "insert", values, versions``; ``change``
    ends it)."""
    entity = jsontext.dumps(table.name)
    found = driver_rows(conn, _statement(table), (table.name, jsontext.dumps(list(ids))))
    return {
        str(row_id): f'[{entity},{quoted},"insert",{values},{versions}'
        for row_id, quoted, values, versions in found
    }


def change(start: str, seen: int) -> str:
    """A change's JSON text from ``new_rows``' start of it and its ``seen`` (the hub seq
    its desk had pulled to when the row was made)."""
    return f"{start},{int(seen)}]"
