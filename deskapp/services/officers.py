"""Officers of the desk and their key slots. Adding and removing are supervisor-only;
removing an officer re-keys the database so their old slot opens nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from deskapp.db.desk import Desk, check_officer_id, check_passphrase
from deskapp.db.engine import connect_raw, make_engine, translate_errors
from deskapp.db.keyslots import KdfParams, generate_data_key
from deskapp.db.tables import OFFICER
from deskapp.domain.errors import NotFound, PermissionDenied, ValidationError
from deskapp.domain.validation import no_controls
from deskapp.domain.vocabulary import AuditAction, OfficerRole


@dataclass(frozen=True)
class OfficerRow:
    id: str
    name: str
    role: str
    active: bool
    created_at: datetime
    removed_at: datetime | None


def require_supervisor(desk: Desk, action: str) -> None:
    if not desk.officer.is_supervisor:
        raise PermissionDenied(f"Only a supervisor can {action}.")


def require_reviewer(desk: Desk, action: str) -> None:
    """A supervisor or an auditor (the data protection officer)."""
    if not (desk.officer.is_supervisor or desk.officer.is_auditor):
        raise PermissionDenied(f"Only a supervisor or an auditor can {action}.")


def list_officers(desk: Desk, *, include_removed: bool = False) -> list[OfficerRow]:
    query = select(OFFICER).order_by(OFFICER.c.id)
    if not include_removed:
        query = query.where(OFFICER.c.active.is_(True))
    with desk.read() as conn:
        return [OfficerRow(**row) for row in conn.execute(query).mappings()]


def add_officer(
    desk: Desk,
    officer_id: str,
    name: str,
    passphrase: str,
    role: OfficerRole = OfficerRole.OFFICER,
    kdf: KdfParams | None = None,
) -> None:
    require_supervisor(desk, "add an officer")
    officer_id = check_officer_id(officer_id)
    check_passphrase(passphrase, officer_id)
    no_controls(name, field="The officer's name")
    if not name.strip():
        raise ValidationError("The officer's name is needed.")
    with desk.read() as conn:
        existing = conn.execute(select(OFFICER).where(OFFICER.c.id == officer_id)).first()
    if existing is not None and existing.active:
        raise ValidationError(f"Officer {officer_id} is already on this desk.")
    with desk.write() as tx:
        values = {"name": name.strip(), "role": str(role), "active": True, "removed_at": None}
        if existing is None:
            tx.insert("officer", {"id": officer_id, "created_at": tx.now, **values})
        else:
            tx.update("officer", officer_id, values, detail="re-added")
        # The slot is written inside the transaction: if it fails, the row rolls back.
        desk.slots.add_officer(officer_id, passphrase, desk.data_key, kdf, replace=True)


def change_passphrase(desk: Desk, old: str, new: str, kdf: KdfParams | None = None) -> None:
    check_passphrase(new, desk.officer.id)
    desk.slots.change_passphrase(desk.officer.id, old, new, kdf)
    desk.log(AuditAction.ALTERATION, "officer", desk.officer.id, ("passphrase",))


def reset_passphrase(desk: Desk, officer_id: str, new: str, kdf: KdfParams | None = None) -> None:
    """A supervisor (or a desk opened with the recovery key) sets a forgotten passphrase."""
    require_supervisor(desk, "reset another officer's passphrase")
    check_passphrase(new, officer_id)
    _require_active(desk, officer_id)
    desk.slots.reset_passphrase(officer_id, new, desk.data_key, kdf)
    desk.log(AuditAction.ALTERATION, "officer", officer_id, ("passphrase",), detail="reset")


def remove_officer(desk: Desk, officer_id: str) -> None:
    """Deactivate the officer, drop their slot and re-key the database."""
    require_supervisor(desk, "remove an officer")
    if officer_id == desk.officer.id:
        raise ValidationError("You cannot remove yourself; ask another supervisor.")
    row = _require_active(desk, officer_id)
    if row.role == OfficerRole.SUPERVISOR:
        supervisors = [o for o in list_officers(desk) if o.role == OfficerRole.SUPERVISOR]
        if len(supervisors) <= 1:
            raise ValidationError("The desk needs at least one supervisor.")
    with desk.write() as tx:
        tx.update("officer", officer_id, {"active": False, "removed_at": tx.now}, detail="removed")
    desk.slots.remove_officer(officer_id, desk.data_key)
    rekey(desk)


def rekey(desk: Desk) -> None:
    """Give the database a new data key and seal it to every remaining slot.

    The new key is written to the slot file as *pending* before the database changes,
    so a crash at any point leaves a key that opens it (``Desk.open`` tries both).
    """
    new_key = generate_data_key()
    desk.slots.begin_rekey(new_key, desk.data_key)
    with desk._write_lock, translate_errors(desk.path):
        desk.engine.dispose()
        conn = connect_raw(desk.path, desk.data_key)
        try:
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        finally:
            conn.close()
        desk.slots.commit_rekey()
        desk.engine = make_engine(desk.path, new_key)
        desk._key[:] = new_key
    desk.log(AuditAction.ALTERATION, "desk", "", ("data_key",), detail="re-keyed")


def _require_active(desk: Desk, officer_id: str) -> OfficerRow:
    for row in list_officers(desk):
        if row.id == officer_id:
            return row
    raise NotFound(f"No active officer {officer_id} on this desk.")
