"""The permission rule: which changes need a supervisor's certificate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.protocol.permissions import ChangeClaim, allowed, supervisor_reason

SUP, OFF = OfficerRole.SUPERVISOR, OfficerRole.OFFICER
ENTITIES = ["person", "adviser", "organisation", "incident", "event", "candidacy", "officer",
            "timeline_entry", "contact", "event_person", "incident_person"]  # fmt: skip

claims = st.builds(
    ChangeClaim,
    entity=st.sampled_from(ENTITIES),
    fields=st.frozensets(st.sampled_from(["name", "role", "active", "grade", "summary"])),
    values=st.dictionaries(st.sampled_from(["name", "role", "grade"]), st.text(max_size=5)),
    erased=st.booleans(),
    resolves_conflict=st.booleans(),
    audit_action=st.none() | st.sampled_from(list(AuditAction)),
)


def test_what_needs_a_supervisor() -> None:
    assert supervisor_reason(ChangeClaim("officer", frozenset({"role"}), {"role": "supervisor"}))
    assert supervisor_reason(ChangeClaim("officer", frozenset({"name"}), {"name": "PC Jones"}))
    assert supervisor_reason(ChangeClaim("person", erased=True)) == "erases a record"
    assert supervisor_reason(ChangeClaim("incident", resolves_conflict=True))
    assert supervisor_reason(ChangeClaim("person", audit_action=AuditAction.DISCLOSURE))
    # Everyday work does not, whatever the values say: erasure is an explicit flag.
    assert supervisor_reason(ChangeClaim("incident", frozenset({"grade"}), {"grade": 1})) is None
    assert (
        supervisor_reason(ChangeClaim("person", frozenset({"name"}), {"name": "[erased]"})) is None
    )
    assert supervisor_reason(ChangeClaim("person", audit_action=AuditAction.CONSULTATION)) is None


@given(claims)
def test_supervisors_may_do_anything_officers_only_everyday_work(claim: ChangeClaim) -> None:
    assert allowed(claim, SUP)
    assert allowed(claim, OFF) == (supervisor_reason(claim) is None)
    assert not allowed(claim, None)  # no valid certificate: nothing at all
    if claim.entity == "officer" or claim.erased or claim.resolves_conflict:
        assert not allowed(claim, OFF)
