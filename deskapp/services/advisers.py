"""Force Elected-Official Advisers: the named police contacts and their caseloads."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, func, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import ADVISER, INCIDENT, PERSON, SENSITIVE_FIELDS
from deskapp.domain import validation as v
from deskapp.domain.area import GSS, SLUG
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.status import OPEN_STATUSES
from deskapp.domain.vocabulary import AuditAction
from deskapp.protocol.ids import short_ids
from deskapp.services.lookup import resolve_id
from deskapp.services.updates import update_record

EDITABLE = ("name", "area", "areas", "phone", "email", "capacity", "active")


# The fields given are open-ended (any subset of EDITABLE, as a form or the CLI typed
# them), so they stay a plain dict.
def clean_adviser(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate any subset of ``EDITABLE``; an error names its field."""
    return v.clean_fields(fields, EDITABLE, _clean_field, record="an adviser")


def _clean_field(key: str, value: Any) -> Any:
    if key == "name":
        return v.clean_text(value, field="name", required=True, max_len=200)
    if key == "email":
        return v.email(value)
    if key == "phone":
        return v.phone(value)
    if key == "capacity":
        return v.whole_number(value, field="capacity")
    if key == "active":
        return bool(value)
    if key == "areas":
        return clean_areas(str(value))
    return v.clean_text(str(value), field=key)


def clean_areas(text: str) -> str:
    """The codes of the places an adviser covers: council (or authority, police force
    area) slugs and constituency GSS codes, separated by commas or spaces; returned
    comma-separated, each once, in the order given."""
    no_controls = v.clean_text(text, field="areas", max_len=4000)
    codes: dict[str, None] = {}
    for part in no_controls.replace(",", " ").split():
        code = part.upper() if GSS.match(part.upper()) else part.lower()
        if not (GSS.match(code) or SLUG.match(code) or _is_constituency(code)):
            raise ValidationError(
                "Areas are council slugs (like cardiff) or constituency GSS codes "
                "(like W07000101), separated by commas."
            )
        codes[code] = None
    return ",".join(codes)


def _is_constituency(code: str) -> bool:
    head, _, seat = code.partition(".")
    return head == "parl" and SLUG.match(seat) is not None


def add_adviser(desk: Desk, **fields: Any) -> str:
    values = clean_adviser(fields)
    if not values.get("name"):
        raise ValidationError("Name is required.", field="name")
    with desk.write() as tx:
        return tx.insert("adviser", values)


def update_adviser(desk: Desk, ident: str, **fields: Any) -> dict[str, tuple[Any, Any]]:
    return update_record(desk, "adviser", ident, clean_adviser(fields), resolve=resolve_adviser)


class AdviserFields(TypedDict):
    """An adviser's id and ``EDITABLE`` fields."""

    id: str
    name: str
    area: str
    areas: str
    phone: str
    email: str
    capacity: int
    active: bool


class AdviserForEdit(AdviserFields):
    """An adviser's ``EDITABLE`` fields, unmasked, with the people they hold."""

    people: int


class AdviserRecord(AdviserFields):
    """An adviser as stored (``db.tables.Adviser``)."""

    created_at: datetime
    updated_at: datetime
    deleted: bool


class AdviserRow(AdviserRecord):
    """An adviser with their load: people held and open incidents (``list_advisers``);
    phone and email masked unless revealed."""

    people: int
    open_incidents: int


def adviser_for_edit(desk: Desk, ident: str) -> AdviserForEdit:
    """An adviser's editable fields, phone and email included (a logged consultation,
    as revealing them is), with their load: people held against capacity."""
    with desk.read() as conn:
        row_id = resolve_adviser(conn, ident)
        found = (
            conn.execute(
                select(ADVISER.c.id, *(ADVISER.c[f] for f in EDITABLE)).where(
                    ADVISER.c.id == row_id
                )
            )
            .mappings()
            .one()
        )
        held = int(
            conn.execute(
                select(func.count()).where(
                    PERSON.c.adviser_id == row_id, PERSON.c.deleted.is_(False)
                )
            ).scalar_one()
        )
        adviser = typed_row(AdviserForEdit, {**found, "people": held})
    desk.log(
        AuditAction.CONSULTATION, "adviser", row_id, SENSITIVE_FIELDS["adviser"], detail="edit form"
    )
    return adviser


