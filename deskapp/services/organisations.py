"""Organisations (councils and authorities), their returning officer's contact, and the
status of the request to share candidates' contact details with the desk.

Roster import creates organisations (by slug, from Democracy Club ballot ids); officers
then record who the returning officer is and how the request to share is going. The
returning officer's phone and email are masked in listings unless revealed, and
revealing them is a logged consultation, as for people.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, TypedDict

from sqlalchemy import Connection, Select, Subquery, func, select

from deskapp.db.desk import Desk
from deskapp.db.rows import typed_row, typed_rows
from deskapp.db.tables import ORGANISATION, PERSON, SENSITIVE_FIELDS
from deskapp.domain import validation as v
from deskapp.domain import vocabulary
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.masking import mask_row
from deskapp.domain.vocabulary import AuditAction
from deskapp.services.lookup import resolve_id
from deskapp.services.updates import update_record

SENSITIVE: Final = SENSITIVE_FIELDS["organisation"]
SHARE_STATUSES: Final = vocabulary.SHARE_STATUSES
EDITABLE: Final = ("name", "kind", "ro_name", "ro_phone", "ro_email", "share_request_status")


class OrganisationRow(TypedDict):
    """An organisation as stored (``db.tables.Organisation``) with the people on the
    roster in it and its acting council's slug (``list_organisations``); the returning
    officer's phone and email masked unless revealed."""

    id: str
    slug: str
    name: str
    kind: str
    gss: str
    council_id: str | None
    ro_name: str
    ro_phone: str
    ro_email: str
    share_request_status: str
    created_at: datetime
    updated_at: datetime
    deleted: bool
    people: int
    council: str | None


class OrganisationForEdit(TypedDict):
    """An organisation's ``EDITABLE`` fields, unmasked (``organisation_for_edit``)."""

    id: str
    name: str
    kind: str
    ro_name: str
    ro_phone: str
    ro_email: str
    share_request_status: str


