"""Opening and setting up a desk on the real SQLCipher database."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from deskapp.db.desk import Desk
from deskapp.domain.errors import (
    AuthError,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseMissing,
    ValidationError,
)
from deskapp.runtime.paths import slots_path
from deskapp.services import people
from tests.conftest import PASS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_then_open(db_path: Path) -> None:
    desk, recovery = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    assert desk.officer.is_supervisor
    desk.close()
    assert len(recovery.replace("-", "")) >= 52
    with Desk.open(db_path, "4521", PASS) as again:
        assert again.officer.name == "Sgt Ada Example"


def test_init_refuses_existing(desk: Desk, db_path: Path) -> None:
    before = digest(db_path)
    with pytest.raises(ValidationError, match="already exists"):
        Desk.init(db_path, "9999", "Someone", PASS)
    assert digest(db_path) == before


def test_database_is_sqlcipher_not_plain_sqlite(desk: Desk, db_path: Path) -> None:
    people.add_person(desk, name="Plaintext Check")
    desk.close()
    assert not db_path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db_path).execute("select * from sqlite_master").fetchall()


def test_wrong_passphrase_names_officer_and_leaves_file_untouched(
    desk: Desk, db_path: Path
) -> None:
    people.add_person(desk, name="Someone Real")
    desk.close()
    before = digest(db_path)
    for _ in range(3):
        with pytest.raises(AuthError, match="4521"):
            Desk.open(db_path, "4521", "not the passphrase")
    assert digest(db_path) == before


def test_repeated_failures_back_off(desk: Desk, db_path: Path) -> None:
    desk.close()
    slots = desk.slots
    for _ in range(4):
        with pytest.raises(AuthError):
            Desk.open(db_path, "4521", "wrong")
    from deskapp.db.keyslots import KeySlots

    assert KeySlots.load(slots_path(db_path)).failures() == 4  # counted in the file
    assert slots is not None


def test_unknown_officer(desk: Desk, db_path: Path) -> None:
    desk.close()
    with pytest.raises(AuthError, match="7777"):
        Desk.open(db_path, "7777", PASS)


def test_recovery_key_opens(db_path: Path) -> None:
    desk, recovery = Desk.init(db_path, "4521", "Sgt Ada Example", PASS)
    desk.close()
    with Desk.open(db_path, "4521", recovery_key=recovery.lower().replace("-", " ")) as d:
        assert d.officer.id == "4521"
    with pytest.raises(AuthError):
        Desk.open(db_path, "4521", recovery_key="AAAA-" * 12 + "AAAA")


def test_missing_database_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="deskapp init"):
        Desk.open(tmp_path / "nope.db", "4521", PASS)


def test_missing_slot_file(desk: Desk, db_path: Path) -> None:
    desk.close()
    slots_path(db_path).unlink()
    with pytest.raises(DatabaseCorrupt, match="key-slot file"):
        Desk.open(db_path, "4521", PASS)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_corrupted_database_is_reported_and_not_overwritten(
    desk: Desk, db_path: Path, damage: str
) -> None:
    for i in range(50):
        people.add_person(desk, name=f"Person {i}")
    desk.close()
    data = bytearray(db_path.read_bytes())
    if damage == "truncate":
        data = data[:1000]
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        data[0:16] = bytes(16)  # page 1's salt/header: the HMAC cannot match
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseCorrupt, match="damaged"):
        Desk.open(db_path, "4521", PASS)
    assert digest(db_path) == before


def test_busy_database_is_a_clear_message(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deskapp.db.engine.BUSY_TIMEOUT_S", 0.1)
    desk.engine.dispose()
    blocker = sqlcipher3.connect(str(db_path), isolation_level=None)
    blocker.execute("PRAGMA cipher_log_level = NONE")
    blocker.execute(f"PRAGMA key = \"x'{desk.data_key.hex()}'\"")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseBusy, match="busy"):
            people.add_person(desk, name="Blocked Person")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert people.count_people(desk) == 0


def test_locked_desk_refuses_writes(desk: Desk) -> None:
    desk.close()
    with pytest.raises(AuthError, match="locked"):
        people.add_person(desk, name="After Lock")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists open files on Linux")
def test_a_locked_desk_reopens_nothing(desk: Desk, db_path: Path) -> None:
    """Closing lets go of the connections, those still in use as they come back, and
    of the engine whose connection factory held the key: a read after it is refused
    and opens no file (it used to reconnect quietly with the key it had kept)."""
    in_use = desk.engine.connect()
    raw = in_use.connection.dbapi_connection
    desk.close()
    in_use.close()  # handed back after the lock: closed, not pooled
    with pytest.raises(sqlcipher3.ProgrammingError, match="closed"):
        raw.execute("SELECT 1")  # type: ignore[union-attr]
    with pytest.raises(AuthError, match="locked"), desk.read():
        pass
    assert not [f for f in _open_files() if f.startswith(str(db_path))]


def _open_files() -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor has gone
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
    return found


def test_read_apart_is_a_snapshot_off_the_pool(desk: Desk) -> None:
    """The ranked lists' background build reads on a connection of its own: it sees one
    snapshot, leaves the pool's connections free, and keeps nothing open afterwards."""
    people.add_person(desk, name="Before The Snapshot")
    with desk.read_apart() as conn:
        assert desk.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        before = conn.exec_driver_sql("SELECT count(*) FROM person").scalar()
        people.add_person(desk, name="During The Snapshot")  # commits meanwhile
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == before
        raw = conn.connection.dbapi_connection
    with pytest.raises(sqlcipher3.ProgrammingError, match="closed"):
        raw.execute("SELECT 1")  # type: ignore[union-attr]
    with desk.read_apart() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM person").scalar() == before + 1
    desk.close()
    with pytest.raises(AuthError, match="locked"), desk.read_apart():
        pass


def test_a_streaming_write_keeps_a_small_page_cache_meanwhile(desk: Desk) -> None:
    """A large pull's transactions write rows they do not read again: their connection's
    cache is held small while they run and given back its usual size after."""
    from deskapp.db.engine import CACHE_KIB, STREAM_CACHE_KIB

    with desk.write(streaming=True) as tx:
        assert tx.conn.exec_driver_sql("PRAGMA cache_size").scalar() == -STREAM_CACHE_KIB
        raw = tx.conn.connection.dbapi_connection
    assert raw is not None
    assert raw.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
    with pytest.raises(ValueError), desk.write(streaming=True) as tx:
        raw = tx.conn.connection.dbapi_connection
        raise ValueError("the transaction fails")
    assert raw is not None
    assert raw.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB


@pytest.mark.parametrize("folder", ["plain", "a#b", "what?", "100% sure", "with space"])
def test_check_key_reads_a_desk_in_any_folder(tmp_path: Path, folder: str) -> None:
    """The read-only check opens the file by URI: a '#', '?' or '%' in a folder's name
    (and, on Windows, the drive letter) is part of the path, not of the URI's syntax."""
    from deskapp.db.engine import check_key

    path = tmp_path / folder / "desk.db"
    path.parent.mkdir()
    desk, _recovery = Desk.init(path, "4521", "Sgt Ada Example", "correct horse battery")
    key = desk.data_key
    desk.close()
    assert check_key(path, key)
    assert not check_key(path, bytes(32))
