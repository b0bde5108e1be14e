"""Encryption overhead on deskapp's own workload, and the cost of unlocking.

Prints, from one run: the write and read workload at N rows on SQLCipher (raw key)
versus the same code on plain SQLite, and opening a desk with a passphrase (Argon2id
key derivation included) versus with the raw data key.

    .venv/bin/python bench/store.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from goals import ENCRYPTION_X, UNLOCK_S, goal

from deskapp.core.clock import utcnow
from deskapp.core.domain import OfficerRole
from deskapp.io.demo_data import generate
from deskapp.store import incidents, keyset, migrate, people
from deskapp.store.desk import Desk, SignedIn
from deskapp.store.engine import connect_raw, make_engine
from deskapp.store.keyslots import KdfParams, generate_data_key
from deskapp.store.models import Meta
from deskapp.store.settings import Settings

BATCH = 5000


def workload_desk(path: Path, key: bytes | None) -> Desk:
    engine = make_engine(path, key)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            Meta.__table__.insert(),
            [
                {"key": "site_id", "value": "bench"},  # type: ignore[attr-defined]
                {"key": "hlc", "value": "0"},
            ],
        )
    officer = SignedIn("bench", "Bench", OfficerRole.SUPERVISOR)
    return Desk(path, engine, None, key or bytes(32), officer, Settings())  # type: ignore[arg-type]


def run_workload(path: Path, key: bytes | None, data: Any) -> tuple[float, float]:
    desk = workload_desk(path, key)
    started = time.perf_counter()
    for entity, rows in (
        ("adviser", data.advisers),
        ("person", data.people),
        ("incident", data.incidents),
    ):
        for i in range(0, len(rows), BATCH):
            with desk.write() as tx:
                tx.insert_many(entity, [dict(r) for r in rows[i : i + BATCH]])
    # Small interactive writes, as an officer makes them: one transaction each.
    ids = [r["id"] for r in data.incidents[:300]]
    for n, incident_id in enumerate(ids):
        incidents.add_note(desk, incident_id, f"note {n}")
    write_s = time.perf_counter() - started

    started = time.perf_counter()
    queue = incidents.queue_query(statuses=["new", "triaged", "assigned", "in-progress"])
    with desk.read() as conn:
        last = None
        for _ in range(400):  # paging down the queue, a window at a time
            rows = keyset.window(conn, queue, last, 50)
            last = rows[-1]
    for prefix in ("a", "ma", "sia", "smi", "jo", "wil", "kh", "pa", "rob", "el") * 5:
        with desk.read() as conn:
            conn.execute(people.people_query(prefix).limit(50)).all()
    for incident_id in ids[:200]:
        incidents.get_incident(desk, incident_id)
    read_s = time.perf_counter() - started
    desk.close()
    return write_s, read_s


def time_open(folder: Path) -> tuple[float, float]:
    path = folder / "open.db"
    desk, _ = Desk.init(path, "4521", "Sgt Bench", "bench passphrase", kdf=KdfParams())
    key = desk.data_key
    desk.close()
    passphrase = statistics.median(
        _timed(lambda: Desk.open(path, "4521", "bench passphrase").close()) for _ in range(5)
    )
    raw = statistics.median(_timed(lambda: connect_raw(path, key).close()) for _ in range(5))
    return passphrase, raw


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = generate(people=args.rows, incidents=args.rows, seed=1, now=utcnow(), officer_id="bench")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain_w, plain_r = run_workload(folder / "plain.db", None, data)
        enc_w, enc_r = run_workload(folder / "enc.db", generate_data_key(), data)
        kdf_open, raw_open = time_open(folder)
    rows = args.rows
    print(
        f"workload: {rows:,} people + {rows:,} incidents through the write path, "
        "300 notes, queue paging, type-ahead, detail reads"
    )
    aim = f"{ENCRYPTION_X}x"
    w, r = enc_w / plain_w, enc_r / plain_r
    print(f"  write  plain {plain_w:7.2f}s  encrypted {enc_w:7.2f}s  ratio {w:.2f}x  (a breakdown)")
    print(f"  read   plain {plain_r:7.2f}s  encrypted {enc_r:7.2f}s  ratio {r:.2f}x  (a breakdown)")
    total = (enc_w + enc_r) / (plain_w + plain_r)
    print(f"  total  ratio {total:.2f}x  {goal(total, ENCRYPTION_X, aim)}")
    print(
        f"open: passphrase (Argon2id t=3 m=64MiB p=4) {kdf_open * 1000:6.0f} ms   "
        f"raw key {raw_open * 1000:6.1f} ms   ratio {kdf_open / raw_open:.0f}x  "
        f"(no goal of its own: part of unlock, {UNLOCK_S} s in bench/tui.py)"
    )


if __name__ == "__main__":
    main()
