"""Roster import, writing half: plan an import against the desk, then apply it.

:func:`plan_import` parses a candidates CSV (see :mod:`deskapp.io.candidates`), runs the
checks that need the desk's own rules (phone numbers, field lengths, repeated ballots),
and compares the clean rows with what the desk holds, without writing anything: the
plan's counts are the preview (``--dry-run``, the TUI's confirm screen).
:func:`apply_import` writes the plan through the one write path, in one transaction.

Matching, so that re-importing the same or a newer file adds no one twice:

* a row with a Democracy Club ``person_id`` belongs to the person holding that id;
  failing that, to the one person without an id who has the same name and organisation
  (someone first entered from a returning officer's spreadsheet), who then takes the id;
* a row without an id (a generic CSV) belongs to the one person with the same name
  (ignoring case and spacing) and organisation;
* an organisation is matched by its slug (``local.<slug>.…``); a candidacy by
  (person, ``ballot_paper_id``).

Existing values are updated in place; an empty cell never blanks a value the desk holds
(a newer file without an email column does not erase the email a returning officer
gave). A person keeps a councillor/mayor/PCC/MP role; anyone else becomes a candidate.

A file with any problem is refused whole unless ``skip_bad``: then the good rows are
imported and the bad ones can be written to a reject file (:func:`write_rejects`),
which holds personal data and is written only where the caller says.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import Connection, Table, select

from deskapp.core.area import Area
from deskapp.core.clock import utcnow
from deskapp.core.domain import PersonRole
from deskapp.core.errors import ValidationError
from deskapp.core.ids import uuid7
from deskapp.core.retention import person_review_date
from deskapp.core.text import has_control
from deskapp.io.candidates import (
    CandidacyRecord,
    ParseResult,
    Problem,
    group_by_person,
    merge_repeat,
    parse_file,
)
from deskapp.io.export import neutralise, write_atomic
from deskapp.store.desk import Desk
from deskapp.store.models import Candidacy, Organisation, Person
from deskapp.store.writes import WriteTx

__all__ = [
    "Counts",
    "ImportPlan",
    "ImportRefused",
    "ImportSummary",
    "ProgressFn",
    "RejectedRow",
    "apply_import",
    "check_rejects_path",
    "default_rejects_path",
    "import_file",
    "plan_import",
    "write_rejects",
]

PERSON: Final[Table] = Person.__table__  # type: ignore[attr-defined]
ORGANISATION: Final[Table] = Organisation.__table__  # type: ignore[attr-defined]
CANDIDACY: Final[Table] = Candidacy.__table__  # type: ignore[attr-defined]

#: ``progress(stage, done, total)``; stages are "reading" (bytes of the file), "matching"
#: and "writing".
ProgressFn = Callable[[str, int, int], None]

#: Roles an import never overwrites: the person already holds an office.
KEPT_ROLES: Final = frozenset(
    (PersonRole.COUNCILLOR, PersonRole.MAYOR, PersonRole.PCC, PersonRole.MP)
)
_ORG_KINDS: Final = {
    "local": "council",
    "parl": "constituency",
    "mayor": "authority",
    "pcc": "police-area",
}
_PHONE: Final = re.compile(r"\+?[0-9 ()-]{6,20}\Z")
_MAX: Final = {"name": 200, "party": 2000, "post": 2000, "address": 2000, "org_name": 200}
#: Parser reason for broken quoting: the rest of the file was not read.
_TRUNCATED: Final = "Rows after it were not read"
_CHUNK: Final = 500  # ids per IN (...) query
_STREAMING_PEOPLE: Final = 20_000
_WRITE_BATCH: Final = 2000  # rows per insert_many call (one transaction throughout)
_PERSON_FIELDS: Final = (
    "name",
    "party",
    "post",
    "ballot_paper_id",
    "election_date",
    "organisation_id",
)
_CONTACT_FIELDS: Final = ("email", "phone", "address")
_CANDIDACY_FIELDS: Final = (
    "election_id",
    "election_date",
    "party",
    "post",
    "organisation_id",
    "cancelled_poll",
    "elected",
)


_T = TypeVar("_T")


class ImportRefused(ValidationError):
    """The file has problems and was refused whole: nothing was written."""

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@dataclass(frozen=True)
class RejectedRow:
    """A spreadsheet row that will not be imported, why, and its original cells."""

    row: int
    problems: tuple[Problem, ...]
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a plan, would do)."""

    people: Counts
    candidacies: Counts
    organisations: Counts
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.people.as_dict(),
            "people": self.people.as_dict(),
            "candidacies": self.candidacies.as_dict(),
            "organisations": self.organisations.as_dict(),
            "written": self.written,
        }


