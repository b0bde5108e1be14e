"""Sync speed against the file hub and PostgreSQL, each beside its floor.

For each hub it prints, from one run:

* 10,000 field changes pushed from one desk and pulled by another;
* a no-op sync (nothing to push or pull);
* a new desk's first sync from a hub holding N people and N incidents;

each beside the floor measured in the same run: a plain bulk insert of the same number
of rows (same JSON payloads) into a scratch table of the same hub, in one transaction.

    DESKAPP_KDF_PROFILE=fast .venv/bin/python bench/sync.py            # full: --rows 100000
    DESKAPP_KDF_PROFILE=fast .venv/bin/python bench/sync.py --rows 20000 --no-pg
    .venv/bin/python bench/sync.py --pg postgresql://postgres@127.0.0.1:5432/postgres

PostgreSQL: a scratch database is created on the server of ``--pg`` and dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, select

from deskapp.core.clock import utcnow
from deskapp.core.ids import uuid7
from deskapp.store.desk import Desk
from deskapp.store.incidents import make_ref
from deskapp.store.models import Person
from deskapp.sync import hub as hubmod
from deskapp.sync import run_sync
from deskapp.sync.hub import open_hub

os.environ.setdefault("DESKAPP_KDF_PROFILE", "fast")
os.environ.setdefault("DESKAPP_HUB_PASSPHRASE", "bench hub passphrase")
PASS = "correct horse battery"
PERSON = Person.__table__  # type: ignore[attr-defined]
CHUNK = 5000


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def floor(url: str, payloads: list[tuple[str, str]]) -> float:
    """A plain bulk insert of rows shaped like the hub's into a scratch table of the hub."""
    hub = open_hub(url)
    meta = MetaData()
    name = f"bench_floor_{uuid.uuid4().hex[:8]}"
    table = Table(
        name,
        meta,
        Column("entity", String(32), primary_key=True),
        Column("row_id", String(200), primary_key=True),
        Column("seq", BigInteger, nullable=False),
        Column("data", Text),
        Column("versions", Text, nullable=False),
    )
    meta.create_all(hub.engine)
    rows = [
        {"entity": "person", "row_id": str(i), "seq": i, "data": d, "versions": v}
        for i, (d, v) in enumerate(payloads)
    ]

    def insert() -> None:
        with hub.engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(table.insert(), rows[start : start + CHUNK])

    try:
        return timed(insert)
    finally:
        meta.drop_all(hub.engine)


def hub_payloads(url: str, limit: int) -> list[tuple[str, str]]:
    hub = open_hub(url)
    with hub.read() as conn:
        got = conn.execute(
            select(hubmod.hub_row.c.data, hubmod.hub_row.c.versions)
            .order_by(hubmod.hub_row.c.seq.desc())
            .limit(limit)
        ).all()
    return [(str(d), str(v)) for d, v in got]


def seed(desk: Desk, rows: int) -> None:
    """N people and N incidents through the one write path (bulk)."""
    now = utcnow()
    for start in range(0, rows, CHUNK):
        count = min(CHUNK, rows - start)
        with desk.write() as tx:
            people = [
                {
                    "id": uuid7(),
                    "name": f"Person {start + i}",
                    "party": "Independent",
                    "post": f"Ward {i % 97}",
                    "phone": "07700 900000",
                    "email": f"p{start + i}@example.org",
                }
                for i in range(count)
            ]
            tx.insert_many("person", people, log="batch", detail="bench")
            incidents = []
            for i, person in enumerate(people):
                iid = uuid7()
                incidents.append(
                    {
                        "id": iid,
                        "ref": make_ref(iid),
                        "person_id": person["id"],
                        "type": "threat",
                        "summary": f"Bench incident {start + i}",
                        "grade": 3,
                        "reported_at": now,
                        "due_at": now + timedelta(days=3),
                    }
                )
            tx.insert_many("incident", incidents, log="batch", detail="bench")


def change_fields(desk: Desk, changes: int) -> None:
    with desk.read() as conn:
        ids = list(conn.execute(select(PERSON.c.id).limit(changes)).scalars())
    with desk.write() as tx:
        for n in range(changes):
            tx.update("person", ids[n % len(ids)], {"party": f"Party {n}"})


def run(label: str, url: str, rows: int, changes: int, tmp: Path) -> None:
    open_hub(url).initialise()
    a, _ = Desk.init(tmp / f"{label}-a.db", "A1", "Sgt A", PASS)
    b, _ = Desk.init(tmp / f"{label}-b.db", "B1", "Sgt B", PASS)
    base = max(changes, 1000)
    seed(a, base // 2)
    run_sync(a, url)
    run_sync(b, url)
    run_sync(a, url)
    change_fields(a, changes)
    push = run_sync(a, url)
    pull = run_sync(b, url)
    run_sync(a, url)
    run_sync(b, url)  # the audit events of the last pull travel now
    noop = min(run_sync(b, url).duration_s for _ in range(5))
    f10k = floor(url, hub_payloads(url, changes))
    print(f"\n== {label} hub ==")
    print(
        f"10,000 field changes: push {push.duration_s:.2f} s ({push.pushed} changes), "
        f"pull {pull.duration_s:.2f} s ({pull.pulled} rows); "
        f"floor {f10k:.2f} s; ratio {(push.duration_s + pull.duration_s) / f10k:.1f}x "
        f"(push+pull vs one bulk insert)"
    )
    print(f"no-op sync: {noop * 1000:.0f} ms")
    # A hub holding N people and N incidents, pushed by a seeding desk.
    s, _ = Desk.init(tmp / f"{label}-seed.db", "S1", "Sgt S", PASS)
    seed(s, rows)
    seeded = run_sync(s, url, batch_size=5000)
    new, _ = Desk.init(tmp / f"{label}-new.db", "N1", "Sgt N", PASS)
    first = run_sync(new, url, batch_size=5000)
    total = 2 * rows
    ffirst = floor(url, hub_payloads(url, total))
    print(
        f"seeding push of {rows:,} people + {rows:,} incidents: {seeded.duration_s:.1f} s "
        f"({seeded.pushed:,} changes)"
    )
    print(
        f"first sync of a new desk ({first.pulled:,} rows): {first.duration_s:.1f} s; "
        f"floor {ffirst:.1f} s; ratio {first.duration_s / ffirst:.1f}x"
    )
    for desk in (a, b, s, new):
        desk.close()
    hubmod.forget_engines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-file", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.no_file:
            run("file", f"sqlite:///{root / 'hub.db'}", args.rows, args.changes, root)
        if not args.no_pg:
            server = hubmod.parse_hub_url(args.pg)
            name = f"deskapp_bench_{uuid.uuid4().hex[:8]}"
            admin = server.url.set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = server.url.set(drivername="postgresql", database=name).render_as_string(False)
                run("PostgreSQL", url, args.rows, args.changes, root)
            finally:
                hubmod.forget_engines()
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({"rows": args.rows, "changes": args.changes}))


if __name__ == "__main__":
    main()
