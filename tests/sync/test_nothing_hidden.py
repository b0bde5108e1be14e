"""Nothing hidden (issue #16, point 3): a desk drops an outbox entry only when the hub
holds it, whatever watermark the hub's tables (or another pusher) claim for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text

from deskapp.store import people
from deskapp.store.desk import Desk
from deskapp.sync import run_sync, status
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_push import PushBatch
from deskapp.sync.hub_schema import hub_row, hub_site

from .conftest import desk_state, hub_state, make_desk

FORGED = 10**12


@pytest.fixture(params=["file", "pg"])
def hub_url(request: pytest.FixtureRequest) -> str:
    name = "file_hub" if request.param == "file" else "pg_hub"
    return str(request.getfixturevalue(name))


@pytest.fixture
def desks(tmp_path: Path) -> Iterator[tuple[Desk, Desk]]:
    a, b = make_desk(tmp_path, "a"), make_desk(tmp_path, "b")
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


def test_watermark_forged_in_the_hubs_table_hides_nothing(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    victim, other = desks
    pids = _victim_work(victim)
    with open_hub(hub_url).write() as conn:
        conn.execute(delete(hub_site).where(hub_site.c.site_id == victim.site_id))
        conn.execute(
            insert(hub_site).values(
                site_id=victim.site_id, outbox_hw=FORGED, audit_hw=FORGED, last_push_at="x"
            )
        )
    _assert_nothing_hidden(hub_url, victim, other, pids)


def test_watermark_claimed_through_the_push_call_hides_nothing(
    hub_url: str, desks: tuple[Desk, Desk]
) -> None:
    victim, other = desks
    pids = _victim_work(victim)
    run_sync(other, hub_url)
    # The rogue pushes as the victim's site, claiming everything it will ever send.
    open_hub(hub_url).push(
        PushBatch(
            site_id=victim.site_id,
            changes=[],
            audits=[],
            outbox_hw=FORGED,
            audit_hw=FORGED,
            cursor=0,
            conflict_ack=0,
        )
    )
    _assert_nothing_hidden(hub_url, victim, other, pids)


#: A rogue's trigger that makes the hub's storage silently drop people, per engine.
DROP_PEOPLE = {
    "file": [
        "CREATE TRIGGER drop_people BEFORE INSERT ON hub_row "
        "WHEN NEW.entity = 'person' BEGIN SELECT RAISE(IGNORE); END"
    ],
    "pg": [
        "CREATE FUNCTION drop_people() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NEW.entity = 'person' THEN RETURN NULL; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER drop_people BEFORE INSERT ON hub_row "
        "FOR EACH ROW EXECUTE FUNCTION drop_people()",
    ],
}
UNDO = {"file": ["DROP TRIGGER drop_people"], "pg": ["DROP FUNCTION drop_people() CASCADE"]}


@pytest.mark.parametrize("kind", ["file", "pg"])
def test_changes_the_hub_drops_stay_in_the_outbox(
    kind: str, request: pytest.FixtureRequest, desks: tuple[Desk, Desk]
) -> None:
    """A hub whose storage silently drops a desk's rows (a rogue trigger): the desk keeps
    them, says so, and sends them again once the hub takes them."""
    url = str(request.getfixturevalue("file_hub" if kind == "file" else "pg_hub"))
    victim, other = desks
    pids = _victim_work(victim)
    with open_hub(url).write() as conn:
        for statement in DROP_PEOPLE[kind]:
            conn.execute(text(statement))
    result = run_sync(victim, url)
    assert result.unconfirmed == 4  # three people and the edit of one
    with victim.read() as conn:
        kept = conn.exec_driver_sql("SELECT row_id FROM outbox WHERE entity = 'person'")
        assert sorted({r for (r,) in kept}) == sorted(pids)  # none dropped from the outbox
    assert status(victim).pending >= 4
    with open_hub(url).read() as conn:
        assert not conn.execute(select(hub_row).where(hub_row.c.entity == "person")).all()
    with open_hub(url).write() as conn:
        for statement in UNDO[kind]:
            conn.execute(text(statement))
    _assert_nothing_hidden(url, victim, other, pids)
