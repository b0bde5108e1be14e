"""Which changes need a supervisor's certificate: the rule a desk applies to every pulled
change once changes are signed (issue #16), written once, without a database.

The signer's role comes from their verified certificate, never from the change itself or
from a desk's own officer table, which a forged change could have altered first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskapp.domain.vocabulary import AuditAction, OfficerRole

#: Records only a supervisor may create or change: who the officers are, their roles
#: and whether they are active (their keys live in certificates, signed by supervisors).
SUPERVISOR_ENTITIES = frozenset({"officer"})


@dataclass(frozen=True)
class ChangeClaim:
    """What a signed change claims to do, as the permission rule sees it."""

    entity: str
    fields: frozenset[str] = frozenset()
    values: Mapping[str, Any] = field(default_factory=dict)
    erased: bool = False  # an erasure (explicit: never inferred from the values)
    resolves_conflict: bool = False
    audit_action: AuditAction | None = None  # for an audit event: what it records


def supervisor_reason(change: ChangeClaim) -> str | None:
    """Why ``change`` needs a supervisor, or None when any approved officer may make it."""
    if change.entity in SUPERVISOR_ENTITIES:
        return "changes officers, roles or keys"
    if change.erased:
        return "erases a record"
    if change.resolves_conflict:
        return "resolves a sync conflict"
    if change.audit_action == AuditAction.DISCLOSURE:
        return "records a disclosure"
    return None


def allowed(change: ChangeClaim, role: OfficerRole | None) -> bool:
    """Whether a signer of ``role`` (None: no valid certificate) may make ``change``.

    An auditor changes no record: the only thing their desk writes is the audit log of
    what they read (consultations and access), never a disclosure."""
    if role is None:
        return False
    if role == OfficerRole.AUDITOR:
        return change.audit_action is not None and change.audit_action != AuditAction.DISCLOSURE
    return role == OfficerRole.SUPERVISOR or supervisor_reason(change) is None
