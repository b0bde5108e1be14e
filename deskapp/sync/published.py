"""What this desk has published at the hub, and what it does with that list.

``sync_published`` holds, per push that carried versions of this desk's own, the largest
of their HLCs, the hub seq the batch went under and the batch's id:
``[[hlc, seq, batch id], …]`` (in HLC order, since the desk's clock only grows). The
conflict check reads it (``service._Run._published_at``: when was a version of ours
published?), and so does the check that the hub still holds what this desk sent: a batch
deleted at the hub before every desk pulled it would otherwise never reach them, since
its outbox entries were dropped once the hub held it.

An entry's range is the HLCs after the previous entry's, up to its own.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from sqlalchemy import Connection

from deskapp.db.writes import VERSIONED
from deskapp.sync.hub import Hub

#: The list is pruned at every this many batches the desk pushes (by its batch counter,
#: so once in so many pushes whatever pruning leaves): one read of its own field versions.
PRUNE_EVERY = 64


def missing(hub: Hub, published: Sequence[list[int | str]]) -> list[int]:
    """The positions of the entries whose batch the hub no longer holds under its seq
    (deleted, or replaced by another batch). An entry from before batch ids were kept
    counts as held while any batch is under its seq."""
    if not published:
        return []
    held = hub.batch_ids([int(p[1]) for p in published])
    return [
        k
        for k, entry in enumerate(published)
        if int(entry[1]) not in held or (len(entry) > 2 and held[int(entry[1])] != entry[2])
    ]


def requeue(conn: Connection, site_id: str, published: Sequence[list[int | str]],
            lost: Sequence[int], hlc: int) -> int:  # fmt: skip
    """Queue again, whole (as ``WriteTx.queue_everything`` queues a row), every row
    holding a version of this desk's own in the range of a lost entry: the versions
    that are still this desk's are all its lost batch carried that no later batch of
    its did. Returns the rows queued."""
    queued = 0
    for k in lost:
        low = int(published[k - 1][0]) if k else -1
        high = int(published[k][0])
        for entity in VERSIONED:
            queued += int(
                conn.exec_driver_sql(
                    "INSERT INTO outbox(entity, row_id, op, fields, hlc, site_id) "
                    "SELECT DISTINCT entity, row_id, 'insert', '', ?, ? FROM field_version "
                    "WHERE entity = ? AND site_id = ? AND hlc > ? AND hlc <= ?",
                    (hlc, site_id, entity, site_id, low, high),
                ).rowcount
                or 0
            )
    return queued


def prune(
    conn: Connection, site_id: str, published: list[list[int | str]]
) -> list[list[int | str]]:
    """The entries some version of this desk's own still falls in: an entry whose
    versions have all been replaced since (by later edits, or other desks') is needed by
    no conflict check, nor by any re-send."""
    own = sorted(
        int(h)
        for (h,) in conn.exec_driver_sql(
            "SELECT hlc FROM field_version WHERE site_id = ?", (site_id,)
        )
    )
    kept = []
    low = -1
    for entry in published:
        high = int(entry[0])
        at = bisect.bisect_right(own, low)
        if at < len(own) and own[at] <= high:
            kept.append(entry)
        low = high
    return kept
