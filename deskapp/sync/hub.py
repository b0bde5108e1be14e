"""The hub: one schema (SQLAlchemy Core) on an encrypted SQLite file or on PostgreSQL.

The hub keeps, for every synced row, its current values and the version of each field
(``hub_row``), stamped with a hub sequence number (``seq``) each time it changes. Desks
pull by ``seq`` after their cursor. Writers are serialised (PostgreSQL: a transaction
advisory lock; SQLite: ``BEGIN IMMEDIATE``), so sequence numbers commit in order and a
puller can never skip a change that commits late under a smaller number.

No history is kept: a change overwrites the row, so an erasure leaves no old value
behind (PostgreSQL's dead tuples are vacuumed after an erasure; SQLite overwrites freed
cells with ``secure_delete`` and the WAL is checkpointed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import keyring
import sqlcipher3
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from deskapp.core import jsontext
from deskapp.core.clock import utcnow
from deskapp.core.errors import AuthError, ConfigError, DeskError
from deskapp.core.ids import uuid7
from deskapp.core.passphrase import check_strength
from deskapp.store.engine import is_retired, retire
from deskapp.store.merge import ERASED_NAME, PERSON_LINKED, Version, id_in

SCHEMA_VERSION = 1
KEYRING_SERVICE = "deskapp-hub"
PASSPHRASE_ENV = "DESKAPP_HUB_PASSPHRASE"  # noqa: S105 (a variable name)
#: pg_advisory_xact_lock key serialising hub writers ("desk" in ASCII).
ADVISORY_LOCK = 0x6465736B
BUSY_TIMEOUT_S = 30.0


class HubError(DeskError):
    """The hub could not be reached or refused the work; nothing half-done was kept."""

    exit_code = 12


class HubSchemaError(HubError):
    exit_code = 13


class HubPassphraseError(HubError, AuthError):
    """The passphrase (or password) given for the hub does not open it."""

    exit_code = AuthError.exit_code


def no_hub_error(display: str) -> HubError:
    return HubError(
        f"There is no deskapp hub at {display}, so it could not be reached. "
        "Set one up with `deskapp hub init URL`, or check the path."
    )


metadata = MetaData()
hub_meta = Table(
    "hub_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
hub_counter = Table(
    "hub_counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
hub_row = Table(
    "hub_row",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("row_id", String(200), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("ref_id", String(64), nullable=True),
    Column("data", Text, nullable=True),  # JSON values; NULL: an erased insert-only row
    Column("versions", Text, nullable=False),  # JSON {field: [hlc, site, seq, (prev)]}
    Index("ix_hub_row_seq", "seq", unique=True),
    Index("ix_hub_row_ref", "ref_id"),
)
hub_conflict = Table(
    "hub_conflict",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(40), nullable=False),
    Column("target_site", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("row_id", String(200), nullable=False),
    Column("field", String(64), nullable=False),
    Column("loser_value", Text, nullable=False),
    Column("loser_hlc", BigInteger, nullable=False),
    Column("loser_site", String(64), nullable=False),
    Column("winner_value", Text, nullable=False),
    Column("winner_hlc", BigInteger, nullable=False),
    Column("winner_site", String(64), nullable=False),
    Index("ix_hub_conflict_target", "target_site", "seq"),
    Index("ix_hub_conflict_row", "row_id"),
)
hub_site = Table(
    "hub_site",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("outbox_hw", BigInteger, nullable=False),
    Column("audit_hw", BigInteger, nullable=False),
    Column("last_push_at", String(40), nullable=False),
)
hub_audit = Table(
    "hub_audit",
    metadata,
    Column("site_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("officer_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("fields", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# -- where the hub is ------------------------------------------------------------------
@dataclass(frozen=True)
class HubTarget:
    kind: Literal["file", "postgresql"]
    display: str  # the URL as remembered and shown: never a password in it
    path: Path | None = None
    url: Any = None  # sqlalchemy URL for PostgreSQL, without the password
    password: str | None = field(default=None, repr=False)  # from a typed URL, this run only


def parse_hub_url(raw: str) -> HubTarget:
    raw = raw.strip()
    if not raw:
        raise ConfigError("The hub URL is empty.")
    if raw.startswith(("postgresql", "postgres://")):
        if raw.startswith("postgres://"):
            raw = "postgresql://" + raw[len("postgres://") :]
        try:
            url = make_url(raw)
        except SQLAlchemyError as exc:
            raise ConfigError("The hub URL is not a valid PostgreSQL URL.") from exc
        password = url.password
        url = url.set(drivername="postgresql+psycopg", password=None)
        display = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return HubTarget("postgresql", display, url=url, password=password)
    if raw.startswith("sqlite:"):
        database = make_url(raw).database
        if not database:
            raise ConfigError("A file hub needs a path: sqlite:///path/to/hub.db")
        path = Path(database)
    elif "://" in raw:
        raise ConfigError("A hub is a file path, sqlite:///… or postgresql://….")
    else:
        path = Path(raw)
    path = path.expanduser().resolve()
    return HubTarget("file", f"sqlite:///{path}", path=path)


def require_hub_file(target: HubTarget) -> None:
    """A file hub that does not exist is reported before its passphrase is asked for."""
    if target.path is not None and not target.path.exists():
        raise no_hub_error(target.display)


_session_secrets: dict[str, str] = {}


def remember_secret(target: HubTarget, secret: str) -> None:
    """Hold a secret typed at a prompt for the rest of this process."""
    _session_secrets[target.display] = secret


def _keyring_secret(display: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, display)
    except Exception:  # no usable keyring backend
        return None


def find_secret(target: HubTarget) -> str | None:
    """File hub passphrase / PostgreSQL password: environment (file hub), this session,
    the keyring. PostgreSQL also falls back to libpq's own PGPASSWORD and .pgpass."""
    if target.password:
        return target.password
    if target.kind == "file":
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            return env
    return _session_secrets.get(target.display) or _keyring_secret(target.display)


