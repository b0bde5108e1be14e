"""Sync speed against the file hub and PostgreSQL, each beside its floor.

For each hub it prints, from one run:

* 10,000 field changes pushed from one desk and pulled by another;
* a no-op sync (nothing to push or pull);
* a new desk's first sync from a hub holding N people and N incidents;

each beside the floor measured in the same run: a plain bulk insert of the same rows
into the same hub, in one transaction, in plaintext, into scratch tables shaped as the
plaintext hub of schema 2 kept them (a row: entity, id, seq, JSON values and versions;
an audit event: its columns). The rows are every change and audit event the figure
moved, read back out of the sealed batches it wrote (so the floor is what moving them
in plaintext would cost: the encryption, the signatures and the checks must fit in the
ratio). "push + pull" moves the rows twice, so its floor is the sum of the two legs'.
The no-op sync's floor is one read transaction on the hub. Push + pull and the first
sync are taken ``--rounds`` times, each beside a floor measured next to it (the
machine's speed drifts), and the round with the median ratio is shown.

    .venv/bin/python bench/sync.py            # full: --rows 100000
    .venv/bin/python bench/sync.py --rows 20000 --no-pg
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
from goals import FIRST_PUSH_X, FIRST_SYNC_S, NOOP_SYNC_S, PUSH_PULL_S, SYNC_X, goal
from sqlalchemy import BigInteger, Column, Index, MetaData, String, Table, Text, select

from deskapp.db.desk import Desk
from deskapp.db.keyslots import FAST_KDF, use_kdf
from deskapp.db.tables import Person
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import sealed_batch
from deskapp.protocol.ids import uuid7
from deskapp.runtime.clock import utcnow
from deskapp.services.incidents import make_ref
from deskapp.sync import enrolment, run_sync
from deskapp.sync.hub import Hub, ReadCaps, open_hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_schema import hub_counter
from deskapp.sync.hub_url import parse_hub_url

use_kdf(FAST_KDF)  # what is timed is the sync, not the desks' key derivation
os.environ.setdefault("DESKAPP_HUB_PASSPHRASE", "bench hub passphrase")
PASS = "correct horse battery"
PERSON = Person.__table__  # type: ignore[attr-defined]
CHUNK = 5000


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


Row = tuple[int, str, str, str | None, str]
#: The floor's tables: a plaintext row and audit event as the schema-2 hub stored them.
_FLOOR = MetaData()
_ROW = Table(
    "floor_row", _FLOOR,
    Column("k", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", String(32), nullable=False),
    Column("row_id", String(200), nullable=False),
    Column("data", Text, nullable=True),
    Column("versions", Text, nullable=False),
    Index("ix_floor_row_key", "entity", "row_id"),
)  # fmt: skip
_AUDIT_COLUMNS = ("seq", "at", "officer_id", "action", "entity", "entity_id", "fields",
                  "recipient", "detail", "prev_hash", "hash")  # fmt: skip
_AUDIT = Table(
    "floor_audit", _FLOOR,
    Column("site_id", String(64), primary_key=True),
    *[Column(n, BigInteger if n == "seq" else Text, primary_key=n == "seq",
             autoincrement=False) for n in _AUDIT_COLUMNS],
)  # fmt: skip


def moved(
    url: str, reader: Desk, after: int, upto: int | None = None
) -> tuple[list[Row], list[dict[str, Any]]]:
    """The changes and audit events in the hub's batches with after < seq <= upto, opened
    with ``reader``'s keys: what a push wrote or a pull read, in plaintext."""
    hub = open_hub(url)
    trust = enrolment.admit(hub, reader)
    rows: list[Row] = []
    audits: list[dict[str, Any]] = []
    for stored in hub.batches_after(after, 1 << 60, ReadCaps(row=1 << 40, batch=1 << 40)):
        if upto is not None and stored.seq > upto:
            break
        header = sealed_batch.parse_header(stored.header.encode())
        payload = sealed_batch.open_sealed(
            header, stored.ciphertext or b"", trust.key(header.key_id)
        )
        for entity, row_id, _kind, data, versions, _seen in payload["changes"]:
            rows.append((len(rows), entity, row_id, data, json.dumps(versions)))
        audits.extend({"site_id": header.site, **a} for a in payload["audits"])
    return rows, audits


def _scratch(meta: MetaData, like: Table) -> Table:
    """A table with ``like``'s columns, primary key and indexes, under a scratch name."""
    name = f"bench_{like.name}_{uuid.uuid4().hex[:8]}"
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in like.c
    ]
    indexes = [
        Index(f"ix_{name}_{i}", *[c.name for c in index.columns], unique=bool(index.unique))
        for i, index in enumerate(like.indexes)
    ]
    return Table(name, meta, *columns, *indexes)


