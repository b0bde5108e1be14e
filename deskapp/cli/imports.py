"""`deskapp import|assign|export|organisations`: candidate data in, named contacts for
everyone, redacted exports out.

    deskapp import candidates FILE [--format democracyclub|csv] [--map COLUMN=field,...]
                                   [--dry-run] [--skip-bad] [--rejects PATH] [--force] [--all-areas]
                                   [--json]
    deskapp import redirects FILE [--json]
    deskapp assign --auto [--dry-run] [--json]
    deskapp export roster|caseload|incidents [--adviser ID] [--format csv|md] --output FILE
                                   [--disclose-to RECIPIENT] [--force] [--json]
    deskapp export briefing EVENT_ID [--format md|csv] [--output FILE] [--disclose-to ...]
    deskapp organisations list [--reveal] [--json] | update ID [--ro-name ...] [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from deskapp.cli.auth import open_desk
from deskapp.cli.output import print_changed, print_json, print_table
from deskapp.domain.area import Area
from deskapp.domain.errors import UsageError, ValidationError
from deskapp.domain.text import visible
from deskapp.domain.wording import count
from deskapp.exporting import export
from deskapp.importing import roster
from deskapp.importing.candidates import Problem, parse_map_option
from deskapp.importing.redirects import parse_redirects
from deskapp.services import assign, organisations, people

EXIT_REFUSED = ValidationError.exit_code

ORG_COLUMNS = [
    ("id", "ID"),
    ("slug", "SLUG"),
    ("name", "NAME"),
    ("kind", "KIND"),
    ("gss", "GSS"),
    ("council", "RO COUNCIL"),
    ("people", "PEOPLE"),
    ("ro_name", "RETURNING OFFICER"),
    ("ro_phone", "RO PHONE"),
    ("ro_email", "RO EMAIL"),
    ("share_request_status", "SHARE REQUEST"),
]
ASSIGN_COLUMNS = [
    ("person_id", "PERSON"),
    ("person_name", "NAME"),
    ("organisation", "ORGANISATION"),
    ("adviser_name", "ADVISER"),
    ("reason", "WHY"),
]
LOAD_COLUMNS = [
    ("name", "ADVISER"),
    ("area", "AREA"),
    ("capacity", "CAP"),
    ("before", "BEFORE"),
    ("after", "AFTER"),
    ("over_capacity", "OVER"),
]


class ProgressBar:
    """A one-line textual progress bar on stderr, drawn only on a terminal."""

    WIDTH = 30

    def __init__(self, out: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.out = out or sys.stderr
        self.enabled = self.out.isatty() if enabled is None else enabled
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        frac = min(1.0, done / total) if total else 1.0
        bar = "#" * int(frac * self.WIDTH)
        words = roster.stage_text(stage, done, total)
        self.out.write(f"\r[{bar:<{self.WIDTH}}] {frac:4.0%}  {words}   ")
        self.out.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()
            self.drawn = False


# -- import ------------------------------------------------------------------------------
class ImportReport(roster.PlanDict):
    """``import --json``: the plan's report and what became of it."""

    dry_run: bool
    refused: bool
    rejects_file: str | None


def _problem_line(p: Problem) -> str:
    where = f"row {p.row}" if p.row else "file"
    # A column name comes from the file: shown, never obeyed, by the terminal.
    return visible(f"  {where}{', ' + p.column if p.column else ''}: {p.reason}")


def _counts_line(label: str, counts: roster.Counts, *, organisations: bool = False) -> str:
    if organisations:
        return f"{label:<14} {counts.new} new, {counts.unchanged} already on the desk"
    return (
        f"{label:<14} {counts.new} new, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {counts.rejected} rejected"
    )


