"""The shape of every record service's update (people, advisers, organisations, events).

The caller cleans the fields with ``core`` first (a refusal names its field). Then, in
one write transaction: the record is found as it was given (id, prefix, name...), the
cleaned changes are checked against what it holds now (the rules that need the stored
values: a new risk needs its reason, an event ends after it starts), and only the
fields that really change are written, through ``WriteTx.update`` — field versions,
outbox and audit follow from there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from deskapp.db.desk import Desk

#: ``check(conn, current, changes)``: refuses (``ValidationError``) or returns the audit
#: event's detail ("" for none); it may complete ``changes`` (an adviser named by name
#: becomes their id).
Check = Callable[[Connection, dict[str, Any], dict[str, Any]], str]


def update_record(
    desk: Desk,
    entity: str,
    ident: str,
    changes: dict[str, Any],
    *,
    resolve: Callable[[Connection, str], str],
    check: Check | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Change the record ``ident`` names; returns ``{field: (old, new)}`` of the fields
    that really changed (none: nothing is written or audited)."""
    with desk.write() as tx:
        row_id = resolve(tx.conn, ident)
        detail = check(tx.conn, tx.get(entity, row_id), changes) if check else ""
        return tx.update(entity, row_id, changes, detail=detail)
