"""Batches as a desk makes and reads them: the trust checks of issue #16, in one place.

A push is one sealed batch (``protocol.sealed_batch``): the desk's changes, each with its
versions and the hub seq its desk had pulled to when the edit was made (``seen``: what a
desk that receives it needs to tell a conflict), and the desk's audit events, all of one
officer, who signs it.

A pulled batch is trusted only once, in this order: its header reads and is the row's,
its signature is an approved officer's under the root this desk pinned (a revoked one no
longer counts), it is not a replay (each site's batch counter only grows), it opens with
the hub key its header names, the audit events it carries are its signer's and chain as
its header says, and each change passes ``protocol.wire_checks``' row checks and
``protocol.permissions``. A batch that fails is quarantined whole; a change that fails, alone.
Either way the cursor moves past it and nothing waits for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from deskapp.domain.errors import TrustError
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.protocol import jsontext, merge_rule, permissions, sealed_batch, wire_checks
from deskapp.protocol.merge_rule import Version
from deskapp.protocol.sealed_batch import AuditSpan, BatchProblem, SealedBatch
from deskapp.sync.enrolment import HubTrust
from deskapp.sync.hub import Hub, StoredBatch
from deskapp.sync.merge import RemoteRow
from deskapp.sync.quarantine import WHOLE_BATCH, Quarantined
from deskapp.sync.wire_rules import RULES

#: The kinds of change a batch carries (an erasure alone carries no values).
KINDS = frozenset({"insert", "update", "append", "erase"})
#: Records an erasure tombstones under the erased name (``services.people``, ``services.subjects``).
ERASABLE = frozenset({"person", "subject"})
#: Audit details that record a conflict's resolution (``sync.conflicts``).
RESOLUTION = "sync conflict "


@dataclass
class Change:
    """One outbox entry as sent: values on the wire and their versions."""

    outbox_seq: int
    entity: str
    row_id: str
    kind: str  # insert|update|append|erase
    data: dict[str, Any] | None
    versions: dict[str, Version]
    seen: int  # the hub seq the desk had pulled to when it made the edit
    ref_id: str | None = None
    wire: str | None = None  # the whole change as JSON text already (a new row: sync.wire_rows)


class WireChange(NamedTuple):
    """One change of a pulled batch as it travelled (``Change`` on the wire: a list), once
    its shape has passed the checks that need no values."""

    entity: str
    row_id: str
    kind: str  # insert|update|append|erase
    data: str | None  # the values as JSON text (None: an erasure)
    versions: dict[str, Any]  # field -> [hlc, site], as on the wire
    seen: Any  # an update's hub seq its desk had pulled to (checked where it is used)


def seal(
    trust: HubTrust,
    *,
    hub_id: str,
    site_id: str,
    counter: int,
    changes: Sequence[Change],
    audits: Sequence[Mapping[str, Any]],
) -> SealedBatch:
    """``changes`` and ``audits`` as one batch, sealed with the current hub key and signed
    by the signed-in officer. A change's values go as JSON text of their own (a desk
    inserts a new row straight from it, ``sync.wire_insert``); times and dates as ISO
    text, as ``merge.encode_value`` writes them (orjson's encoding of them is the same).
    A new row's change comes as JSON text already (``sync.wire_rows``) and goes as it is."""
    key_id, key = trust.current_key
    payload = {
        "changes": [
            jsontext.embedded(c.wire)
            if c.wire is not None
            else [
                c.entity,
                c.row_id,
                c.kind,
                None if c.data is None else jsontext.dumps(c.data),
                {name: [v.hlc, v.site] for name, v in c.versions.items()},
                c.seen,
            ]
            for c in changes
        ],
        "audits": list(audits),
    }
    span = None
    if audits:
        first, last = audits[0], audits[-1]
        span = AuditSpan(
            int(first["seq"]), str(first["prev_hash"]), int(last["seq"]), str(last["hash"])
        )
    return sealed_batch.seal(
        payload,
        hub_id=hub_id,
        site=site_id,
        signer=trust.officer_id,
        key_id=key_id,
        key=key,
        counter=counter,
        entries=len(changes) + len(audits),
        audit=span,
        sign=trust.sign,
    )


@dataclass
class Opened:
    """What a pulled batch gave: rows to merge, and what was held back."""

    rows: list[RemoteRow] = field(default_factory=list)
    held: list[Quarantined] = field(default_factory=list)


def _plain(value: str, width: int = 64) -> str:
    return value if 0 < len(value) <= width and value.isprintable() else "(not plain text)"


class Reader:
    """Checks and opens the batches one pull reads, in seq order. ``counters``: the
    highest batch counter this desk has taken from each site and signer (updated as it
    reads). By signer too: an approved officer who names another desk's site in their
    own batches must not make that desk's real batches look like replays."""

    def __init__(
        self, trust: HubTrust, hub_id: str, site_id: str, counters: dict[str, int]
    ) -> None:
        self.trust = trust
        self.hub_id = hub_id
        self.site_id = site_id
        self.counters = counters

    def open(self, stored: StoredBatch, out: Opened) -> None:
        try:
            header, role = self._verified(stored)
        except BatchProblem as problem:
            out.held.append(self._held(stored, str(problem)))
            return
        if header.site == self.site_id:
            return  # this desk's own batch (signed by one of its officers): nothing to take
        try:
            if stored.ciphertext is None:
                raise BatchProblem(
                    f"a ciphertext larger than {wire_checks.MAX_BATCH_BYTES // (1 << 20)} MiB, "
                    "or not of the size its row says (not fetched)"
                )
            sender = f"{header.site} {header.signer}"
            if header.counter <= self.counters.get(sender, 0):
                raise BatchProblem("a replay: its desk has sent a batch with this counter before")
            payload = sealed_batch.open_sealed(
                header, stored.ciphertext, self.trust.key(header.key_id)
            )
            changes, events = _parts(payload, header.entries)
            self._check_audits(events, header.signer, header.audit, role)
        except BatchProblem as problem:
            out.held.append(self._held(stored, str(problem)))
            return
        self.counters[sender] = header.counter
        self._changes(stored, header.site, role, changes, out)

    def _verified(self, stored: StoredBatch) -> tuple[sealed_batch.Header, OfficerRole]:
        raw = stored.header.encode("utf-8")
        header = sealed_batch.parse_header(raw)
        if sealed_batch.batch_id(raw) != stored.batch_id:
            raise BatchProblem("a batch id that is not its header's")
        if (header.site, header.signer, header.key_id, header.counter) != (
            stored.site_id,
            stored.signer_id,
            stored.key_id,
            stored.counter,
        ):
            raise BatchProblem("a header that does not match the row it is stored in")
        if header.hub_id != self.hub_id:
            raise BatchProblem("a batch written for another hub")
        role = self.trust.verify(header.signer, raw, stored.signature)
        if role is None:
            raise BatchProblem(
                "a signature that is not an approved officer's (forged, altered, or "
                "signed by a removed officer)"
            )
        return header, role

    def _check_audits(
        self,
        events: Sequence[Mapping[str, Any]],
        signer: str,
        span: AuditSpan | None,
        role: OfficerRole,
    ) -> None:
        if not events:
            if span is not None:
                raise BatchProblem("a header naming audit events the batch does not carry")
            return
        if span is None:
            raise BatchProblem("audit events its header does not name")
        prev = span.prev
        try:
            for event in events:
                if event["officer_id"] != signer:
                    raise BatchProblem(
                        "an audit event attributed to an officer other than its signer"
                    )
                # Linked as the signed header says. Each event's own hash is not worked
                # out again here: this desk keeps no other desk's events, and the hashes
                # anchor that desk's own log, which checks them (``audit verify``).
                if event["prev_hash"] != prev:
                    raise BatchProblem("audit events that do not chain as their header says")
                claim = permissions.ChangeClaim(
                    "audit",
                    audit_action=AuditAction(event["action"]),
                    resolves_conflict=str(event["detail"]).startswith(RESOLUTION),
                )
                if not permissions.allowed(claim, role):
                    reason = permissions.supervisor_reason(claim)
                    raise BatchProblem(f"an audit event that needs a supervisor ({reason})")
                prev = str(event["hash"])
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, BatchProblem):
                raise
            raise BatchProblem("audit events that cannot be read") from None
        first, last = events[0], events[-1]
        if (first["seq"], last["seq"], last["hash"]) != (span.first, span.last, span.head):
            raise BatchProblem("audit events that are not the ones its header names")

    def _changes(
        self, stored: StoredBatch, site: str, role: OfficerRole, raws: Sequence[Any], out: Opened
    ) -> None:
        """Each change of a batch checked, as far as it can be without its values; then
        the values of those left parsed together (one parser call a batch), and each
        change's claim checked against its signer's role."""
        sound: list[WireChange] = []
        for raw in raws:
            if not (type(raw) is list and len(raw) == 6):
                out.held.append(self._held(stored, "a change that cannot be read"))
                continue
            entity, row_id, kind, data, versions, seen = raw
            rules = RULES.get(entity) if type(entity) is str else None
            row_id = row_id if type(row_id) is str else ""
            problem = (
                "an entity this desk does not know"
                if rules is None
                else wire_checks.key_problem(row_id, rules.key_parts)
                or wire_checks.versions_problem(versions, rules.fields)
            )
            if problem is None and data is not None and type(data) is not str:
                problem = "values that are not JSON text"
            if problem is None and data is not None and len(data) > wire_checks.MAX_ROW_BYTES:
                problem = wire_checks.size_problem(len(data), 0)
            if problem is None and (kind not in KINDS or (data is None) != (kind == "erase")):
                problem = "a change of an unknown kind"
            if problem is None:
                sound.append(WireChange(entity, row_id, kind, data, versions, seen))
            else:
                out.held.append(self._change_held(stored, str(entity), row_id, problem, data))
        texts = [c.data for c in sound if c.data is not None]
        parsed = iter(wire_checks.parse_each(texts))
        judged: list[tuple[Any, str | None]] = []
        refused_erasure = False
        for entity, _, kind, data, _, _ in sound:
            values = None if data is None else next(parsed)
            problem = None
            if data is not None and type(values) is not dict:
                problem = "values that are not a map of fields"
            else:
                claim = permissions.ChangeClaim(
                    entity,
                    frozenset(values or ()),
                    values or {},
                    erased=kind == "erase"
                    or (entity in ERASABLE and merge_rule.is_erased_person(values or {})),
                )
                if not permissions.allowed(claim, role):
                    problem = f"needs a supervisor: it {permissions.supervisor_reason(claim)}"
                    refused_erasure = refused_erasure or claim.erased
            judged.append((values, problem))
        for (entity, row_id, kind, data, versions, seen), (values, problem) in zip(
            sound, judged, strict=True
        ):
            if problem is None and refused_erasure and merge_rule.tombstones_blank(values or {}):
                # An erasure is taken or refused whole: the blanking of the records
                # linked to a person whose erasure is refused goes no further than it.
                # (A push never splits an erasure between batches: ``service._parts``.)
                problem = "needs a supervisor: it is part of an erasure its signer may not make"
            if problem is not None:
                out.held.append(self._change_held(stored, entity, row_id, problem, data))
                continue
            out.rows.append(
                RemoteRow(
                    entity,
                    row_id,
                    values,
                    {name: Version(v[0], v[1]) for name, v in versions.items()},
                    raw=data,
                    seq=stored.seq,
                    seen=seen if type(seen) is int and kind == "update" else None,
                    site=site,
                )
            )

    def _change_held(
        self, stored: StoredBatch, entity: str, row_id: str, problem: str, data: Any
    ) -> Quarantined:
        kept = data if type(data) is str and len(data) <= wire_checks.MAX_ROW_BYTES else None
        return Quarantined(
            stored.seq, entity, row_id, f"{problem}; signed by {_plain(stored.signer_id)}",
            data=kept,
        )  # fmt: skip

    def _held(self, stored: StoredBatch, reason: str) -> Quarantined:
        return Quarantined(
            stored.seq,
            WHOLE_BATCH,
            _plain(stored.batch_id),
            f"{reason}; signed as {_plain(stored.signer_id)} for site {_plain(stored.site_id)}",
        )


