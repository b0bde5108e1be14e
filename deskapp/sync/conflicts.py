"""Conflicts kept at sync: list, show and resolve (supervisors).

Keeping the local value is a new local edit through the one write path, so it wins over
the remote value everywhere at the next sync; keeping the remote one just closes the
conflict. Either way the resolution and who made it are recorded and audited.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from deskapp.db.desk import Desk
from deskapp.db.tables import Conflict, Person
from deskapp.db.writes import VERSIONED
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.vocabulary import AuditAction
from deskapp.services.incidents import make_ref
from deskapp.services.officers import require_supervisor
from deskapp.sync import merge

CONFLICT = Conflict.__table__  # type: ignore[attr-defined]


PERSON = Person.__table__  # type: ignore[attr-defined]


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["local_value"] = json.loads(row["local_value"])
    out["remote_value"] = json.loads(row["remote_value"])
    return out


def list_conflicts(
    desk: Desk, *, include_resolved: bool = False, labelled: bool = False
) -> list[dict[str, Any]]:
    """Conflicts waiting (or all). ``labelled``: each also gets a ``label`` people read —
    a person's name, an incident's reference, else the entity and a short id."""
    query = select(CONFLICT).order_by(CONFLICT.c.detected_at, CONFLICT.c.id)
    if not include_resolved:
        query = query.where(CONFLICT.c.resolved_at.is_(None))
    with desk.read() as conn:
        rows = [_decoded(dict(r)) for r in conn.execute(query).mappings()]
        if labelled:
            _label(conn, rows)
    with desk.write() as tx:
        tx.audit(
            AuditAction.CONSULTATION, "conflict", "", (), detail=f"listed {len(rows)} conflicts"
        )
    return rows


def _label(conn: Any, rows: list[dict[str, Any]]) -> None:
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


def _find(conn: Any, ident: str) -> dict[str, Any]:
    ident = ident.strip()
    if not ident:
        raise ValidationError("Which conflict? Give its id (or the start of it).")
    rows = [
        dict(r)
        for r in conn.execute(
            select(CONFLICT).where(CONFLICT.c.id.like(ident.replace("%", "") + "%")).limit(2)
        ).mappings()
    ]
    if not rows:
        raise NotFound(f"No conflict with id {ident}.")
    if len(rows) > 1:
        raise ValidationError(f"More than one conflict starts with {ident}; give more of the id.")
    return rows[0]


def get_conflict(desk: Desk, ident: str) -> dict[str, Any]:
    with desk.read() as conn:
        row = _find(conn, ident)
    with desk.write() as tx:
        tx.audit(AuditAction.CONSULTATION, row["entity"], row["row_id"], (row["field"],),
                 detail="conflict shown")  # fmt: skip
    return _decoded(row)


def resolve_conflict(desk: Desk, ident: str, keep: str) -> dict[str, Any]:
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
        row.update(resolved_by=desk.officer.id, resolved_at=tx.now, resolution=keep)
    return _decoded(row)
