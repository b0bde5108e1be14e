"""LUKS-style key slots wrapping the database's random 256-bit data key.

Every officer slot (and the recovery slot) owns an X25519 keypair and the data key is
*sealed* to its public key, so (re)sealing for any slot needs no other officer's secret:
that is what lets removing an officer re-key the database. Private keys are wrapped with
AES-256-GCM under a key from Argon2id(passphrase), HKDF(recovery secret) or a random key
kept in the OS keyring. The database file itself is never touched here.

Nothing in the file links a slot to an officer id without a secret the file does not
hold (docs/SECURITY.md): an officer slot's label and key both come from one Argon2id of
the passphrase salted with the file's id and the officer id, so unlocking finds the slot
in one derivation, and a guess at an id costs a full derivation *and* the passphrase. To
find an officer's slot without their passphrase (removing, resetting) each slot carries
an owner tag, an HMAC of the officer id under a random directory key that is wrapped
under the data key. Files of version 1 (labels an HMAC keyed with the file's own id)
still open and are rewritten on the first unlock (``upgrade``).

Each officer slot also holds the officer's Ed25519 signing key (version 3). It is wrapped
under a key derived from the slot's X25519 private key, so whatever opens that key (the
passphrase, the recovery of a passphrase, this terminal's keyring slot) opens the signing
key too, and a change of passphrase need not touch it. A slot from a version-2 file gets
its signing key when its officer next unlocks.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import errno
import hashlib
import hmac
import importlib
import json
import os
import secrets
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from deskapp.domain.errors import (
    AuthError,
    DatabaseCorrupt,
    DatabaseMissing,
    StorageFull,
    ValidationError,
)

FORMAT = "deskapp-keyslots"
VERSION = 3
_OLD_VERSION = 1  # labels HMAC(db_id, officer id): opened, then rewritten
_NO_SIGNING_VERSION = 2  # no signing keys yet: each officer's is added at their unlock
KEY_LEN = 32
KEYRING_SERVICE = "deskapp"
RECOVERY_LABEL = "recovery"
MAX_DELAY = 30.0
# Back-off base in seconds. Tests shorten it in code; like the key derivation's cost, no
# environment variable may shorten it for a shipped command.
BACKOFF_BASE = 1.0

_TAG = 16  # AES-GCM tag length
_NONCE = 12
_SALT = 16
_OWNER = 16  # owner tag length


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost; stored per slot so a slot made with either profile unlocks later."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


#: A cheap profile for tests and benchmarks. Only code can choose it (``use_kdf``):
#: no environment variable or flag of a shipped command weakens a real desk's slots.
FAST_KDF = KdfParams(1, 8192, 1)
_kdf_profile = KdfParams()


def default_kdf() -> KdfParams:
    """The cost new slots get in this process."""
    return _kdf_profile


def use_kdf(params: KdfParams) -> KdfParams:
    """Make ``params`` the cost of new slots in this process; returns the previous cost."""
    global _kdf_profile
    previous, _kdf_profile = _kdf_profile, params
    return previous


@dataclass
class _Sealed:
    epk: bytes  # ephemeral X25519 public key
    nonce: bytes
    ct: bytes


@dataclass
class _Wrapped:
    nonce: bytes
    ct: bytes


@dataclass
class _SignKey:
    """An officer's Ed25519 key pair: the private half wrapped (see the module's doc)."""

    public: bytes
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class OfficerKeys:
    """The signed-in officer's private keys: in memory only, never written unwrapped."""

    exchange: X25519PrivateKey
    signing: Ed25519PrivateKey

    @property
    def exchange_public(self) -> bytes:
        return self.exchange.public_key().public_bytes_raw()

    @property
    def signing_public(self) -> bytes:
        return self.signing.public_key().public_bytes_raw()


@dataclass(frozen=True)
class PublicKeys:
    """An officer slot's public keys, readable without unlocking."""

    exchange: bytes
    signing: bytes


@dataclass
class _Directory:
    """The random key of the owner tags, wrapped under the data key (and a pending one)."""

    current: _Wrapped
    pending: _Wrapped | None = None


@dataclass
class _Slot:
    kind: str  # "officer", "recovery" or "keyring"
    label: str
    nonce: bytes
    wrapped: bytes  # the slot's X25519 private key (a keyring slot: its officer's)
    public: bytes = b""  # a keyring slot: its officer slot's public key
    salt: bytes = b""  # only a version-1 officer slot stores its Argon2 salt
    kdf: KdfParams | None = None
    sealed: _Sealed | None = None
    pending: _Sealed | None = None  # new data key during a re-key
    owner: bytes = b""  # officer slot: HMAC(directory key, officer id)
    # A slot from a version-1 file: "v1" while its label is still HMAC(db_id, id),
    # "relabelled" once that label is replaced by a random one. Either way its wrapped
    # key is bound to the version-1 label, which unlocking recomputes from the typed id.
    legacy: str = ""
    sign: _SignKey | None = None  # officer slot: None until a version-2 slot's next unlock


@dataclass
class _Attempts:
    """Wrong passphrases on this desk, counted for the whole file (see _begin_attempt)."""

    count: int = 0
    next_at: float = 0.0  # epoch seconds before which the next attempt waits


