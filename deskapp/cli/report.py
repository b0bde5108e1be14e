"""`deskapp report returns`: the statistics return, written to a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from deskapp.cli.auth import open_desk
from deskapp.cli.output import print_json
from deskapp.domain.errors import ValidationError
from deskapp.domain.validation import iso_date
from deskapp.exporting.returns_file import write_return


def report_cmd(args: argparse.Namespace) -> int:
    since = iso_date(args.since, field="--from")
    until = iso_date(args.until, field="--to")
    if since is None or until is None:
        raise ValidationError("Give --from and --to as dates like 2026-05-07.")
    output = Path(args.output).expanduser()
    with open_desk(args.db, auditor_may=True) as desk:
        written = write_return(desk, since, until, output, fmt=args.format, force=args.force)
    if args.json:
        print_json({"path": str(written.path), "format": written.fmt, "tables": written.tables})
    else:
        print(f"Wrote the return for {since} to {until} to {written.path} ({written.fmt}).")
    return 0
