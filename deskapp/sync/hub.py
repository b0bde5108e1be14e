"""The hub: one schema (SQLAlchemy Core) on an encrypted SQLite file or on PostgreSQL.

The hub is an append-only log of sealed batches (``sync.hub_schema``), each stamped with
a hub sequence number (``seq``); desks pull by ``seq`` after their cursor. Writers are
serialised (PostgreSQL: a transaction advisory lock; SQLite: ``BEGIN IMMEDIATE``), so
sequence numbers commit in order and a puller can never skip a batch that commits late
under a smaller number. The hub holds ciphertext only (see docs/SECURITY.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlcipher3
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from deskapp.db.engine import is_retired
from deskapp.domain.errors import DeskError
from deskapp.domain.passphrase import check_strength
from deskapp.protocol.ids import uuid7
from deskapp.protocol.sealed_batch import SealedBatch
from deskapp.runtime.clock import utcnow
from deskapp.sync.hub_engines import engine_for
from deskapp.sync.hub_errors import HubError, HubPassphraseError, HubSchemaError, no_hub_error
from deskapp.sync.hub_push import PushReceipt, append_batch
from deskapp.sync.hub_schema import (
    ADVISORY_LOCK,
    SCHEMA_VERSION,
    hub_batch,
    hub_counter,
    hub_meta,
    metadata,
)
from deskapp.sync.hub_secrets import find_secret
from deskapp.sync.hub_url import HubTarget, parse_hub_url, require_hub_file
from deskapp.sync.trust_tables import hub_certificate, hub_join_request, hub_key_slot


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
            if "ssl" in text_ or "certificate" in text_:
                raise HubError(
                    f"The hub {self.display} refused a verified TLS connection (the server "
                    "offers no TLS, or its certificate did not verify against the certificate "
                    "authority given), so nothing was sent. Set up TLS on the server, or name "
                    "another sslmode in the hub URL in so many words."
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
        if version in ("1", "2"):
            raise HubSchemaError(
                f"The hub {self.display} predates encrypted sync (schema version {version}): "
                "it holds records in plaintext, and this deskapp sends only sealed, signed "
                "batches. Move the desks to a new hub: a supervisor runs `deskapp hub init "
                "NEW_URL`, each desk runs `deskapp hub join NEW_URL` (and is approved), then "
                "`deskapp sync --hub NEW_URL`, which sends it the desk's whole state. Then "
                "retire the old hub and its backups: they hold records in plaintext."
            )
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
            batches, entries = conn.execute(
                select(func.count(), func.coalesce(func.sum(hub_batch.c.entries), 0))
            ).one()
            key_id = conn.execute(select(func.max(hub_key_slot.c.key_id))).scalar()
            certificates = conn.execute(select(func.count()).select_from(hub_certificate))
            requests = conn.execute(select(func.count()).select_from(hub_join_request))
            sites = [
                {"site_id": str(site), "batches": int(n), "last_seq": int(last)}
                for site, n, last in conn.execute(
                    select(hub_batch.c.site_id, func.count(), func.max(hub_batch.c.seq))
                    .group_by(hub_batch.c.site_id)
                    .order_by(hub_batch.c.site_id)
                )
            ]
        return {
            "hub": self.display,
            "kind": self.target.kind,
            "hub_id": hub_id,
            "schema_version": SCHEMA_VERSION,
            "seq": int(head),
            "batches": int(batches),
            "entries": int(entries),
            "hub_key_id": int(key_id or 0),
            # As stored, unverified: ``deskapp hub officers`` checks them from a desk.
            "certificates": int(certificates.scalar_one()),
            "join_requests": int(requests.scalar_one()),
            "transport": self._transport(),
            "warnings": [w for w in (self.transport_warning(),) if w],
            "sites": sites,
        }

    def _transport(self) -> str:
        transport = self.target.transport
        if transport is None:
            return "this machine's file system"
        mode = transport.imposed or transport.sslmode
        if transport.local:
            return "this machine" + (f" (sslmode={mode})" if mode else "")
        if transport.verified:
            return f"TLS, certificate verified (sslmode={mode})"
        return f"sslmode={mode}, not verified"

    def transport_warning(self) -> str | None:
        return None if self.target.transport is None else self.target.transport.warning

    # -- pull -----------------------------------------------------------------------
    def count_after(self, cursor: int) -> int:
        """Changes and audit events in the batches after ``cursor`` (as their headers say)."""
        with self.read() as conn:
            return int(
                conn.execute(
                    select(func.coalesce(func.sum(hub_batch.c.entries), 0)).where(
                        hub_batch.c.seq > cursor
                    )
                ).scalar_one()
            )

    def batches_after(self, cursor: int, entries: int, caps: ReadCaps) -> list[StoredBatch]:
        """The batches after ``cursor``, in seq order, until they carry ``entries`` changes
        and events (at least one batch). A ciphertext larger than ``caps.row`` is not
        fetched (None, with its size), and the list ends early once the ciphertexts
        fetched reach ``caps.batch`` bytes: the hub says how large each is first."""
        with self.read() as conn:
            result = conn.execute(
                text(_BATCHES_AFTER),
                {"cursor": cursor, "entries": entries, "row": caps.row, "batch": caps.batch},
            )
            return [_stored(r) for r in result.mappings().fetchall()]

    def site_batches(
        self, site_id: str, limit: int = 0, *, ciphertext: bool = False
    ) -> list[StoredBatch]:
        """``site_id``'s batches, newest first (all unless ``limit``), their ciphertexts
        only if asked: what a desk reads to find what it pushed before."""
        self.check()
        columns = [c for c in hub_batch.c if ciphertext or c.name != "ciphertext"]
        query = (
            select(*columns).where(hub_batch.c.site_id == site_id).order_by(hub_batch.c.seq.desc())
        )
        if limit:
            query = query.limit(limit)
        with self.read() as conn:
            return [_stored(r) for r in conn.execute(query).mappings()]

    def batch_ids(self, seqs: list[int]) -> dict[int, str]:
        """The ids of the batches the hub holds under ``seqs`` (by seq)."""
        with self.read() as conn:
            return {
                int(seq): str(batch_id)
                for seq, batch_id in conn.execute(
                    select(hub_batch.c.seq, hub_batch.c.batch_id).where(hub_batch.c.seq.in_(seqs))
                )
            }

    def head(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(hub_counter.c.value)).scalar() or 0)

    # -- push -----------------------------------------------------------------------
    def push(
        self, sealed: SealedBatch, *, site_id: str, signer_id: str, key_id: int, counter: int,
        entries: int,
    ) -> PushReceipt:  # fmt: skip
        with self.write() as conn:
            return append_batch(
                conn, sealed, site_id=site_id, signer_id=signer_id, key_id=key_id,
                counter=counter, entries=entries,
            )  # fmt: skip


@dataclass(frozen=True)
class ReadCaps:
    """Bytes a pull reads at most: of one batch's ciphertext, and in all."""

    row: int
    batch: int