def seal(public: bytes, secret: bytes, aad: bytes) -> _Sealed:
    """``secret`` sealed to an X25519 public key (ephemeral key, HKDF, AES-256-GCM over
    ``aad``): the one sealing code, for the desk's slots and the hub's key slots."""
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, b"deskapp-seal:" + epk + public)
    nonce = secrets.token_bytes(_NONCE)
    return _Sealed(epk, nonce, AESGCM(key).encrypt(nonce, secret, aad))


def open_sealed(priv: X25519PrivateKey, sealed: _Sealed, aad: bytes) -> bytes:
    """The secret ``seal`` sealed to ``priv``'s public key; raises InvalidTag (or
    ValueError) if it was sealed to another key, altered, or under another ``aad``."""
    public = priv.public_key().public_bytes_raw()
    shared = priv.exchange(X25519PublicKey.from_public_bytes(sealed.epk))
    key = _hkdf(shared, b"deskapp-seal:" + sealed.epk + public)
    return AESGCM(key).decrypt(sealed.nonce, sealed.ct, aad)


#: Bounds on a key-derivation cost read from outside (the hub): enough for any real
#: profile, too little for a planted one to exhaust the desk's memory or time.
_MAX_KDF = KdfParams(time_cost=10, memory_kib=1 << 20, parallelism=16)


def wrap_with_passphrase(
    passphrase: str, secret: bytes, aad: bytes, kdf: KdfParams | None = None
) -> dict[str, Any]:
    """``secret`` wrapped (AES-256-GCM over ``aad``) under Argon2id(passphrase), as a JSON
    document: what the hub keeps of an officer's keys (``sync.enrolment``)."""
    kdf = kdf or default_kdf()
    salt = secrets.token_bytes(_SALT)
    nonce = secrets.token_bytes(_NONCE)
    ct = AESGCM(_argon2(passphrase, salt, kdf)).encrypt(nonce, secret, aad)
    return {
        "kdf": {
            "time_cost": kdf.time_cost,
            "memory_kib": kdf.memory_kib,
            "parallelism": kdf.parallelism,
        },
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "ct": _b64(ct),
    }


def unwrap_with_passphrase(passphrase: str, doc: Any, aad: bytes) -> bytes | None:
    """The secret ``wrap_with_passphrase`` wrapped; None for a wrong passphrase. Raises
    ValueError for a document that is not one (or asks for an unreasonable cost)."""
    try:
        cost = doc["kdf"]
        kdf = KdfParams(int(cost["time_cost"]), int(cost["memory_kib"]), int(cost["parallelism"]))
    except (KeyError, TypeError) as exc:
        raise ValueError("not a wrapped secret") from exc
    if not (
        1 <= kdf.time_cost <= _MAX_KDF.time_cost
        and 1 <= kdf.parallelism <= _MAX_KDF.parallelism
        and 8 * kdf.parallelism <= kdf.memory_kib <= _MAX_KDF.memory_kib
    ):
        raise ValueError("unreasonable key-derivation cost")
    salt, nonce, ct = (
        base64.b64decode(str(doc[k]), validate=True) for k in ("salt", "nonce", "ct")
    )
    if len(salt) != _SALT or len(nonce) != _NONCE:
        raise ValueError("not a wrapped secret")
    try:
        return AESGCM(_argon2(passphrase, salt, kdf)).decrypt(nonce, ct, aad)
    except InvalidTag:
        return None


def sealed_to_text(sealed: _Sealed) -> str:
    return json.dumps(_sealed_json(sealed), sort_keys=True)


def sealed_from_text(text: str) -> _Sealed:
    """Raises ValueError if ``text`` is not a sealed secret."""
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ValueError("not a sealed secret")
    parts = [base64.b64decode(str(doc.get(k, "")), validate=True) for k in ("epk", "nonce", "ct")]
    if len(parts[0]) != 32 or len(parts[1]) != _NONCE or len(parts[2]) < _TAG:
        raise ValueError("not a sealed secret")
    return _Sealed(*parts)


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


def _officer_bytes(officer_id: str) -> bytes:
    return officer_id.encode("utf-8")


def _delay_after(failures: int) -> float:
    """The wait before the attempt that follows ``failures`` wrong ones."""
    if failures < 2:
        return 0.0
    return min(BACKOFF_BASE * 2.0 ** min(failures - 2, 16), MAX_DELAY)


@contextlib.contextmanager
def _exclusive(lock_path: Path, platform: str = sys.platform) -> Iterator[None]:
    """An exclusive lock on a file beside the key-slot file, held across processes.

    The key-slot file itself is replaced on every save (a new inode), so it cannot carry
    the lock. Closing the descriptor releases it, also when the process dies.
    """
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with _windows_lock(fd) if platform == "win32" else _posix_lock(fd):
            yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _posix_lock(fd: int) -> Iterator[None]:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor closes
    yield


@contextlib.contextmanager
def _windows_lock(fd: int) -> Iterator[None]:
    """``msvcrt.locking`` on the file's first byte. It gives up after about ten seconds
    of another process holding it, so it is asked again until it is granted; the unlock
    must name the same byte, so the position goes back to 0 first."""
    # Imported by name: the branch is chosen by the platform given, not by sys.platform,
    # which is what lets a test take it off Windows.
    msvcrt: Any = importlib.import_module("msvcrt")

    while True:
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            break
        except OSError:
            continue
    try:
        yield
    finally:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def lock_path(path: Path) -> Path:
    """The lock file beside a key-slot file (removed with the desk)."""
    return path.with_name(path.name + ".lock")


