"""SQLAlchemy engines over SQLCipher 4 with a raw 256-bit key (no KDF on open).

Every connection is keyed before anything else touches the file, keeps temp data in
memory (so no plaintext temp files), and uses WAL. Writes start ``BEGIN IMMEDIATE`` so
two writers never interleave reads of the audit-chain head with each other's writes.
"""

from __future__ import annotations

import errno
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool, QueuePool

from deskapp.domain.errors import DatabaseBusy, DatabaseCorrupt, DeskError, StorageFull
from deskapp.domain.text import collation_key, fold

BUSY_TIMEOUT_S = 5.0


def _raw_key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("data key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_raw(path: Path, key: bytes | None) -> Any:
    """A DB-API connection, keyed and verified. ``key=None`` gives plain SQLite (benchmarks)."""
    conn = sqlcipher3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.isolation_level = None  # SQLAlchemy's begin listener issues BEGIN itself
    if key is not None:
        conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print to stderr
        conn.execute(_raw_key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        conn.close()
        raise
    _functions(conn)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # decrypted pages are worth keeping
    # Deleted and erased content is overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    return conn


def _functions(conn: Any) -> None:
    """The schema's own functions: the search index holds ``fold`` of its columns
    (migration 0007's triggers) and the roster's order is ``collation_key(name)``
    (a generated column). Deterministic, so SQLite may index them."""
    conn.create_function("fold", 1, _text_or_null(fold), deterministic=True)
    conn.create_function("collation_key", 1, collation_key, deterministic=True)


def _text_or_null(fn: Callable[[str], str]) -> Callable[[Any], str | None]:
    return lambda value: None if value is None else fn(str(value))


#: Each connection's page cache, in KiB (48 MiB): a miss costs a page decryption.
CACHE_KIB = 49152
#: The cache of a write transaction that streams many rows in (a large pull): its pages
#: are not read again, and a full 48 MiB cache only added to the app's memory.
STREAM_CACHE_KIB = 8192


def make_engine(path: Path, key: bytes | None, *, pooled: bool = True) -> Engine:
    """The desk's engine: at most 3 pooled connections, each with its own page cache.
    Unpooled, every use opens a connection and closes it after (see ``Desk.read_apart``)."""
    pool: dict[str, Any] = (
        {"poolclass": QueuePool, "pool_size": 2, "max_overflow": 1}
        if pooled
        else {"poolclass": NullPool}
    )
    engine = create_engine("sqlite://", creator=lambda: connect_raw(path, key), **pool)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = "" if conn.get_execution_options().get("readonly") else " IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN{mode}")

    return engine


_retired: weakref.WeakSet[Engine] = weakref.WeakSet()


def retire(engine: Engine) -> None:
    """Close ``engine`` for good (the desk was locked): its idle connections now, and
    each one still in use (by a worker finishing a step) as it is handed back, instead
    of pooling it for a session that is over. ``is_retired`` tells its users."""
    _retired.add(engine)
    event.listen(engine.pool, "checkin", _close_on_checkin)  # dispose() carries it over
    engine.dispose()


def is_retired(engine: Engine) -> bool:
    return engine in _retired


def _close_on_checkin(dbapi_connection: Any, _record: Any) -> None:
    if dbapi_connection is not None:
        dbapi_connection.close()


def check_key(path: Path, key: bytes) -> bool:
    """True when ``key`` opens ``path``; reads only, never writes the file."""
    # as_uri: a drive letter, and a '#', '?' or '%' in a folder's name, written as a URI
    # (a bare path would end at a '#' or '?', and misread a Windows path).
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_raw_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn driver errors into messages a duty officer can act on."""
    try:
        yield
    except DeskError:
        raise
    except (DBAPIError, sqlcipher3.Error) as exc:
        raise explain(exc, path) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageFull.at(path, NOTHING_SAVED_LOST) from exc
        raise


NOTHING_SAVED_LOST = "nothing that was saved has been lost"


def explain(exc: BaseException, path: Path) -> DeskError:
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"The desk database {path} is busy (another deskapp is writing to it). "
            "Wait a moment and try again."
        )
    if "full" in text:
        return StorageFull.at(path, NOTHING_SAVED_LOST)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(
            f"The desk database {path} is damaged or is not a deskapp database. It has not "
            "been changed. Restore it from a backup or the hub; run `deskapp check` for details."
        )
    if isinstance(exc, OperationalError) or isinstance(orig, sqlcipher3.OperationalError):
        return DeskError(f"Database error on {path}: {orig}")
    return DeskError(f"Database error on {path}: {orig}")