# -- engines -----------------------------------------------------------------------------
_engines: dict[tuple[str, str], Engine] = {}
_engines_lock = threading.Lock()


def _file_engine(path: Path, secret: str) -> Engine:
    quoted = secret.replace("'", "''")

    def creator() -> Any:
        conn = sqlcipher3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        conn.isolation_level = None
        conn.execute("PRAGMA cipher_log_level = NONE")
        # SQLCipher's own salted PBKDF2 key derivation from the passphrase.
        conn.execute(f"PRAGMA key = '{quoted}'")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            conn.close()
            raise
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        return conn

    engine = create_engine(
        "sqlite://", creator=creator, poolclass=QueuePool, pool_size=2, max_overflow=8
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = "" if conn.get_execution_options().get("readonly") else " IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN{mode}")

    return engine


def _pg_engine(target: HubTarget, secret: str | None) -> Engine:
    args: dict[str, Any] = {"connect_timeout": 10, "application_name": "deskapp-sync"}
    if secret:
        args["password"] = secret
    return create_engine(target.url, pool_pre_ping=True, pool_size=2, connect_args=args)


def _engine_for(target: HubTarget, secret: str | None) -> Engine:
    if target.kind == "file" and not secret:
        raise HubError(
            f"The hub {target.display} needs its passphrase: set {PASSPHRASE_ENV}, keep it in "
            f"the keyring (service {KEYRING_SERVICE}), or run from a terminal to be asked."
        )
    digest = hashlib.sha256((secret or "").encode()).hexdigest()
    key = (target.display, digest)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            if target.kind == "file":
                assert target.path is not None and secret
                engine = _file_engine(target.path, secret)
            else:
                engine = _pg_engine(target, secret)
            _engines[key] = engine
        return engine