@dataclass(frozen=True)
class StoredBatch:
    """One row of the hub's log as read: nothing in it is trusted until checked."""

    seq: int
    batch_id: str
    site_id: str
    signer_id: str
    key_id: int
    counter: int
    entries: int
    header: str
    ciphertext: bytes | None  # None: larger than the cap, not fetched
    signature: bytes
    size: int


def _stored(r: Any) -> StoredBatch:
    text_ = r.get("ciphertext")
    return StoredBatch(
        int(r["seq"]),
        str(r["batch_id"]),
        str(r["site_id"]),
        str(r["signer_id"]),
        int(r["key_id"]),
        int(r["counter"]),
        int(r["entries"]),
        str(r["header"]),
        None if text_ is None else bytes(text_),
        bytes(r["signature"]),
        int(r["size"]),
    )


#: Batches after a cursor with their sizes, until the entries they carry reach the
#: wanted number (the first batch always comes); the ciphertexts within the cap, while
#: the running total of what is fetched stays within the batch's cap. The sizes are the
#: ``size`` column (reading every ciphertext's length would read the whole log on
#: SQLite); a ciphertext whose length is not its row's size is not fetched either, so a
#: size lied about at the hub fetches nothing large.
_BATCHES_AFTER = """
WITH head AS (
    SELECT seq, size, sum(entries) OVER (ORDER BY seq) - entries AS entries_before
    FROM hub_batch WHERE seq > :cursor ORDER BY seq LIMIT 10000
), counted AS (
    SELECT seq, size, CASE WHEN size <= :row THEN size ELSE 0 END AS fetched
    FROM head WHERE entries_before < :entries
), run AS (
    SELECT seq, size, sum(fetched) OVER (ORDER BY seq) - fetched AS before FROM counted
)
SELECT b.seq, b.batch_id, b.site_id, b.signer_id, b.key_id, b.counter, b.entries,
    b.header,
    CASE WHEN run.size <= :row AND octet_length(b.ciphertext) = run.size
        THEN b.ciphertext END AS ciphertext,
    b.signature, b.size
FROM run JOIN hub_batch AS b ON b.seq = run.seq
WHERE run.before < :batch
ORDER BY b.seq
"""


def open_hub(raw_url: str) -> Hub:
    target = parse_hub_url(raw_url)
    return Hub(target, engine_for(target, find_secret(target)))