class KeySlots:
    """The key-slot file of one desk database."""

    def __init__(
        self,
        path: Path,
        db_id: str,
        slots: list[_Slot],
        attempts: _Attempts,
        directory: _Directory | None = None,
    ) -> None:
        self.path = path
        self.db_id = db_id
        self._slots = slots
        self._attempts = attempts
        self._directory = directory
        self._lock_depth = 0
        # Who unlocked through this object (id, slot public key): upgrade() tags their slot.
        self._unlocked: tuple[str, bytes] | None = None
        # The private keys of whoever unlocked through this object, until the desk takes them.
        self._identity: OfficerKeys | None = None
        self.sleep: Callable[[float], None] = time.sleep  # injectable for tests
        self.clock: Callable[[], float] = time.time  # epoch seconds; injectable for tests

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
        self = cls(path, secrets.token_hex(16), [], _Attempts())
        secret = secrets.token_bytes(KEY_LEN)
        dkey = secrets.token_bytes(KEY_LEN)
        self._directory = _Directory(self._wrap_directory(data_key, dkey))
        priv = X25519PrivateKey.generate()
        first = self._officer_slot_new(
            officer_id, passphrase, data_key, dkey, kdf or default_kdf(), priv
        )
        self._slots = [
            first,
            self._new_slot(RECOVERY_LABEL, "recovery", self._recovery_kek(secret), data_key),
        ]
        self._identity = self._identity_of(first, priv)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._save()
        return self, format_recovery_key(secret)

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        return cls(path, *_read(path))

    # -- queries -------------------------------------------------------------------------

    @contextlib.contextmanager
    def held(self) -> Iterator[bytes]:
        """The file's bytes as they are on disk, the file locked until the block ends: a
        backup copies the database inside it, so no re-key falls between the two."""
        with self._locked():
            yield self.path.read_bytes()

    def has_officer(self, officer_id: str, data_key: bytes) -> bool:
        return self._slot_by_id(officer_id, data_key) is not None

    def slot_count(self) -> int:
        """Number of officer slots (the recovery and keyring slots are not counted)."""
        return sum(s.kind == "officer" for s in self._slots)

    def has_pending_rekey(self) -> bool:
        return any(s.pending is not None for s in self._slots)

    def public_keys(self, officer_id: str, data_key: bytes) -> PublicKeys | None:
        """An officer's public keys, found by owner tag (None: no slot, or no signing key
        yet because the slot comes from a version-2 file and its officer has not unlocked)."""
        slot = self._slot_by_id(officer_id, data_key)
        if slot is None or slot.sign is None:
            return None
        return PublicKeys(slot.public, slot.sign.public)

    def take_identity(self) -> OfficerKeys | None:
        """The private keys opened by the last passphrase or keyring unlock, handed over
        once (the desk keeps them while it is open); None after a recovery unlock."""
        identity, self._identity = self._identity, None
        return identity

    def failures(self) -> int:
        """Wrong passphrases (and attempts under way) since the last good one, any officer."""
        return self._attempts.count

    def required_delay(self) -> float:
        """Seconds the next passphrase attempt on this desk will wait."""
        return max(0.0, self._attempts.next_at - self.clock())

    # -- unlocking -----------------------------------------------------------------------

    def unlock(self, officer_id: str, passphrase: str) -> bytes:
        return self.unlock_candidates(officer_id, passphrase)[0]

    def unlock_candidates(self, officer_id: str, passphrase: str) -> list[bytes]:
        """[current, pending] data keys: after a crash mid re-key the caller tries both."""
        return self._unlock_private(officer_id, passphrase)[2]

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
        try:
            stored = keyring.get_password(KEYRING_SERVICE, self._keyring_user(officer_id))
            wrap_key = base64.b64decode(stored or "", validate=True)
        except Exception:  # no backend, locked, bad entry: fall back to the passphrase
            return None
        if len(wrap_key) != KEY_LEN:
            return None
        raw = None
        kslot = self._find("keyring", self._keyring_label(wrap_key))
        if kslot is not None and not kslot.legacy:
            raw = self._unwrap(wrap_key, kslot, "keyring")
        old = self._v1_label(officer_id)
        for kslot in self._legacy_candidates("keyring", old) if raw is None else []:
            raw = self._unwrap(wrap_key, kslot, "keyring", old)
            if raw is not None:
                break
        if raw is None:
            return None
        priv = X25519PrivateKey.from_private_bytes(raw)
        public = priv.public_key().public_bytes_raw()
        oslot = next((s for s in self._slots if s.kind == "officer" and s.public == public), None)
        if oslot is None:
            return None
        self._unlocked = (officer_id, public)
        keys = self._open_all(oslot, priv)
        self._identity = self._identity_of(oslot, priv)
        return keys[0]

    def upgrade(self, data_key: bytes, officer_ids: Iterable[str]) -> None:
        """Finish a version-1 file once the desk is open: a directory key, owner tags, and
        random labels in place of the ones derived from officer ids."""
        mine = self._unlocked[1] if self._unlocked else None
        untagged = any(
            s.kind == "officer" and not s.owner and s.public == mine for s in self._slots
        )
        old = any(s.legacy == "v1" for s in self._slots)
        if self._directory is not None and not untagged and not old:
            return
        if self.has_pending_rekey():
            return  # sealed to a key we may not hold; the next open finishes it
        ids = {self._v1_label(i): i for i in officer_ids}
        with self._changing():
            if self._directory is None:
                self._directory = _Directory(
                    self._wrap_directory(data_key, secrets.token_bytes(KEY_LEN))
                )
            dkey = self._directory_key(data_key)
            publics = {s.label: s.public for s in self._slots if s.kind == "officer"}
            for slot in self._slots:
                if slot.kind == "officer" and not slot.owner:
                    who = ids.get(slot.label) if slot.legacy == "v1" else None
                    if who is None and self._unlocked and self._unlocked[1] == slot.public:
                        who = self._unlocked[0]
                    if who is not None:
                        slot.owner = self._owner_tag(dkey, who)
                if slot.legacy == "v1":
                    if slot.kind == "keyring":
                        slot.public = publics.get(slot.label, b"")
                    slot.label, slot.legacy = secrets.token_hex(16), "relabelled"
                    if slot.kind == "officer":
                        slot.sealed = self._seal(slot, data_key)

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
        if self._directory is None:
            self.upgrade(data_key, [])
        dkey = self._directory_key(data_key)
        old = self._slot_by_id(officer_id, data_key)
        if not replace and old is not None:
            raise ValidationError(f"Officer {officer_id} already has a key slot on this desk.")
        slot = self._officer_slot_new(officer_id, passphrase, data_key, dkey, kdf or default_kdf())
        had_keyring = old is not None and self._drop_keyring_slots(old.public, dry=True)
        with self._changing():
            # A fresh keypair makes any keyring slot of the old one useless: drop it too.
            if old is not None:
                self._slots = [s for s in self._slots if s is not old]
                self._drop_keyring_slots(old.public)
            self._slots.append(slot)
        if had_keyring:
            self._keyring_delete(officer_id)

    def remove_officer(self, officer_id: str, data_key: bytes) -> None:
        slot = self._slot_by_id(officer_id, data_key)
        if slot is None:
            raise AuthError(f"No officer {officer_id} on this desk.")
        if self.slot_count() == 1:
            raise ValidationError(
                f"Officer {officer_id} holds the last officer slot; add another officer first."
            )
        with self._changing():
            self._slots = [s for s in self._slots if s is not slot]
            self._drop_keyring_slots(slot.public)
        self._keyring_delete(officer_id)

    def change_passphrase(
        self, officer_id: str, old: str, new: str, kdf: KdfParams | None = None
    ) -> None:
        _require_passphrase(new)
        slot, priv, keys = self._unlock_private(officer_id, old)
        self._identity = None  # only a desk being opened takes the keys
        index = self._slots.index(slot)
        with self._changing():
            self._slots[index] = self._rewrap(slot, priv, keys, officer_id, new, kdf)

    def check_passphrase(self, officer_id: str, passphrase: str) -> None:
        """Raise AuthError unless ``passphrase`` is the officer's (counted like an unlock)."""
        self._unlock_private(officer_id, passphrase)
        self._identity = None  # only a desk being opened takes the keys

    def adopt(self, officer_id: str, passphrase: str, data_key: bytes, keys: OfficerKeys) -> None:
        """Make ``keys`` (the officer's keys from another desk) this officer's keys here,
        under their passphrase on this desk, which must be right."""
        slot, _priv, _keys = self._unlock_private(officer_id, passphrase)
        self._identity = None  # only a desk being opened takes the keys
        if self.has_pending_rekey():
            raise ValidationError("A re-key is in progress; finish it before adopting keys.")
        dkey = self._directory_key(data_key)
        fresh = self._officer_slot_new(
            officer_id, passphrase, data_key, dkey, default_kdf(), keys.exchange
        )
        fresh.sign = self._new_sign_key(keys.exchange, keys.signing)
        had_keyring = self._drop_keyring_slots(slot.public, dry=True)
        with self._changing():
            self._slots = [s for s in self._slots if s is not slot]
            self._drop_keyring_slots(slot.public)
            self._slots.append(fresh)
        if had_keyring:  # it wrapped the old key pair: useless now
            self._keyring_delete(officer_id)

    def reset_passphrase(
        self, officer_id: str, new: str, data_key: bytes, kdf: KdfParams | None = None
    ) -> None:
        """Reset a forgotten passphrase, given the data key (from recovery or a supervisor)."""
        if self._slot_by_id(officer_id, data_key) is None:
            raise AuthError(f"No officer {officer_id} on this desk.")
        self.add_officer(officer_id, new, data_key, kdf, replace=True)

    # -- keyring ("remember on this terminal") -------------------------------------------

    def remember(self, officer_id: str, passphrase: str) -> bool:
        """Keep a wrapping key in the OS keyring; False if there is no usable keyring."""
        slot, priv, _keys = self._unlock_private(officer_id, passphrase)
        self._identity = None  # only a desk being opened takes the keys
        wrap_key = secrets.token_bytes(KEY_LEN)
        try:
            if isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring):
                return False
            keyring.set_password(KEYRING_SERVICE, self._keyring_user(officer_id), _b64(wrap_key))
        except Exception:  # any backend failure: do not remember (never fall back to plaintext)
            return False
        label = self._keyring_label(wrap_key)
        nonce, wrapped = self._wrap(wrap_key, priv.private_bytes_raw(), label, "keyring")
        try:
            with self._changing():
                self._drop_keyring_slots(slot.public)
                self._slots.append(_Slot("keyring", label, nonce, wrapped, slot.public))
        except BaseException:
            self._keyring_delete(officer_id)
            raise
        return True

    def forget(self, officer_id: str) -> None:
        """Drop this terminal's keyring slot of the officer who unlocked (or whose keyring
        entry is here), and the keyring entry."""
        label = None
        with contextlib.suppress(Exception):  # no backend or entry: the slot opens nothing
            stored = keyring.get_password(KEYRING_SERVICE, self._keyring_user(officer_id))
            label = self._keyring_label(base64.b64decode(stored or "", validate=True))
        public = self._unlocked[1] if self._unlocked and self._unlocked[0] == officer_id else None
        drop = [
            s
            for s in self._slots
            if s.kind == "keyring" and (s.label == label or (public and s.public == public))
        ]
        if drop:
            with self._changing():
                self._slots = [s for s in self._slots if s not in drop]
        self._keyring_delete(officer_id)

    # -- re-keying -----------------------------------------------------------------------

    def begin_rekey(self, new_key: bytes, current_key: bytes) -> None:
        """Seal new_key as pending to every slot; then PRAGMA rekey; then commit_rekey()."""
        _require_key(new_key)
        with self._changing():
            for slot in self._sealable():
                slot.pending = self._seal(slot, new_key)
            if self._directory is not None:
                dkey = self._directory_key(current_key)
                self._directory.pending = self._wrap_directory(new_key, dkey)

    def commit_rekey(self) -> None:
        slots = self._sealable()
        if any(s.pending is None for s in slots):
            raise ValidationError("No re-key is in progress.")
        with self._changing():
            for slot in slots:
                slot.sealed, slot.pending = slot.pending, None
            if self._directory is not None and self._directory.pending is not None:
                self._directory = _Directory(self._directory.pending)

    def abort_rekey(self) -> None:
        """Drop the pending key (the database was not re-keyed)."""
        with self._changing():
            for slot in self._slots:
                slot.pending = None
            if self._directory is not None:
                self._directory.pending = None

    # -- internals: labels and owners ----------------------------------------------------

    def _v1_label(self, officer_id: str) -> str:
        """The version-1 label: keyed with the file's own id, so anyone can recompute it.
        Now only an AAD of old slots and the OS keyring entry's name (not in this file)."""
        mac = hmac.new(bytes.fromhex(self.db_id), _officer_bytes(officer_id), hashlib.sha256)
        return mac.hexdigest()[:32]

    def _slot_secret(self, officer_id: str, passphrase: str, kdf: KdfParams) -> bytes:
        """One Argon2id per unlock: salted by this file and the officer id, so no two slots
        (nor two desks) share a salt, and the slot is found from what the officer types."""
        salt = hashlib.sha256(
            b"deskapp-slot-salt\0" + bytes.fromhex(self.db_id) + _officer_bytes(officer_id)
        ).digest()[:_SALT]
        return _argon2(passphrase, salt, kdf)

    @staticmethod
    def _label_of(secret: bytes) -> str:
        return _hkdf(secret, b"deskapp-slot-label").hex()[:32]

    @staticmethod
    def _kek_of(secret: bytes) -> bytes:
        return _hkdf(secret, b"deskapp-slot-kek")

    @staticmethod
    def _keyring_label(wrap_key: bytes) -> str:
        return _hkdf(wrap_key, b"deskapp-keyring-label").hex()[:32]

    def _keyring_user(self, officer_id: str) -> str:
        # The OS keyring's entry name (outside this file), unchanged since version 1.
        return f"{self.db_id}:{self._v1_label(officer_id)}"

    def _keyring_delete(self, officer_id: str) -> None:
        with contextlib.suppress(Exception):  # absent entry or no backend: nothing to forget
            keyring.delete_password(KEYRING_SERVICE, self._keyring_user(officer_id))

    def _drop_keyring_slots(self, public: bytes, dry: bool = False) -> bool:
        keep = [s for s in self._slots if not (s.kind == "keyring" and s.public == public)]
        found = len(keep) != len(self._slots)
        if not dry:
            self._slots = keep
        return found

    def _wrap_directory(self, data_key: bytes, dkey: bytes) -> _Wrapped:
        nonce, ct = self._wrap(self._directory_kek(data_key), dkey, "directory", "directory")
        return _Wrapped(nonce, ct)

    def _directory_kek(self, data_key: bytes) -> bytes:
        return _hkdf(data_key, b"deskapp-directory:" + self.db_id.encode("ascii"))

    def _directory_key(self, data_key: bytes) -> bytes:
        if self._directory is None:
            raise ValidationError("This key-slot file has no officer directory yet.")
        for wrapped in (self._directory.current, self._directory.pending):
            if wrapped is None:
                continue
            with contextlib.suppress(InvalidTag):
                return AESGCM(self._directory_kek(data_key)).decrypt(
                    wrapped.nonce, wrapped.ct, self._aad("directory", "directory")
                )
        raise DatabaseCorrupt(
            f"Key-slot file {self.path} has a damaged officer directory; restore it from a backup."
        )

    def _owner_tag(self, dkey: bytes, officer_id: str) -> bytes:
        return hmac.new(dkey, _officer_bytes(officer_id), hashlib.sha256).digest()[:_OWNER]

    def _slot_by_id(self, officer_id: str, data_key: bytes) -> _Slot | None:
        """An officer's slot found without their passphrase: by owner tag, or in a file not
        yet upgraded, by its version-1 label."""
        if self._directory is not None:
            tag = self._owner_tag(self._directory_key(data_key), officer_id)
            for slot in self._slots:
                if slot.kind == "officer" and slot.owner and hmac.compare_digest(slot.owner, tag):
                    return slot
        old = self._v1_label(officer_id)
        return next(
            (s for s in self._slots if s.kind == "officer" and s.legacy == "v1" and s.label == old),
            None,
        )

    def _legacy_candidates(self, kind: str, old_label: str) -> list[_Slot]:
        """Old slots that may be this officer's: the one still under their version-1 label,
        then every relabelled one (each costs a derivation; there are few, and each goes
        away on its officer's next unlock)."""
        return [
            s for s in self._slots if s.kind == kind and s.legacy == "v1" and s.label == old_label
        ] + [s for s in self._slots if s.kind == kind and s.legacy == "relabelled"]

    def _find(self, kind: str, label: str) -> _Slot | None:
        return next((s for s in self._slots if s.kind == kind and s.label == label), None)

    def _sealable(self) -> list[_Slot]:
        return [s for s in self._slots if s.kind != "keyring"]

    # -- internals: signing keys ---------------------------------------------------------

    def _sign_kek(self, priv: X25519PrivateKey) -> bytes:
        return _hkdf(priv.private_bytes_raw(), b"deskapp-sign-kek:" + self.db_id.encode("ascii"))

    def _new_sign_key(
        self, priv: X25519PrivateKey, signing: Ed25519PrivateKey | None = None
    ) -> _SignKey:
        signing = signing or Ed25519PrivateKey.generate()
        public = priv.public_key().public_bytes_raw()
        # Bound to the slot's X25519 public key, which (unlike its label) never changes.
        nonce, wrapped = self._wrap(
            self._sign_kek(priv), signing.private_bytes_raw(), _b64(public), "sign-key"
        )
        return _SignKey(signing.public_key().public_bytes_raw(), nonce, wrapped)

    def _identity_of(self, slot: _Slot, priv: X25519PrivateKey) -> OfficerKeys:
        """The slot's private keys; a slot without a signing key (version 2) gets one now."""
        if slot.sign is None:
            with self._changing():
                slot.sign = self._new_sign_key(priv)
        sign = slot.sign
        aad = self._aad(_b64(slot.public), "sign-key")
        try:
            raw = AESGCM(self._sign_kek(priv)).decrypt(sign.nonce, sign.wrapped, aad)
            signing = Ed25519PrivateKey.from_private_bytes(raw)
        except (InvalidTag, ValueError) as exc:
            raise DatabaseCorrupt(
                f"Key-slot file {self.path} has a damaged signing key; restore it from a backup."
            ) from exc
        if signing.public_key().public_bytes_raw() != sign.public:
            raise DatabaseCorrupt(
                f"Key-slot file {self.path} has a signing key that does not match its public "
                "key; restore it from a backup."
            )
        return OfficerKeys(priv, signing)

    # -- internals: wrapping -------------------------------------------------------------

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

    def _unwrap(
        self, kek: bytes, slot: _Slot, purpose: str, aad_label: str | None = None
    ) -> bytes | None:
        aad = self._aad(slot.label if aad_label is None else aad_label, purpose)
        try:
            return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, aad)
        except InvalidTag:
            return None

    def _seal(self, slot: _Slot, data_key: bytes) -> _Sealed:
        return seal(slot.public, data_key, self._aad(slot.label, "seal"))

    def _open_all(self, slot: _Slot, priv: X25519PrivateKey) -> list[bytes]:
        keys = []
        for sealed in (slot.sealed, slot.pending):
            if sealed is None:
                continue
            try:
                keys.append(open_sealed(priv, sealed, self._aad(slot.label, "seal")))
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
        kdf: KdfParams | None = None,
        priv: X25519PrivateKey | None = None,
    ) -> _Slot:
        priv = priv or X25519PrivateKey.generate()
        nonce, wrapped = self._wrap(kek, priv.private_bytes_raw(), label)
        public = priv.public_key().public_bytes_raw()
        slot = _Slot(kind, label, nonce, wrapped, public, kdf=kdf)
        slot.sealed = self._seal(slot, data_key)
        if kind == "officer":
            slot.sign = self._new_sign_key(priv)
        return slot

    def _officer_slot_new(
        self,
        officer_id: str,
        passphrase: str,
        data_key: bytes,
        dkey: bytes,
        kdf: KdfParams,
        priv: X25519PrivateKey | None = None,
    ) -> _Slot:
        secret = self._slot_secret(officer_id, passphrase, kdf)
        slot = self._new_slot(
            self._label_of(secret), "officer", self._kek_of(secret), data_key, kdf, priv
        )
        slot.owner = self._owner_tag(dkey, officer_id)
        return slot

    def _rewrap(
        self,
        slot: _Slot,
        priv: X25519PrivateKey,
        keys: list[bytes],
        officer_id: str,
        passphrase: str,
        kdf: KdfParams | None,
    ) -> _Slot:
        """The same keypair under a (new) passphrase in the current scheme: new label,
        so the sealed keys are sealed again to it."""
        kdf = kdf or default_kdf()
        secret = self._slot_secret(officer_id, passphrase, kdf)
        label = self._label_of(secret)
        nonce, wrapped = self._wrap(self._kek_of(secret), priv.private_bytes_raw(), label)
        fresh = _Slot(
            "officer", label, nonce, wrapped, slot.public, kdf=kdf, owner=slot.owner, sign=slot.sign
        )
        sealed = [slot.sealed, slot.pending]
        fresh.sealed = self._seal(fresh, keys[0])
        if sealed[1] is not None:
            fresh.pending = self._seal(fresh, keys[-1])
        return fresh

    def _find_officer(
        self, officer_id: str, passphrase: str
    ) -> tuple[_Slot, X25519PrivateKey] | None:
        tried: set[KdfParams] = set()
        for slot in [s for s in self._slots if s.kind == "officer" and not s.legacy]:
            assert slot.kdf is not None  # _parse guarantees it for officer slots
            if slot.kdf in tried:
                continue
            tried.add(slot.kdf)  # normally every slot has one cost: one derivation
            secret = self._slot_secret(officer_id, passphrase, slot.kdf)
            match = self._find("officer", self._label_of(secret))
            if match is None or match.legacy or match.kdf != slot.kdf:
                continue
            raw = self._unwrap(self._kek_of(secret), match, "slot-key")
            if raw is not None:
                return match, X25519PrivateKey.from_private_bytes(raw)
        old = self._v1_label(officer_id)
        for slot in self._legacy_candidates("officer", old):
            assert slot.kdf is not None
            raw = self._unwrap(_argon2(passphrase, slot.salt, slot.kdf), slot, "slot-key", old)
            if raw is not None:
                return slot, X25519PrivateKey.from_private_bytes(raw)
        return None

    def _unlock_private(
        self, officer_id: str, passphrase: str
    ) -> tuple[_Slot, X25519PrivateKey, list[bytes]]:
        delay = self._begin_attempt()
        if delay > 0:
            self.sleep(delay)  # before checking, so guessing cannot outrun the back-off
        found = self._find_officer(officer_id, passphrase)
        if found is None:
            raise AuthError(
                f"Wrong passphrase for officer {officer_id} (or no such officer on this desk)."
            )
        slot, priv = found
        keys = self._open_all(slot, priv)
        with self._changing(attempts=_Attempts()):
            if slot.legacy:  # an old slot: move it to the current scheme while we can,
                # at today's cost (version 1 let an environment variable cheapen it)
                index = self._slots.index(slot)
                slot = self._slots[index] = self._rewrap(
                    slot, priv, keys, officer_id, passphrase, None
                )
        self._unlocked = (officer_id, slot.public)
        self._identity = self._identity_of(slot, priv)
        return slot, priv, keys

    # -- internals: the failure count ----------------------------------------------------

    def _begin_attempt(self) -> float:
        """Count this attempt before checking it, under the file's lock: parallel guesses
        each take the next place in line (their waits add up as if made one by one), and
        killing a slow attempt does not take it back. A good passphrase resets the count.
        Returns the seconds to wait."""
        with self._locked():
            self._reload()
            now = self.clock()
            start = max(now, self._attempts.next_at)
            count = self._attempts.count + 1
            self._attempts = _Attempts(count, start + _delay_after(count))
            self._save()
        return start - now

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._lock_depth:
            yield
            return
        self._lock_depth += 1
        try:
            with _exclusive(lock_path(self.path)):
                yield
        finally:
            self._lock_depth -= 1

    def _reload(self) -> None:
        """The file as it is now on disk (another process may have changed it)."""
        with contextlib.suppress(DatabaseMissing):
            _db_id, self._slots, self._attempts, self._directory = _read(self.path)

    @contextlib.contextmanager
    def _changing(self, attempts: _Attempts | None = None) -> Iterator[None]:
        """Apply a change in memory and save it; if saving fails, undo it in memory too.

        Saved under the file's lock, with the failure count as it is on disk now (or
        ``attempts``), so a change never writes back a stale count."""
        with self._locked():
            before = copy.deepcopy((self._slots, self._attempts, self._directory))
            try:
                if attempts is not None:
                    self._attempts = attempts
                elif self.path.exists():
                    self._attempts = _read(self.path)[2]
                yield
                self._save()
            except BaseException:
                self._slots, self._attempts, self._directory = before
                raise

    def _save(self) -> None:
        doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "db_id": self.db_id}
        if self._directory is not None:
            doc["directory"] = _wrapped_json(self._directory.current)
            if self._directory.pending is not None:
                doc["directory"]["pending"] = _wrapped_json(self._directory.pending)
        doc["slots"] = [_slot_json(s) for s in self._slots]
        doc["attempts"] = {"count": self._attempts.count, "next": self._attempts.next_at}
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
                raise StorageFull.at(self.path, "the key-slot file is as it was") from exc
            raise
        _fsync_dir(self.path.parent)


