"""A push at the hub: one sealed batch appended to the log, and read back.

The hub cannot read what it is sent, so it merges nothing: a push inserts one row into
``hub_batch`` under the next sequence number. The desk is not told what the hub has
received by a watermark (one stored in the hub's tables, or claimed by anyone with the
hub's secret, would let them make a desk drop its work unsent): the push reads the batch
back by its id inside its own transaction, and the desk drops its outbox entries only if
the hub holds that very batch (``sync.service``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from deskapp.protocol.sealed_batch import SealedBatch
from deskapp.sync.hub_schema import hub_batch, hub_counter


@dataclass(frozen=True)
class PushReceipt:
    """What the hub holds after a push: whether it holds the batch, and under which seq."""

    held: bool
    seq: int = 0
    seq_before: int = 0  # the hub's last seq before this push


def append_batch(
    conn: Connection, sealed: SealedBatch, *, site_id: str, signer_id: str, key_id: int,
    counter: int, entries: int,
) -> PushReceipt:  # fmt: skip
    """Append ``sealed`` under the next seq, inside ``conn``'s (serialised) transaction,
    and read it back. A batch the hub holds already (a retried push) is not added twice."""
    before = int(
        conn.execute(select(hub_counter.c.value).where(hub_counter.c.name == "seq")).scalar_one()
    )
    found = _held(conn, sealed)
    if found is None:
        seq = before + 1
        conn.execute(
            hub_batch.insert(),
            {
                "seq": seq,
                "batch_id": sealed.batch_id,
                "site_id": site_id,
                "signer_id": signer_id,
                "key_id": key_id,
                "counter": counter,
                "entries": entries,
                "size": len(sealed.ciphertext),
                "header": sealed.header.decode("utf-8"),
                "ciphertext": sealed.ciphertext,
                "signature": sealed.signature,
            },
        )
        conn.execute(update(hub_counter).where(hub_counter.c.name == "seq").values(value=seq))
        found = _held(conn, sealed)
    return PushReceipt(found is not None, found or 0, before)


def _held(conn: Connection, sealed: SealedBatch) -> int | None:
    """The seq under which the hub holds exactly ``sealed``, if it does."""
    row = conn.execute(
        select(hub_batch.c.seq, hub_batch.c.header, hub_batch.c.ciphertext).where(
            hub_batch.c.batch_id == sealed.batch_id
        )
    ).first()
    if row is None or row.header.encode("utf-8") != sealed.header:
        return None
    if bytes(row.ciphertext) != sealed.ciphertext:
        return None
    return int(row.seq)