def forget_engines() -> None:
    """Close every hub connection of this process (see ``store.engine.retire``)."""
    with _engines_lock:
        for engine in _engines.values():
            retire(engine)
        _engines.clear()


def close_session() -> None:
    """The desk was locked: close the hub connections, and drop the passphrases typed in
    this session and the engines whose connection factories hold them. (A passphrase in
    the environment or the keyring stays there: the officer put it there.)"""
    forget_engines()
    _session_secrets.clear()


# -- the hub handle ----------------------------------------------------------------------
class Hub:
    def __init__(self, target: HubTarget, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self.is_pg = target.kind == "postgresql"

    @property
    def display(self) -> str:
        return self.target.display

    @contextmanager
    def _errors(self) -> Iterator[None]:
        if is_retired(self.engine):  # a sync still running when the desk was locked
            raise HubError(f"The desk was locked: the sync with {self.display} stopped.")
        try:
            yield
        except DeskError:
            raise
        except (DBAPIError, sqlcipher3.Error, OSError) as exc:
            self.engine.dispose()  # connections may be dead; the next sync makes new ones
            orig = getattr(exc, "orig", exc)
            text_ = str(orig).lower()
            if "not a database" in text_ or "file is encrypted" in text_:
                raise HubPassphraseError(
                    f"Wrong passphrase for the hub {self.display}: the passphrase does not open "
                    "it (or the file there is not a deskapp hub)."
                ) from exc
            if "password authentication failed" in text_:
                raise HubPassphraseError(
                    f"Wrong password for the hub {self.display}: PostgreSQL refused it."
                ) from exc
            if "locked" in text_ or "busy" in text_:
                raise HubError(
                    f"The hub {self.display} is busy. Try the sync again in a moment."
                ) from exc
            raise HubError(
                f"The hub {self.display} could not be reached or the connection was lost "
                f"({type(orig).__name__}). Nothing half-done was kept; sync again when it "
                "is back."
            ) from exc

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One hub transaction, writers serialised."""
        with self._errors(), self.engine.begin() as conn:
            if self.is_pg:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(readonly=True)
            with conn.begin():
                yield conn

    # -- schema ---------------------------------------------------------------------
    def initialise(self) -> bool:
        """Create the schema if absent; True when it was created now."""
        if self.target.path is not None and not self.target.path.exists():
            # A new file hub: its passphrase guards every desk's synced rows.
            check_strength(find_secret(self.target) or "", what="hub passphrase")
        with self._errors(), self.engine.begin() as conn:
            if self.is_pg:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
            existing = conn.dialect.has_table(conn, "hub_meta")
            if existing:
                self._check_version(conn)
                return False
            metadata.create_all(conn)
            conn.execute(
                hub_meta.insert(),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "hub_id", "value": uuid7()},
                    {"key": "created_at", "value": utcnow().isoformat()},
                ],
            )
            conn.execute(hub_counter.insert(), [{"name": "seq", "value": 0}])
        if self.target.path is not None:
            # Encrypted already, but like the desk files it is nobody else's to read.
            with contextlib.suppress(OSError):
                self.target.path.chmod(0o600)
        return True

    def _check_version(self, conn: Connection) -> str:
        rows = dict(conn.execute(select(hub_meta.c.key, hub_meta.c.value)).all())
        version = rows.get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise HubSchemaError(
                f"The hub {self.display} has schema version {version}; this deskapp works "
                f"with version {SCHEMA_VERSION}. Upgrade deskapp (or the hub) so they match."
            )
        return str(rows["hub_id"])

    def check(self) -> str:
        """The hub's id, after checking it is a deskapp hub of our schema version."""
        require_hub_file(self.target)
        with self.read() as conn:
            if not conn.dialect.has_table(conn, "hub_meta"):
                raise no_hub_error(self.display)
            return self._check_version(conn)

    def describe(self) -> dict[str, Any]:
        hub_id = self.check()
        with self.read() as conn:
            head = conn.execute(select(hub_counter.c.value)).scalar() or 0
            counts: dict[Any, Any] = dict(
                conn.execute(
                    select(hub_row.c.entity, func.count())
                    .where(hub_row.c.data.is_not(None))
                    .group_by(hub_row.c.entity)
                ).all()
            )
            sites = [
                dict(r)
                for r in conn.execute(select(hub_site).order_by(hub_site.c.site_id)).mappings()
            ]
            audit = conn.execute(select(func.count()).select_from(hub_audit)).scalar() or 0
            waiting = conn.execute(select(func.count()).select_from(hub_conflict)).scalar() or 0
        return {
            "hub": self.display,
            "kind": self.target.kind,
            "hub_id": hub_id,
            "schema_version": SCHEMA_VERSION,
            "seq": int(head),
            "rows": {str(k): int(v) for k, v in counts.items()},
            "audit_events": int(audit),
            "conflicts_undelivered": int(waiting),
            "sites": sites,
        }

    # -- pull -----------------------------------------------------------------------
    def count_after(self, cursor: int) -> int:
        with self.read() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(hub_row).where(hub_row.c.seq > cursor)
                ).scalar_one()
            )

    def rows_after(
        self, cursor: int, limit: int, caps: ReadCaps
    ) -> list[tuple[int, str, str, Any, Any, int | None, int | None]]:
        """Up to ``limit`` rows after ``cursor``, in seq order: ``(seq, entity, row_id,
        data, versions, data bytes, versions bytes)``. A row's data (or versions) larger
        than its cap is not fetched (None, with its size), and the batch ends early once
        the rows fetched reach ``caps.batch`` bytes: the hub says how large each row is
        before anything is read."""
        with self.read() as conn:
            result = conn.execute(
                text(_ROWS_AFTER),
                {
                    "cursor": cursor,
                    "limit": limit,
                    "row": caps.row,
                    "versions": caps.versions,
                    "batch": caps.batch,
                },
            )
            return [
                (
                    int(s),
                    str(e),
                    str(r),
                    d,
                    v,
                    None if n is None else int(n),
                    None if m is None else int(m),
                )
                for s, e, r, d, v, n, m in result.fetchall()
            ]

    def conflicts_for(self, site_id: str, cursor: int, limit: int) -> list[dict[str, Any]]:
        with self.read() as conn:
            return [
                dict(r)
                for r in conn.execute(
                    select(hub_conflict)
                    .where(hub_conflict.c.target_site == site_id, hub_conflict.c.seq > cursor)
                    .order_by(hub_conflict.c.seq)
                    .limit(limit)
                ).mappings()
            ]

    def head(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(hub_counter.c.value)).scalar() or 0)

    def site(self, site_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(select(hub_site).where(hub_site.c.site_id == site_id)).mappings()
            first = row.first()
            return dict(first) if first else None

    # -- push -----------------------------------------------------------------------
    def push(self, batch: PushBatch) -> PushReceipt:
        with self.write() as conn:
            receipt = _apply_push(conn, batch)
        if receipt.erased:
            self._scrub()
        return receipt

    def _scrub(self) -> None:
        """After an erasure, make sure no old value survives in the hub's storage."""
        with self._errors():
            if self.is_pg:
                with self.engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.exec_driver_sql("VACUUM hub_row")
                    conn.exec_driver_sql("VACUUM hub_conflict")
            else:
                raw = self.engine.raw_connection()
                try:
                    # Outside any transaction; a busy reader only delays the truncation.
                    raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
                finally:
                    raw.close()


@dataclass(frozen=True)
class ReadCaps:
    """Bytes a pull reads at most: of one row's data, of its versions, of a batch."""

    row: int
    versions: int
    batch: int


#: Rows after a cursor with their sizes; the data and versions of those within their
#: caps, of rows whose running total (of what is fetched) stays within the batch's cap.
#: Sizes are taken first, for the batch's rows only, so a large value is never read.
#: (``entity`` and ``row_id`` are cut one past their widths: longer is refused anyway.)
_ROWS_AFTER = """
WITH head AS (
    SELECT seq, octet_length(data) AS size, octet_length(versions) AS vsize
    FROM hub_row WHERE seq > :cursor ORDER BY seq LIMIT :limit
), counted AS (
    SELECT seq, size, vsize,
        CASE WHEN size <= :row THEN size ELSE 0 END
        + CASE WHEN vsize <= :versions THEN vsize ELSE 0 END AS fetched
    FROM head
), run AS (
    SELECT seq, size, vsize, sum(fetched) OVER (ORDER BY seq) - fetched AS before
    FROM counted
)
SELECT h.seq, substr(h.entity, 1, 33), substr(h.row_id, 1, 201),
    CASE WHEN run.size <= :row THEN h.data END,
    CASE WHEN run.vsize <= :versions THEN h.versions END,
    run.size, run.vsize
FROM run JOIN hub_row AS h ON h.seq = run.seq
WHERE run.before < :batch
ORDER BY h.seq
"""


def open_hub(raw_url: str) -> Hub:
    target = parse_hub_url(raw_url)
    return Hub(target, _engine_for(target, find_secret(target)))


# -- what a push carries -------------------------------------------------------------
@dataclass
class Change:
    """One outbox entry as sent: values on the wire and their versions."""

    outbox_seq: int
    entity: str
    row_id: str
    kind: str  # insert|update|append|erase
    data: dict[str, Any] | None
    versions: dict[str, Version]
    seen: int  # the hub seq the desk had pulled to when it made the edit
    ref_id: str | None = None


@dataclass
class PushBatch:
    site_id: str
    changes: list[Change]
    audits: list[dict[str, Any]]
    outbox_hw: int  # the highest outbox seq this batch covers
    audit_hw: int
    cursor: int  # how far the desk has pulled
    conflict_ack: int  # conflicts the desk has taken in up to this hub seq
    versioned: frozenset[str] = frozenset()


@dataclass
class PushReceipt:
    accepted: int = 0
    outbox_hw: int = 0
    audit_hw: int = 0
    audits: int = 0
    seq_before: int = 0
    seq_after: int = 0
    conflicts: int = 0
    erased: bool = False


def _key_in(conn: Connection, ids: Sequence[str]) -> Any:
    """``row_id IN (…)`` for any number of ids, answered from the primary key: on
    PostgreSQL as ``= ANY(array)`` (a long IN list it may scan for), on SQLite through
    one JSON array parameter (an IN list is bounded by its parameter limit, and each
    length compiles anew)."""
    if conn.dialect.name == "postgresql":
        return hub_row.c.row_id == func.any(
            bindparam("ids", list(ids), type_=ARRAY(String()), literal_execute=False)
        )
    return id_in(hub_row.c.row_id, ids)


#: Keys per lookup query (the ids travel as one parameter).
LOOKUP_CHUNK = 20000


#: Columns of ``hub_row`` in the order ``_write_rows`` takes them.
_ROW_COLUMNS = ("entity", "row_id", "seq", "ref_id", "data", "versions")
_ROW_TYPES = ("text", "text", "bigint", "text", "text", "text")
_AUDIT_COLUMNS = tuple(c.name for c in hub_audit.columns)
assert _AUDIT_COLUMNS[0] == "site_id"  # filled from the batch; the rest from each event
_audit_values = operator.itemgetter(*_AUDIT_COLUMNS[1:])


def _pg_json_rows(types: Sequence[str]) -> str:
    """A SELECT of the rows in one JSON array parameter (one array per row).

    One text parameter, encoded by the C JSON encoder and parsed by the server, costs far
    less than per-value array quoting in the client, and it is one round trip per batch."""
    cols = ", ".join(f"(r ->> {i})::{t}" for i, t in enumerate(types))
    return f"SELECT {cols} FROM json_array_elements(%s::json) AS r"


def _json_param(rows: Sequence[tuple[Any, ...]]) -> str:
    return jsontext.dumps(rows)


def _write_rows(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert or overwrite hub rows ``(entity, row_id, seq, ref_id, data, versions)``.

    One upsert for the whole batch: a new row keeps the ``ref_id`` it came with; a known
    row keeps its ``ref_id`` and takes the new seq, data and versions. On PostgreSQL the
    rows travel as one set of arrays (a single statement and round trip, however many
    rows); on SQLite, in process, as one executemany.
    """
    if not rows:
        return
    names = ", ".join(_ROW_COLUMNS)
    update_ = "seq = excluded.seq, data = excluded.data, versions = excluded.versions"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"INSERT INTO hub_row ({names}) {_pg_json_rows(_ROW_TYPES)} "
            f"ON CONFLICT (entity, row_id) DO UPDATE SET {update_}",
            (_json_param(rows),),
        )
        return
    marks = ", ".join("?" for _ in _ROW_COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO hub_row ({names}) VALUES ({marks}) "
        f"ON CONFLICT (entity, row_id) DO UPDATE SET {update_}",
        list(rows),
    )


def _write_audits(conn: Connection, site_id: str, audits: Sequence[Mapping[str, Any]]) -> None:
    rows = [(site_id, *_audit_values(a)) for a in audits]
    names = ", ".join(_AUDIT_COLUMNS)
    if conn.dialect.name == "postgresql":
        types = ["bigint" if c == "seq" else "text" for c in _AUDIT_COLUMNS]
        conn.exec_driver_sql(
            f"INSERT INTO hub_audit ({names}) {_pg_json_rows(types)}", (_json_param(rows),)
        )
        return
    marks = ", ".join("?" for _ in _AUDIT_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO hub_audit ({names}) VALUES ({marks})", rows)


def _eff(versions: Mapping[str, list[Any]], name: str) -> list[Any] | None:
    return versions.get(name) or versions.get("*")


def _apply_push(conn: Connection, batch: PushBatch) -> PushReceipt:
    site = (
        conn.execute(select(hub_site).where(hub_site.c.site_id == batch.site_id)).mappings().first()
    )
    outbox_hw = int(site["outbox_hw"]) if site else 0
    audit_hw = int(site["audit_hw"]) if site else 0
    seq = int(
        conn.execute(select(hub_counter.c.value).where(hub_counter.c.name == "seq")).scalar_one()
    )
    receipt = PushReceipt(seq_before=seq)
    if batch.conflict_ack:
        conn.execute(
            hub_conflict.delete().where(
                hub_conflict.c.target_site == batch.site_id,
                hub_conflict.c.seq <= batch.conflict_ack,
            )
        )
    changes = [c for c in batch.changes if c.outbox_seq > outbox_hw]
    # Current state of every row the batch touches.
    state: dict[tuple[str, str], dict[str, Any]] = {}
    keys_by_entity: dict[str, list[str]] = {}
    for c in changes:
        keys_by_entity.setdefault(c.entity, []).append(c.row_id)
    for entity, ids in keys_by_entity.items():
        unique = sorted(set(ids))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            part = unique[start : start + LOOKUP_CHUNK]
            found = conn.execute(
                select(hub_row.c.row_id, hub_row.c.data, hub_row.c.versions).where(
                    hub_row.c.entity == entity, _key_in(conn, part)
                )
            ).all()
            # Decoded as one JSON document per batch: one parser call, not two per row.
            decoded = jsontext.loads(
                "[" + ",".join(f"[{r.data or 'null'},{r.versions}]" for r in found) + "]"
            )
            for row, (data, versions) in zip(found, decoded, strict=True):
                state[(entity, row.row_id)] = {
                    "data": data,
                    "versions": versions,
                    "new": False,
                    "seq": None,
                }
    # People already erased at the hub: a contact or link made for them elsewhere before
    # that desk heard of the erasure arrives as a tombstone, never as data.
    refs = sorted({c.ref_id for c in changes if c.entity in PERSON_LINKED and c.ref_id})
    already_erased: set[str] = set()
    for start in range(0, len(refs), LOOKUP_CHUNK):
        for found in conn.execute(
            select(hub_row.c.row_id, hub_row.c.data).where(
                hub_row.c.entity == "person", _key_in(conn, refs[start : start + LOOKUP_CHUNK])
            )
        ):
            person = json.loads(found.data) if found.data else {}
            if person.get("deleted") is True and person.get("name") == ERASED_NAME:
                already_erased.add(str(found.row_id))
    touched: list[tuple[str, str]] = []
    conflicts: list[dict[str, Any]] = []
    erased_people: list[str] = []

    def stamp(key: tuple[str, str]) -> int:
        nonlocal seq
        entry = state[key]
        if entry["seq"] is None:
            seq += 1
            entry["seq"] = seq
            touched.append(key)
        return int(entry["seq"])

    for c in changes:
        key = (c.entity, c.row_id)
        cur = state.get(key)
        if c.entity not in batch.versioned:
            star = c.versions.get("*") or next(iter(c.versions.values()), (0, batch.site_id))
            if c.kind == "erase":
                if cur is not None and cur["data"] is None:
                    continue
                if cur is None:
                    state[key] = cur = {"data": None, "versions": {}, "new": True, "seq": None}
                cur["data"] = None
                cur["versions"] = {"*": [star[0], star[1], 0]}
                cur["versions"]["*"][2] = stamp(key)
                receipt.erased = True
            elif cur is None:
                data = None if c.ref_id in already_erased else c.data
                state[key] = {"data": data, "versions": {}, "new": True, "seq": None}
                state[key]["versions"] = {"*": [star[0], star[1], stamp(key)]}
                state[key]["ref_id"] = c.ref_id
            elif cur["data"] is None and c.data is not None and c.ref_id not in already_erased:
                # A link taken off and made again (a person back on an event's list): the
                # same key, so the row comes back. Never for an erased person's row.
                cur["data"] = c.data
                cur["versions"] = {"*": [star[0], star[1], stamp(key)]}
            receipt.accepted += 1
            continue
        if c.data is None:
            continue
        if cur is None:
            state[key] = cur = {"data": dict(c.data), "versions": {}, "new": True, "seq": None}
            row_seq = stamp(key)
            cur["versions"] = {f: [v[0], v[1], row_seq] for f, v in c.versions.items()}
            receipt.accepted += 1
            continue
        data, versions = cur["data"], cur["versions"]
        accepted = False
        for name, value in c.data.items():
            incoming = c.versions.get(name) or c.versions.get("*")
            if incoming is None:
                continue
            theirs = _eff(versions, name)
            if theirs is None:
                data[name] = value
                versions[name] = [incoming[0], incoming[1], stamp(key)]
                accepted = True
                continue
            mine_v = (int(incoming[0]), str(incoming[1]))
            hub_v = (int(theirs[0]), str(theirs[1]))
            if mine_v > hub_v:
                if (
                    c.kind == "update"
                    and mine_v[1] == batch.site_id
                    and hub_v[1] != batch.site_id
                    and int(theirs[2]) > c.seen
                    and data.get(name) != value
                ):
                    # The hub's value was made without sight of this edit: it loses, and
                    # its desk is told so.
                    conflicts.append(
                        _conflict(hub_v[1], c, name, data.get(name), hub_v, value, mine_v)
                    )
                data[name] = value
                versions[name] = [mine_v[0], mine_v[1], stamp(key), hub_v[0], hub_v[1]]
                accepted = True
            elif mine_v < hub_v:
                superseded = len(theirs) >= 5 and (int(theirs[3]), str(theirs[4])) == mine_v
                if (
                    c.kind == "update"
                    and mine_v[1] == batch.site_id
                    and not superseded
                    and data.get(name) != value
                ):
                    conflicts.append(
                        _conflict(batch.site_id, c, name, value, mine_v, data.get(name), hub_v)
                    )
        if accepted:
            receipt.accepted += 1
            if (
                c.entity == "person"
                and data.get("deleted") is True
                and data.get("name") == ERASED_NAME
            ):
                erased_people.append(c.row_id)
    # Erasure: the person's contact log and links become tombstones everywhere.
    for person_id in sorted(set(erased_people)):
        receipt.erased = True
        for linked in conn.execute(
            select(hub_row.c.entity, hub_row.c.row_id, hub_row.c.versions).where(
                hub_row.c.ref_id == person_id,
                hub_row.c.entity.in_(PERSON_LINKED),
                hub_row.c.data.is_not(None),
            )
        ):
            key = (linked.entity, linked.row_id)
            if key not in state:
                state[key] = {"data": None, "versions": json.loads(linked.versions), "new": False}
                state[key]["seq"] = None
            state[key]["data"] = None
            first = _eff(state[key]["versions"], "*") or [0, batch.site_id, 0]
            state[key]["versions"] = {"*": [first[0], first[1], stamp(key)]}
        for key, entry in state.items():
            if (
                key[0] in PERSON_LINKED
                and entry["data"]
                and entry["data"].get("person_id") == person_id
            ):
                entry["data"] = None
                stamp(key)
        conn.execute(hub_conflict.delete().where(hub_conflict.c.row_id == person_id))
        conflicts = [c for c in conflicts if c["row_id"] != person_id]
    written = []
    for key in touched:
        entry = state[key]
        written.append(
            (
                key[0],
                key[1],
                int(entry["seq"]),
                entry.get("ref_id") if entry["new"] else None,
                None if entry["data"] is None else jsontext.dumps(entry["data"]),
                jsontext.dumps(entry["versions"]),
            )
        )
    _write_rows(conn, written)
    for conflict in conflicts:
        seq += 1
        conflict["seq"] = seq
    if conflicts:
        conn.execute(hub_conflict.insert(), conflicts)
    receipt.conflicts = len(conflicts)
    audits = [a for a in batch.audits if int(a["seq"]) > audit_hw]
    if audits:
        _write_audits(conn, batch.site_id, audits)
    receipt.audits = len(audits)
    new_outbox_hw = max(outbox_hw, batch.outbox_hw)
    new_audit_hw = max(audit_hw, batch.audit_hw)
    now = utcnow().isoformat()
    if site is None:
        conn.execute(
            hub_site.insert(),
            {
                "site_id": batch.site_id,
                "outbox_hw": new_outbox_hw,
                "audit_hw": new_audit_hw,
                "last_push_at": now,
            },
        )
    else:
        conn.execute(
            update(hub_site)
            .where(hub_site.c.site_id == batch.site_id)
            .values(outbox_hw=new_outbox_hw, audit_hw=new_audit_hw, last_push_at=now)
        )
    conn.execute(update(hub_counter).where(hub_counter.c.name == "seq").values(value=seq))
    receipt.outbox_hw = new_outbox_hw
    receipt.audit_hw = new_audit_hw
    receipt.seq_after = seq
    return receipt


def _conflict(
    target: str,
    change: Change,
    name: str,
    loser: Any,
    loser_v: Version,
    winner: Any,
    winner_v: Version,
) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "target_site": target,
        "entity": change.entity,
        "row_id": change.row_id,
        "field": name,
        "loser_value": json.dumps(loser, ensure_ascii=False),
        "loser_hlc": loser_v[0],
        "loser_site": loser_v[1],
        "winner_value": json.dumps(winner, ensure_ascii=False),
        "winner_hlc": winner_v[0],
        "winner_site": winner_v[1],
    }


def decode_versions(raw: str) -> dict[str, Version]:
    return {k: (int(v[0]), str(v[1])) for k, v in json.loads(raw).items()}
