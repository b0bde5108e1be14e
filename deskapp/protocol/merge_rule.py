"""The merge rule of sync, written once: which version of a field wins, when the edit
that lost is a conflict, and how an erasure travels. Every desk (``sync.merge``)
decides by these functions; the hub, which holds ciphertext only, decides nothing. No
I/O here.

Per field, the larger version ``(hlc, site)`` wins. Hybrid logical clocks order edits
that saw each other; the site id breaks ties between concurrent ones. So two replicas
that have seen the same versions hold the same values, whatever the order they saw them
in: the merge is commutative, associative and idempotent (``tests/core/test_merge_rule``).
An insert-only row is taken once and never changes, until it is erased: the erasure
then wins over any copy of its data, whichever arrives first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

#: The name an erased person keeps on their tombstone row (the row stays, so the erasure
#: itself can travel; see ``services.people.erase_person``).
ERASED_NAME = "[erased]"
#: Insert-only entities that hold a person's data, removed when the person is erased.
PERSON_LINKED = ("contact", "event_person", "incident_person", "incident_link")
#: The version key of a row's creation: the version of every field without its own.
CREATION = "*"


class Version(NamedTuple):
    """When and where a field was written: hybrid logical clock, then the desk's site id."""

    hlc: int
    site: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one versioned row, with the version it was written under."""

    entity: str
    row_id: str
    field: str
    value: Any
    version: Version


@dataclass(frozen=True, slots=True)
class RowChange:
    """An insert-only row: its values once inserted, or ``erased`` (no values at all)."""

    entity: str
    row_id: str
    values: Mapping[str, Any] | None
    version: Version
    erased: bool = False


_V = TypeVar("_V")


def effective(versions: Mapping[str, _V], name: str) -> _V | None:
    """A field's version: its own, else the row's creation version."""
    return versions.get(name) or versions.get(CREATION)


def wins(incoming: Version, held: Version | None) -> bool:
    """Whether ``incoming`` replaces what is held (nothing held: it does)."""
    return held is None or incoming > held


def winner(a: FieldChange, b: FieldChange) -> FieldChange:
    """The one of two writes of a field that every replica keeps."""
    return b if wins(b.version, a.version) else a


def merge_appended(held: RowChange | None, incoming: RowChange) -> RowChange:
    """An insert-only row after ``incoming`` meets what is held: the later of the two
    stays, and at one version an erasure beats a copy. So an erasure beats every copy
    made before it (a retried push never brings an erased row back), and a link taken
    off and made again later is back (a person on an event's list again). A person's
    erasure does not rest on this order: a desk takes no copy of an erased person's
    rows, whenever made (``sync.merge``)."""
    if held is None:
        return incoming
    if (incoming.version, incoming.erased) > (held.version, held.erased):
        return incoming
    return held


def is_erased_person(values: Mapping[str, Any]) -> bool:
    """Whether a person's values are an erasure's tombstone (the flag the records carry)."""
    return values.get("deleted") is True and values.get("name") == ERASED_NAME


def tombstones_blank(values: Mapping[str, Any]) -> bool:
    """Whether a change tombstones a record while blanking its text, as an erasure does
    to the records linked to the person it erases (``services.security.ERASED``, a
    candidacy's party and post): the part of an erasure that is not the person's own
    change. (A merge or a move tombstones without blanking anything.)"""
    return values.get("deleted") is True and any(
        value in ("", None) for name, value in values.items() if name != "deleted"
    )


# -- conflicts: an edit that lost and that its officer should see --------------------
def lost_on_desk(ours: Version, theirs: Version, *, site: str, unseen: bool) -> bool:
    """Whether this desk's own edit (``ours``, made on ``site``) is a conflict when a
    pulled version ``theirs`` replaces it with another value: only if the edit that beat
    it was made without sight of it (``unseen``: ours was not yet sent, or was published
    at the hub after what the other desk had pulled when it made its edit). An edit that
    knowingly replaced ours is not a conflict."""
    return wins(theirs, ours) and ours.site == site and unseen