def floor(url: str, rows: list[Row], audits: list[dict[str, Any]] | None = None) -> float:
    """The floor: a plain bulk insert of the same rows into the same hub, in one
    transaction, in plaintext, into scratch tables shaped like ``_ROW`` and ``_AUDIT``."""
    hub = open_hub(url)
    meta = MetaData()
    row_table = _scratch(meta, _ROW)
    audit_table = _scratch(meta, _AUDIT)
    meta.create_all(hub.engine)
    names = ("k", "entity", "row_id", "data", "versions")
    params = [dict(zip(names, r, strict=True)) for r in rows]
    audit_params = [
        {"site_id": a["site_id"], **{n: a[n] for n in _AUDIT_COLUMNS}} for a in audits or []
    ]

    def insert() -> None:
        with hub.engine.begin() as conn:
            for table, values in ((row_table, params), (audit_table, audit_params)):
                for start in range(0, len(values), CHUNK):
                    conn.execute(table.insert(), values[start : start + CHUNK])

    try:
        return timed(insert) if params or audit_params else 0.0
    finally:
        meta.drop_all(hub.engine)


def round_trip(url: str) -> float:
    """The no-op floor: one read transaction on the hub (a query and a commit)."""
    hub = open_hub(url)

    def once() -> None:
        with hub.read() as conn:
            conn.execute(select(hub_counter.c.value)).all()

    return min(timed(once) for _ in range(5))


def line(
    label: str,
    took: float,
    base: float,
    note: str = "",
    *,
    limit_x: float | None = None,
    limit_s: float | None = None,
) -> None:
    """One figure beside its floor, and beside its goals (a ratio, seconds) if it has any;
    a figure without one is a breakdown of one that has."""
    ratio = f"{took / base:5.1f}x" if base > 0 else "    -"
    goals = []
    if limit_x is not None and base > 0:
        goals.append(goal(took / base, limit_x, f"{limit_x:g}x"))
    if limit_s is not None:
        goals.append(goal(took, limit_s, f"{limit_s:g} s"))
    shown = " ".join(goals) or "(no goal: a breakdown)"
    print(f"  {label:<52} {took:8.3f} s   floor {base:7.3f} s   ratio {ratio}  {shown} {note}")


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


def change_fields(desk: Desk, changes: int, tag: int = 0) -> None:
    with desk.read() as conn:
        ids = list(conn.execute(select(PERSON.c.id).limit(changes)).scalars())
    with desk.write() as tx:
        for n in range(changes):
            tx.update("person", ids[n % len(ids)], {"party": f"Party {tag}-{n}"})


def approved(hub: Hub, root: Desk, desk: Desk) -> Desk:
    """``desk`` joins the hub and ``root`` approves it (`deskapp hub join`, `hub approve`)."""
    enrolment.join(hub, desk)
    enrolment.approve(hub, root, desk.officer.id, OfficerRole.SUPERVISOR, lambda _f: True)
    return desk


