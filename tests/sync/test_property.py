"""Property: any edits on three desks, synced in any order, then every desk syncing twice
-> every desk and the hub hold identical data (values and field versions)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import Incident, Person
from deskapp.services import contacts, incidents, people
from deskapp.sync import run_sync
from deskapp.sync.hub_engines import forget_engines

from .conftest import ROOTS, desk_state, hub_state, make_desk, new_hub

PERSON = Person.__table__  # type: ignore[attr-defined]
INCIDENT = Incident.__table__  # type: ignore[attr-defined]
DESKS = 3

words = st.sampled_from(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"])
op = st.one_of(
    st.tuples(st.just("add_person"), st.integers(0, DESKS - 1), words),
    st.tuples(st.just("rename"), st.integers(0, DESKS - 1), words, st.integers(0, 9)),
    st.tuples(st.just("party"), st.integers(0, DESKS - 1), words, st.integers(0, 9)),
    st.tuples(st.just("incident"), st.integers(0, DESKS - 1), words, st.integers(0, 9)),
    st.tuples(st.just("grade"), st.integers(0, DESKS - 1), st.integers(1, 3), st.integers(0, 9)),
    st.tuples(st.just("note"), st.integers(0, DESKS - 1), words, st.integers(0, 9)),
    st.tuples(st.just("contact"), st.integers(0, DESKS - 1), words, st.integers(0, 9)),
    st.tuples(st.just("erase"), st.integers(0, DESKS - 1), st.just(""), st.integers(0, 9)),
    st.tuples(st.just("sync"), st.integers(0, DESKS - 1)),
)


def _pick(desk: Desk, table: object, index: int) -> str | None:
    with desk.read() as conn:
        query = select(table.c.id).order_by(table.c.id)  # type: ignore[attr-defined]
        if table is PERSON:
            query = query.where(PERSON.c.deleted.is_(False))
        ids = list(conn.execute(query).scalars())
    return str(ids[index % len(ids)]) if ids else None


def _apply(desks: list[Desk], url: str, step: tuple[object, ...]) -> None:
    kind, who = step[0], int(step[1])  # type: ignore[call-overload]
    desk = desks[who]
    if kind == "sync":
        run_sync(desk, url, batch_size=3)
        return
    value, index = step[2], int(step[3]) if len(step) > 3 else 0  # type: ignore[call-overload]
    if kind == "add_person":
        people.add_person(desk, name=f"{value} person")
        return
    pid = _pick(desk, PERSON, index)
    iid = _pick(desk, INCIDENT, index)
    if kind == "rename" and pid:
        people.update_person(desk, pid, name=f"{value} renamed")
    elif kind == "party" and pid:
        people.update_person(desk, pid, party=str(value))
    elif kind == "incident" and pid:
        incidents.add_incident(desk, person=pid, type="threat", grade=3, summary=str(value))
    elif kind == "grade" and iid:
        incidents.update_incident(desk, iid, grade=int(value))  # type: ignore[call-overload]
    elif kind == "note" and iid:
        incidents.add_note(desk, iid, str(value))
    elif kind == "contact" and pid:
        contacts.log_contact(desk, pid, "phone", "welfare-check", str(value))
    elif kind == "erase" and pid:
        people.erase_person(desk, pid, "test erasure")


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(op, min_size=1, max_size=25))
def test_any_edits_any_order_converge(steps: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'hub.db'}"
        hub_root = new_hub(url, root / "hub-root")
        desks = [make_desk(root, f"d{i}", f"O{i}", url) for i in range(DESKS)]
        try:
            for step in steps:
                _apply(desks, url, step)
            for _ in range(2):
                for desk in desks:
                    run_sync(desk, url, batch_size=4)
            reference = desk_state(desks[0])
            for desk in desks[1:]:
                assert desk_state(desk) == reference
            assert hub_state(url) == reference
        finally:
            for desk in desks:
                desk.close()
            ROOTS.pop(url)
            hub_root.close()
            forget_engines()