def _wrapped_json(wrapped: _Wrapped) -> dict[str, Any]:
    return {"nonce": _b64(wrapped.nonce), "ct": _b64(wrapped.ct)}


def _sealed_json(sealed: _Sealed) -> dict[str, str]:
    return {"epk": _b64(sealed.epk), "nonce": _b64(sealed.nonce), "ct": _b64(sealed.ct)}


def _slot_json(slot: _Slot) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": slot.kind,
        "label": slot.label,
        "nonce": _b64(slot.nonce),
        "wrapped": _b64(slot.wrapped),
    }
    if slot.public:
        out["public"] = _b64(slot.public)
    if slot.kdf is not None:
        out["kdf"] = {
            "time_cost": slot.kdf.time_cost,
            "memory_kib": slot.kdf.memory_kib,
            "parallelism": slot.kdf.parallelism,
        }
        if slot.salt:
            out["kdf"]["salt"] = _b64(slot.salt)
    if slot.owner:
        out["owner"] = _b64(slot.owner)
    if slot.legacy:
        out["legacy"] = slot.legacy
    if slot.sign is not None:
        out["sign"] = {
            "public": _b64(slot.sign.public),
            "nonce": _b64(slot.sign.nonce),
            "wrapped": _b64(slot.sign.wrapped),
        }
    if slot.sealed is not None:
        out["sealed"] = _sealed_json(slot.sealed)
    if slot.pending is not None:
        out["pending"] = _sealed_json(slot.pending)
    return out