def _print_refusal(plan: roster.ImportPlan) -> None:
    n = len(plan.problems)
    print(
        f"deskapp: The file {plan.source.name} was refused: {count(n, 'problem')}; "
        "nothing was imported.",
        file=sys.stderr,
    )
    for p in plan.problems:
        print(_problem_line(p), file=sys.stderr)
    if plan.fatal:
        print(
            "A problem with the file itself (its columns, encoding or quoting) cannot be "
            "skipped: fix the file and try again.",
            file=sys.stderr,
        )
    else:
        print(
            "Fix these rows, or use --skip-bad to import the good rows and write the bad "
            "ones to a reject file.",
            file=sys.stderr,
        )


def _print_summary(plan: roster.ImportPlan) -> None:
    summary = plan.summary
    fmt = "Democracy Club" if plan.parse.format == "democracyclub" else "generic CSV"
    encoding = plan.parse.encoding or "?"
    print(f"{plan.source.name}: {fmt} format, {encoding}, {count(plan.rows, 'row')}.")
    print(_counts_line("People:", summary.people))
    print(_counts_line("Candidacies:", summary.candidacies))
    print(_counts_line("Organisations:", summary.organisations, organisations=True))
    if plan.outside:
        print(
            f"Left out {count(plan.outside, 'candidacy', 'candidacies')} outside the desk's "
            "area (settings.toml [area]; --all-areas takes everything)."
        )
    if plan.merged:
        rows = ", ".join(f"{row} into {into}" for row, into in plan.merged[:10])
        more = ", ..." if len(plan.merged) > 10 else ""
        print(f"Merged {count(len(plan.merged), 'repeated row')} (row {rows}{more}).")