@dataclass
class ImportPlan:
    """A parsed file compared with the desk: the preview of an import."""

    source: Path
    parse: ParseResult
    problems: list[Problem]  # the parser's and the importer's, by row
    rejected: list[RejectedRow]
    summary: ImportSummary
    fatal: bool  # a problem --skip-bad cannot skip (the header, the encoding, quoting)
    groups: list[list[CandidacyRecord]] = field(repr=False)  # the good rows, by person
    diff: _Diff = field(repr=False)
    #: Rows that repeated an earlier row's person and ballot and agreed with it:
    #: (repeated row, the row it was merged into).
    merged: list[tuple[int, int]] = field(default_factory=list)
    #: Candidacies outside the desk's area, left out.
    outside: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        """Data rows read: the good ones and the rejected ones."""
        return (
            sum(len(g) for g in self.groups) + len(self.rejected) + len(self.merged) + self.outside
        )

    def can_apply(self, *, skip_bad: bool) -> bool:
        return self.ok or (skip_bad and not self.fatal)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report: counts and every problem (row, column, reason; no values)."""
        return {
            "file": self.source.name,
            "format": self.parse.format,
            "encoding": self.parse.encoding,
            "rows": self.rows,
            "merged": [{"row": row, "into": into} for row, into in self.merged],
            "outside_area": self.outside,
            **self.summary.as_dict(),
            "problems": [
                {"row": p.row, "column": p.column, "reason": p.reason} for p in self.problems
            ],
        }


# --------------------------------------------------------------------------- public API


def plan_import(
    desk: Desk,
    path: Path,
    *,
    fmt: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    area: Area | None = None,
) -> ImportPlan:
    """Read and check ``path`` and compare it with the desk. Writes nothing.

    Only candidacies inside ``area`` are kept (the desk's ``[area]`` setting when None;
    ``Area()`` takes everything); the plan counts the others.
    Raises NotFound/ValidationError only when the file cannot be opened at all (or
    ``fmt``/``column_map`` are wrong); everything wrong *in* the file is a problem.
    """
    return _plan_read(desk, _prepare(path, fmt, column_map, _area(desk, area), progress), progress)


def _plan_read(desk: Desk, prep: _Prepared, progress: ProgressFn | None) -> ImportPlan:
    if not prep.groups:
        return prep.plan(_Diff.empty())
    with desk.read() as conn:
        return prep.plan(_Diff.build(conn, prep.groups, progress))


def import_file(
    desk: Desk,
    path: Path,
    *,
    fmt: str | None = None,
    column_map: dict[str, str] | None = None,
    skip_bad: bool = False,
    progress: ProgressFn | None = None,
    area: Area | None = None,
) -> ImportPlan:
    """Plan and apply in one go, comparing with the desk once, inside the write
    transaction. Returns the plan; ``plan.summary.written`` says whether it was
    applied. A refused file (see :meth:`ImportPlan.can_apply`) writes nothing.
    ``area`` as for :func:`plan_import`.
    """
    prep = _prepare(path, fmt, column_map, _area(desk, area), progress)
    if not prep.groups or not prep.can_apply(skip_bad=skip_bad):
        return _plan_read(desk, prep, progress)
    try:
        with desk.write(streaming=_streaming(prep.groups)) as tx:
            plan = prep.plan(_Diff.build(tx.conn, prep.groups, progress))
            if not plan.can_apply(skip_bad=skip_bad):
                raise _RollBack(plan)
            _write(tx, plan.diff, f"import {path.name}", progress)
    except _RollBack as stop:
        return stop.plan
    plan.summary = replace(plan.summary, written=True)
    return plan


def apply_import(
    desk: Desk, plan: ImportPlan, *, skip_bad: bool = False, progress: ProgressFn | None = None
) -> ImportSummary:
    """Write a plan made by :func:`plan_import` (the TUI's confirm step), in one
    transaction; returns what was done.

    The comparison with the desk is made again inside the write transaction, so a
    change since the preview (a sync, another officer) is taken into account.
    Raises ImportRefused, writing nothing, when the plan has problems and not
    ``skip_bad``, or when it has a problem that cannot be skipped.
    """
    if not plan.can_apply(skip_bad=skip_bad):
        raise ImportRefused(_refusal_message(plan.problems, fatal=plan.fatal), plan.problems)
    with desk.write(streaming=_streaming(plan.groups)) as tx:
        diff = _Diff.build(tx.conn, plan.groups, progress)
        if diff.problems and not skip_bad:
            problems = sorted([*plan.problems, *diff.problems], key=lambda p: p.row)
            raise ImportRefused(_refusal_message(problems, fatal=False), problems)
        summary = diff.summary(
            rejected_people=plan.summary.people.rejected + len(diff.rejected_groups),
            rejected_rows=len(plan.rejected) + sum(len(g) for g in diff.rejected_groups),
        )
        _write(tx, diff, f"import {plan.source.name}", progress)
    return ImportSummary(summary.people, summary.candidacies, summary.organisations, written=True)


def _streaming(groups: list[list[CandidacyRecord]]) -> bool:
    """A large import writes many rows it will not read again: a small page cache."""
    return len(groups) > _STREAMING_PEOPLE


class _RollBack(Exception):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__()
        self.plan = plan


def _write(tx: WriteTx, diff: _Diff, detail: str, progress: ProgressFn | None) -> None:
    """Write the diff, a batch at a time, emptying its lists as it goes: the audit events
    of each batch are appended at once and each list is let go once written, so memory
    does not grow with the file while writing (the counts are taken before)."""
    total = (
        len(diff.new_orgs)
        + len(diff.org_updates)
        + len(diff.new_people)
        + len(diff.person_updates)
        + len(diff.new_candidacies)
        + len(diff.candidacy_updates)
    )
    report = _Reporter(progress, "writing", total)
    if diff.new_orgs:
        tx.insert_many("organisation", diff.new_orgs, log="batch", detail=detail)
        report.step(len(diff.new_orgs))
    for org_id, changes in diff.org_updates:
        tx.update("organisation", org_id, changes, detail=detail)
        report.step(1)
    for people in _drain(diff.new_people, _WRITE_BATCH):
        # One collection event per person, naming the file (never its content).
        batch = [diff.person_row(p) for p in people]
        tx.insert_many("person", batch, log="each", detail=detail)
        tx.flush_audit()
        report.step(len(batch))
    for updates in _drain(diff.person_updates, _WRITE_BATCH):
        for person_id, changes in updates:
            tx.update("person", person_id, changes, detail=detail)
        tx.flush_audit()
        report.step(len(updates))
    for news in _drain(diff.new_candidacies, _WRITE_BATCH):
        tx.insert_many(
            "candidacy", [diff.candidacy_row(c) for c in news], log="batch", detail=detail
        )
        report.step(len(news))
    for updates in _drain(diff.candidacy_updates, _WRITE_BATCH):
        for cand_id, changes in updates:
            tx.update("candidacy", cand_id, changes, detail=detail)
        tx.flush_audit()
        report.step(len(updates))


def _drain(rows: list[_T], size: int) -> Iterator[list[_T]]:
    """``rows`` in batches of ``size``, in order; the list is empty afterwards."""
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        rows[start : start + size] = [None] * len(batch)  # type: ignore[list-item]
        yield batch
    rows.clear()


@dataclass
class _Prepared:
    """A parsed and checked file, before comparing with the desk."""

    path: Path
    parse: ParseResult
    problems: list[Problem]
    groups: list[list[CandidacyRecord]]
    fatal: bool
    merged: list[tuple[int, int]]  # (repeated row, the row it was merged into)
    outside: int  # candidacies outside the desk's area, left out

    def can_apply(self, *, skip_bad: bool) -> bool:
        return not self.problems or (skip_bad and not self.fatal)

    def plan(self, diff: _Diff) -> ImportPlan:
        problems = sorted([*self.problems, *diff.problems], key=lambda p: p.row)
        groups = diff.groups if diff.problems else self.groups
        rejected = _rejected_rows(self.path, self.parse, problems) if not self.fatal else []
        summary = diff.summary(
            rejected_people=_rejected_people(self.parse, rejected, groups),
            rejected_rows=len(rejected),
        )
        return ImportPlan(
            self.path,
            self.parse,
            problems,
            rejected,
            summary,
            self.fatal,
            groups,
            diff,
            [] if self.fatal else self.merged,
            0 if self.fatal else self.outside,
        )


def _area(desk: Desk, area: Area | None) -> Area:
    return desk.settings.area if area is None else area


def _prepare(
    path: Path,
    fmt: str | None,
    column_map: dict[str, str] | None,
    area: Area,
    progress: ProgressFn | None,
) -> _Prepared:
    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress("reading", done, total)

    parse = parse_file(path, fmt=fmt, column_map=column_map, progress=reading)
    problems = list(parse.problems)
    inside = [rec for rec in parse.records if area.covers(rec.place)]
    outside = len(parse.records) - len(inside)
    records = _check_records(inside, problems)
    merged: list[tuple[int, int]] = []
    groups = _check_groups(group_by_person(records), problems, merged)
    fatal = any(p.row == 0 or _TRUNCATED in p.reason for p in problems)
    return _Prepared(path, parse, problems, [] if fatal else groups, fatal, merged, outside)


def default_rejects_path(source: Path) -> Path:
    """``roster.csv`` -> ``roster.rejects.csv``, beside the input file."""
    return source.with_suffix(".rejects.csv")


def check_rejects_path(source: Path, path: Path, *, force: bool = False) -> None:
    """Raise ValidationError if the reject file could not be written at ``path``: an
    existing file is replaced only with ``force``, as for exports."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"The folder {folder} for the reject file does not exist.")
    if path.is_dir():
        raise ValidationError(f"The path {path} is a folder; give a file name for the reject file.")
    if path.resolve() == source.resolve():
        raise ValidationError("The reject file cannot be the file being imported.")
    if path.exists() and not force:
        raise ValidationError(
            f"The reject file {path} already exists; move it, name another with --rejects, "
            "or use --force to replace it. Nothing was imported."
        )


def write_rejects(plan: ImportPlan, path: Path, *, force: bool = False) -> int:
    """Write the rejected rows (row number, columns, reasons, original cells) as CSV.

    The file holds personal data: it is created readable by its owner only (0600),
    written atomically, never over the input file, and over another existing file only
    with ``force``. It follows the export rules: every cell quoted, and a cell a
    spreadsheet would run as a formula neutralised (a leading ``'``, to remove before
    importing the row again); otherwise cells are written as read. Returns the number
    of rows written.
    """
    check_rejects_path(plan.source, path, force=force)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(
        [
            "reject_row",
            "reject_columns",
            "reject_reasons",
            *(neutralise(c) for c in plan.parse.columns),
        ]
    )
    for rej in plan.rejected:
        columns = "; ".join(dict.fromkeys(p.column for p in rej.problems if p.column))
        reasons = "; ".join(p.reason for p in rej.problems)
        writer.writerow(
            [rej.row, neutralise(columns), reasons, *(neutralise(c) for c in rej.cells)]
        )
    write_atomic(path, out.getvalue().encode("utf-8-sig"), force=force)
    return len(plan.rejected)


# --------------------------------------------------------------------------- checks


def _check_records(
    records: list[CandidacyRecord], problems: list[Problem]
) -> list[CandidacyRecord]:
    """The desk's own rules for a record (those the parser does not know)."""
    good: list[CandidacyRecord] = []
    for rec in records:
        found: list[Problem] = []
        for name, limit in _MAX.items():
            value: str = getattr(rec, name)
            if len(value) > limit:
                label = "organisation name" if name == "org_name" else name
                found.append(
                    Problem(rec.row, "", f"The {label} is longer than {limit} characters.")
                )
        held = [name for name, value in rec._asdict().items() if isinstance(value, str)]
        if any(has_control(getattr(rec, name)) for name in held):
            # Which cell, not what it holds: the value could drive the terminal.
            found.append(Problem(rec.row, "", "A cell holds a control character (such as ESC)."))
        if rec.phone and not _PHONE.match(rec.phone):
            found.append(
                Problem(
                    rec.row,
                    "",
                    "The phone number may hold only digits, spaces, +, ( ) and - "
                    "(6 to 20 characters).",
                )
            )
        if found:
            problems.extend(found)
        else:
            good.append(rec)
    return good


def _check_groups(
    groups: list[list[CandidacyRecord]], problems: list[Problem], merged: list[tuple[int, int]]
) -> list[list[CandidacyRecord]]:
    """A person (grouped by name when there is no id) stands on a ballot once: a repeated
    row that agrees with the first is merged into it (``merged`` gets (row, first row));
    one that disagrees is a problem."""
    out: list[list[CandidacyRecord]] = []
    for group in groups:
        seen: dict[str, int] = {}  # ballot -> index in kept
        kept: list[CandidacyRecord] = []
        for rec in group:
            at = seen.get(rec.ballot_paper_id) if rec.ballot_paper_id else None
            if at is None:
                if rec.ballot_paper_id:
                    seen[rec.ballot_paper_id] = len(kept)
                kept.append(rec)
                continue
            first = kept[at]
            result = merge_repeat(first, rec)
            if isinstance(result, CandidacyRecord):
                kept[at] = result
                merged.append((rec.row, first.row))
                continue
            problems.append(
                Problem(
                    rec.row,
                    ", ".join(result),
                    f"This row repeats the person and ballot_paper_id of row {first.row} "
                    "but differs from it; make the rows agree or remove one.",
                )
            )
        if kept:
            out.append(kept)
    return out


def _refusal_message(problems: Sequence[Problem], *, fatal: bool) -> str:
    n = len(problems)
    noun = "problem" if n == 1 else "problems"
    if fatal:
        return (
            f"The file was refused: {n} {noun}, at least one with the file itself "
            "(its columns, encoding or quoting), which --skip-bad cannot skip. "
            "Nothing was imported."
        )
    return (
        f"The file was refused: {n} {noun}. Nothing was imported. Fix the rows listed, "
        "or use --skip-bad to import the good rows and write the bad ones to a reject file."
    )


# --------------------------------------------------------------------------- matching


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Reporter:
    """Calls ``progress`` now and then (every 1% or so), and at the end."""

    def __init__(self, progress: ProgressFn | None, stage: str, total: int) -> None:
        self.progress = progress
        self.stage = stage
        self.total = total
        self.done = 0
        self.every = max(1, total // 100)
        self.last = 0

    def step(self, n: int) -> None:
        self.done += n
        if self.progress is not None and (
            self.done - self.last >= self.every or self.done >= self.total
        ):
            self.last = self.done
            self.progress(self.stage, self.done, self.total)


def _primary(group: list[CandidacyRecord]) -> CandidacyRecord:
    """The candidacy that sets the person's party/post/ballot: the latest election
    (first in the file among equals), preferring polls that were not cancelled."""
    best = group[0]
    for rec in group[1:]:
        if _rank(rec) > _rank(best):
            best = rec
    return best


#: The office a candidacy leads to, by the kind of election.
_OFFICES: Final = {
    "local": PersonRole.COUNCILLOR,
    "parl": PersonRole.MP,
    "mayor": PersonRole.MAYOR,
    "pcc": PersonRole.PCC,
}


def _office_won(group: list[CandidacyRecord]) -> tuple[PersonRole, date | None] | None:
    """The office of the latest election the person won in this file, and its date."""
    wins = [r for r in group if r.elected is True]
    if not wins:
        return None
    latest = max(wins, key=lambda r: r.election_date or date.min)
    return _OFFICES.get(latest.election_kind, PersonRole.OTHER), latest.election_date


def _lost(group: list[CandidacyRecord], today: date) -> bool:
    """Whether the file's results say the person was not elected, with no poll of
    theirs still to be counted."""
    return any(r.elected is False for r in group) and not any(
        r.elected is None and not r.cancelled_poll and (r.election_date or date.min) >= today
        for r in group
    )


def _rank(rec: CandidacyRecord) -> tuple[bool, date]:
    return (not rec.cancelled_poll, rec.election_date or date.min)


def _person_values(
    group: list[CandidacyRecord], primary: CandidacyRecord, org_id: str | None
) -> dict[str, Any]:
    """What a person's rows say of them: the latest candidacy's values, and the first
    contact details given."""
    return {
        "name": primary.name,
        "party": primary.party,
        "post": primary.post,
        "ballot_paper_id": primary.ballot_paper_id,
        "election_date": primary.election_date,
        "organisation_id": org_id,
        "email": _first(group, "email", primary),
        "phone": _first(group, "phone", primary),
        "address": _first(group, "address", primary),
    }


def _candidacy_values(rec: CandidacyRecord, org_id: str | None) -> dict[str, Any]:
    values = {
        "election_id": rec.election_id,
        "election_date": rec.election_date,
        "party": rec.party,
        "post": rec.post,
        "organisation_id": org_id,
        "cancelled_poll": rec.cancelled_poll,
        "elected": rec.elected,
    }
    if rec.locked is not None:
        values["unconfirmed"] = not rec.locked
    return values


def _first(group: list[CandidacyRecord], name: str, primary: CandidacyRecord) -> str:
    value: str = getattr(primary, name)
    if value:
        return value
    for rec in group:
        value = getattr(rec, name)
        if value:
            return value
    return ""


@dataclass
class _Diff:
    """The changes one import makes to the desk (built from a read connection)."""

    new_orgs: list[dict[str, Any]]
    org_updates: list[tuple[str, dict[str, Any]]]
    new_people: list[tuple[str, list[CandidacyRecord], str | None]]  # id, rows, organisation
    person_updates: list[tuple[str, dict[str, Any]]]
    new_candidacies: list[tuple[str, CandidacyRecord, str | None]]  # person, row, organisation
    candidacy_updates: list[tuple[str, dict[str, Any]]]
    people_unchanged: int
    people_updated: int
    candidacies_unchanged: int
    orgs_unchanged: int
    problems: list[Problem]
    groups: list[list[CandidacyRecord]]  # groups left after problems found here
    rejected_groups: list[list[CandidacyRecord]]
    now: datetime  # when the diff was made: review dates count from it

    def person_row(self, new: tuple[str, list[CandidacyRecord], str | None]) -> dict[str, Any]:
        """The row of a new person: their latest candidacy's values, the office they
        won (if any), a review date (today if the count says they were not elected)."""
        person_id, group, org_id = new
        primary = _primary(group)
        won = _office_won(group)
        today = self.now.date()
        lost = won is None and _lost(group, today)
        return {
            "id": person_id,
            **_person_values(group, primary, org_id),
            "dc_person_id": primary.dc_person_id,
            "role": str(won[0] if won else PersonRole.CANDIDATE),
            "elected_on": won[1] if won else None,
            "review_date": today if lost else person_review_date(today),
        }

    @staticmethod
    def candidacy_row(new: tuple[str, CandidacyRecord, str | None]) -> dict[str, Any]:
        person_id, rec, org_id = new
        return {
            "person_id": person_id,
            "ballot_paper_id": rec.ballot_paper_id,
            **_candidacy_values(rec, org_id),
        }

    @classmethod
    def empty(cls) -> _Diff:
        return cls([], [], [], [], [], [], 0, 0, 0, 0, [], [], [], utcnow())

    def summary(self, *, rejected_people: int, rejected_rows: int) -> ImportSummary:
        return ImportSummary(
            people=Counts(
                new=len(self.new_people),
                updated=self.people_updated,
                unchanged=self.people_unchanged,
                rejected=rejected_people,
            ),
            candidacies=Counts(
                new=len(self.new_candidacies),
                updated=len(self.candidacy_updates),
                unchanged=self.candidacies_unchanged,
                rejected=rejected_rows,
            ),
            organisations=Counts(
                new=len(self.new_orgs),
                updated=len(self.org_updates),
                unchanged=self.orgs_unchanged,
            ),
        )

    @classmethod
    def build(
        cls,
        conn: Connection,
        groups: list[list[CandidacyRecord]],
        progress: ProgressFn | None,
    ) -> _Diff:
        diff = cls.empty()
        now = diff.now

        # Organisations, by slug: each ballot's (council, constituency, authority,
        # police force area) and the councils acting for constituencies.
        names: dict[str, str] = {}
        kinds: dict[str, str] = {}
        gss: dict[str, str] = {}  # constituency slug -> GSS code
        councils: dict[str, str] = {}  # constituency slug -> its acting council's slug

        def want(slug: str, name: str, kind: str) -> None:
            # The longest name is the most informative ("Cardiff Council" over
            # "Cardiff", which is what the slug alone gives).
            if len(name) > len(names.get(slug, "")):
                names[slug] = name
            kinds.setdefault(slug, kind)

        for group in groups:
            for rec in group:
                if not rec.org_slug:
                    continue
                want(rec.org_slug, rec.org_name, _ORG_KINDS.get(rec.election_kind, "other"))
                if rec.election_kind == "parl":
                    if rec.gss:
                        gss.setdefault(rec.org_slug, rec.gss)
                    if rec.ro_council_slug:
                        want(rec.ro_council_slug, rec.ro_council_name, "council")
                        councils.setdefault(rec.org_slug, rec.ro_council_slug)
        org_ids: dict[str, str] = {}
        held_orgs: dict[str, dict[str, Any]] = {}
        slugs = sorted(names)
        for chunk in _chunks(slugs):
            query = (
                select(ORGANISATION.c.id, ORGANISATION.c.slug, ORGANISATION.c.gss)
                .add_columns(ORGANISATION.c.council_id)
                .where(ORGANISATION.c.slug.in_(chunk), ORGANISATION.c.deleted.is_(False))
                .order_by(ORGANISATION.c.created_at.desc(), ORGANISATION.c.id.desc())
            )
            for row in conn.execute(query):
                org_ids[row.slug] = row.id  # the oldest wins (ordered last)
                held_orgs[row.slug] = dict(row._mapping)
        for slug in slugs:
            if slug not in org_ids:
                org_ids[slug] = uuid7()
                diff.new_orgs.append(
                    {
                        "id": org_ids[slug],
                        "slug": slug,
                        "name": names[slug] or slug,
                        "kind": kinds[slug],
                    }
                )
        for org in diff.new_orgs:
            slug = org["slug"]
            org["gss"] = gss.get(slug, "")
            org["council_id"] = org_ids[councils[slug]] if slug in councils else None
        for slug, held_org in held_orgs.items():
            # Fill what the desk lacks; never replace what an officer recorded.
            changes: dict[str, Any] = {}
            if slug in gss and not held_org["gss"]:
                changes["gss"] = gss[slug]
            if slug in councils and held_org["council_id"] is None:
                changes["council_id"] = org_ids[councils[slug]]
            if changes:
                diff.org_updates.append((held_org["id"], changes))
        diff.orgs_unchanged = len(held_orgs) - len(diff.org_updates)

        # People: by id; then by (name, organisation) -- for a row with an id, only
        # among people without one (someone with another id is someone else).
        primaries = [_primary(g) for g in groups]
        wanted = sorted({p.dc_person_id for p in primaries if p.dc_person_id})
        by_dc: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(wanted):
            # One id may be held twice (imported on two desks before a sync): every desk
            # updates the same record of the pair, the one on the roster with the lowest id.
            query = select(PERSON).where(PERSON.c.dc_person_id.in_(chunk))
            for row in conn.execute(query.order_by(PERSON.c.deleted.desc(), PERSON.c.id.desc())):
                by_dc[str(row.dc_person_id)] = dict(row._mapping)
        for held_id, person in list(by_dc.items()):
            # A person merged into another (a DC redirect) is found as the one they became.
            seen = {person["id"]}
            while person["deleted"] and person["merged_into"]:
                target = (
                    conn.execute(select(PERSON).where(PERSON.c.id == person["merged_into"]))
                    .mappings()
                    .first()
                )
                if target is None or target["id"] in seen:
                    break
                seen.add(target["id"])
                person = by_dc[held_id] = dict(target)
        unmatched = [p for p in primaries if not (p.dc_person_id and p.dc_person_id in by_dc)]
        by_name: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        if unmatched:
            known_orgs = sorted(
                {org_ids[p.org_slug] for p in unmatched if p.org_slug}
                - {o["id"] for o in diff.new_orgs}
            )
            base = select(PERSON).where(PERSON.c.deleted.is_(False))
            queries = [base.where(PERSON.c.organisation_id.in_(c)) for c in _chunks(known_orgs)]
            if any(not p.org_slug for p in unmatched):
                queries.append(base.where(PERSON.c.organisation_id.is_(None)))
            for query in queries:
                for row in conn.execute(query):
                    person = dict(row._mapping)
                    key = (_name_key(person["name"]), person["organisation_id"])
                    by_name.setdefault(key, []).append(person)

        claimed: set[str] = set()
        shared: set[str] = set()  # people more than one group leads to
        person_ids: list[str] = []  # people already on the desk
        group_ids: list[str] = []  # the person of each of diff.groups
        report = _Reporter(progress, "matching", len(groups))
        for group, primary in zip(groups, primaries, strict=True):
            report.step(1)
            dc_id = primary.dc_person_id
            org_id = org_ids.get(primary.org_slug) if primary.org_slug else None
            existing = by_dc.get(dc_id) if dc_id else None
            if existing is None:
                # Rows without an id are grouped by (name, organisation), so the
                # primary row's organisation is the group's.
                hits = [
                    p
                    for p in by_name.get((_name_key(primary.name), org_id), [])
                    if p["id"] not in claimed and not (dc_id and p["dc_person_id"])
                ]
                existing = hits[0] if len(hits) == 1 else None
            if existing is not None and existing["deleted"]:
                for rec in group:
                    diff.problems.append(
                        Problem(
                            rec.row,
                            "",
                            "This person was removed from the roster on this desk; "
                            "a supervisor must restore them before they can be imported.",
                        )
                    )
                diff.rejected_groups.append(group)
                continue
            diff.groups.append(group)
            won = _office_won(group)
            lost = won is None and _lost(group, now.date())
            if existing is None:
                person_id = uuid7()
                # The row itself is made when written (see _Diff.person_row): a million
                # of them held at once would be gigabytes.
                diff.new_people.append((person_id, group, org_id))
            else:
                values = _person_values(group, primary, org_id)
                person_id = existing["id"]
                if person_id in claimed:
                    # Two ids of the file lead to one person (a DC redirect followed).
                    shared.add(person_id)
                claimed.add(person_id)
                person_ids.append(person_id)
                changes = {
                    k: v for k, v in values.items() if v not in ("", None) and existing[k] != v
                }
                if dc_id and existing["dc_person_id"] is None:
                    changes["dc_person_id"] = dc_id
                role = existing["role"]
                if won is not None:
                    # After the count, the winner holds the office they won, from the poll.
                    if role != won[0]:
                        changes["role"] = str(won[0])
                    if existing["elected_on"] != won[1]:
                        changes["elected_on"] = won[1]
                elif role not in KEPT_ROLES and role != PersonRole.CANDIDATE:
                    changes["role"] = str(PersonRole.CANDIDATE)
                due = existing["review_date"]
                if lost and role not in KEPT_ROLES and (due is None or due > now.date()):
                    # Not elected: their data is kept no longer than needed (DPA s.39).
                    changes["review_date"] = now.date()
                if changes:
                    diff.person_updates.append((person_id, changes))
            group_ids.append(person_id)

        # Candidacies of the people already on the desk.
        held: dict[tuple[str, str], dict[str, Any]] = {}
        for chunk in _chunks(person_ids):
            for row in conn.execute(select(CANDIDACY).where(CANDIDACY.c.person_id.in_(chunk))):
                held[(row.person_id, row.ballot_paper_id)] = dict(row._mapping)
        updated_people = {pid for pid, _ in diff.person_updates}
        all_new = len(diff.new_people) == len(group_ids)  # a first import: no set needed
        new_ids = set() if all_new else {p[0] for p in diff.new_people}
        for group, person_id in zip(diff.groups, group_ids, strict=True):
            touched = False
            for rec in group:
                if not rec.ballot_paper_id:
                    continue
                org_id = org_ids.get(rec.org_slug) if rec.org_slug else None
                current = held.get((person_id, rec.ballot_paper_id))
                if current is None:
                    diff.new_candidacies.append((person_id, rec, org_id))  # made when written
                    if person_id in shared:  # another group's row for it is a repeat
                        held[(person_id, rec.ballot_paper_id)] = {"id": ""}
                    touched = True
                    continue
                if not current["id"]:
                    continue  # planned above, for the other id of this person
                values = _candidacy_values(rec, org_id)
                changes = {
                    k: v for k, v in values.items() if v not in ("", None) and current[k] != v
                }
                if changes:
                    diff.candidacy_updates.append((current["id"], changes))
                    touched = True
                else:
                    diff.candidacies_unchanged += 1
            if all_new or person_id in new_ids:
                continue
            if person_id in updated_people or touched:
                diff.people_updated += 1
            else:
                diff.people_unchanged += 1
        return diff


# --------------------------------------------------------------------------- rejects


def _decoded_rows(path: Path, parse: ParseResult) -> Iterator[tuple[int, list[str]]]:
    """The file's CSV records, numbered as the parser numbers rows, read a line at a time."""
    if not parse.encoding:
        return
    try:
        with path.open(newline="", encoding=parse.encoding) as fh:
            yield from enumerate(csv.reader(fh), start=1)
    except (OSError, UnicodeDecodeError, csv.Error):
        return


def _rejected_rows(path: Path, parse: ParseResult, problems: list[Problem]) -> list[RejectedRow]:
    by_row: dict[int, list[Problem]] = {}
    for p in problems:
        if p.row > 0:
            by_row.setdefault(p.row, []).append(p)
    if not by_row:
        return []
    cells: dict[int, list[str]] = {}
    last = max(by_row)
    for n, row in _decoded_rows(path, parse):
        if n in by_row:
            cells[n] = row
        if n >= last:
            break
    return [RejectedRow(n, tuple(by_row[n]), tuple(cells.get(n, ()))) for n in sorted(by_row)]


def _rejected_people(
    parse: ParseResult, rejected: list[RejectedRow], groups: Iterable[list[CandidacyRecord]]
) -> int:
    """People none of whose rows will be imported (each row without an id is a person)."""
    if not rejected:
        return 0
    by_field = {f: c for c, f in parse.mapping.items()}
    i_pid = parse.columns.index(by_field["person_id"]) if "person_id" in by_field else -1
    imported = {g[0].dc_person_id for g in groups if g[0].dc_person_id}
    keys: set[str] = set()
    for rej in rejected:
        pid = rej.cells[i_pid].strip() if 0 <= i_pid < len(rej.cells) else ""
        if pid:
            if pid not in imported:
                keys.add("id:" + pid)
        else:
            keys.add(f"row:{rej.row}")
    return len(keys)
