"""A desk several officers use (issue #16): each audit event reaches the hub signed by the
officer who made it, so another officer's events wait until that officer syncs, and no
push attributes them to whoever happens to be signed in. The changes do not wait."""

from __future__ import annotations

from pathlib import Path

from deskapp.db import audit
from deskapp.db.desk import Desk
from deskapp.domain.vocabulary import OfficerRole
from deskapp.services import officers, people
from deskapp.sync import enrolment, run_sync
from deskapp.sync.hub import open_hub

from .conftest import ROOTS, hub_audits, make_desk

DEE = "dee's long passphrase"


def chain(desk: Desk) -> list[tuple[int, str, str]]:
    with desk.read() as conn:
        return [
            (int(e["seq"]), str(e["officer_id"]), str(e["hash"]))
            for e in audit.events_after(conn, 0, 10**6)
        ]


def test_another_officers_events_wait_for_them_and_the_changes_do_not(
    file_hub: str, tmp_path: Path
) -> None:
    a, b = make_desk(tmp_path, "a", hub=file_hub), make_desk(tmp_path, "b", hub=file_hub)
    pid = people.add_person(a, name="Siân Evans")
    for desk in (a, b, a):
        run_sync(desk, file_hub)
    officers.add_officer(a, "PC-d", "PC Dee", DEE)
    with Desk.open(a.path, "PC-d", DEE) as dee:
        people.update_person(dee, pid, party="Edited by Dee")
        people.get_person(dee, pid, reveal=True)  # a consultation: Dee's to sign
    people.update_person(a, pid, address="1 High Street")
    run_sync(a, file_hub)
    # The changes went, Dee's included (a desk's changes are its site's, signed by
    # whoever pushes them); Dee's events did not, nor a's after them (the hub's copy of
    # the chain only ever grows from its end).
    run_sync(b, file_hub)
    got = people.get_person(b, pid, reveal=True)
    assert (got["party"], got["address"]) == ("Edited by Dee", "1 High Street")
    sent = hub_audits(file_hub, a.site_id)
    assert {e["officer_id"] for e in sent} == {a.officer.id}
    first_of_dee = next(seq for seq, officer, _ in chain(a) if officer == "PC-d")
    assert max(e["seq"] for e in sent) == first_of_dee - 1
    # Dee joins the hub, is approved, and syncs from the desk: her events go, signed by
    # her; then a's next sync sends the rest. The hub holds the desk's whole chain.
    hub = open_hub(file_hub)
    with Desk.open(a.path, "PC-d", DEE) as dee:
        enrolment.join(hub, dee)
        enrolment.approve(hub, ROOTS[file_hub], "PC-d", OfficerRole.OFFICER, lambda _f: True)
        run_sync(dee, file_hub)
    run_sync(a, file_hub)
    sent = hub_audits(file_hub, a.site_id)
    mine = chain(a)
    held = {e["seq"]: (e["officer_id"], e["hash"]) for e in sent}
    # Every event of the desk's chain up to the last sync's own is at the hub, each
    # under the officer who made it.
    assert all(held.get(seq) == (officer, digest) for seq, officer, digest in mine[:-2])
    assert {e["officer_id"] for e in sent} == {a.officer.id, "PC-d"}
    a.close()
    b.close()
