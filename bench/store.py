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

import keyset
from goals import ENCRYPTION_X, UNLOCK_S, goal

from deskapp.db import migrate
from deskapp.db.desk import Desk, SignedIn
from deskapp.db.engine import connect_raw, make_engine
from deskapp.db.keyslots import KdfParams, generate_data_key
from deskapp.db.tables import Meta
from deskapp.demo.data import generate
from deskapp.domain.vocabulary import OfficerRole
from deskapp.runtime.clock import utcnow
from deskapp.runtime.settings import Settings
from deskapp.services import incidents, people

BATCH = 5000


class _RawKeyOnly:
    """The bench opens its desks with the raw data key: no key slots, no officer keys
    (as after a recovery-key unlock)."""

    def take_identity(self) -> None:
        return None


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
    slots: Any = _RawKeyOnly()
    return Desk(path, engine, slots, key or bytes(32), officer, Settings())


def run_workload(
    path: Path, key: bytes | None, data: Any, *, casework: list[float] | None = None
) -> tuple[float, float]:
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
            if not rows:
                break  # the end of a small desk's queue
            last = rows[-1]
    for prefix in ("a", "ma", "sia", "smi", "jo", "wil", "kh", "pa", "rob", "el") * 5:
        with desk.read() as conn:
            conn.execute(people.people_query(prefix).limit(50)).all()
    for incident_id in ids[:200]:
        incidents.get_incident(desk, incident_id)
    read_s = time.perf_counter() - started
    if casework is not None:
        casework.extend(open_casework(desk, data))
    desk.close()
    return write_s, read_s


def open_casework(desk: Desk, data: Any, samples: int = 200) -> tuple[float, ...]:
    """Issue #19: with the casework loaded (surveys, 20,000 measures, 2,000 subjects and
    their links at 100,000 people), the worst and median time to open a person as the
    person view does (person, incidents, events, subjects linked, security counts) and a
    subject as the subject view does (incidents and people linked), each with its logged
    consultation committed (synchronous=FULL: an fsync, so the disk's latency shows);
    and the casework reads alone. Seconds: person median, p95; subject median, p95;
    person casework reads p95; subject record read p95."""
    from deskapp.services import events, security, subjects

    for entity, rows in (
        ("security_survey", data.surveys),
        ("security_measure", data.measures),
        ("security_referral", data.referrals),
        ("subject", data.subjects),
    ):
        for i in range(0, len(rows), BATCH):
            with desk.write() as tx:
                tx.insert_many(entity, [dict(r) for r in rows[i : i + BATCH]], log="batch")
    with desk.write() as tx:
        tx.append_many("incident_link", [dict(r) for r in data.incident_links], log="batch")

    def open_person(person_id: str) -> None:
        people.get_person(desk, person_id)
        with desk.read() as conn:
            events.events_for_person(conn, person_id)
            subjects.subjects_for_person(conn, person_id)
            security.records_of(conn, person_id)

    def read_person(person_id: str) -> None:
        with desk.read() as conn:
            subjects.subjects_for_person(conn, person_id)
            security.records_of(conn, person_id)

    def read_subject(subject_id: str) -> None:
        with desk.read() as conn:
            subjects.subject_record(conn, subject_id)

    # People with security records and incidents linked to subjects: the heaviest views.
    linked = {r["incident_id"] for r in data.incident_links}
    victims = [i["person_id"] for i in data.incidents if i["id"] in linked]
    measured = [m["person_id"] for m in data.measures]
    who = (victims[: samples // 2] + measured[: samples // 2])[:samples]
    whom = [s["id"] for s in data.subjects[:samples]]
    return (
        *_spread([_timed(lambda p=p: open_person(p)) for p in who]),
        *_spread([_timed(lambda s=s: subjects.get_subject(desk, s)) for s in whom]),
        _spread([_timed(lambda p=p: read_person(p)) for p in who])[1],
        _spread([_timed(lambda s=s: read_subject(s)) for s in whom])[1],
    )


def _spread(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    ordered = sorted(values)
    return statistics.median(ordered), _p95(ordered)


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.95))]


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
        casework: list[float] = []
        enc_w, enc_r = run_workload(folder / "enc.db", generate_data_key(), data, casework=casework)
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
    p50, p95, s50, s95, p_reads, s_reads = (t * 1000 for t in casework)
    print(
        f"casework: {len(data.measures):,} measures, {len(data.subjects):,} subjects, encrypted "
        "(goal: p95 < 50 ms):"
    )
    print(
        f"  open a person   median {p50:6.1f} ms  p95 {p95:6.1f} ms  {goal(p95, 50, '50 ms')} "
        f"(its casework reads p95 {p_reads:.1f} ms)"
    )
    print(
        f"  open a subject  median {s50:6.1f} ms  p95 {s95:6.1f} ms  {goal(s95, 50, '50 ms')} "
        f"(its record read p95 {s_reads:.1f} ms); each open commits its logged consultation"
    )
    print(
        f"open: passphrase (Argon2id t=3 m=64MiB p=4) {kdf_open * 1000:6.0f} ms   "
        f"raw key {raw_open * 1000:6.1f} ms   ratio {kdf_open / raw_open:.0f}x  "
        f"(no goal of its own: part of unlock, {UNLOCK_S} s in bench/tui.py)"
    )


if __name__ == "__main__":
    main()
