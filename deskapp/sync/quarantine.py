"""Quarantine: pulled changes that failed their checks (``protocol.wire_checks``).

Each is kept in the desk (encrypted with the rest of it) with the hub sequence number it
came under, its entity and row id, the fields concerned, the reason and when it arrived;
its values too, when they were small enough to fetch. Supervisors list them; the listing
never shows values (they may be personal data or terminal escape codes). Keeping one is
part of the pull's transaction, so the cursor moves past it and nothing waits for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import Connection, func, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_rows
from deskapp.db.tables import QUARANTINE
from deskapp.domain.vocabulary import AuditAction
from deskapp.services.officers import require_supervisor
from deskapp.sync.wire_rules import RULES

#: The entity a whole batch is kept under (its row id: the batch's id).
WHOLE_BATCH = "batch"
#: What the listing shows (never ``data`` or ``versions``).
LISTED = ("id", "hub_seq", "entity", "row_id", "fields", "reason", "received_at")


@dataclass(frozen=True)
class Quarantined:
    """One pulled change held back, and why."""

    hub_seq: int
    entity: str
    row_id: str
    reason: str
    fields: tuple[str, ...] = ()
    data: str | None = None
    versions: str | None = None


def _label(entity: str, row_id: str) -> tuple[str, str]:
    """Entity and id as stored: a name the hub made up is not kept as text to show."""
    plain = 0 < len(row_id) <= 200 and row_id.isprintable()
    known = entity in RULES or entity == WHOLE_BATCH
    return (entity if known else "(unknown)", row_id if plain else "(not plain text)")


def keep(conn: Connection, items: Sequence[Quarantined], now: datetime) -> None:
    """Keep ``items`` (inside the pull's transaction); one seen before is not kept twice."""
    if not items:
        return
    rows = []
    for item in items:
        entity, row_id = _label(item.entity, item.row_id)
        rows.append(
            {
                "hub_seq": item.hub_seq,
                "entity": entity,
                "row_id": row_id,
                "fields": ",".join(item.fields),
                "reason": item.reason,
                "data": item.data,
                "versions": item.versions,
                "received_at": now,
            }
        )
    conn.execute(QUARANTINE.insert().prefix_with("OR IGNORE"), rows)


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(QUARANTINE)).scalar_one())


class QuarantineRow(TypedDict):
    """A quarantined change as listed (``LISTED``): never its values."""

    id: int
    hub_seq: int
    entity: str
    row_id: str
    fields: str
    reason: str
    received_at: datetime


def list_quarantined(desk: Desk) -> list[QuarantineRow]:
    """Every quarantined change, oldest first, without its values (supervisors)."""
    require_supervisor(desk, "list quarantined changes")
    query = select(*(QUARANTINE.c[n] for n in LISTED)).order_by(QUARANTINE.c.id)
    with desk.read() as conn:
        rows = typed_rows(QuarantineRow, conn.execute(query).mappings())
    desk.log(
        AuditAction.CONSULTATION, "quarantine", detail=f"listed {len(rows)} quarantined changes"
    )
    return rows
