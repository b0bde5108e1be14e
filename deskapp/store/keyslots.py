"""LUKS-style key slots wrapping the database's random 256-bit data key.

Every officer slot (and the recovery slot) owns an X25519 keypair and the data key is
*sealed* to its public key, so (re)sealing for any slot needs no other officer's secret:
that is what lets removing an officer re-key the database. Private keys are wrapped with
AES-256-GCM under Argon2id(passphrase), HKDF(recovery secret) or a random key kept in the
OS keyring. Officer ids never appear in the file, only keyed-hash labels. The database
file itself is never touched here.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import errno
import hashlib
import hmac
import json
import os
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from deskapp.core.errors import (
    AuthError,
    ConfigError,
    DatabaseCorrupt,
    DatabaseMissing,
    StorageFull,
    ValidationError,
)

FORMAT = "deskapp-keyslots"
VERSION = 1
KEY_LEN = 32
KEYRING_SERVICE = "deskapp"
RECOVERY_LABEL = "recovery"
MAX_DELAY = 30.0
# Back-off base in seconds; None means read DESKAPP_BACKOFF_BASE (default 1.0) at each call,
# so tests and the CLI can change the environment after import.
BACKOFF_BASE: float | None = None

_TAG = 16  # AES-GCM tag length
_NONCE = 12
_SALT = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored per slot so a slot made with either profile unlocks later."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    @classmethod
    def from_env(cls) -> KdfParams:
        if os.environ.get("DESKAPP_KDF_PROFILE") == "fast":
            return cls(1, 8192, 1)
        return cls()


@dataclass
class _Sealed:
    epk: bytes  # ephemeral X25519 public key
    nonce: bytes
    ct: bytes


@dataclass
class _Slot:
    kind: str  # "officer", "recovery" or "keyring"
    label: str
    nonce: bytes
    wrapped: bytes  # the slot's X25519 private key (a keyring slot: its officer's)
    public: bytes = b""
    salt: bytes = b""
    kdf: KdfParams | None = None
    sealed: _Sealed | None = None
    pending: _Sealed | None = None  # new data key during a re-key


def generate_data_key() -> bytes:
    return secrets.token_bytes(KEY_LEN)


def format_recovery_key(secret: bytes) -> str:
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    clean = "".join(text.split()).replace("-", "").upper()
    try:
        secret = base64.b32decode(clean + "=" * (-len(clean) % 8))
    except ValueError:
        secret = b""
    if len(secret) != KEY_LEN:
        raise AuthError(
            "That is not a valid recovery key: expect 13 groups of 4 letters and digits."
        )
    return secret


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=info).derive(ikm)


def _argon2(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    # NFC so the same passphrase typed on different terminals/keyboards gives the same bytes.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(
        secret,
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=KEY_LEN,
        type=Type.ID,
    )


def _backoff_base() -> float:
    if BACKOFF_BASE is not None:
        return BACKOFF_BASE
    raw = os.environ.get("DESKAPP_BACKOFF_BASE", "1.0")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value >= 0:  # also rejects NaN
        raise ConfigError(f"DESKAPP_BACKOFF_BASE must be a number of seconds, not {raw!r}.")
    return value


def _require_officer_id(officer_id: str) -> None:
    if not officer_id.strip():
        raise ValidationError("The officer id must not be empty.")


def _require_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise ValidationError("The passphrase must not be empty.")


def _require_key(data_key: bytes) -> None:
    if len(data_key) != KEY_LEN:
        raise ValidationError(f"A data key must be {KEY_LEN} bytes.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable (matters mid re-key); Windows cannot open directories.
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class KeySlots:
    """The key-slot file of one desk database."""

    def __init__(
        self,
        path: Path,
        db_id: str,
        slots: list[_Slot],
        attempts: dict[str, tuple[int, float]],
    ) -> None:
        self.path = path
        self.db_id = db_id
        self._slots = slots
        self._attempts = attempts  # label -> (failures, last failure epoch seconds)
        self.sleep: Callable[[float], None] = time.sleep  # injectable for tests

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        officer_id: str,
        passphrase: str,
        data_key: bytes,
        kdf: KdfParams | None = None,
    ) -> tuple[KeySlots, str]:
        """Make a new file with one officer slot and a recovery slot; returns the recovery key."""
        if path.exists():
            raise ValidationError(f"A key-slot file already exists at {path}; not overwriting it.")
        _require_officer_id(officer_id)
        _require_passphrase(passphrase)
        _require_key(data_key)
        self = cls(path, secrets.token_hex(16), [], {})
        secret = secrets.token_bytes(KEY_LEN)
        kdf = kdf or KdfParams.from_env()
        self._slots = [
            self._officer_slot_new(self._label(officer_id), passphrase, data_key, kdf),
            self._new_slot(RECOVERY_LABEL, "recovery", self._recovery_kek(secret), data_key),
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        self._save()
        return self, format_recovery_key(secret)

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DatabaseMissing(
                f"No key-slot file at {path}. Run `deskapp init` or `deskapp demo`."
            ) from None
        except OSError as exc:
            raise DatabaseCorrupt(f"Cannot read the key-slot file {path}: {exc.strerror}.") from exc
        return cls(path, *_parse(path, raw))

    # -- queries -------------------------------------------------------------------------

    def has_officer(self, officer_id: str) -> bool:
        return self._find("officer", self._label(officer_id)) is not None

    def slot_count(self) -> int:
        """Number of officer slots (the recovery and keyring slots are not counted)."""
        return sum(s.kind == "officer" for s in self._slots)

    def has_pending_rekey(self) -> bool:
        return any(s.pending is not None for s in self._slots)

    def required_delay(self, officer_id: str) -> float:
        failures = self._attempts.get(self._label(officer_id), (0, 0.0))[0]
        if failures < 2:
            return 0.0
        return min(_backoff_base() * 2.0 ** min(failures - 2, 16), MAX_DELAY)

    # -- unlocking -----------------------------------------------------------------------

    def unlock(self, officer_id: str, passphrase: str) -> bytes:
        return self.unlock_candidates(officer_id, passphrase)[0]

    def unlock_candidates(self, officer_id: str, passphrase: str) -> list[bytes]:
        """[current, pending] data keys: after a crash mid re-key the caller tries both."""
        slot = self._officer_slot(officer_id)
        return self._open_all(slot, self._unlock_private(officer_id, slot, passphrase))

    def unlock_recovery(self, recovery_key: str) -> bytes:
        return self.unlock_recovery_candidates(recovery_key)[0]

    def unlock_recovery_candidates(self, recovery_key: str) -> list[bytes]:
        secret = parse_recovery_key(recovery_key)
        slot = self._find("recovery", RECOVERY_LABEL)
        if slot is None:
            raise AuthError("This desk has no recovery slot.")
        raw = self._unwrap(self._recovery_kek(secret), slot, "slot-key")
        if raw is None:
            raise AuthError("Wrong recovery key.")
        return self._open_all(slot, X25519PrivateKey.from_private_bytes(raw))

    def unlock_keyring(self, officer_id: str) -> bytes | None:
        label = self._label(officer_id)
        kslot, oslot = self._find("keyring", label), self._find("officer", label)
        if kslot is None or oslot is None:
            return None
        try:
            stored = keyring.get_password(KEYRING_SERVICE, self._keyring_user(label))
            wrap_key = base64.b64decode(stored or "", validate=True)
        except Exception:  # no backend, locked, bad entry: fall back to the passphrase
            return None
        raw = self._unwrap(wrap_key, kslot, "keyring") if len(wrap_key) == KEY_LEN else None
        if raw is None:
            return None
        priv = X25519PrivateKey.from_private_bytes(raw)
        if priv.public_key().public_bytes_raw() != oslot.public:
            return None
        return self._open_all(oslot, priv)[0]

    # -- officers ------------------------------------------------------------------------

    def add_officer(
        self,
        officer_id: str,
        passphrase: str,
        data_key: bytes,
        kdf: KdfParams | None = None,
        replace: bool = False,
    ) -> None:
        _require_officer_id(officer_id)
        _require_passphrase(passphrase)
        _require_key(data_key)
        if self.has_pending_rekey():
            # The new slot could not be sealed to the pending key we do not hold.
            raise ValidationError("A re-key is in progress; finish it before adding officers.")
        label = self._label(officer_id)
        had_keyring = self._find("keyring", label) is not None
        if not replace and self._find("officer", label) is not None:
            raise ValidationError(f"Officer {officer_id} already has a key slot on this desk.")
        slot = self._officer_slot_new(label, passphrase, data_key, kdf or KdfParams.from_env())
        with self._changing():
            # A fresh keypair makes any keyring slot of the old one useless: drop it too.
            self._slots = [s for s in self._slots if s.label != label] + [slot]
            self._attempts.pop(label, None)
        if had_keyring:
            self._keyring_delete(label)

    def remove_officer(self, officer_id: str) -> None:
        slot = self._officer_slot(officer_id)
        if self.slot_count() == 1:
            raise ValidationError(
                f"Officer {officer_id} holds the last officer slot; add another officer first."
            )
        with self._changing():
            self._slots = [s for s in self._slots if s.label != slot.label]
            self._attempts.pop(slot.label, None)
        self._keyring_delete(slot.label)

    def change_passphrase(
        self, officer_id: str, old: str, new: str, kdf: KdfParams | None = None
    ) -> None:
        _require_passphrase(new)
        slot = self._officer_slot(officer_id)
        priv = self._unlock_private(officer_id, slot, old)
        kdf = kdf or KdfParams.from_env()
        salt = secrets.token_bytes(_SALT)
        nonce, wrapped = self._wrap(_argon2(new, salt, kdf), priv.private_bytes_raw(), slot.label)
        with self._changing():
            slot.salt, slot.kdf, slot.nonce, slot.wrapped = salt, kdf, nonce, wrapped

    def reset_passphrase(
        self, officer_id: str, new: str, data_key: bytes, kdf: KdfParams | None = None
    ) -> None:
        """Reset a forgotten passphrase, given the data key (from recovery or a supervisor)."""
        self._officer_slot(officer_id)
        self.add_officer(officer_id, new, data_key, kdf, replace=True)

    # -- keyring ("remember on this terminal") -------------------------------------------

    def remember(self, officer_id: str, passphrase: str) -> bool:
        """Keep a wrapping key in the OS keyring; False if there is no usable keyring."""
        slot = self._officer_slot(officer_id)
        priv = self._unlock_private(officer_id, slot, passphrase)
        wrap_key = secrets.token_bytes(KEY_LEN)
        try:
            if isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring):
                return False
            keyring.set_password(KEYRING_SERVICE, self._keyring_user(slot.label), _b64(wrap_key))
        except Exception:  # any backend failure: do not remember (never fall back to plaintext)
            return False
        nonce, wrapped = self._wrap(wrap_key, priv.private_bytes_raw(), slot.label, "keyring")
        try:
            with self._changing():
                self._slots = [
                    s for s in self._slots if (s.kind, s.label) != ("keyring", slot.label)
                ]
                self._slots.append(_Slot("keyring", slot.label, nonce, wrapped))
        except BaseException:
            self._keyring_delete(slot.label)
            raise
        return True

    def forget(self, officer_id: str) -> None:
        label = self._label(officer_id)
        if self._find("keyring", label) is not None:
            with self._changing():
                self._slots = [s for s in self._slots if (s.kind, s.label) != ("keyring", label)]
        self._keyring_delete(label)

    # -- re-keying -----------------------------------------------------------------------

    def begin_rekey(self, new_key: bytes) -> None:
        """Seal new_key as pending to every slot; then PRAGMA rekey; then commit_rekey()."""
        _require_key(new_key)
        with self._changing():
            for slot in self._sealable():
                slot.pending = self._seal(slot, new_key)

    def commit_rekey(self) -> None:
        slots = self._sealable()
        if any(s.pending is None for s in slots):
            raise ValidationError("No re-key is in progress.")
        with self._changing():
            for slot in slots:
                slot.sealed, slot.pending = slot.pending, None

    def abort_rekey(self) -> None:
        """Drop the pending key (the database was not re-keyed)."""
        with self._changing():
            for slot in self._slots:
                slot.pending = None

    # -- internals -----------------------------------------------------------------------

    def _label(self, officer_id: str) -> str:
        mac = hmac.new(bytes.fromhex(self.db_id), officer_id.encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:32]

    def _keyring_user(self, label: str) -> str:
        return f"{self.db_id}:{label}"

    def _keyring_delete(self, label: str) -> None:
        with contextlib.suppress(Exception):  # absent entry or no backend: nothing to forget
            keyring.delete_password(KEYRING_SERVICE, self._keyring_user(label))

    def _find(self, kind: str, label: str) -> _Slot | None:
        return next((s for s in self._slots if s.kind == kind and s.label == label), None)

    def _officer_slot(self, officer_id: str) -> _Slot:
        slot = self._find("officer", self._label(officer_id))
        if slot is None:
            raise AuthError(f"No officer {officer_id} on this desk.")
        return slot

    def _sealable(self) -> list[_Slot]:
        return [s for s in self._slots if s.kind != "keyring"]

    def _recovery_kek(self, secret: bytes) -> bytes:
        return _hkdf(secret, b"deskapp-recovery-kek:" + self.db_id.encode("ascii"))

    def _aad(self, label: str, purpose: str) -> bytes:
        # Binds every ciphertext to this file and slot, so slots cannot be swapped around.
        return json.dumps([FORMAT, self.db_id, label, purpose]).encode("ascii")

    def _wrap(
        self, kek: bytes, plain: bytes, label: str, purpose: str = "slot-key"
    ) -> tuple[bytes, bytes]:
        nonce = secrets.token_bytes(_NONCE)
        return nonce, AESGCM(kek).encrypt(nonce, plain, self._aad(label, purpose))

    def _unwrap(self, kek: bytes, slot: _Slot, purpose: str) -> bytes | None:
        try:
            return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad(slot.label, purpose))
        except InvalidTag:
            return None

    def _seal(self, slot: _Slot, data_key: bytes) -> _Sealed:
        eph = X25519PrivateKey.generate()
        epk = eph.public_key().public_bytes_raw()
        shared = eph.exchange(X25519PublicKey.from_public_bytes(slot.public))
        key = _hkdf(shared, b"deskapp-seal:" + epk + slot.public)
        nonce = secrets.token_bytes(_NONCE)
        return _Sealed(
            epk, nonce, AESGCM(key).encrypt(nonce, data_key, self._aad(slot.label, "seal"))
        )

    def _open_all(self, slot: _Slot, priv: X25519PrivateKey) -> list[bytes]:
        keys = []
        for sealed in (slot.sealed, slot.pending):
            if sealed is None:
                continue
            try:
                shared = priv.exchange(X25519PublicKey.from_public_bytes(sealed.epk))
                key = _hkdf(shared, b"deskapp-seal:" + sealed.epk + slot.public)
                aad = self._aad(slot.label, "seal")
                keys.append(AESGCM(key).decrypt(sealed.nonce, sealed.ct, aad))
            except (InvalidTag, ValueError) as exc:
                # The private key opened, so the sealed copy itself is damaged.
                raise DatabaseCorrupt(
                    f"Key-slot file {self.path} has a damaged sealed key; use another slot "
                    "or restore the file from a backup."
                ) from exc
        return keys

    def _new_slot(
        self,
        label: str,
        kind: str,
        kek: bytes,
        data_key: bytes,
        salt: bytes = b"",
        kdf: KdfParams | None = None,
    ) -> _Slot:
        priv = X25519PrivateKey.generate()
        nonce, wrapped = self._wrap(kek, priv.private_bytes_raw(), label)
        public = priv.public_key().public_bytes_raw()
        slot = _Slot(kind, label, nonce, wrapped, public, salt, kdf)
        slot.sealed = self._seal(slot, data_key)
        return slot

    def _officer_slot_new(
        self, label: str, passphrase: str, data_key: bytes, kdf: KdfParams
    ) -> _Slot:
        salt = secrets.token_bytes(_SALT)
        return self._new_slot(label, "officer", _argon2(passphrase, salt, kdf), data_key, salt, kdf)

    def _unlock_private(self, officer_id: str, slot: _Slot, passphrase: str) -> X25519PrivateKey:
        delay = self.required_delay(officer_id)
        if delay > 0:
            self.sleep(delay)  # before checking, so guessing cannot outrun the back-off
        assert slot.kdf is not None  # _parse guarantees it for officer slots
        raw = self._unwrap(_argon2(passphrase, slot.salt, slot.kdf), slot, "slot-key")
        if raw is None:
            # Recorded in the file so the back-off survives restarts of the app.
            failures = self._attempts.get(slot.label, (0, 0.0))[0] + 1
            with self._changing():
                self._attempts[slot.label] = (failures, int(time.time()))
            raise AuthError(f"Wrong passphrase for officer {officer_id}.")
        if slot.label in self._attempts:
            with self._changing():
                del self._attempts[slot.label]
        return X25519PrivateKey.from_private_bytes(raw)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Apply a change in memory and save it; if saving fails, undo it in memory too."""
        before = copy.deepcopy((self._slots, self._attempts))
        try:
            yield
            self._save()
        except BaseException:
            self._slots, self._attempts = before
            raise

    def _save(self) -> None:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "db_id": self.db_id,
            "slots": [_slot_json(s) for s in self._slots],
            "attempts": {k: {"count": n, "last": t} for k, (n, t) in self._attempts.items()},
        }
        data = (json.dumps(doc, indent=2) + "\n").encode("ascii")
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
            with open(os.open(tmp, flags, 0o600), "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(OSError):  # a leftover tmp keeps its old mode; Windows
                os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if exc.errno == errno.ENOSPC:
                raise StorageFull(
                    f"The disk is full: could not save {self.path}. The previous key-slot "
                    "file is unchanged; free some space and try again."
                ) from exc
            raise
        _fsync_dir(self.path.parent)


def _sealed_json(sealed: _Sealed) -> dict[str, str]:
    return {"epk": _b64(sealed.epk), "nonce": _b64(sealed.nonce), "ct": _b64(sealed.ct)}


def _slot_json(slot: _Slot) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": slot.kind,
        "label": slot.label,
        "nonce": _b64(slot.nonce),
        "wrapped": _b64(slot.wrapped),
    }
    if slot.kind != "keyring":
        out["public"] = _b64(slot.public)
    if slot.kdf is not None:
        out["kdf"] = {
            "salt": _b64(slot.salt),
            "time_cost": slot.kdf.time_cost,
            "memory_kib": slot.kdf.memory_kib,
            "parallelism": slot.kdf.parallelism,
        }
    if slot.sealed is not None:
        out["sealed"] = _sealed_json(slot.sealed)
    if slot.pending is not None:
        out["pending"] = _sealed_json(slot.pending)
    return out