def list_advisers(
    desk: Desk, *, limit: int | None = None, reveal: bool = False
) -> list[AdviserRow]:
    """Advisers with their load: people held and open incidents."""
    people = (
        select(PERSON.c.adviser_id, func.count().label("people"))
        .where(PERSON.c.deleted.is_(False))
        .group_by(PERSON.c.adviser_id)
        .subquery()
    )
    open_incidents = (
        select(INCIDENT.c.adviser_id, func.count().label("open_incidents"))
        .where(
            INCIDENT.c.status.in_([str(s) for s in OPEN_STATUSES]), INCIDENT.c.deleted.is_(False)
        )
        .group_by(INCIDENT.c.adviser_id)
        .subquery()
    )
    query = (
        select(
            ADVISER,
            func.coalesce(people.c.people, 0).label("people"),
            func.coalesce(open_incidents.c.open_incidents, 0).label("open_incidents"),
        )
        .outerjoin(people, people.c.adviser_id == ADVISER.c.id)
        .outerjoin(open_incidents, open_incidents.c.adviser_id == ADVISER.c.id)
        .where(ADVISER.c.deleted.is_(False))
        .order_by(ADVISER.c.name, ADVISER.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        rows = typed_rows(AdviserRow, conn.execute(query).mappings())
    return rows if reveal else [mask_row(r, SENSITIVE_FIELDS["adviser"]) for r in rows]


def adviser_choices(desk: Desk, filter_text: str, limit: int = 12) -> list[tuple[str, str]]:
    """Active advisers matching what was typed, as ``(id, "Name — area")`` for a picker."""
    query = select(ADVISER.c.id, ADVISER.c.name, ADVISER.c.area).where(
        ADVISER.c.deleted.is_(False), ADVISER.c.active.is_(True)
    )
    for word in filter_text.lower().split():
        like = f"%{word}%"
        query = query.where(
            func.lower(ADVISER.c.name).like(like) | func.lower(ADVISER.c.area).like(like)
        )
    with desk.read() as conn:
        rows = conn.execute(query.order_by(ADVISER.c.name, ADVISER.c.id).limit(limit)).all()
    return [(str(r.id), f"{r.name} — {r.area}" if r.area else str(r.name)) for r in rows]


# -- naming an adviser ------------------------------------------------------------------
#: How many candidates an error lists before "and N more".
SHOWN_CANDIDATES = 10


def _folded(text: str) -> str:
    """Case and accents ignored: "sean" finds "Seán"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def adviser_labels(conn: Connection) -> dict[str, str]:
    """Every adviser's id -> "Name (short id)", the short id unique among advisers."""
    rows = conn.execute(select(ADVISER.c.id, ADVISER.c.name)).all()
    short = short_ids(str(r.id) for r in rows)
    return {str(r.id): f"{r.name} ({short[str(r.id)]})" for r in rows}


def _listed(labels: list[str]) -> str:
    shown = ", ".join(labels[:SHOWN_CANDIDATES])
    more = len(labels) - SHOWN_CANDIDATES
    return shown + (f" and {more} more (`deskapp advisers list`)" if more > 0 else "")


def resolve_adviser(conn: Connection, text: str) -> str:
    """The one adviser ``text`` names: an id or unique id prefix, else a name — whole,
    its start ("Kiran") or the start of one of its words ("Bevan"). None or several:
    an error listing the candidates by name and short id (never anyone else's data)."""
    try:
        return resolve_id(conn, ADVISER, text, label="adviser")
    except NotFound:
        pass
    wanted = _folded(" ".join(text.split()))
    rows = conn.execute(
        select(ADVISER.c.id, ADVISER.c.name)
        .where(ADVISER.c.deleted.is_(False), ADVISER.c.active.is_(True))
        .order_by(ADVISER.c.name, ADVISER.c.id)
    ).all()
    names = [(str(r.id), _folded(str(r.name))) for r in rows]
    for matches in (
        [i for i, name in names if name == wanted],
        [i for i, name in names if name.startswith(wanted)],
        [i for i, name in names if any(w.startswith(wanted) for w in name.split())],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            labels = adviser_labels(conn)
            raise ValidationError(
                f"More than one adviser matches {text!r}: {_listed([labels[i] for i in matches])}. "
                "Give more of the name, or the id."
            )
    labels = adviser_labels(conn)
    raise NotFound(
        f"No adviser matches {text!r}. "
        + (
            f"Advisers: {_listed([labels[i] for i, _ in names])}."
            if names
            else "There are none yet."
        )
    )
