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
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlcipher3
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from deskapp.core.clock import utcnow
from deskapp.core.errors import DeskError
from deskapp.core.ids import uuid7
from deskapp.core.merge_rule import Version, version_of
from deskapp.core.passphrase import check_strength
from deskapp.store.engine import is_retired
from deskapp.sync.hub_engines import engine_for
from deskapp.sync.hub_errors import HubError, HubPassphraseError, HubSchemaError, no_hub_error
from deskapp.sync.hub_push import PushBatch, PushReceipt, apply_push
from deskapp.sync.hub_schema import (
    ADVISORY_LOCK,
    SCHEMA_VERSION,
    hub_audit,
    hub_conflict,
    hub_counter,
    hub_meta,
    hub_row,
    hub_site,
    metadata,
)
from deskapp.sync.hub_secrets import find_secret
from deskapp.sync.hub_url import HubTarget, parse_hub_url, require_hub_file


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

    def audit_chain(self, site_id: str) -> list[tuple[int, str]]:
        """The ``(seq, hash)`` of every audit event the hub holds for ``site_id``, in order."""
        self.check()
        with self.read() as conn:
            found = conn.execute(
                select(hub_audit.c.seq, hub_audit.c.hash)
                .where(hub_audit.c.site_id == site_id)
                .order_by(hub_audit.c.seq)
            )
            return [(int(seq), str(digest)) for seq, digest in found]

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
            receipt = apply_push(conn, batch)
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
    return Hub(target, engine_for(target, find_secret(target)))


def decode_versions(raw: str) -> dict[str, Version]:
    return {k: version_of(v) for k, v in json.loads(raw).items()}