# The fields given are open-ended (any subset of EDITABLE, as a form or the CLI typed
# them), so they stay a plain dict.
def clean_organisation(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise any subset of ``EDITABLE``; an error names its field."""
    return v.clean_fields(
        fields,
        EDITABLE,
        lambda key, value: _clean_field(key, "" if value is None else str(value)),
        record="an organisation",
    )


def _clean_field(key: str, text: str) -> str:
    if key == "name":
        return v.clean_text(text, field="name", required=True, max_len=200)
    if key == "ro_email":
        return v.email(text)
    if key == "ro_phone":
        return v.phone(text)
    if key == "share_request_status":
        status = text.strip().lower().replace("_", "-").replace(" ", "-")
        if status not in SHARE_STATUSES:
            raise ValidationError(
                f"The share request status must be one of: {', '.join(SHARE_STATUSES)}."
            )
        return status
    return v.clean_text(text, field=key.replace("_", " "), max_len=200)


def resolve_organisation(conn: Connection, ident: str) -> str:
    """An organisation's id from its id, an id prefix, or its slug ("leeds")."""
    slug = ident.strip().lower()
    hit = conn.execute(
        select(ORGANISATION.c.id)
        .where(ORGANISATION.c.slug == slug, ORGANISATION.c.deleted.is_(False))
        .order_by(ORGANISATION.c.created_at)
        .limit(1)
    ).scalar()
    if hit is not None:
        return str(hit)
    return resolve_id(conn, ORGANISATION, ident, label="organisation")


def list_organisations(
    desk: Desk,
    *,
    filter_text: str = "",
    limit: int | None = None,
    reveal: bool = False,
    reason: str = "",
) -> list[OrganisationRow]:
    """Organisations by name, each with the number of people on the roster in it.

    With ``reveal`` the returning officers' phone and email are shown, and that is
    logged (one consultation event per organisation shown).
    """
    people = _people_per_organisation()
    acting = ORGANISATION.alias("acting")  # a constituency's council, shown by its slug
    query = (
        select(
            ORGANISATION,
            func.coalesce(people.c.people, 0).label("people"),
            acting.c.slug.label("council"),
        )
        .outerjoin(people, people.c.organisation_id == ORGANISATION.c.id)
        .outerjoin(acting, acting.c.id == ORGANISATION.c.council_id)
        .where(ORGANISATION.c.deleted.is_(False))
        .order_by(ORGANISATION.c.name, ORGANISATION.c.id)
    )
    query = _matching(query, filter_text)
    if limit is not None:
        query = query.limit(limit)
    with desk.read() as conn:
        rows = typed_rows(OrganisationRow, conn.execute(query).mappings())
    if reveal and rows:
        with desk.write() as tx:
            for row in rows:
                tx.audit(
                    AuditAction.CONSULTATION,
                    "organisation",
                    row["id"],
                    SENSITIVE,
                    detail=f"list revealed{': ' + reason if reason else ''}",
                )
        return rows
    return [mask_row(r, SENSITIVE) for r in rows]


#: What ``council=`` takes to say a constituency has no acting council recorded.
NO_COUNCIL: Final = "none"


def update_organisation(
    desk: Desk, ident: str, *, council: str | None = None, **fields: Any
) -> dict[str, tuple[Any, Any]]:
    """Change an organisation (id, id prefix or slug); returns ``{field: (old, new)}``.

    ``council`` (a constituency only): the council whose returning officer acts for it,
    by id, id prefix or slug, or ``"none"``. An import fills it only where the file names
    the council; an officer sets it where the file did not, or corrects it.
    """
    values = clean_organisation(fields)
    if not values and council is None:
        raise ValidationError("Give at least one field to change.")

    def check(conn: Connection, current: dict[str, Any], changes: dict[str, Any]) -> str:
        if council is not None:
            changes["council_id"] = _acting_council(conn, current["id"], council)
        return ""

    return update_record(
        desk, "organisation", ident, values, resolve=resolve_organisation, check=check
    )


def _acting_council(conn: Connection, constituency_id: str, council: str) -> str | None:
    """The id of the council acting for a constituency, checked: both must be what they
    say, or area matching (advisers, the desk's area) would follow a wrong link."""
    kind = _kind(conn, constituency_id)
    if kind != "constituency":
        raise ValidationError(
            "Only a constituency has a council whose returning officer acts for it; "
            f"this organisation is a {kind}."
        )
    if council.strip().lower() == NO_COUNCIL:
        return None
    with v.about("council"):
        try:
            council_id = resolve_organisation(conn, council)
        except NotFound:
            raise NotFound(
                f"No council {council.strip()!r} on this desk: give its slug (as "
                f"`deskapp organisations list` shows), its id or id prefix, or '{NO_COUNCIL}'."
            ) from None
        kind = _kind(conn, council_id)
        if kind != "council":
            raise ValidationError(f"That organisation is a {kind}, not a council.")
    return council_id


def _kind(conn: Connection, org_id: str) -> str:
    return str(
        conn.execute(select(ORGANISATION.c.kind).where(ORGANISATION.c.id == org_id)).scalar_one()
    )


def organisations_query(filter_text: str = "") -> Select[Any]:
    """The councils view's rows: name, returning officer, share status, people."""
    people = _people_per_organisation()
    query = (
        select(
            ORGANISATION.c.id,
            ORGANISATION.c.name,
            ORGANISATION.c.kind,
            ORGANISATION.c.ro_name,
            ORGANISATION.c.share_request_status,
            func.coalesce(people.c.people, 0).label("people"),
        )
        .outerjoin(people, people.c.organisation_id == ORGANISATION.c.id)
        .where(ORGANISATION.c.deleted.is_(False))
    )
    return _matching(query, filter_text).order_by(ORGANISATION.c.name, ORGANISATION.c.id)


def organisation_choices(desk: Desk, filter_text: str, limit: int = 5) -> list[tuple[str, str]]:
    """Organisations matching what was typed, as ``(id, name)`` for a picker."""
    query = organisations_query(filter_text).limit(limit)
    with desk.read() as conn:
        return [(str(r.id), str(r.name)) for r in conn.execute(query)]


def not_shared(desk: Desk) -> int:
    """Councils that have not agreed to share candidates' contact details (yet)."""
    with desk.read() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    ORGANISATION.c.deleted.is_(False),
                    ORGANISATION.c.share_request_status != "agreed",
                )
            ).scalar_one()
        )


def organisation_for_edit(desk: Desk, ident: str) -> OrganisationForEdit:
    """One organisation's editable fields, the returning officer's phone and email
    included: a consultation, logged as a reveal is."""
    with desk.read() as conn:
        org_id = resolve_organisation(conn, ident)
        row = typed_row(
            OrganisationForEdit,
            conn.execute(
                select(ORGANISATION.c.id, *(ORGANISATION.c[f] for f in EDITABLE)).where(
                    ORGANISATION.c.id == org_id
                )
            )
            .mappings()
            .one(),
        )
    desk.log(AuditAction.CONSULTATION, "organisation", org_id, SENSITIVE, detail="edit form")
    return row


def _people_per_organisation() -> Subquery:
    """How many people (not erased) each organisation holds."""
    return (
        select(PERSON.c.organisation_id, func.count().label("people"))
        .where(PERSON.c.deleted.is_(False))
        .group_by(PERSON.c.organisation_id)
        .subquery()
    )


def _matching(query: Select[Any], filter_text: str) -> Select[Any]:
    """Organisations whose name, slug or returning officer holds every word typed."""
    for word in filter_text.lower().split():
        like = f"%{word}%"
        query = query.where(
            func.lower(ORGANISATION.c.name).like(like)
            | ORGANISATION.c.slug.like(like)
            | func.lower(ORGANISATION.c.ro_name).like(like)
        )
    return query