def run(
    label: str, url: str, rows: int, changes: int, tmp: Path, rounds: int = 5
) -> dict[str, float]:
    hub = open_hub(url)
    hub.initialise()
    a, _ = Desk.init(tmp / f"{label}-a.db", "A1", "Sgt A", PASS)
    enrolment.init_root(hub, a)  # desk A's supervisor sets the hub up (`deskapp hub init`)
    b = approved(hub, a, Desk.init(tmp / f"{label}-b.db", "B1", "Sgt B", PASS)[0])
    base = max(changes, 1000)
    seed(a, base // 2)
    run_sync(a, url)
    run_sync(b, url)
    run_sync(a, url)
    # Field changes are taken ``rounds`` times too, each beside its own floor (measured
    # straight after it); the figure is the round with the median ratio.
    legs: list[tuple[float, float, float, float, int, int, int]] = []
    for n in range(rounds):
        change_fields(a, changes, tag=n)
        before = hub.head()
        push = run_sync(a, url)
        sent, carried = moved(url, a, before, hub.head())
        pull = run_sync(b, url)
        run_sync(a, url)
        run_sync(b, url)  # the audit events of the last pull travel now
        f_push = floor(url, sent, carried)
        f_pull = floor(url, sent)
        legs.append(
            (
                push.duration_s,
                pull.duration_s,
                f_push,
                f_pull,
                len(sent),
                len(carried),
                pull.pulled,
            )
        )
    legs.sort(key=lambda g: (g[0] + g[1]) / (g[2] + g[3]))
    push_s, pull_s, f_push, f_pull, n_moved, n_carried, n_pulled = legs[len(legs) // 2]
    noop = min(run_sync(b, url).duration_s for _ in range(5))
    f_noop = round_trip(url)
    # A hub holding N people and N incidents, pushed by a seeding desk.
    s = approved(hub, a, Desk.init(tmp / f"{label}-seed.db", "S1", "Sgt S", PASS)[0])
    seed(s, rows)
    before = hub.head()
    seeded = run_sync(s, url)
    f_seeded = floor(url, *moved(url, a, before, hub.head()))
    # The first sync is long (and this machine's speed drifts over a minute), so it is
    # taken in turns with its floor, ``rounds`` times; the figure is the median ratio.
    everything, _ = moved(url, a, 0)
    firsts: list[tuple[float, float, int]] = []
    for n in range(rounds):
        f_first = floor(url, everything)
        new = approved(hub, a, Desk.init(tmp / f"{label}-new{n}.db", "N1", "Sgt N", PASS)[0])
        first = run_sync(new, url)
        new.close()
        firsts.append((first.duration_s, f_first, first.pulled))
    firsts.sort(key=lambda f: f[0] / f[1])
    first_s, f_first, first_pulled = firsts[len(firsts) // 2]
    print(f"\n== {label} hub ({url.split('://')[0]}) ==")
    line(
        f"push of {changes:,} field changes ({n_moved:,} rows + {n_carried:,} audit)",
        push_s,
        f_push,
    )
    line(f"pull of those ({n_pulled:,} rows)", pull_s, f_pull)
    line(
        f"push + pull of {changes:,} field changes",
        push_s + pull_s,
        f_push + f_pull,
        f"(median of {rounds})",
        limit_x=SYNC_X,
        limit_s=PUSH_PULL_S if label == "file" else None,
    )
    if rounds > 1:
        each = ", ".join(
            f"{p + q:.2f}/{fp + fq:.2f} s {(p + q) / (fp + fq):.1f}x" for p, q, fp, fq, *_ in legs
        )
        print(f"      each round, push + pull/floor: {each}")
    line("no-op sync", noop, f_noop, "(floor: one hub round trip)", limit_s=NOOP_SYNC_S)
    line(
        f"first push of {rows:,} people + {rows:,} incidents",
        seeded.duration_s,
        f_seeded,
        limit_x=FIRST_PUSH_X,
    )
    line(
        f"first sync of a new desk ({first_pulled:,} rows)",
        first_s,
        f_first,
        f"(median of {rounds})",
        limit_x=SYNC_X,
        limit_s=FIRST_SYNC_S if label == "file" else None,
    )
    if rounds > 1:
        each = ", ".join(f"{t:.1f}/{f:.1f} s {t / f:.1f}x" for t, f, _ in firsts)
        print(f"      each round, sync/floor: {each}")
    for desk in (a, b, s):
        desk.close()
    forget_engines()
    return {
        f"{label}_push_s": push_s,
        f"{label}_pull_s": pull_s,
        f"{label}_changes_floor_s": f_push + f_pull,
        f"{label}_noop_s": noop,
        f"{label}_first_sync_s": first_s,
        f"{label}_first_sync_floor_s": f_first,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-file", action="store_true")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds of push + pull and of first sync, each beside its floor",
    )
    args = parser.parse_args()
    figures: dict[str, float] = {}
    print("Each figure beside its floor: a plain bulk insert of the same rows (changes and")
    print("audit events, in plaintext) into the same hub, in one transaction, into scratch")
    print("tables shaped as the plaintext hub kept them; push + pull: the two legs' floors.")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.no_file:
            figures |= run(
                "file", f"sqlite:///{root / 'hub.db'}", args.rows, args.changes, root, args.rounds
            )
        if not args.no_pg:
            server = parse_hub_url(args.pg)
            name = f"deskapp_bench_{uuid.uuid4().hex[:8]}"
            admin = server.url.set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = server.url.set(drivername="postgresql", database=name).render_as_string(False)
                figures |= run("PostgreSQL", url, args.rows, args.changes, root, args.rounds)
            finally:
                forget_engines()
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rounded = {k: round(v, 3) for k, v in figures.items()}
    print(json.dumps({"rows": args.rows, "changes": args.changes, **rounded}))


if __name__ == "__main__":
    main()
