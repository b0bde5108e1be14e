"""Keyset windows walk an ordered query exactly like OFFSET would, only without skipping."""

from __future__ import annotations

from bench import keyset
from deskapp.db.desk import Desk
from deskapp.services import incidents, people


def test_keyset_matches_offset_paging(desk: Desk) -> None:
    pid = people.add_person(desk, name="Queue Owner")
    for i in range(23):
        incidents.add_incident(desk, person=pid, type="threat", grade=1 + i % 4, summary=f"s{i}")
    query = incidents.queue_query()
    with desk.read() as conn:
        everything = [dict(r) for r in conn.execute(query).mappings()]
        walked, last = [], None
        while True:
            rows = keyset.window(conn, query, last, 5)
            if not rows:
                break
            walked += rows
            last = rows[-1]
        assert [r["id"] for r in walked] == [r["id"] for r in everything]
        back = [
            dict(r) for r in conn.execute(keyset.before(query, everything[10]).limit(3)).mappings()
        ]
        assert [r["id"] for r in back] == [r["id"] for r in everything[7:10]][::-1]