def _read(path: Path) -> tuple[str, list[_Slot], _Attempts, _Directory | None]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatabaseMissing(
            f"No key-slot file at {path}. Run `deskapp init` or `deskapp demo`."
        ) from None
    except OSError as exc:
        raise DatabaseCorrupt(f"Cannot read the key-slot file {path}: {exc.strerror}.") from exc
    return _parse(path, raw)


def _parse(path: Path, raw: bytes) -> tuple[str, list[_Slot], _Attempts, _Directory | None]:
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

    def wrapped(item: dict[str, Any]) -> _Wrapped:
        return _Wrapped(b64(item, "nonce", _NONCE), b64(item, "ct", KEY_LEN + _TAG))

    try:
        doc = obj(json.loads(raw.decode("utf-8")), "the document")
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, truncation
        raise bad("not valid JSON") from exc
    if doc.get("format") != FORMAT:
        raise bad("wrong format tag")
    version = doc.get("version")
    if version not in (_OLD_VERSION, _NO_SIGNING_VERSION, VERSION):
        raise bad(f"unsupported version {version!r}")
    db_id = doc.get("db_id")
    if not isinstance(db_id, str) or len(db_id) != 32 or db_id.strip("0123456789abcdef"):
        raise bad("bad db_id")
    directory = None
    if version != _OLD_VERSION and "directory" in doc:
        item = obj(doc["directory"], "directory")
        directory = _Directory(wrapped(item))
        if "pending" in item:
            directory.pending = wrapped(obj(item["pending"], "pending directory"))
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
        if version == _OLD_VERSION:
            slot.legacy = "" if kind == "recovery" else "v1"
        else:
            slot.legacy = item.get("legacy", "")
            if slot.legacy not in ("", "v1", "relabelled") or (slot.legacy and kind == "recovery"):
                raise bad("a slot has a bad legacy mark")
        if kind != "keyring":
            slot.public = b64(item, "public", 32)
            slot.sealed = sealed(item, "sealed")
            if "pending" in item:
                slot.pending = sealed(item, "pending")
        elif "public" in item:
            slot.public = b64(item, "public", 32)
        if kind == "officer":
            kdf = obj(item.get("kdf"), "kdf")
            if slot.legacy:
                slot.salt = b64(kdf, "salt", _SALT)
            slot.kdf = KdfParams(
                posint(kdf, "time_cost"), posint(kdf, "memory_kib"), posint(kdf, "parallelism")
            )
            if slot.kdf.memory_kib < 8 * slot.kdf.parallelism:  # Argon2's own lower bound
                raise bad("kdf memory too small")
            if "owner" in item:
                slot.owner = b64(item, "owner", _OWNER)
            if version == VERSION and "sign" in item:
                sign = obj(item["sign"], "sign")
                slot.sign = _SignKey(
                    b64(sign, "public", 32),
                    b64(sign, "nonce", _NONCE),
                    b64(sign, "wrapped", KEY_LEN + _TAG),
                )
        slots.append(slot)
    if not any(s.kind == "officer" for s in slots):
        raise bad("no officer slots")
    rec = obj(doc.get("attempts", {}), "attempts")
    if version == _OLD_VERSION:  # per label then; the desk's count is the largest
        counts = [obj(v, "an attempts record").get("count") for v in rec.values()]
        if any(type(c) is not int or c < 0 for c in counts):
            raise bad("bad attempts record")
        failures = max([0, *(int(c) for c in counts if c is not None)])
        attempts = _Attempts(failures, time.time() + _delay_after(failures))
    else:
        count, next_at = rec.get("count", 0), rec.get("next", 0.0)
        if type(count) is not int or count < 0 or not isinstance(next_at, (int, float)):
            raise bad("bad attempts record")
        attempts = _Attempts(count, float(next_at))
    return db_id, slots, attempts, directory