def import_cmd(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    column_map = parse_map_option(args.map) if args.map else None
    if args.rejects and not args.skip_bad:
        raise UsageError(
            "The --rejects option goes with --skip-bad (a refused file writes nothing)."
        )
    rejects_path = (
        Path(args.rejects).expanduser() if args.rejects else roster.default_rejects_path(path)
    )
    if args.skip_bad and not args.dry_run:
        # Before anything is written.
        roster.check_rejects_path(path, rejects_path, force=args.force)
    bar = ProgressBar()
    area = Area() if args.all_areas else None  # None: the desk's [area] setting
    with open_desk(args.db) as desk:
        try:
            if args.dry_run:
                plan = roster.plan_import(
                    desk, path, fmt=args.format, column_map=column_map, progress=bar, area=area
                )
            else:
                plan = roster.import_file(
                    desk,
                    path,
                    fmt=args.format,
                    column_map=column_map,
                    skip_bad=args.skip_bad,
                    progress=bar,
                    area=area,
                )
        finally:
            bar.finish()
    report: ImportReport = {
        **plan.as_dict(),
        "dry_run": args.dry_run,
        "refused": False,
        "rejects_file": None,
    }
    if not plan.can_apply(skip_bad=args.skip_bad):
        report["refused"] = True
        if args.json:
            print_json(report)
        else:
            _print_refusal(plan)
        return EXIT_REFUSED
    if args.dry_run:
        if args.json:
            print_json(report)
        else:
            _print_summary(plan)
            for p in plan.problems:
                print(_problem_line(p))
            print("Dry run: nothing was written.")
        return 0
    rejects: Path | None = None
    if plan.rejected:
        rejects = rejects_path
        roster.write_rejects(plan, rejects, force=args.force)
        report["rejects_file"] = str(rejects)
    if args.json:
        print_json(report)
        return 0
    _print_summary(plan)
    if plan.problems:
        print(f"Skipped {count(len(plan.rejected), 'bad row')}:")
        for p in plan.problems:
            print(_problem_line(p))
    if rejects is not None:
        print(
            f"Rejected rows written to {rejects}. That file holds personal data from the "
            "import: keep it safe and delete it when it has been dealt with."
        )
    return 0


def redirects_cmd(args: argparse.Namespace) -> int:
    redirects = parse_redirects(Path(args.file).expanduser())
    with open_desk(args.db) as desk:
        counts = people.apply_redirects(desk, redirects)
    if args.json:
        print_json(counts)
        return 0
    print(
        f"Merged {count(counts['merged'], 'person', 'people')}, gave "
        f"{count(counts['renumbered'], 'person', 'people')} a new id; "
        f"{count(counts['absent'], 'redirect')} named no one on this desk."
    )
    return 0


# -- assign ------------------------------------------------------------------------------
def assign_cmd(args: argparse.Namespace) -> int:
    if not args.auto:
        raise UsageError(
            "Use `deskapp assign --auto` to give everyone without a named contact an adviser; "
            "for one person use `deskapp people update ID --adviser ADVISER_ID`."
        )
    with open_desk(args.db) as desk:
        plan = assign.plan_auto_assign(desk)
        applied = 0 if args.dry_run else assign.apply(desk, plan)
    report = {**plan.as_dict(), "dry_run": args.dry_run, "applied": applied}
    if args.json:
        print_json(report)
        return 0
    if not plan.unassigned:
        print("Everyone on the roster has a named contact.")
        return 0
    print_table([a.as_dict() for a in plan.assignments], ASSIGN_COLUMNS)
    print()
    print_table([a.as_dict() for a in plan.advisers], LOAD_COLUMNS)
    print(
        f"\n{count(plan.unassigned, 'person', 'people')} without a named contact: "
        f"{len(plan.assignments)} matched "
        f"({plan.by_area} by area), {plan.overflow} over an adviser's capacity."
    )
    if plan.outside_area:
        print(
            f"Outside any adviser's area: {count(len(plan.outside_area), 'person', 'people')}, "
            "given the adviser with most room:"
        )
        for a in plan.outside_area:
            print(visible(f"  {a.person_name} ({a.organisation or 'no organisation'})"))
    if plan.left_unassigned:
        print(
            f"Not assigned: {count(plan.left_unassigned, 'person', 'people')}; there is no "
            "active adviser."
        )
    print(
        "Dry run: nothing was written."
        if args.dry_run
        else f"Assigned {count(applied, 'person', 'people')}."
    )
    return 0


# -- export ------------------------------------------------------------------------------
def export_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.kind == "briefing":
            fmt = args.format or "md"
            output = (
                Path(args.output).expanduser()
                if args.output
                else export.default_briefing_path(desk, args.event, fmt)
            )
            result = export.export_briefing(
                desk,
                args.event,
                output,
                fmt=fmt,
                disclose_to=args.disclose_to,
                force=args.force,
            )
        else:
            result = export.export_table(
                desk,
                args.kind,
                Path(args.output).expanduser(),
                fmt=args.format or "csv",
                adviser=args.adviser,
                disclose_to=args.disclose_to,
                force=args.force,
            )
    if args.json:
        print_json(result.as_dict())
        return 0
    what = "attendee" if result.kind == "briefing" else "row"
    print(
        f"Exported {count(result.rows, what)} ({count(result.people, 'person', 'people')}) "
        f"to {result.path}."
    )
    if result.redacted:
        print("Redacted: no home address, phone number or email address is in the file.")
    else:
        print(
            f"Disclosed to {result.recipient}: the file holds home addresses, phone numbers "
            f"and email addresses; the disclosure of each person's details is in the audit log."
        )
    return 0


# -- organisations -----------------------------------------------------------------------
ORG_FIELDS = {
    "name": "name",
    "kind": "kind",
    "ro_name": "ro_name",
    "ro_phone": "ro_phone",
    "ro_email": "ro_email",
    "share_status": "share_request_status",
}


def organisations_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = organisations.list_organisations(
                desk,
                filter_text=args.filter or "",
                limit=args.limit,
                reveal=args.reveal,
                reason=args.reason or "",
            )
            print_json(rows) if args.json else print_table(rows, ORG_COLUMNS)
        else:
            fields = {
                field: getattr(args, opt)
                for opt, field in ORG_FIELDS.items()
                if getattr(args, opt) is not None
            }
            changed = organisations.update_organisation(
                desk, args.id, council=args.council, **fields
            )
            print_changed(changed, as_json=args.json)
    return 0
