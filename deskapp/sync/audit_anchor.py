"""A desk's audit chain compared with the hub's copy (issue #16, point 4).

A desk verifies its own chain (``db.audit.verify``), but an insider with the desk's
key can cut the tail and fix the recorded head, delete the whole log, or edit an event
and re-chain everything after it: the chain then verifies. Every batch a desk pushes
carries its audit events and names, in its signed header, the hash of the last; a desk
refuses to push while its log does not hold what its last batch named
(``sync.service``). So comparing the desk's events with those its own signed batches
carry shows each of those, for anything the hub has seen. Rows put at the hub under
the desk's site by anyone else are not its own signed batches and count for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deskapp.db.desk import Desk
from deskapp.domain.errors import DeskError
from deskapp.domain.wording import count
from deskapp.sync import batches, service
from deskapp.sync.enrolment import admit
from deskapp.sync.hub import open_hub


@dataclass(frozen=True)
class HubComparison:
    compared: bool
    problem: str = ""  # what differs ("" when the desk's log holds all the hub has seen)
    skipped: str = ""  # why no comparison was made
    events: int = 0  # events of this desk the hub holds

    @property
    def ok(self) -> bool:
        return not self.problem


def compare_chains(mine: Sequence[tuple[int, str]], theirs: Sequence[tuple[int, str]]) -> str:
    """What is wrong with the desk's events ``mine`` given the hub's copy ``theirs``
    (each ``(seq, hash)`` in seq order); "" when the desk holds all the hub has, unchanged."""
    if not theirs:
        return ""
    if not mine:
        return (
            f"the desk's audit log has been deleted: the hub holds {count(len(theirs), 'event')} "
            "of this desk, and the desk none"
        )
    ours = dict(mine)
    last = mine[-1][0]
    for seq, digest in theirs:
        held = ours.get(seq)
        if held is None and seq > last:
            return (
                f"the desk's audit log ends at event {last} but the hub holds this desk's "
                f"events up to {theirs[-1][0]}: events were removed from the end"
            )
        if held is None:
            return f"event {seq}, which the hub holds, is missing from the desk's log"
        if held != digest:
            return (
                f"event {seq} differs from the copy the hub holds: the log was rewritten "
                "after the hub saw it"
            )
    return ""


def compare_with_hub(desk: Desk, mine: Sequence[tuple[int, str]]) -> HubComparison:
    """Compare the desk's events ``mine`` with the remembered hub's copy; skipped, with
    the reason, when there is no hub or it cannot be reached."""
    url = service.remembered_hub(desk)
    if not url:
        return HubComparison(False, skipped="this desk has no hub to compare with")
    try:
        hub = open_hub(url)
        hub_id = hub.check()
        trust = admit(hub, desk)
        own, _ = batches.own_batches(
            hub, trust, hub_id, desk.site_id, service.signers(desk), ciphertext=True
        )
    except DeskError:
        return HubComparison(
            False, skipped="the hub could not be reached (or its secret is not at hand)"
        )
    theirs = batches.audit_hashes(trust, own)
    return HubComparison(True, compare_chains(mine, theirs), events=len(theirs))
