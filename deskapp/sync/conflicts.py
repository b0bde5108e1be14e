"""Conflicts kept at sync: list, show and resolve (supervisors).

Keeping the local value is a new local edit through the one write path, so it wins over
the remote value everywhere at the next sync; keeping the remote one just closes the
conflict. Either way the resolution and who made it are recorded and audited.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy import select, update

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import CONFLICT, PERSON
from deskapp.db.writes import VERSIONED
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.vocabulary import AuditAction
from deskapp.services.incidents import make_ref
from deskapp.services.officers import require_supervisor
from deskapp.sync import merge


class ConflictRow(TypedDict):
    """A conflict as stored (``db.tables.Conflict``); the services hand it on with both
    values decoded from JSON (``_decoded``), and listed with ``labelled`` a ``label``."""

    id: str
    entity: str
    row_id: str
    field: str
    # The field's value: stored as JSON text, handed on decoded, so of whatever type
    # the conflicting field holds (any column of any synced table).
    local_value: Any
    local_hlc: int
    local_site: str
    remote_value: Any
    remote_hlc: int
    remote_site: str
    detected_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None
    label: NotRequired[str]


def _decoded(row: ConflictRow) -> ConflictRow:
    return typed_row(
        ConflictRow,
        {
            **row,
            "local_value": json.loads(row["local_value"]),
            "remote_value": json.loads(row["remote_value"]),
        },
    )


def list_conflicts(
    desk: Desk, *, include_resolved: bool = False, labelled: bool = False
) -> list[ConflictRow]:
    """Conflicts waiting (or all). ``labelled``: each also gets a ``label`` people read —
    a person's name, an incident's reference, else the entity and a short id."""
    query = select(CONFLICT).order_by(CONFLICT.c.detected_at, CONFLICT.c.id)
    if not include_resolved:
        query = query.where(CONFLICT.c.resolved_at.is_(None))
    with desk.read() as conn:
        rows = [_decoded(r) for r in typed_rows(ConflictRow, conn.execute(query).mappings())]
        if labelled:
            _label(conn, rows)
    desk.log(AuditAction.CONSULTATION, "conflict", detail=f"listed {len(rows)} conflicts")
    return rows


def _label(conn: Any, rows: list[ConflictRow]) -> None:
    ids = sorted({str(r["row_id"]) for r in rows if r["entity"] == "person"})
    people = merge.rows_by_id(conn, PERSON, [PERSON.c.id, PERSON.c.name], ids)
    names = {i: str(r["name"]) for i, r in people.items()}
    for row in rows:
        row_id = str(row["row_id"])
        if row["entity"] == "person":
            row["label"] = names.get(row_id, row_id[:8])
        elif row["entity"] == "incident":
            row["label"] = make_ref(row_id)
        else:
            row["label"] = f"{row['entity']} {row_id[:8]}"


def _find(conn: Any, ident: str) -> ConflictRow:
    """The one conflict ``ident`` names, its values still JSON text."""
    ident = ident.strip()
    if not ident:
        raise ValidationError("Which conflict? Give its id (or the start of it).")
    rows = typed_rows(
        ConflictRow,
        conn.execute(
            select(CONFLICT).where(CONFLICT.c.id.like(ident.replace("%", "") + "%")).limit(2)
        ).mappings(),
    )
    if not rows:
        raise NotFound(f"No conflict with id {ident}.")
    if len(rows) > 1:
        raise ValidationError(f"More than one conflict starts with {ident}; give more of the id.")
    return rows[0]


def get_conflict(desk: Desk, ident: str) -> ConflictRow:
    with desk.read() as conn:
        row = _find(conn, ident)
    desk.log(
        AuditAction.CONSULTATION,
        row["entity"],
        row["row_id"],
        (row["field"],),
        detail="conflict shown",
    )
    return _decoded(row)


def resolve_conflict(desk: Desk, ident: str, keep: str) -> ConflictRow:
    """Resolve one conflict: ``keep`` is "local" or "remote"."""
    require_supervisor(desk, "resolve a sync conflict")
    if keep not in ("local", "remote"):
        raise ValidationError("Keep either 'local' or 'remote'.")
    with desk.write() as tx:
        row = _find(tx.conn, ident)
        if row["resolved_at"] is not None:
            raise ValidationError(f"Conflict {row['id']} was already resolved.")
        table = VERSIONED[row["entity"]]
        if keep == "local":
            value = merge.decode_value(table.c[row["field"]], json.loads(row["local_value"]))
            tx.update(
                row["entity"], row["row_id"], {row["field"]: value}, detail="conflict: kept local"
            )
        tx.conn.execute(
            update(CONFLICT)
            .where(CONFLICT.c.id == row["id"])
            .values(resolved_by=desk.officer.id, resolved_at=tx.now, resolution=keep)
        )
        tx.audit(
            AuditAction.ALTERATION,
            row["entity"],
            row["row_id"],
            (row["field"],),
            detail=f"sync conflict {row['id']} resolved: kept {keep}",
        )
        row["resolved_by"] = desk.officer.id
        row["resolved_at"] = tx.now
        row["resolution"] = keep
    return _decoded(row)
