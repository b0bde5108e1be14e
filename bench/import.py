"""Roster import at force scale: 10,000 and 1,000,000-row Democracy Club files.

Prints, from one run, for each size: the ``csv`` module's bare parse of the file (rows per
second), then ``deskapp import candidates FILE`` (the real command, in a fresh child
process on a fresh desk: unlocking, parsing, matching, writing people, candidacies,
organisations, field versions, outbox and audit events in one transaction) with its rows
per second, its ratio to the bare parse and its peak memory (the child's maximum resident
set), each beside its goal: 10k rows in 1.5 s or less; 1M rows in 300 MB or less and 40
times the bare parse or less. Every name is invented.

    .venv/bin/python bench/import.py [--rows 10000,1000000] [--kdf fast|default]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deskapp.importing.candidates import DC_REQUIRED_COLUMNS

PASS = "bench passphrase"
FIRST = [
    "Siân", "Seán", "Aoife", "Dafydd", "Gwenllian", "Ciarán", "Niamh", "Rhys", "Eluned",
    "Tomás", "Bethan", "Ruairí", "Carys", "Nóirín", "Iolo", "Zoë", "Łukasz", "Amara",
    "Priya", "Kwame", "Mairéad", "Hywel", "Deiniol", "Síle", "Peredur", "Ffion",
]  # fmt: skip
LAST = [
    "ap Rhys", "Ó Súilleabháin", "Nic Giolla Phádraig", "ab Iorwerth", "Dafydd",
    "Mac Giolla Bhríde", "Ní Dhuibhir", "Bowen-Hughes", "Ó Briain", "Morgan", "Ellis-Lloyd",
    "Tudur", "Breathnach", "Prydderch", "Fairweather-Ng", "Wiśniewski", "Okafor", "Patel",
    "Mensah", "Quarrington", "Vaughan-Pugh", "Jenkins",
]  # fmt: skip
COUNCILS = [
    "leeds", "cardiff", "powys", "gwynedd", "ynys-mon", "newcastle-upon-tyne", "birmingham",
    "bristol", "manchester", "swansea", "wrexham", "sheffield", "york", "derby", "bradford",
]  # fmt: skip
WARDS = [
    "headingley", "pentyrch", "llanidloes", "aethwy", "heaton", "moseley", "clifton",
    "didsbury", "uplands", "gresford", "ecclesall", "fishergate", "allestree", "shipley",
    "menai", "rhayader", "bangor-dewi", "splott", "roath", "gabalfa",
]  # fmt: skip
PARTIES = [
    ("Plaid Cymru - The Party of Wales", "PP77"),
    ("Green Party", "PP63"),
    ("Liberal Democrats", "PP90"),
    ("Labour Party", "PP53"),
    ("Conservative and Unionist Party", "PP52"),
    ("Independent", "ynmp-party:2"),
]
HEADER = [*DC_REQUIRED_COLUMNS, "by_election", "organisation_name", "elected", "email"]


def build_file(path: Path, rows: int, seed: int = 11) -> None:
    """``rows`` candidacies; about one person in ten stands on two ballots. Written a
    row at a time, so building a million-row file costs no memory."""
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        person = 700000
        written = 0
        while written < rows:
            person += 1
            name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
            ballots = 2 if rnd.random() < 0.1 else 1
            used: set[str] = set()
            for _ in range(min(ballots, rows - written)):
                council = rnd.choice(COUNCILS)
                ward = rnd.choice(WARDS)
                by = rnd.random() < 0.05
                day = "2026-07-02" if by else "2026-05-07"
                ballot = f"local.{council}.{ward}{'.by' if by else ''}.{day}"
                if ballot in used:
                    continue
                used.add(ballot)
                party, party_id = rnd.choice(PARTIES)
                email = f"candidate{person}@example.org" if rnd.random() < 0.4 else ""
                writer.writerow(
                    [
                        person, name, f"local.{council}.{day}", ballot, day, party, party_id,
                        ward.replace("-", " ").title(), "f", rnd.choice(("1", "2", "3")),
                        "t" if by else "f", "", "", email,
                    ]
                )  # fmt: skip
                written += 1


def time_csv(path: Path) -> tuple[float, float]:
    """The ``csv`` module's own parse of the file, row by row (nothing kept): seconds,
    and seconds of CPU."""
    started, cpu = time.perf_counter(), time.process_time()
    with path.open(newline="", encoding="utf-8") as fh:
        n = sum(1 for _ in csv.reader(fh))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert n > 1
    return elapsed, cpu


_CHILD = """
import io, os, resource, sys, time
from contextlib import redirect_stdout
from deskapp.cli import main
from deskapp.db.keyslots import FAST_KDF, KdfParams, use_kdf
use_kdf(FAST_KDF if sys.argv[2] == "fast" else KdfParams())
with redirect_stdout(io.StringIO()):
    assert main(["init", "--officer", "4521", "--name", "Bench Officer"]) == 0
