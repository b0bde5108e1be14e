"""Sync test helpers: desks, a file hub and a throwaway PostgreSQL database per module."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.writes import APPEND_ONLY, NOT_FIELDS, VERSIONED
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import merge_rule, sealed_batch
from deskapp.protocol.sealed_batch import AuditSpan, Header
from deskapp.sync import enrolment, merge, run_sync
from deskapp.sync.hub import ReadCaps, StoredBatch, open_hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_schema import metadata
from deskapp.sync.trust_tables import hub_key_slot

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


def make_desk(
    tmp_path: Path, name: str, officer: str | None = None, hub: str | None = None
) -> Desk:
    """A new desk; its officer is PC-<name> unless given (one officer, one key pair).
    With ``hub``, the desk joins that test hub and is approved there (``enrol``)."""
    officer = officer or f"PC-{name}"
    desk, _ = Desk.init(tmp_path / f"{name}.db", officer, f"Sgt {name}", PASS)
    if hub is not None:
        enrol(hub, desk)
    return desk


#: Each test hub's root supervisor desk (see ``new_hub``), by hub URL.
ROOTS: dict[str, Desk] = {}
ROOT_OFFICER = "SGT-ROOT"
#: Each test hub's reading desk: approved, it only ever pulls (see ``hub_state``).
READERS: dict[str, Desk] = {}
READER_OFFICER = "PC-READER"


def new_hub(url: str, folder: Path) -> Desk:
    """Set up the hub at ``url`` as `deskapp hub init` does: schema, then a supervisor's
    desk as its root, and an approved desk that only reads (``hub_state``). Returns the
    root's desk (kept in ROOTS to approve others)."""
    folder.mkdir(parents=True, exist_ok=True)
    root, _ = Desk.init(folder / "hub-root.db", ROOT_OFFICER, "Insp Root", PASS)
    hub = open_hub(url)
    hub.initialise()
    enrolment.init_root(hub, root)
    ROOTS[url] = root
    reader, _ = Desk.init(folder / "hub-reader.db", READER_OFFICER, "PC Reader", PASS)
    enrol(url, reader, role=OfficerRole.OFFICER)
    READERS[url] = reader
    return root


def forget_hub(url: str) -> None:
    for kept in (ROOTS, READERS):
        desk = kept.pop(url, None)
        if desk is not None:
            desk.close()


def enrol(url: str, *desks: Desk, role: OfficerRole = OfficerRole.SUPERVISOR) -> None:
    """Each desk joins the hub and its root supervisor approves it (the real commands'
    code: the sync gate is not relaxed for tests). As a supervisor unless said: a new
    desk's first officer is its supervisor, and the officer record it sends needs a
    supervisor's certificate for other desks to take it (``protocol.permissions``)."""
    hub, root = open_hub(url), ROOTS[url]
    enrolment.join(hub, root)  # the root's desk pins this URL too (already approved)
    for desk in desks:
        enrolment.join(hub, desk)
        enrolment.approve(hub, root, desk.officer.id, role, lambda _fingerprint: True)


@pytest.fixture
def file_hub(tmp_path: Path) -> Iterator[str]:
    """A file hub set up by a root supervisor (call ``enrol`` for the desks that sync)."""
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    new_hub(url, tmp_path / "hub-root")
    yield url
    forget_hub(url)


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
def pg_hub(pg_database: str, tmp_path: Path) -> Iterator[str]:
    """An empty hub in the module's database (reset per test), set up by a root
    supervisor (call ``enrol`` for the desks that sync)."""
    url = pg_url(pg_database)
    hub = open_hub(url)
    with hub.engine.begin() as conn:
        metadata.drop_all(conn)
    new_hub(url, tmp_path / "pg-hub-root")
    yield url
    forget_hub(url)


@pytest.fixture(params=["file", "pg"])
def hub_url(request: pytest.FixtureRequest) -> str:
    """The test runs twice: against a file hub and against a PostgreSQL one."""
    return str(request.getfixturevalue("file_hub" if request.param == "file" else "pg_hub"))


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
    """What the hub holds, as a desk that takes everything in its log sees it: the
    hub's reading desk pulls (never pushes), and its state less its own officer record."""
    reader = READERS[url]
    run_sync(reader, url, push=False)
    state = desk_state(reader)
    state["officer"] = {k: v for k, v in state["officer"].items() if k != READER_OFFICER}
    return state


def newest_key_id(url: str) -> int:
    with open_hub(url).read() as conn:
        return int(
            conn.execute(
                select(hub_key_slot.c.key_id).order_by(hub_key_slot.c.key_id.desc())
            ).scalar()
            or 0
        )


def opened_batches(url: str) -> list[tuple[StoredBatch, Header, dict[str, Any]]]:
    """Every batch in the hub's log, opened with the keys of its root supervisor (who is
    approved, so holds them): what a test looks at to see what a push carried."""
    hub = open_hub(url)
    trust = enrolment.admit(hub, ROOTS[url])
    out = []
    for stored in hub.batches_after(0, 1 << 60, ReadCaps(row=1 << 40, batch=1 << 40)):
        header = sealed_batch.parse_header(stored.header.encode())
        assert stored.ciphertext is not None
        payload = sealed_batch.open_sealed(header, stored.ciphertext, trust.key(header.key_id))
        out.append((stored, header, payload))
    return out


def hub_audits(url: str, site_id: str) -> list[dict[str, Any]]:
    """The audit events of ``site_id`` the hub's batches carry, in order."""
    return [
        event
        for _, header, payload in opened_batches(url)
        if header.site == site_id
        for event in payload["audits"]
    ]


def rogue_batch(
    url: str,
    *,
    site: str,
    signer: str,
    changes: Sequence[Sequence[Any]] = (),
    audits: Sequence[dict[str, Any]] = (),
    counter: int = 1,
    key: bytes | None = None,
    sign: Callable[[bytes], bytes] | None = None,
    hub_id: str | None = None,
) -> int:
    """A batch appended straight to the hub's log, as anyone holding only the hub's
    secret can: sealed with a key of their own and signed with a key of their own,
    unless given real ones (``key``: a hub key; ``sign``: an officer's signature, for an
    enrolled officer's own forgeries). Changes as they travel:
    ``[entity, row_id, kind, data JSON or None, {field: [hlc, site]}, seen]``.
    Returns the seq the hub gave it."""
    hub = open_hub(url)
    key_id = newest_key_id(url)
    span = None
    if audits:
        span = AuditSpan(
            int(audits[0]["seq"]),
            audits[0]["prev_hash"],
            int(audits[-1]["seq"]),
            audits[-1]["hash"],
        )
    sealed = sealed_batch.seal(
        {"changes": [list(c) for c in changes], "audits": list(audits)},
        hub_id=hub_id or hub.check(),
        site=site,
        signer=signer,
        key_id=key_id,
        key=key or os.urandom(32),
        counter=counter,
        entries=len(changes) + len(audits),
        audit=span,
        sign=sign or Ed25519PrivateKey.generate().sign,
    )
    receipt = hub.push(
        sealed, site_id=site, signer_id=signer, key_id=key_id, counter=counter,
        entries=len(changes) + len(audits),
    )  # fmt: skip
    assert receipt.held
    return receipt.seq
