"""Roster import speed: a 10,000-row Democracy Club file into a fresh desk.

Prints, from one run: the time of ``deskapp import candidates FILE`` (the real command,
in this process: unlocking the desk, parsing, matching, writing people, candidacies,
organisations, field versions, outbox and one audit event per person, in one
transaction), beside the time to merely parse the same file with the ``csv`` module,
and their ratio; then the time of importing the same file again (everyone unchanged).
Goal: under 3 s. Every name is invented.

    .venv/bin/python bench/import.py [--rows 10000] [--kdf fast|default]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from deskapp.cli import main
from deskapp.io.candidates import DC_REQUIRED_COLUMNS
from deskapp.store.keyslots import FAST_KDF, KdfParams, use_kdf

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
    """``rows`` candidacies; about one person in ten stands on two ballots."""
    rnd = random.Random(seed)
    out = io.StringIO()
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
    path.write_text(out.getvalue(), encoding="utf-8")


def time_csv(path: Path) -> float:
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    elapsed = time.perf_counter() - started
    assert len(rows) > 1
    return elapsed


def time_import(folder: Path, path: Path, kdf: str) -> tuple[float, float]:
    db = folder / "desk.db"
    os.environ["DESKAPP_DB"] = str(db)
    os.environ["DESKAPP_OFFICER"] = "4521"
    os.environ["DESKAPP_PASSPHRASE"] = PASS
    use_kdf(FAST_KDF if kdf == "fast" else KdfParams())
    with redirect_stdout(io.StringIO()):
        assert main(["init", "--officer", "4521", "--name", "Bench Officer"]) == 0
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = main(["import", "candidates", str(path)])
    elapsed = time.perf_counter() - started
    assert code == 0, code
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        code = main(["import", "candidates", str(path)])  # again: everyone unchanged
    again = time.perf_counter() - started
    assert code == 0, code
    return elapsed, again


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--kdf",
        choices=("fast", "default"),
        default="default",
        help="passphrase KDF cost for unlocking the desk (default: the real one)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "candidates.csv"
        build_file(path, args.rows)
        size_kb = path.stat().st_size / 1024
        csv_s = time_csv(path)
        import_s, again_s = time_import(folder, path, args.kdf)
    verdict = "OK" if import_s < 3.0 else "SLOWER THAN THE 3 s GOAL"
    print(f"Democracy Club file: {args.rows} rows, {size_kb:.0f} KiB (invented names)")
    print(f"  csv module, parse only        {csv_s * 1000:8.1f} ms")
    print(f"  deskapp import candidates     {import_s * 1000:8.1f} ms   ({verdict})")
    print(f"  ratio import / csv parse      {import_s / csv_s:8.1f} x")
    print(f"  re-import, all unchanged      {again_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main_()
