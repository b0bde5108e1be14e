"""Showing one masked field of one record: a logged consultation naming the field."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Table, select

from deskapp.db.desk import Desk
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.vocabulary import AuditAction


def reveal_masked(
    desk: Desk,
    table: Table,
    entity: str,
    row_id: str,
    field: str,
    sensitive: Collection[str],
    *,
    what: str,
    reason: str = "",
) -> str:
    """The stored value of ``field`` (one of the masked ``sensitive`` fields) of row
    ``row_id``, with its consultation written to the audit log. The officer's ``reason``,
    optional since the Data (Use and Access) Act 2025, goes into the event's detail."""
    if field not in sensitive:
        raise ValidationError(f"The field '{field}' is not a masked one.")
    with desk.read() as conn:
        # The row, not the value, says whether the record exists: an empty field is empty.
        row = conn.execute(select(table.c[field]).where(table.c.id == row_id)).one_or_none()
    if row is None:
        raise NotFound(f"No such {what}.")
    detail = f"revealed: {reason}" if reason else "revealed"
    desk.log(AuditAction.CONSULTATION, entity, row_id, (field,), detail=detail)
    value: str = row[0]  # every masked field is text (``db.tables.SENSITIVE_FIELDS``)
    return value
