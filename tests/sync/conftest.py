"""Sync test helpers: desks, a file hub and a throwaway PostgreSQL database per module."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from deskapp.core import merge_rule
from deskapp.store import merge
from deskapp.store.desk import Desk
from deskapp.store.writes import APPEND_ONLY, NOT_FIELDS, VERSIONED
from deskapp.sync.hub import decode_versions, open_hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_schema import hub_row, metadata

PASS = "correct horse battery"
HUB_PASS = "hub passphrase for tests"
PG_HOST = os.environ.get("DESKAPP_TEST_PGHOST", "127.0.0.1")
PG_PORT = int(os.environ.get("DESKAPP_TEST_PGPORT", "5432"))
PG_USER = os.environ.get("DESKAPP_TEST_PGUSER", "postgres")


@pytest.fixture(autouse=True)
def _hub_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", HUB_PASS)
    yield
    forget_engines()


def make_desk(tmp_path: Path, name: str, officer: str = "4521") -> Desk:
    desk, _ = Desk.init(tmp_path / f"{name}.db", officer, f"Sgt {name}", PASS)
    return desk


@pytest.fixture
def file_hub(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    open_hub(url).initialise()
    return url


def _pg_admin() -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
        connect_timeout=3,
    )  # fmt: skip


def pg_available() -> bool:
    try:
        _pg_admin().close()
        return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="module")
def pg_server() -> Iterator[None]:
    if not pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432 (required in CI)")
        pytest.skip("PostgreSQL is not reachable")
    yield


@pytest.fixture(scope="module")
def pg_database(pg_server: None) -> Iterator[str]:
    """A fresh database for this module; dropped afterwards."""
    name = f"deskapp_hub_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        forget_engines()
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url(database: str, host: str = PG_HOST, port: int = PG_PORT) -> str:
    return f"postgresql://{PG_USER}@{host}:{port}/{database}"


@pytest.fixture
def pg_hub(pg_database: str) -> str:
    """An empty, initialised hub in the module's database (reset per test)."""
    url = pg_url(pg_database)
    hub = open_hub(url)
    with hub.engine.begin() as conn:
        metadata.drop_all(conn)
    hub.initialise()
    return url


# -- comparing what desks and the hub hold -----------------------------------------------
def desk_state(desk: Desk) -> dict[str, Any]:
    """Every synced row (bookkeeping columns aside) with each field's effective version."""
    out: dict[str, Any] = {}
    with desk.read() as conn:
        for entity, table in VERSIONED.items():
            rows = {r["id"]: dict(r) for r in conn.execute(select(table)).mappings()}
            versions = merge.local_versions(conn, entity, sorted(rows))
            out[entity] = {
                row_id: {
                    k: (merge.encode_value(v), merge_rule.effective(versions[row_id], k))
                    for k, v in row.items()
                    if k not in NOT_FIELDS
                }
                for row_id, row in rows.items()
            }
        for entity, table in APPEND_ONLY.items():
            keys = merge.append_key_columns(table)
            out[entity] = sorted(
                ":".join(str(r[k]) for k in keys) for r in conn.execute(select(table)).mappings()
            )
    return out


def hub_state(url: str) -> dict[str, Any]:
    hub = open_hub(url)
    out: dict[str, Any] = {e: {} for e in VERSIONED}
    out.update({e: [] for e in APPEND_ONLY})
    with hub.read() as conn:
        for row in conn.execute(select(hub_row)):
            if row.entity in VERSIONED:
                data = json.loads(row.data)
                versions = decode_versions(row.versions)
                out[row.entity][row.row_id] = {
                    k: (v, merge_rule.effective(versions, k))
                    for k, v in data.items()
                    if k not in NOT_FIELDS
                }
            elif row.data is not None:
                out[row.entity].append(row.row_id)
    for entity in APPEND_ONLY:
        out[entity].sort()
    return out
