"""The full-year statistics return on a large desk, against one SQL pass over the incidents.

Builds (once, then reuses) a demo desk of N people and N incidents with their timelines,
contacts and events, then times, in the same run and in turns:
- the baseline: one SQL pass over the incidents table, reading the columns the return
  counts for the year (``SELECT type, grade, status, operation FROM incident NOT INDEXED
  WHERE …``, every row fetched: the table's pages, as a query without the return's
  covering index reads them); and the same through that index, for comparison;
- the return: ``services.returns.compute`` for the same year (every section, not written);
- the return written as xlsx (compute, render, the audit event and the file).

Goals (issue #20): the return <= 2 s and <= 5x the baseline.

    .venv/bin/python bench/returns.py [--people 100000] [--incidents 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from deskapp.db.desk import Desk
from deskapp.db.keyslots import FAST_KDF, use_kdf
from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo
from deskapp.exporting.returns_file import write_return
from deskapp.runtime.clock import utcnow
from deskapp.services import returns

GOAL_S = 2.0
GOAL_RATIO = 5.0
ROUNDS = 5


def baseline(desk: Desk, period: returns.Period, how: str = "NOT INDEXED") -> int:
    with desk.read() as conn:
        rows = conn.execute(
            text(
                f"SELECT type, grade, status, operation FROM incident {how} "
                "WHERE deleted = 0 AND reported_at >= :since AND reported_at < :until"
            ),
            period.params(),
        ).fetchall()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the desk here, or reuse it")
    args = parser.parse_args()
    use_kdf(FAST_KDF)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="returns-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"desk-{args.people}-{args.incidents}.db"
    if not path.exists():
        started = time.perf_counter()
        build_demo(path, people=args.people, incidents=args.incidents)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    today = utcnow().date()
    period = returns.Period(today - timedelta(days=365), today)
    with Desk.open(path, DEMO_OFFICER, DEMO_PASSPHRASE) as desk:
        n = baseline(desk, period)  # warm the page cache for both
        returns.compute(desk, period)
        base_s, index_s, return_s, xlsx_s = [], [], [], []
        for i in range(ROUNDS):
            started = time.perf_counter()
            baseline(desk, period)
            base_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            baseline(desk, period, "INDEXED BY ix_incident_return")
            index_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            returns.compute(desk, period)
            return_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            write_return(desk, period.start, period.end, folder / f"r{i}.xlsx", force=True)
            xlsx_s.append(time.perf_counter() - started)
    base, index, ret, xlsx = (statistics.median(s) for s in (base_s, index_s, return_s, xlsx_s))
    print(f"{args.people} people, {args.incidents} incidents ({n} in the year); median of {ROUNDS}")
    print("| step | time | goal |")
    print("|---|---|---|")
    print(f"| one SQL pass over the incidents table (baseline) | {base * 1000:.0f} ms | |")
    print(f"| the same through the return's covering index | {index * 1000:.0f} ms | |")
    verdict = "met" if ret <= GOAL_S and ret <= GOAL_RATIO * base else "NOT met"
    print(
        f"| the return (every section) | {ret * 1000:.0f} ms, {ret / base:.1f}x the baseline "
        f"| <= {GOAL_S:.0f} s and <= {GOAL_RATIO:.0f}x: {verdict} |"
    )
    print(f"| the return written as xlsx | {xlsx * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
