"""Finding records by what an officer types: a full id, a short ref, or an id prefix."""

from __future__ import annotations

from sqlalchemy import Connection, Table, select

from deskapp.domain.errors import NotFound, ValidationError


def resolve_id(conn: Connection, table: Table, text: str, *, label: str) -> str:
    """The one id that ``text`` names; a clear error when none or several match."""
    text = text.strip()
    if not text:
        raise ValidationError(f"Give the {label}'s id.")
    if conn.execute(select(table.c.id).where(table.c.id == text)).first():
        return text
    if "ref" in table.c:
        hits = conn.execute(select(table.c.id).where(table.c.ref == text.upper())).scalars().all()
        if len(hits) == 1:
            return str(hits[0])
    if len(text) >= 4:
        like = text.lower().replace("%", "").replace("_", "") + "%"
        hits = (
            conn.execute(select(table.c.id).where(table.c.id.like(like)).limit(2)).scalars().all()
        )
        if len(hits) == 1:
            return str(hits[0])
        if len(hits) > 1:
            raise ValidationError(
                f"More than one {label} id starts with {text!r}; give more of it."
            )
    raise NotFound(f"No {label} with id {text!r}.")
