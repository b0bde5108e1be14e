"""Nothing hidden (issue #16, point 3): a desk drops an outbox entry only when the hub
holds the batch that carried it, whatever anyone writing to the hub's tables claims."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from deskapp.db.desk import Desk
from deskapp.services import people
from deskapp.sync import run_sync, status
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import hub_batch

from .conftest import desk_state, enrol, hub_state, make_desk, rogue_batch

FORGED = 10**12


@pytest.fixture
def desks(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Desk, Desk]]:
    """Two desks; approved on the test's hub when it has ``hub_url`` (else it enrols them)."""
    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
    if "hub_url" in request.fixturenames:
        enrol(str(request.getfixturevalue("hub_url")), a, b)
    yield a, b
    a.close()
    b.close()


def _victim_work(desk: Desk) -> list[str]:
    pids = [people.add_person(desk, name=f"Victim record {n}") for n in range(3)]
    people.update_person(desk, pids[0], party="Edited after")
    return pids


def _assert_nothing_hidden(url: str, victim: Desk, other: Desk, pids: list[str]) -> None:
    result = run_sync(victim, url)
    assert result.pushed > 0
    held = hub_state(url)["person"]
    assert all(pid in held for pid in pids), "the hub does not hold the victim's work"
    assert held[pids[0]]["party"][0] == "Edited after"
    assert status(victim).pending == 0
    run_sync(other, url)
    assert people.get_person(other, pids[0], reveal=True)["party"] == "Edited after"
    run_sync(victim, url)
    assert desk_state(victim) == desk_state(other) == hub_state(url)


def test_a_batch_forged_under_the_victims_site_hides_nothing(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    """What a forged watermark did before the hub held only sealed batches: a rogue puts
    a batch under the victim's site and officer claiming a counter far ahead. The victim
    still sends its work and drops nothing the hub does not hold."""
    victim, other = desks
    pids = _victim_work(victim)
    rogue_batch(hub_url, site=victim.site_id, signer=victim.officer.id, counter=FORGED)
    _assert_nothing_hidden(hub_url, victim, other, pids)


#: A rogue's trigger that makes the hub's storage silently drop one site's batches.
DROP_SITE = {
    "file": [
        "CREATE TRIGGER drop_site BEFORE INSERT ON hub_batch "
        "WHEN NEW.site_id = '{site}' BEGIN SELECT RAISE(IGNORE); END"
    ],
    "pg": [
        "CREATE FUNCTION drop_site() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NEW.site_id = '{site}' THEN RETURN NULL; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER drop_site BEFORE INSERT ON hub_batch "
        "FOR EACH ROW EXECUTE FUNCTION drop_site()",
    ],
}
UNDO = {"file": ["DROP TRIGGER drop_site"], "pg": ["DROP FUNCTION drop_site() CASCADE"]}


@pytest.mark.parametrize("kind", ["file", "pg"])
def test_batches_the_hub_drops_stay_in_the_outbox(
    kind: str, request: pytest.FixtureRequest, desks: tuple[Desk, Desk]
) -> None:
    """A hub whose storage silently drops a desk's batches (a rogue trigger): the push
    reads its batch back and does not find it, so the desk keeps its work, says so, and
    sends it again once the hub takes it."""
    url = str(request.getfixturevalue("file_hub" if kind == "file" else "pg_hub"))
    victim, other = desks
    enrol(url, victim, other)
    pids = _victim_work(victim)
    with open_hub(url).write() as conn:
        for statement in DROP_SITE[kind]:
            conn.execute(text(statement.replace("{site}", victim.site_id)))
    result = run_sync(victim, url)
    assert result.pushed == 0 and result.unconfirmed >= 4  # three people, one edit, events
    with victim.read() as conn:
        kept = conn.exec_driver_sql("SELECT row_id FROM outbox WHERE entity = 'person'")
        assert sorted({r for (r,) in kept}) == sorted(pids)  # none dropped from the outbox
    assert status(victim).pending >= 4
    with open_hub(url).read() as conn:
        assert not conn.execute(
            select(hub_batch).where(hub_batch.c.site_id == victim.site_id)
        ).all()
    with open_hub(url).write() as conn:
        for statement in UNDO[kind]:
            conn.execute(text(statement))
    _assert_nothing_hidden(url, victim, other, pids)
