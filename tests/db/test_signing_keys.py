"""Officers' Ed25519 signing keys in the key slots (format 3), and the upgrade of a
version-2 file: each officer's slot gets its key at that officer's next unlock."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import keyring
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from deskapp.db.desk import Desk
from deskapp.domain.errors import AuthError, DatabaseCorrupt
from deskapp.runtime.paths import slots_path
from deskapp.services import officers
from tests.conftest import PASS

from .test_keyslots import MemoryKeyring

V2_DESK = Path(__file__).parent / "data" / "v2-desk"  # made by the version-2 code
V2_PASS = {"offA": "old format alpha passphrase", "supB": "old format bravo passphrase"}


def officer_slots(path: Path) -> list[dict[str, object]]:
    doc = json.loads(slots_path(path).read_bytes())
    return [s for s in doc["slots"] if s["kind"] == "officer"]


def verifies(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except InvalidSignature:
        return False
    return True


def test_a_new_desk_signs_and_keeps_the_private_key_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    desk, recovery = Desk.init(path, "PC-1", "Sgt One", PASS)
    public = desk.public_keys
    signature = desk.sign(b"a batch")
    private = desk.keys.signing.private_bytes_raw()
    desk.close()
    assert verifies(public.signing, signature, b"a batch")
    assert not verifies(public.signing, signature, b"another batch")
    raw = slots_path(path).read_bytes()
    doc = json.loads(raw)
    assert doc["version"] == 3
    (slot,) = officer_slots(path)
    assert slot["sign"]["public"] == base64.b64encode(public.signing).decode()  # type: ignore[index]
    for form in (private, private.hex().encode(), base64.b64encode(private)):
        assert form not in raw
    # The same key after unlocking again; the public keys read without the officer.
    with Desk.open(path, "PC-1", PASS) as again:
        assert again.public_keys == public
        assert again.slots.public_keys("PC-1", again.data_key) == public
    with (
        Desk.open(path, "PC-1", recovery_key=recovery) as rescued,
        pytest.raises(AuthError, match="recovery key"),
    ):
        rescued.sign(b"x")
    locked = Desk.open(path, "PC-1", PASS)
    locked.close()
    with pytest.raises(AuthError, match="locked"):
        locked.sign(b"x")


def test_added_officers_and_a_new_passphrase_keep_their_signing_key(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    desk, _ = Desk.init(path, "PC-1", "Sgt One", PASS)
    officers.add_officer(desk, "PC-2", "PC Two", "another long passphrase")
    second = desk.slots.public_keys("PC-2", desk.data_key)
    desk.close()
    assert second is not None
    officers_before = officer_slots(path)
    assert all("sign" in s for s in officers_before)
    with Desk.open(path, "PC-2", "another long passphrase") as desk:
        assert desk.public_keys == second
        officers.change_passphrase(desk, "another long passphrase", "a third long passphrase")
    with Desk.open(path, "PC-2", "a third long passphrase") as desk:
        assert desk.public_keys == second


def test_a_remembered_terminal_signs_with_the_same_key(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        path = tmp_path / "desk.db"
        desk, _ = Desk.init(path, "PC-1", "Sgt One", PASS)
        public = desk.public_keys
        desk.slots.remember("PC-1", PASS)
        desk.close()
        with Desk.open(path, "PC-1") as again:  # no passphrase: the keyring slot
            assert again.public_keys == public
            assert verifies(public.signing, again.sign(b"d"), b"d")
    finally:
        keyring.set_keyring(previous)


def copy_v2(target: Path) -> Path:
    target.mkdir()
    for item in V2_DESK.glob("desk.db*"):
        shutil.copy2(item, target / item.name)
    return target / "desk.db"


def test_version_2_file_gains_signing_keys_as_each_officer_unlocks(tmp_path: Path) -> None:
    path = copy_v2(tmp_path / "old")
    before = json.loads(slots_path(path).read_bytes())
    assert before["version"] == 2 and not any("sign" in s for s in before["slots"])
    with Desk.open(path, "offA", V2_PASS["offA"]) as desk:
        first = desk.public_keys
        assert verifies(first.signing, desk.sign(b"b"), b"b")
        assert desk.slots.public_keys("supB", desk.data_key) is None  # not unlocked yet
    after = json.loads(slots_path(path).read_bytes())
    assert after["version"] == 3
    assert sum("sign" in s for s in officer_slots(path)) == 1
    with Desk.open(path, "supB", V2_PASS["supB"]) as desk:
        assert desk.public_keys.signing != first.signing
    assert all("sign" in s for s in officer_slots(path))
    # Kept from then on, and the recovery key still opens the upgraded file.
    with Desk.open(path, "offA", V2_PASS["offA"]) as desk:
        assert desk.public_keys == first
    recovery = (V2_DESK / "recovery.txt").read_text().strip()
    Desk.open(path, "offA", recovery_key=recovery).close()


def test_a_damaged_signing_key_is_reported_and_the_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    Desk.init(path, "PC-1", "Sgt One", PASS)[0].close()
    keys = slots_path(path)
    doc = json.loads(keys.read_bytes())
    slot = next(s for s in doc["slots"] if s["kind"] == "officer")
    wrapped = bytearray(base64.b64decode(slot["sign"]["wrapped"]))
    wrapped[0] ^= 1
    slot["sign"]["wrapped"] = base64.b64encode(bytes(wrapped)).decode()
    keys.write_text(json.dumps(doc))
    damaged = keys.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="damaged signing key"):
        Desk.open(path, "PC-1", PASS)
    assert json.loads(keys.read_bytes())["slots"] == json.loads(damaged)["slots"]
