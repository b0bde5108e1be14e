"""Key-slot file: unlock paths, re-keying, back-off, keyring, and damage handling."""

from __future__ import annotations

import base64
import errno
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.compat import properties

from deskapp.db import keyslots
from deskapp.db.keyslots import (
    FAST_KDF,
    KdfParams,
    KeySlots,
    default_kdf,
    format_recovery_key,
    generate_data_key,
    parse_recovery_key,
    use_kdf,
)
from deskapp.domain.errors import (
    AuthError,
    DatabaseCorrupt,
    DatabaseMissing,
    StorageFull,
    ValidationError,
)

OFFICER = "PC-4521"
PASS = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    """A real backend kept in a dict, for tests only."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test-only backend")  # never picked by keyring's auto-detection

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyslots, "BACKOFF_BASE", 0.0)


Install = Callable[[KeyringBackend], KeyringBackend]


@pytest.fixture
def use_keyring() -> Iterator[Install]:
    """Install a backend for one test, then put the previous one back."""
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "desk" / "desk.keys"


@pytest.fixture
def key() -> bytes:
    return generate_data_key()


@pytest.fixture
def desk(path: Path, key: bytes) -> tuple[KeySlots, str]:
    return KeySlots.create(path, OFFICER, PASS, key)


def doc(path: Path) -> Any:
    return json.loads(path.read_bytes())


def kinds(path: Path) -> list[str]:
    return [s["kind"] for s in doc(path)["slots"]]


def test_create_and_unlock(path: Path, key: bytes, desk: tuple[KeySlots, str]) -> None:
    ks = KeySlots.load(path)
    assert ks.unlock(OFFICER, PASS) == key
    assert ks.unlock_candidates(OFFICER, PASS) == [key]
    assert ks.has_officer(OFFICER, key) and not ks.has_officer("PC-1", key)
    assert ks.slot_count() == 1
    assert ks.db_id == desk[0].db_id and re.fullmatch(r"[0-9a-f]{32}", ks.db_id)
    d = doc(path)
    assert (d["format"], d["version"], d["attempts"]["count"]) == ("deskapp-keyslots", 3, 0)
    assert kinds(path) == ["officer", "recovery"]
    assert not path.with_name(path.name + ".tmp").exists()
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValidationError):
        KeySlots.create(path, OFFICER, PASS, key)
    with pytest.raises(ValidationError):
        KeySlots.create(path.with_name("other"), OFFICER, "", key)


def test_default_kdf_params_unlock(path: Path, key: bytes) -> None:
    assert KdfParams() == KdfParams(3, 65536, 4)
    KeySlots.create(path, OFFICER, PASS, key, KdfParams())
    kdf = doc(path)["slots"][0]["kdf"]
    assert (kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]) == (3, 65536, 4)
    assert KeySlots.load(path).unlock(OFFICER, PASS) == key


def test_fast_slot_unlocks_without_fast_profile(path: Path, key: bytes) -> None:
    assert default_kdf() == FAST_KDF == KdfParams(1, 8192, 1)
    KeySlots.create(path, OFFICER, PASS, key)
    previous = use_kdf(KdfParams())
    try:
        assert KeySlots.load(path).unlock(OFFICER, PASS) == key
    finally:
        use_kdf(previous)


def test_wrong_passphrase_changes_only_attempts(
    path: Path, key: bytes, desk: tuple[KeySlots, str]
) -> None:
    ks = KeySlots.load(path)
    before = doc(path)
    with pytest.raises(AuthError, match="Wrong passphrase for officer PC-4521"):
        ks.unlock(OFFICER, "wrong")
    after = doc(path)
    assert {k: v for k, v in after.items() if k != "attempts"} == {
        k: v for k, v in before.items() if k != "attempts"
    }
    assert after["attempts"]["count"] == 1
    with pytest.raises(AuthError, match="Wrong passphrase for officer PC-9999"):
        ks.unlock("PC-9999", PASS)  # an unknown officer looks the same as a wrong passphrase
    assert ks.unlock(OFFICER, PASS) == key
    assert doc(path)["attempts"]["count"] == 0  # success resets the counter
    assert {k: v for k, v in doc(path).items() if k != "attempts"} == {
        k: v for k, v in before.items() if k != "attempts"
    }


def test_backoff_grows_and_survives_reload(
    monkeypatch: pytest.MonkeyPatch, path: Path, key: bytes, desk: tuple[KeySlots, str]
) -> None:
    monkeypatch.setattr(keyslots, "BACKOFF_BASE", 1.0)
    monkeypatch.setenv("DESKAPP_BACKOFF_BASE", "0")  # ignored: no switch shortens it
    now = [1_000_000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # a clock that the waits move on
        slept.append(seconds)
        now[0] += seconds

    def fake_time(ks: KeySlots) -> KeySlots:
        ks.sleep, ks.clock = sleep, lambda: now[0]
        return ks

    ks = fake_time(KeySlots.load(path))
    for _ in range(5):
        with pytest.raises(AuthError):
            ks.unlock(OFFICER, "wrong")
    assert slept == [1.0, 2.0, 4.0]  # no delay for the first two tries
    assert ks.required_delay() == 8.0
    again = fake_time(KeySlots.load(path))  # the count lives in the file
    assert again.required_delay() == 8.0
    for _ in range(3):
        with pytest.raises(AuthError):
            again.unlock(OFFICER, "wrong")
    assert again.required_delay() == 30.0  # capped
    assert again.unlock(OFFICER, PASS) == key
    assert slept[-1] == 30.0  # slept before checking, even for the right passphrase
    assert again.required_delay() == 0.0


def test_recovery_key_round_trip(path: Path, key: bytes, desk: tuple[KeySlots, str]) -> None:
    recovery = desk[1]
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){12}", recovery)
    ks = KeySlots.load(path)
    variants = [
        recovery,
        recovery.lower(),
        recovery.replace("-", ""),
        recovery.replace("-", " "),
        f"  {recovery.lower().replace('-', ' - ')}\n",
    ]
    for text in variants:
        assert ks.unlock_recovery(text) == key
    with pytest.raises(AuthError, match="Wrong recovery key"):
        ks.unlock_recovery(format_recovery_key(os.urandom(32)))
    for junk in ["", "ABCD-EFGH", recovery + "-AAAA", "1" * 52, "\u00c4" * 52]:
        with pytest.raises(AuthError, match="not a valid recovery key"):
            ks.unlock_recovery(junk)
    secret = os.urandom(32)
    assert parse_recovery_key(format_recovery_key(secret)) == secret


def test_add_change_reset_remove(path: Path, key: bytes, desk: tuple[KeySlots, str]) -> None:
    ks = desk[0]
    ks.add_officer("PS-77", "second pass", key)
    with pytest.raises(ValidationError, match="PS-77"):
        ks.add_officer("PS-77", "other", key)
    with pytest.raises(ValidationError):
        ks.add_officer("PS-78", "", key)
    with pytest.raises(ValidationError):
        ks.add_officer(" ", "pass", key)
    ks = KeySlots.load(path)
    assert ks.slot_count() == 2 and ks.unlock("PS-77", "second pass") == key

    ks.change_passphrase("PS-77", "second pass", "new pass")
    with pytest.raises(AuthError, match="PS-77"):
        ks.change_passphrase("PS-77", "second pass", "x")
    with pytest.raises(ValidationError):
        ks.change_passphrase("PS-77", "new pass", "")
    ks = KeySlots.load(path)
    with pytest.raises(AuthError):
        ks.unlock("PS-77", "second pass")
    assert ks.unlock("PS-77", "new pass") == key

    # Forgotten passphrase: reset with the data key from the recovery key.
    ks.reset_passphrase(OFFICER, "fresh start", ks.unlock_recovery(desk[1]))
    with pytest.raises(AuthError, match="No officer"):
        ks.reset_passphrase("PC-0", "x", key)
    ks = KeySlots.load(path)
    with pytest.raises(AuthError):
        ks.unlock(OFFICER, PASS)
    assert ks.unlock(OFFICER, "fresh start") == key
    ks.add_officer("PS-77", "replaced", key, replace=True)
    assert KeySlots.load(path).unlock("PS-77", "replaced") == key

    ks.remove_officer("PS-77", key)
    ks = KeySlots.load(path)
    assert ks.slot_count() == 1 and not ks.has_officer("PS-77", key)
    with pytest.raises(AuthError, match="Wrong passphrase for officer PS-77"):
        ks.unlock("PS-77", "replaced")
    with pytest.raises(ValidationError, match="last officer"):
        ks.remove_officer(OFFICER, key)
    with pytest.raises(AuthError):
        ks.remove_officer("PS-77", key)


def test_rekey_after_removal(path: Path, key: bytes, desk: tuple[KeySlots, str]) -> None:
    ks = desk[0]
    ks.add_officer("B", "pass b", key)
    ks.add_officer("C", "pass c", key)
    ks.remove_officer("C", key)
    new = generate_data_key()
    ks.begin_rekey(new, key)
    ks.commit_rekey()
    ks = KeySlots.load(path)
    assert ks.unlock(OFFICER, PASS) == new
    assert ks.unlock_candidates("B", "pass b") == [new]
    assert ks.unlock_recovery(desk[1]) == new
    with pytest.raises(AuthError, match="Wrong passphrase for officer C"):
        ks.unlock("C", "pass c")
    assert ks.has_officer("B", new) and not ks.has_officer("C", new)
    assert new.hex() not in path.read_text() and not ks.has_pending_rekey()
    with pytest.raises(ValidationError):
        ks.commit_rekey()


def test_crash_between_begin_and_commit(path: Path, key: bytes, desk: tuple[KeySlots, str]) -> None:
    new = generate_data_key()
    desk[0].begin_rekey(new, key)
    ks = KeySlots.load(path)  # the app restarts before commit_rekey
    assert ks.has_pending_rekey()
    assert ks.unlock(OFFICER, PASS) == key
    assert ks.unlock_candidates(OFFICER, PASS) == [key, new]
    assert ks.unlock_recovery_candidates(desk[1]) == [key, new]
    with pytest.raises(ValidationError, match="re-key"):
        ks.add_officer("B", "pass b", key)
    ks.commit_rekey()
    assert KeySlots.load(path).unlock_candidates(OFFICER, PASS) == [new]
    assert KeySlots.load(path).has_officer(OFFICER, new)  # the directory moved over too

    ks.begin_rekey(key, new)
    ks.abort_rekey()
    assert KeySlots.load(path).unlock_candidates(OFFICER, PASS) == [new]


def test_file_holds_no_ids_passphrases_or_keys(
    path: Path, key: bytes, desk: tuple[KeySlots, str], use_keyring: Install
) -> None:
    use_keyring(MemoryKeyring())
    ks = desk[0]
    ks.add_officer("SGT-0042", "hunter2 but longer", key)
    assert ks.remember("SGT-0042", "hunter2 but longer")
    with pytest.raises(AuthError):
        ks.unlock(OFFICER, "a wrong guess")
    new = generate_data_key()
    ks.begin_rekey(new, key)
    raw = path.read_bytes()
    secret = parse_recovery_key(desk[1])
    forbidden = [OFFICER.encode(), b"SGT-0042", PASS.encode(), b"hunter2", b"guess"]
    forbidden += [desk[1].encode(), desk[1].replace("-", "").encode()]
    for k in (key, new, secret):
        forbidden += [
            k,
            k.hex().encode(),
            k.hex().upper().encode(),
            base64.b64encode(k),
            base64.urlsafe_b64encode(k),
            base64.b32encode(k),
            base64.b64encode(k).rstrip(b"="),
        ]
    for needle in forbidden:
        assert needle not in raw, needle


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"\xff\xfe garbage \x00",
        b"[]",
        b'{"format": "something-else", "version": 1}',
        b"TRUNCATE",
        b"BADB64",
        b"VERSION",
        b"NOSLOTS",
    ],
)
def test_corrupt_file_is_reported_and_untouched(
    path: Path, desk: tuple[KeySlots, str], content: bytes
) -> None:
    good = path.read_bytes()
    d = json.loads(good)
    if content == b"TRUNCATE":
        content = good[: len(good) // 2]
    elif content == b"BADB64":
        d["slots"][0]["wrapped"] = "!!not base64!!"
        content = json.dumps(d).encode()
    elif content == b"VERSION":
        d["version"] = 4
        content = json.dumps(d).encode()
    elif content == b"NOSLOTS":
        d["slots"] = [s for s in d["slots"] if s["kind"] != "officer"]
        content = json.dumps(d).encode()
    path.write_bytes(content)
    with pytest.raises(DatabaseCorrupt, match=re.escape(str(path))):
        KeySlots.load(path)
    assert path.read_bytes() == content


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.keys"
    with pytest.raises(DatabaseMissing, match="Run `deskapp init` or `deskapp demo`") as info:
        KeySlots.load(missing)
    assert str(missing) in str(info.value)


def test_keyring_remember_unlock_forget(
    path: Path, key: bytes, desk: tuple[KeySlots, str], use_keyring: Install
) -> None:
    backend = MemoryKeyring()
    use_keyring(backend)
    ks = desk[0]
    assert KeySlots.load(path).unlock_keyring(OFFICER) is None
    with pytest.raises(AuthError):
        ks.remember(OFFICER, "wrong")
    assert ks.remember(OFFICER, PASS)
    ((service, user),) = backend.store
    assert service == "deskapp" and user.startswith(ks.db_id + ":") and OFFICER not in user
    assert kinds(path) == ["officer", "recovery", "keyring"]
    assert KeySlots.load(path).unlock_keyring(OFFICER) == key
    assert KeySlots.load(path).unlock_keyring("PC-0") is None

    # A passphrase change keeps the keypair, so the remembered terminal still works.
    ks.change_passphrase(OFFICER, PASS, "new pass")
    assert KeySlots.load(path).unlock_keyring(OFFICER) == key
    # Re-keying seals to the officer's public key: the keyring slot follows along.
    new = generate_data_key()
    ks.begin_rekey(new, key)
    ks.commit_rekey()
    assert KeySlots.load(path).unlock_keyring(OFFICER) == new

    backend.store.clear()  # entry vanished from the OS keyring
    assert KeySlots.load(path).unlock_keyring(OFFICER) is None
    assert ks.remember(OFFICER, "new pass")
    ks = KeySlots.load(path)
    ks.forget(OFFICER)
    assert backend.store == {} and kinds(path) == ["officer", "recovery"]
    assert ks.unlock_keyring(OFFICER) is None

    # Removing an officer also forgets the terminal; a reset makes a new keypair.
    ks.add_officer("B", "pass b", new)
    assert ks.remember("B", "pass b") and ks.remember(OFFICER, "new pass")
    ks.remove_officer("B", new)
    assert len(backend.store) == 1
    ks.reset_passphrase(OFFICER, "reset", new)
    assert backend.store == {} and "keyring" not in kinds(path)


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring, BrokenKeyring])
def test_no_usable_keyring(
    path: Path, desk: tuple[KeySlots, str], use_keyring: Install, backend: type[KeyringBackend]
) -> None:
    use_keyring(backend())
    ks = desk[0]
    assert ks.remember(OFFICER, PASS) is False
    assert "keyring" not in kinds(path)
    assert ks.unlock_keyring(OFFICER) is None
    ks.forget(OFFICER)  # harmless


@pytest.mark.parametrize("victim", ["replace", "fsync"])
def test_disk_full_leaves_old_file(
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    key: bytes,
    desk: tuple[KeySlots, str],
    victim: str,
) -> None:
    ks = desk[0]
    good = path.read_bytes()

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m, pytest.raises(StorageFull, match="full"):
        m.setattr(os, victim, full)
        ks.add_officer("B", "pass b", key)
    assert path.read_bytes() == good
    assert not path.with_name(path.name + ".tmp").exists()
    assert not ks.has_officer("B", key)  # the in-memory change was undone too
    assert KeySlots.load(path).unlock(OFFICER, PASS) == key


class _FakeMsvcrt:
    """Windows' msvcrt.locking, as far as the lock uses it: it refuses (after its own ten
    seconds) while another process holds the byte."""

    LK_LOCK, LK_UNLCK = 1, 0

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        import os

        self.calls.append((mode, nbytes, os.lseek(fd, 0, os.SEEK_CUR)))
        if mode == self.LK_LOCK and self.refusals:
            self.refusals -= 1
            raise OSError(36, "Resource deadlock avoided")


def test_the_windows_lock_asks_again_until_granted_and_unlocks_the_same_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Windows branch, taken by the platform given (msvcrt is not on Linux, so a
    stand-in for its one call): a refusal is asked again, and the unlock names byte 0
    even when the file position moved while the lock was held."""
    import os
    import sys

    from deskapp.db import keyslots

    fake = _FakeMsvcrt(refusals=2)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    lock = tmp_path / "desk.db.keys.lock"
    with keyslots._exclusive(lock, platform="win32"):
        fd = os.open(lock, os.O_RDWR)
        os.close(fd)
    modes = [mode for mode, _n, _pos in fake.calls]
    assert modes == [fake.LK_LOCK] * 3 + [fake.LK_UNLCK]
    assert all(n == 1 for _m, n, _pos in fake.calls)
    assert fake.calls[-1][2] == 0
