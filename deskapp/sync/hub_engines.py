"""Connections to a hub: one engine per hub and secret, kept for the process.

A file hub is an SQLCipher file (writers take ``BEGIN IMMEDIATE``); a PostgreSQL hub is
reached through psycopg with libpq's own conventions.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from deskapp.db.engine import retire
from deskapp.sync.hub_errors import HubError
from deskapp.sync.hub_secrets import KEYRING_SERVICE, PASSPHRASE_ENV, forget_session_secrets
from deskapp.sync.hub_url import HubTarget, require_transport

BUSY_TIMEOUT_S = 30.0
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
    if target.transport is not None and target.transport.imposed:
        args["sslmode"] = target.transport.imposed
    return create_engine(target.url, pool_pre_ping=True, pool_size=2, connect_args=args)


def engine_for(target: HubTarget, secret: str | None) -> Engine:
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
                require_transport(target)
                engine = _pg_engine(target, secret)
            _engines[key] = engine
        return engine


def forget_engines() -> None:
    """Close every hub connection of this process (see ``db.engine.retire``)."""
    with _engines_lock:
        for engine in _engines.values():
            retire(engine)
        _engines.clear()


def close_session() -> None:
    """The desk was locked: close the hub connections, and drop the passphrases typed in
    this session and the engines whose connection factories hold them. (A passphrase in
    the environment or the keyring stays there: the officer put it there.)"""
    forget_engines()
    forget_session_secrets()