started, cpu = time.perf_counter(), time.process_time()
with redirect_stdout(io.StringIO()):
    code = main(["import", "candidates", sys.argv[1]])
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
assert code == 0, code
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, cpu)
"""


def time_import(folder: Path, path: Path, kdf: str) -> tuple[float, float, float]:
    """Seconds, peak resident memory (MB) and seconds of CPU of the import, in a fresh
    process."""
    env = {
        **os.environ,
        "DESKAPP_DB": str(folder / f"desk-{path.stem}.db"),
        "DESKAPP_OFFICER": "4521",
        "DESKAPP_PASSPHRASE": PASS,
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), kdf],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak_kb, cpu = done.stdout.split()
    return float(seconds), int(peak_kb) / 1024, float(cpu)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,1000000", help="sizes, comma-separated")
    parser.add_argument(
        "--kdf",
        choices=("fast", "default"),
        default="default",
        help="passphrase KDF cost for unlocking the desk (default: the real one)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for rows in sizes:
            path = folder / f"candidates-{rows}.csv"
            build_file(path, rows)
            size_mb = path.stat().st_size / 1024 / 1024
            csv_s, csv_cpu = time_csv(path)
            import_s, peak_mb, import_cpu = time_import(folder, path, args.kdf)
            path.unlink()
            ratio = import_s / csv_s
            print(f"Democracy Club file: {rows:,} rows, {size_mb:.1f} MiB (invented names)")
            print(
                f"  csv module, parse only    {csv_s:8.2f} s  {rows / csv_s:>10,.0f} rows/s"
                "   (the baseline)"
            )
            print(
                f"  deskapp import candidates {import_s:8.2f} s  {rows / import_s:>10,.0f} rows/s"
            )
            print(f"  ratio import / csv parse  {ratio:8.1f} x", end="")
            print(_goal(ratio <= 40, "40 x") if rows >= 1_000_000 else AT_1M)
            # On a shared machine waiting for a core inflates both times, unevenly: the
            # CPU each spent is the steadier comparison.
            print(
                f"  CPU time, import / parse  {import_cpu:8.2f} s / {csv_cpu:.2f} s"
                f" = {import_cpu / csv_cpu:.1f} x   (load {os.getloadavg()[0]:.1f})"
            )
            print(f"  peak memory (import)      {peak_mb:8.0f} MB", end="")
            print(_goal(peak_mb <= 300, "300 MB") if rows >= 1_000_000 else AT_1M)
            if rows <= 10_000:
                print(f"  time for 10k rows         {_goal(import_s <= 1.5, '1.5 s')}")


#: what a figure without a goal at this size says
AT_1M = "   (goal at 1,000,000 rows only)"


def _goal(met: bool, goal: str) -> str:
    return f"   (goal {goal}: {'met' if met else 'NOT MET'})"


if __name__ == "__main__":
    main_()
