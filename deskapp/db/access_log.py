"""Logging who had the desk open: unlock, failed unlocks, lock, sync, and copies to the
clipboard. These complete the s.62 log for protective monitoring (services/monitor.py).

A failed unlock happens before the database is open, so it cannot be written then: the
key-slot file already counts wrong passphrases (for its back-off), and the next good
unlock writes that count into the audit log (``Desk.failed_before``), attributed to the
officer who unlocked, as "failed unlocks: N". See docs/SECURITY.md for why.
"""

from __future__ import annotations

import re

from deskapp.db.desk import Desk
from deskapp.domain.vocabulary import AuditAction

FAILED = "failed unlocks: {n} before this unlock (any officer)"
FAILED_PATTERN = re.compile(r"^failed unlocks: (\d+)")


def failed_count(detail: str) -> int:
    """The number of failed unlocks an access event records (0 for any other event)."""
    found = FAILED_PATTERN.match(detail)
    return int(found.group(1)) if found else 0


def _failed(desk: Desk) -> int:
    failed, desk.failed_before = desk.failed_before, 0
    return failed


def unlocked(desk: Desk, where: str) -> None:
    """The officer unlocked the desk in ``where`` ("the app"); failed attempts first."""
    failed = _failed(desk)
    with desk.write() as tx:
        if failed:
            tx.audit(AuditAction.ACCESS, "desk", "", (), detail=FAILED.format(n=failed))
        tx.audit(AuditAction.ACCESS, "desk", "", (), detail=f"unlocked ({where})")


def failures_only(desk: Desk) -> None:
    """A command opened the desk: it logs its own act, and here only the wrong passphrases
    typed before it (else a command's good unlock would reset the count unrecorded)."""
    failed = _failed(desk)
    if failed:
        desk.log(AuditAction.ACCESS, "desk", detail=FAILED.format(n=failed))


def locked(desk: Desk, why: str) -> None:
    """About to lock (``why``: "on demand", "idle", "quit"): written while still open."""
    desk.log(AuditAction.ACCESS, "desk", detail=f"locked ({why})")


def synced(desk: Desk, pushed: int, pulled: int) -> None:
    desk.log(AuditAction.ACCESS, "hub", detail=f"synced: {pushed} changes sent, {pulled} received")


def copied(desk: Desk, what: str, characters: int) -> None:
    """Text shown on ``what`` (a screen's name) was copied to the clipboard: a copy of
    what may be personal data leaves the desk's control. The text itself is not kept."""
    desk.log(
        AuditAction.CONSULTATION, "clipboard", detail=f"copied {characters} characters from {what}"
    )
