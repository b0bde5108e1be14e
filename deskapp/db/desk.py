"""Opening, setting up and closing a desk: the encrypted database plus its key slots.

A ``Desk`` is the handle every service takes. It knows the signed-in officer, the
desk's site id and hybrid clock, and hands out read connections and write
transactions (``WriteTx``, the one write path).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select, text

from deskapp.db import migrate, search_index
from deskapp.db.engine import (
    CACHE_KIB,
    STREAM_CACHE_KIB,
    connect_raw,
    make_engine,
    retire,
    translate_errors,
)
from deskapp.db.keyslots import (
    KdfParams,
    KeySlots,
    OfficerKeys,
    PublicKeys,
    generate_data_key,
    lock_path,
)
from deskapp.db.tables import META, OFFICER
from deskapp.db.writes import WriteTx
from deskapp.domain.errors import AuthError, DatabaseCorrupt, DatabaseMissing, ValidationError
from deskapp.domain.passphrase import check_strength
from deskapp.domain.validation import no_controls
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.protocol.hlc import HybridClock
from deskapp.protocol.ids import new_site_id
from deskapp.runtime.clock import use_zone
from deskapp.runtime.paths import slots_path
from deskapp.runtime.settings import Settings, load_settings


@dataclass(frozen=True)
class SignedIn:
    id: str
    name: str
    role: OfficerRole

    @property
    def is_supervisor(self) -> bool:
        return self.role == OfficerRole.SUPERVISOR

    @property
    def is_auditor(self) -> bool:
        return self.role == OfficerRole.AUDITOR


def check_officer_id(officer_id: str) -> str:
    officer_id = officer_id.strip()
    if not officer_id or len(officer_id) > 32 or not officer_id.replace("-", "").isalnum():
        raise ValidationError(
            "An officer id is a staff or collar number: letters, digits and '-', up to 32."
        )
    return officer_id


def check_passphrase(passphrase: str, officer_id: str = "") -> str:
    """A passphrase a force would sign off: the estimator's reason when it is not."""
    return check_strength(passphrase, context=(officer_id, "deskapp", "desk", "police"))