def own_batches(
    hub: Hub,
    trust: HubTrust,
    hub_id: str,
    site_id: str,
    signers: set[str],
    limit: int = 0,
    *,
    ciphertext: bool = False,
) -> tuple[list[tuple[sealed_batch.Header, StoredBatch]], int]:
    """``site_id``'s batches on ``hub`` (newest first, of the newest ``limit`` rows
    unless 0) that one of ``signers`` signed for this hub: what this desk itself pushed.
    A row anyone else put there under its site counts for nothing. Also the number of
    rows read."""
    found = hub.site_batches(site_id, limit, ciphertext=ciphertext)
    out = []
    for stored in found:
        if stored.signer_id not in signers:
            continue
        raw = stored.header.encode("utf-8")
        try:
            header = sealed_batch.parse_header(raw)
        except BatchProblem:
            continue
        if (header.hub_id, header.site, header.signer) != (hub_id, site_id, stored.signer_id):
            continue
        if trust.verify(stored.signer_id, raw, stored.signature) is None:
            continue
        out.append((header, stored))
    return out, len(found)


def audit_hashes(
    trust: HubTrust, own: Sequence[tuple[sealed_batch.Header, StoredBatch]]
) -> list[tuple[int, str]]:
    """The ``(seq, hash)`` of every audit event the desk's own batches ``own`` carry
    (read with their ciphertexts), in order. A batch that does not open adds nothing."""
    held: dict[int, str] = {}
    for header, stored in own:
        if header.audit is None or stored.ciphertext is None:
            continue
        try:
            payload = sealed_batch.open_sealed(header, stored.ciphertext, trust.key(header.key_id))
            _, events = _parts(payload, header.entries)
            held.update((int(e["seq"]), str(e["hash"])) for e in events)
        except (BatchProblem, TrustError, KeyError, TypeError, ValueError):
            continue
    return sorted(held.items())


def _parts(payload: Any, entries: int) -> tuple[list[Any], list[Mapping[str, Any]]]:
    if not isinstance(payload, dict):
        raise BatchProblem("a payload that is not a batch")
    changes, events = payload.get("changes"), payload.get("audits")
    if type(changes) is not list or type(events) is not list:
        raise BatchProblem("a payload that is not a batch")
    if not all(isinstance(e, dict) for e in events):
        raise BatchProblem("audit events that cannot be read")
    if len(changes) + len(events) != entries:
        raise BatchProblem("a count of entries that is not its header's")
    return changes, events
