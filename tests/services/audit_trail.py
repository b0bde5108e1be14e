"""What the services tests read back from the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT


def last_event(desk: Desk) -> dict[str, Any]:
    with desk.read() as conn:
        row = conn.execute(select(AUDIT).order_by(AUDIT.c.seq.desc()).limit(1)).mappings().one()
    return dict(row)
