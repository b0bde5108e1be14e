"""Officer slots: add, remove (with re-key), passphrase change and reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KeySlots
from deskapp.domain.errors import AuthError, PermissionDenied, ValidationError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.runtime.paths import slots_path
from deskapp.services import officers, people
from tests.conftest import PASS


def test_add_officer_can_open(desk: Desk, db_path: Path) -> None:
    officers.add_officer(desk, "1001", "PC Bo Example", "bo passphrase")
    desk.close()
    with Desk.open(db_path, "1001", "bo passphrase") as bo:
        assert bo.officer.role == OfficerRole.OFFICER
        with pytest.raises(PermissionDenied):
            officers.add_officer(bo, "1002", "PC C", "c passphrase")


def test_remove_officer_rekeys(desk: Desk, db_path: Path) -> None:
    people.add_person(desk, name="Kept Through Rekey")
    officers.add_officer(desk, "1001", "PC Bo Example", "bo passphrase")
    old_key = desk.data_key
    # Bo's slot unwrapped the old key; keep what Bo could have copied.
    bo_old = KeySlots.load(slots_path(db_path)).unlock("1001", "bo passphrase")
    officers.remove_officer(desk, "1001")
    assert desk.data_key != old_key
    assert people.count_people(desk) == 1  # the open desk carries on with the new key
    desk.close()
    with pytest.raises(AuthError):
        Desk.open(db_path, "1001", "bo passphrase")
    from deskapp.db.engine import check_key

    assert bo_old == old_key
    assert not check_key(db_path, old_key)
    with Desk.open(db_path, "4521", PASS) as again:
        assert people.count_people(again) == 1
        assert [o.id for o in officers.list_officers(again)] == ["4521"]


def test_recovery_still_opens_after_rekey(db_path: Path) -> None:
    desk, recovery = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    officers.add_officer(desk, "1001", "PC Bo", "bo passphrase")
    officers.remove_officer(desk, "1001")
    desk.close()
    with Desk.open(db_path, "4521", recovery_key=recovery):
        pass


def test_crash_between_rekey_steps_still_opens(desk: Desk, db_path: Path) -> None:
    people.add_person(desk, name="Survivor")
    new_key = bytes(range(32))
    desk.slots.begin_rekey(new_key, desk.data_key)
    from deskapp.db.engine import connect_raw

    desk.engine.dispose()
    conn = connect_raw(db_path, desk.data_key)
    conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    conn.close()
    desk.closed = True  # the process "dies" before commit_rekey
    with Desk.open(db_path, "4521", PASS) as again:
        assert people.count_people(again) == 1
    assert not KeySlots.load(slots_path(db_path)).has_pending_rekey()


def test_cannot_remove_self_or_last_supervisor(desk: Desk) -> None:
    with pytest.raises(ValidationError):
        officers.remove_officer(desk, "4521")


def test_change_passphrase(desk: Desk, db_path: Path) -> None:
    officers.change_passphrase(desk, PASS, "a brand new passphrase")
    desk.close()
    with pytest.raises(AuthError):
        Desk.open(db_path, "4521", PASS)
    Desk.open(db_path, "4521", "a brand new passphrase").close()


def test_reset_with_recovery(db_path: Path) -> None:
    desk, recovery = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    desk.close()
    with Desk.open(db_path, "4521", recovery_key=recovery) as d:
        officers.reset_passphrase(d, "4521", "forgot it so reset")
    Desk.open(db_path, "4521", "forgot it so reset").close()