def _parse(path: Path, raw: bytes) -> tuple[str, list[_Slot], dict[str, tuple[int, float]]]:
    """Validate the whole file up front, so later steps never meet a half-valid slot."""

    def bad(why: str) -> DatabaseCorrupt:
        return DatabaseCorrupt(
            f"The key-slot file {path} is damaged or not a deskapp key-slot file ({why}). "
            "It has been left as it is; restore it from a backup."
        )

    def obj(value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise bad(f"{what} is missing or not an object")
        return value

    def b64(src: dict[str, Any], key: str, size: int) -> bytes:
        value = src.get(key)
        if not isinstance(value, str):
            raise bad(f"{key} is missing")
        try:
            data = base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise bad(f"{key} is not valid base64") from exc
        if len(data) != size:
            raise bad(f"{key} has the wrong length")
        return data

    def posint(src: dict[str, Any], key: str) -> int:
        value = src.get(key)
        if type(value) is not int or value < 1:
            raise bad(f"{key} is not a positive integer")
        return value

    def sealed(src: dict[str, Any], key: str) -> _Sealed:
        item = obj(src.get(key), key)
        return _Sealed(
            b64(item, "epk", 32), b64(item, "nonce", _NONCE), b64(item, "ct", KEY_LEN + _TAG)
        )

    try:
        doc = obj(json.loads(raw.decode("utf-8")), "the document")
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, truncation
        raise bad("not valid JSON") from exc
    if doc.get("format") != FORMAT:
        raise bad("wrong format tag")
    if doc.get("version") != VERSION:
        raise bad(f"unsupported version {doc.get('version')!r}")
    db_id = doc.get("db_id")
    if not isinstance(db_id, str) or len(db_id) != 32 or db_id.strip("0123456789abcdef"):
        raise bad("bad db_id")
    items = doc.get("slots")
    if not isinstance(items, list):
        raise bad("slots is not a list")
    slots: list[_Slot] = []
    for value in items:
        item = obj(value, "a slot")
        kind, label = item.get("kind"), item.get("label")
        if kind not in ("officer", "recovery", "keyring") or not isinstance(label, str):
            raise bad("a slot has a bad kind or label")
        if (kind == "recovery") != (label == RECOVERY_LABEL):
            raise bad("bad recovery slot label")
        if any(s.kind == kind and s.label == label for s in slots):
            raise bad("duplicate slot")
        slot = _Slot(kind, label, b64(item, "nonce", _NONCE), b64(item, "wrapped", KEY_LEN + _TAG))
        if kind != "keyring":
            slot.public = b64(item, "public", 32)
            slot.sealed = sealed(item, "sealed")
            if "pending" in item:
                slot.pending = sealed(item, "pending")
        if kind == "officer":
            kdf = obj(item.get("kdf"), "kdf")
            slot.salt = b64(kdf, "salt", _SALT)
            slot.kdf = KdfParams(
                posint(kdf, "time_cost"), posint(kdf, "memory_kib"), posint(kdf, "parallelism")
            )
            if slot.kdf.memory_kib < 8 * slot.kdf.parallelism:  # Argon2's own lower bound
                raise bad("kdf memory too small")
        slots.append(slot)
    if not any(s.kind == "officer" for s in slots):
        raise bad("no officer slots")
    attempts: dict[str, tuple[int, float]] = {}
    for label, value in obj(doc.get("attempts", {}), "attempts").items():
        rec = obj(value, "an attempts record")
        count, last = rec.get("count"), rec.get("last")
        if type(count) is not int or count < 0 or not isinstance(last, (int, float)):
            raise bad("bad attempts record")
        attempts[label] = (count, float(last))
    return db_id, slots, attempts