class Desk:
    def __init__(
        self,
        path: Path,
        engine: Engine,
        slots: KeySlots,
        data_key: bytes,
        officer: SignedIn,
        settings: Settings,
    ) -> None:
        self.path = path
        self._engine: Engine | None = engine
        self.slots = slots
        self._key = bytearray(data_key)
        # The officer's private keys (None when opened with the recovery key).
        self._identity = slots.take_identity()
        self.officer = officer
        self.settings = settings
        use_zone(settings.zone)  # times are shown and read in the force's zone
        self._write_lock = threading.RLock()
        self._apart: Engine | None = None
        with self.read() as conn:
            meta = {k: v for k, v in conn.execute(select(META.c.key, META.c.value))}
        self.site_id = meta["site_id"]
        self.clock = HybridClock(int(meta.get("hlc", "0")))
        self.closed = False
        #: Wrong passphrases typed on this desk (any officer) before it was opened.
        self.failed_before = 0
        #: Per table, how many committed transactions have changed it (see WriteTx.touched).
        self.generations: dict[str, int] = {}

    # -- set-up and opening ------------------------------------------------------
    @classmethod
    def init(
        cls,
        path: Path,
        officer_id: str,
        name: str,
        passphrase: str,
        *,
        settings: Settings | None = None,
        kdf: KdfParams | None = None,
        invented_data_only: bool = False,
    ) -> tuple[Desk, str]:
        """Set up a new desk; returns it and the recovery key (shown once).

        ``invented_data_only`` is for the demo desk alone, whose passphrase is published:
        it skips the strength check."""
        officer_id = check_officer_id(officer_id)
        if not invented_data_only:
            check_passphrase(passphrase, officer_id)
        no_controls(name, field="The officer's name")
        if not name.strip():
            raise ValidationError("The officer's name is needed.")
        spath = slots_path(path)
        if path.exists() or spath.exists():
            raise ValidationError(f"A desk already exists at {path}; it has not been changed.")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = generate_data_key()
        slots, recovery = KeySlots.create(spath, officer_id, passphrase, key, kdf)
        try:
            with translate_errors(path):
                engine = make_engine(path, key)
                migrate.upgrade(engine)
                with engine.begin() as conn:
                    conn.execute(
                        META.insert(),
                        [{"key": "site_id", "value": new_site_id()}, {"key": "hlc", "value": "0"}],
                    )
            _owner_only(path)
            officer = SignedIn(officer_id, name.strip(), OfficerRole.SUPERVISOR)
            desk = cls(path, engine, slots, key, officer, settings or load_settings())
            with desk.write() as tx:
                tx.insert(
                    "officer",
                    {
                        "id": officer_id,
                        "name": name.strip(),
                        "role": OfficerRole.SUPERVISOR,
                        "active": True,
                        "created_at": tx.now,
                    },
                )
        except BaseException:
            for leftover in (
                path,
                spath,
                lock_path(spath),
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            raise
        return desk, recovery

    @classmethod
    def open(
        cls,
        path: Path,
        officer_id: str,
        passphrase: str | None = None,
        *,
        recovery_key: str | None = None,
        settings: Settings | None = None,
    ) -> Desk:
        """Unlock with a passphrase, the recovery key, or this terminal's keyring slot."""
        slots = load_slots(path)
        # Wrong passphrases since the last good one: the key file's count, read before this
        # attempt (a right one resets it), so the audit log can be told (db/access_log).
        failed_before = slots.failures()
        officer_id = officer_id.strip()
        if recovery_key is not None:
            candidates = slots.unlock_recovery_candidates(recovery_key)
        elif passphrase is not None:
            candidates = slots.unlock_candidates(officer_id, passphrase)
        else:
            remembered = slots.unlock_keyring(officer_id)
            if remembered is None:
                raise AuthError(f"A passphrase is needed for officer {officer_id}.")
            candidates = [remembered]
        engine, key = _engine_for(path, slots, candidates)
        with translate_errors(path):
            migrate.upgrade(engine)
            with engine.connect() as conn:
                row = conn.execute(select(OFFICER).where(OFFICER.c.id == officer_id)).first()
                officer_ids = list(conn.execute(select(OFFICER.c.id)).scalars())
                stale_index = search_index.deferred(conn)
            if stale_index:  # a large pull was cut short before it rebuilt the index
                with engine.begin() as conn:
                    search_index.rebuild_in(conn)
        if recovery_key is not None and row is None:
            raise AuthError(f"No officer {officer_id} on this desk.")
        if row is None or not row.active:
            engine.dispose()
            raise AuthError(f"Officer {officer_id} is not an active officer of this desk.")
        slots.upgrade(key, officer_ids)  # a version-1 key-slot file: no ids in labels now
        officer = SignedIn(row.id, row.name, OfficerRole(row.role))
        desk = cls(path, engine, slots, key, officer, settings or load_settings())
        desk.failed_before = failed_before
        return desk

    # -- transactions ------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise AuthError("The desk is locked.")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (deferred transaction)."""
        with translate_errors(self.path), self.engine.connect() as conn:
            conn = conn.execution_options(readonly=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read_apart(self) -> Iterator[Connection]:
        """A read-only snapshot on a connection of its own, closed afterwards: for a long
        background read (the ranked lists' builds), which then neither holds one of the
        pool's few connections while the screen's first windows wait for one, nor leaves
        its page cache behind, nor fills a full one meanwhile. Only for a single pass: a
        read that joins (the dashboard's figures) decrypts pages again and again through
        a small cache (half as much CPU again)."""
        if self.closed:
            raise AuthError("The desk is locked.")
        if self._apart is None:
            self._apart = make_engine(self.path, self.data_key, pooled=False)
        with translate_errors(self.path), self._apart.connect() as conn:
            conn = conn.execution_options(readonly=True)
            with conn.begin():
                # A pass over a table or index, its pages not read again: a full page
                # cache would only add to the app's peak while the pass runs.
                conn.exec_driver_sql(f"PRAGMA cache_size = -{STREAM_CACHE_KIB}")
                yield conn

    @contextmanager
    def write(self, *, streaming: bool = False) -> Iterator[WriteTx]:
        """The one write path: row, field versions, outbox and audit in one transaction.
        ``streaming``: the transaction writes many rows it will not read again (a large
        pull), so its connection keeps a small page cache meanwhile."""
        if self.closed:
            raise AuthError("The desk is locked.")
        with self._write_lock, translate_errors(self.path), self.engine.begin() as conn:
            if streaming:
                conn.exec_driver_sql(f"PRAGMA cache_size = -{STREAM_CACHE_KIB}")
            try:
                tx = WriteTx(
                    conn,
                    self.officer.id,
                    self.site_id,
                    self.clock,
                    audit_only=self.officer.is_auditor,
                )
                yield tx
                tx.flush_audit()
                conn.execute(
                    text("UPDATE meta SET value = :v WHERE key = 'hlc'"),
                    {"v": str(self.clock.last)},
                )
            finally:
                if streaming:
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        for table in tx.touched:
            self.generations[table] = self.generations.get(table, 0) + 1

    def log(
        self,
        action: AuditAction,
        entity: str,
        entity_id: str = "",
        fields: Iterable[str] = (),
        *,
        recipient: str = "",
        detail: str = "",
    ) -> None:
        """Record one audit event in a transaction of its own, where nothing else changes:
        a consultation, a disclosure, a sign-in, a sync."""
        with self.write() as tx:
            tx.audit(action, entity, entity_id, fields, recipient=recipient, detail=detail)

    @property
    def data_key(self) -> bytes:
        if self.closed:
            raise AuthError("The desk is locked.")
        return bytes(self._key)

    @property
    def keys(self) -> OfficerKeys:
        """The signed-in officer's private keys (X25519 for sealed keys, Ed25519 to sign)."""
        if self.closed:
            raise AuthError("The desk is locked.")
        if self._identity is None:
            raise AuthError(
                f"Officer {self.officer.id} signed in with the recovery key, which opens the "
                "desk but not the officer's own keys: sign in with a passphrase."
            )
        return self._identity

    @property
    def public_keys(self) -> PublicKeys:
        keys = self.keys
        return PublicKeys(keys.exchange_public, keys.signing_public)

    def adopt_keys(self, passphrase: str, keys: OfficerKeys) -> None:
        """Take the officer's keys from another desk as theirs on this one (their
        passphrase here must be right); see ``KeySlots.adopt``."""
        self.slots.adopt(self.officer.id, passphrase, self.data_key, keys)
        self._identity = keys

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature by the signed-in officer."""
        return self.keys.signing.sign(data)

    def release_memory(self) -> None:
        """Close the pooled connections, and with them their page caches (up to 48 MiB
        each, full after a large sync); connections reopen on next use, by the key held."""
        if not self.closed:
            self.engine.dispose()

    def close(self) -> None:
        """Lock: close every connection (one a worker is still using as it comes back),
        zero the key, and let go of the engines, whose connection factories hold it."""
        if self.closed:
            return
        self.closed = True
        for engine in (self._engine, self._apart):
            if engine is not None:
                retire(engine)
        self._engine = self._apart = None
        self._identity = None
        for i in range(len(self._key)):
            self._key[i] = 0

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_slots(path: Path) -> KeySlots:
    if not path.exists():
        raise DatabaseMissing(
            f"No desk database at {path}. Run `deskapp init` to set up a desk, "
            "or `deskapp demo` to try one with invented data."
        )
    spath = slots_path(path)
    if not spath.exists():
        raise DatabaseCorrupt(
            f"The key-slot file {spath} is missing, so the desk at {path} cannot be unlocked. "
            "Restore it from the backup taken with the database."
        )
    return KeySlots.load(spath)


def _engine_for(path: Path, slots: KeySlots, candidates: list[bytes]) -> tuple[Engine, bytes]:
    """Open with the current key; after a re-key cut short, the pending one may be right."""
    last: BaseException = DatabaseCorrupt(f"No key in the key-slot file opens {path}.")
    for index, key in enumerate(candidates):
        with translate_errors(path):
            try:
                connect_raw(path, key).close()
            except Exception as exc:
                last = exc
                continue
        if index > 0:
            slots.commit_rekey()
        return make_engine(path, key), key
    with translate_errors(path):
        raise last


def _owner_only(path: Path) -> None:
    """Encrypted or not, the file is nobody else's business (no-op where unsupported)."""
    with suppress(OSError):
        path.chmod(0o600)
