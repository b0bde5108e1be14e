"""Roster import, writing half: plan an import against the desk, then apply it.

:func:`plan_import` parses a candidates CSV (see :mod:`deskapp.importing.candidates`), runs the
checks that need the desk's own rules (phone numbers, field lengths, repeated ballots),
and compares the clean rows with what the desk holds, without writing anything: the
plan's counts are the preview (``--dry-run``, the TUI's confirm screen).
:func:`import_file` (and :func:`apply_import`, for a plan) does the same and writes
through the one write path, in one transaction. Both read the file twice, streaming,
and parse it once: a large file's first pass (:func:`_scan_pass`) reads only each row's
person id or name, to know which rows are one person's; the second
(:func:`_second_pass`) parses, checks, compares and writes. A million-row file costs a
batch of people in memory, not the file. (A small file is parsed in its first pass and
its good rows kept, :func:`_first_pass`.)

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
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import pairwise
from operator import gt, itemgetter
from pathlib import Path
from typing import Any, Final, TypedDict, get_type_hints

from sqlalchemy import Connection, select

from deskapp.db import bulk_load, search_index
from deskapp.db.desk import Desk
from deskapp.db.tables import CANDIDACY, ORGANISATION, PERSON
from deskapp.db.writes import WriteTx
from deskapp.domain.area import Area
from deskapp.domain.errors import ValidationError
from deskapp.domain.retention import person_review_date
from deskapp.domain.text import has_control
from deskapp.domain.vocabulary import PersonRole
from deskapp.exporting.export import neutralise, write_atomic
from deskapp.importing.candidates import (
    CandidacyRecord,
    ParseResult,
    Problem,
    group_key,
    key_of_cells,
    merge_repeat,
    name_key,
    parse_file,
    person_key,
    scan_keys,
)
from deskapp.protocol.ids import uuid7, uuid7_many
from deskapp.runtime.clock import utcnow

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


#: ``progress(stage, done, total)``, in bytes of the file: "reading" (the first pass,
#: checking every row), then "matching" (a plan: comparing with the desk) or "writing"
#: (an import: comparing and writing).
ProgressFn = Callable[[str, int, int], None]

#: What each stage of an import is called to an officer, in the app and on the command
#: line. Each reads the file through once, and counts the bytes read.
STAGE_WORDS: Final[dict[str, str]] = {
    "reading": "Reading and checking the file",
    "matching": "Comparing with the desk",
    "writing": "Saving to the desk",
}


def stage_text(stage: str, done: int, total: int) -> str:
    """An import's progress in an officer's words ("Reading and checking the file:
    3.2 of 14.5 MB"), never the importer's own stage name."""
    label = STAGE_WORDS.get(stage, "Working")
    if total < 1_000_000:
        return f"{label}: {done / 1000:.0f} of {total / 1000:.0f} KB"
    return f"{label}: {done / 1_000_000:.1f} of {total / 1_000_000:.1f} MB"


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
#: An import of more rows keeps a small page cache while it writes (Desk.write).
_STREAMING_ROWS: Final = 20_000
#: People compared with the desk, and written, at a time: what memory holds of a file.
_BATCH_PEOPLE: Final = 5_000
#: A file of up to this many good rows is not read twice: the first pass keeps them
#: (a few MB), which spares small files, the common case, a second parse.
_KEEP_ROWS: Final = 20_000
#: What a row of a candidates file takes, at most, for the most part (a Democracy Club
#: export's is ~150 bytes): a file of up to _KEEP_ROWS rows this long is parsed once and
#: its good rows kept; a larger one is scanned for its keys first, then parsed once.
_ROW_BYTES: Final = 250
#: The roster's index a large import sets aside while it writes and makes at the end
#: (db/bulk_load.py): by surname, the one whose order is not the order people arrive in.
_OUT_OF_ORDER: Final = ("ix_person_sort",)


class ImportRefused(ValidationError):
    """The file has problems and was refused whole: nothing was written."""

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(message)
        self.problems = list(problems)


class CountsDict(TypedDict):
    new: int
    updated: int
    unchanged: int
    rejected: int


class SummaryDict(CountsDict):
    """What an import did, as ``--json`` prints it: the people's counts at the top level
    and again under ``people``, beside the candidacies' and organisations'."""

    people: CountsDict
    candidacies: CountsDict
    organisations: CountsDict
    written: bool


class MergedDict(TypedDict):
    row: int
    into: int


class ProblemDict(TypedDict):
    row: int
    column: str
    reason: str


class PlanDict(SummaryDict):
    """The JSON report of an import: counts and every problem (``ImportPlan.as_dict``)."""

    file: str
    format: str
    encoding: str
    rows: int
    merged: list[MergedDict]
    outside_area: int
    problems: list[ProblemDict]


@dataclass(frozen=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> CountsDict:
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

    def as_dict(self) -> SummaryDict:
        return {
            **self.people.as_dict(),
            "people": self.people.as_dict(),
            "candidacies": self.candidacies.as_dict(),
            "organisations": self.organisations.as_dict(),
            "written": self.written,
        }


@dataclass
class ImportPlan:
    """A file read and compared with the desk: the preview of an import (or what an
    import did). It holds counts and problems, never the file's rows: applying it reads
    the file again (:func:`apply_import`)."""

    source: Path
    parse: ParseResult  # the format, columns and encoding (its ``records`` stay empty)
    problems: list[Problem]  # the parser's and the importer's, by row
    rejected: list[RejectedRow]
    summary: ImportSummary
    fatal: bool  # a problem --skip-bad cannot skip (the header, the encoding, quoting)
    #: Rows that repeated an earlier row's person and ballot and agreed with it:
    #: (repeated row, the row it was merged into).
    merged: list[tuple[int, int]] = field(default_factory=list)
    #: Candidacies outside the desk's area, left out.
    outside: int = 0
    #: Rows that go to the desk (after merging repeats; rejected rows not counted).
    kept: int = 0
    #: How the file was read, to read it again the same way when the plan is applied.
    options: _Options | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        """Data rows read: the good ones and the rejected ones."""
        return self.kept + len(self.rejected) + len(self.merged) + self.outside

    def can_apply(self, *, skip_bad: bool) -> bool:
        return self.ok or (skip_bad and not self.fatal)

    def as_dict(self) -> PlanDict:
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


@dataclass(frozen=True)
class _Options:
    fmt: str | None
    column_map: dict[str, str] | None
    area: Area


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
    options = _Options(fmt, column_map, _area(desk, area))
    return _plan_read(desk, _read(path, options, progress), progress)


def _plan_read(desk: Desk, read: _Read, progress: ProgressFn | None) -> ImportPlan:
    if read.fatal or not read.good:
        return read.plan(_Matcher.nothing())
    with desk.read() as conn:
        matcher = _Matcher(conn, utcnow(), read.watched)
        _second_pass(read, matcher, None, progress)
    return read.plan(matcher)


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
    """Read, check, compare and write, in one transaction. Returns the plan;
    ``plan.summary.written`` says whether it was applied. A refused file (see
    :meth:`ImportPlan.can_apply`) writes nothing. ``area`` as for :func:`plan_import`.

    The file is read twice, streaming, so that memory does not grow with it: first to
    note which rows belong to one person (a small file is checked then too); then to
    check each row, compare each person with the desk and write them, a batch at a
    time. A problem the second reading finds (a bad row of a large file, rows that
    disagree, a person removed from the desk) stops the writing and rolls the whole
    transaction back, so a refused file writes nothing.
    """
    options = _Options(fmt, column_map, _area(desk, area))
    read = _read(path, options, progress)
    if read.fatal or not read.good or not read.can_apply(skip_bad=skip_bad):
        return _plan_read(desk, read, progress)
    writing = _Writing(desk, read.good)
    matcher = _Matcher(None, utcnow(), read.watched)
    with writing:
        _second_pass(read, matcher, writing, progress, skip_bad=skip_bad)
        plan = read.plan(matcher)
        if not plan.can_apply(skip_bad=skip_bad):
            return plan  # rolled back as the first problem was found (or never begun)
        writing.finish()
    plan.summary = replace(plan.summary, written=True)
    return plan


class _Writing:
    """An import's write transaction, begun as its first batch of people is to be
    written and rolled back at the first problem that refuses the file, so that the
    desk's write lock is held only while good rows are written: the rest of a refused
    file is read on a read snapshot, other writers (the app, another command) going on
    meanwhile. Nothing of a refused file is ever committed."""

    def __init__(self, desk: Desk, good: int) -> None:
        self.desk = desk
        self.good = good
        self._stack = ExitStack()
        self.tx: WriteTx | None = None
        self._reading: Connection | None = None
        self._deferred = False
        self._aside: list[str] = []

    def __enter__(self) -> _Writing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abandon()

    @property
    def open(self) -> bool:
        """Whether the import may still write (no problem has refused it)."""
        return self._reading is None

    def begin(self, matcher: _Matcher) -> WriteTx:
        """The transaction, begun now if it is not yet (the matcher then compares with
        the desk through it)."""
        if self.tx is None:
            assert self.open, "a refused import does not write again"
            tx = self._stack.enter_context(self.desk.write(streaming=self.good > _STREAMING_ROWS))
            # A large import leaves the search index to be rebuilt once at the end, as a
            # large pull does (db/search_index.py), and the roster's order by surname
            # to be made again (db/bulk_load.py): far cheaper than row by row.
            self._deferred = search_index.worth_deferring(tx.conn, self.good)
            if self._deferred:
                search_index.defer(tx.conn)
            if bulk_load.worth_setting_aside(tx.conn, "person", self.good):
                self._aside = bulk_load.set_aside(tx.conn, _OUT_OF_ORDER)
            self.tx = tx
            matcher.conn, matcher.now = tx.conn, tx.now
        return self.tx

    def compare_only(self, matcher: _Matcher) -> None:
        """The file is refused: roll back what was written (letting the desk go) and
        compare the rest on a read snapshot, for the plan's counts."""
        if self._reading is None:
            self.abandon()
            self._reading = self._stack.enter_context(self.desk.read())
            matcher.conn = self._reading

    def finish(self) -> None:
        """Make the set-aside indexes and the search index again, and commit."""
        tx = self.tx
        if tx is not None:
            bulk_load.restore(tx.conn, self._aside)
            if self._deferred:
                search_index.rebuild_in(tx.conn)
                tx.touched.update(("person", "incident"))
            self.tx = None
            self._stack.close()

    def abandon(self) -> None:
        """Roll the transaction back (and end any read snapshot)."""
        if self.tx is not None:
            self.tx = None
            stop = _RollBack()
            self._stack.__exit__(type(stop), stop, None)
        else:
            self._stack.close()


def apply_import(
    desk: Desk, plan: ImportPlan, *, skip_bad: bool = False, progress: ProgressFn | None = None
) -> ImportSummary:
    """Apply a plan made by :func:`plan_import` (the TUI's confirm step): the file is
    read, checked and compared with the desk again, inside the write transaction, so a
    change since the preview (to the file, a sync, another officer) is taken into
    account. Returns what was done.

    Raises ImportRefused, writing nothing, when the plan has problems and not
    ``skip_bad``, when it has a problem that cannot be skipped, or when the file now
    has problems it did not have.
    """
    if not plan.can_apply(skip_bad=skip_bad) or plan.options is None:
        raise ImportRefused(_refusal_message(plan.problems, fatal=plan.fatal), plan.problems)
    options = plan.options
    done = import_file(
        desk,
        plan.source,
        fmt=options.fmt,
        column_map=options.column_map,
        skip_bad=skip_bad,
        progress=progress,
        area=options.area,
    )
    if not done.summary.written:
        raise ImportRefused(_refusal_message(done.problems, fatal=done.fatal), done.problems)
    return done.summary


class _RollBack(Exception):
    """Thrown into the write transaction to roll it back."""


def _write(tx: WriteTx, diff: _Diff, detail: str) -> None:
    """Write one batch's changes: organisations first (people name them), then people
    (one collection event each, naming the file, never its content), then candidacies."""
    if diff.new_orgs:
        tx.insert_many("organisation", diff.new_orgs, log="batch", detail=detail)
    for org_id, changes in diff.org_updates:
        tx.update("organisation", org_id, changes, detail=detail)
    if diff.new_people:
        batch = [diff.person_row(p) for p in diff.new_people]
        tx.insert_many("person", batch, log="each", detail=detail)
    for person_id, changes in diff.person_updates:
        tx.update("person", person_id, changes, detail=detail)
    if diff.new_candidacies:
        rows = [diff.candidacy_row(c) for c in diff.new_candidacies]
        tx.insert_many("candidacy", rows, log="batch", detail=detail)
    for cand_id, changes in diff.candidacy_updates:
        tx.update("candidacy", cand_id, changes, detail=detail)
    tx.flush_audit()


def _area(desk: Desk, area: Area | None) -> Area:
    return desk.settings.area if area is None else area


# --------------------------------------------------------------------------- the two passes

#: Row flags of the first pass: the row's person has other rows (good ones, when the
#: first pass checked them); this is the last of them.
_MORE: Final = 1
_LAST: Final = 2


@dataclass
class _Read:
    """The first pass over a file: for each row whether its person has other rows and
    whether it is their last (``flags``, by row number): what the second pass needs to
    hand over each person whole, holding only people whose rows are still to come.

    A small file's first pass (:func:`_first_pass`) parses and checks every row, and
    keeps the good ones: ``checked``, the problems and rows outside the desk's area are
    all known, and the second pass reads ``kept`` instead of the file. A large file's
    (:func:`_scan_pass`) reads only each row's person id or name: the second pass, the
    one parse of the file, finds the problems and counts the rows outside the area."""

    path: Path
    options: _Options
    parse: ParseResult
    problems: list[Problem]
    fatal: bool
    outside: int
    good: int  # rows without a problem of their own, inside the area (or, unchecked, keyed)
    flags: bytearray
    #: Person ids on rejected rows: whether any of their other rows is imported decides
    #: whether the person counts as rejected.
    watched: frozenset[str]
    #: The good rows themselves, when there are few (see _KEEP_ROWS); else None.
    kept: list[CandidacyRecord] | None = None
    checked: bool = True

    def can_apply(self, *, skip_bad: bool) -> bool:
        return not self.problems or (skip_bad and not self.fatal)

    def plan(self, matcher: _Matcher) -> ImportPlan:
        problems = sorted([*self.problems, *matcher.problems], key=lambda p: p.row)
        rejected = _rejected_rows(self.path, self.parse, problems) if not self.fatal else []
        summary = matcher.summary(
            rejected_people=_rejected_people(self.parse, rejected, matcher.imported),
            rejected_rows=len(rejected),
        )
        return ImportPlan(
            self.path,
            self.parse,
            problems,
            rejected,
            summary,
            self.fatal,
            [] if self.fatal else matcher.merged,
            0 if self.fatal else self.outside,
            0 if self.fatal else matcher.kept,
            self.options,
        )


def _is_fatal(problems: Sequence[Problem]) -> bool:
    """A problem --skip-bad cannot skip: with the file itself, or a row that stopped
    the reading."""
    return any(p.row == 0 or _TRUNCATED in p.reason for p in problems)


def _read(path: Path, options: _Options, progress: ProgressFn | None) -> _Read:
    """The first pass: a full parse of a small file, a scan of a large one's keys."""
    try:
        small = path.stat().st_size <= _KEEP_ROWS * _ROW_BYTES
    except OSError:
        small = True  # the parse says what is wrong with the path
    if not small:
        read = _scan_pass(path, options, progress)
        if read is not None:
            return read
    return _first_pass(path, options, progress)


def _first_pass(path: Path, options: _Options, progress: ProgressFn | None) -> _Read:
    """Read and check every row, keeping of each good one its group key hashed and its
    row number (16 bytes a row), and the good rows themselves while they are few."""
    area = options.area
    everywhere = area.everywhere  # then no row's place need be made
    problems: list[Problem] = []
    hashes = array("q")
    rows = array("q")
    outside = 0
    kept: list[CandidacyRecord] | None = []

    def check(rec: CandidacyRecord) -> None:
        nonlocal outside, kept
        if not everywhere and not area.covers(rec.place):
            outside += 1
            return
        found = _record_problems(rec)
        if found:
            problems.extend(found)
            return
        hashes.append(hash(group_key(rec)))
        rows.append(rec.row)
        if kept is not None:
            kept.append(rec)
            if len(kept) > _KEEP_ROWS:
                kept = None  # a large file: the second pass reads it again

    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress("reading", done, total)

    parse = parse_file(
        path, fmt=options.fmt, column_map=options.column_map, progress=reading, sink=check
    )
    problems = [*parse.problems, *problems]
    fatal = _is_fatal(problems)
    watched = frozenset() if fatal else _rejected_ids(path, parse, problems)
    flags = _flags(hashes, rows)
    return _Read(path, options, parse, problems, fatal, outside, len(rows), flags, watched, kept)


def _scan_pass(path: Path, options: _Options, progress: ProgressFn | None) -> _Read | None:
    """Read of each row only its group key (see candidates.scan_keys): a fraction of a
    full parse. None when the file has a problem of its own (its header, encoding or
    quoting), which the full parse of :func:`_first_pass` reports with every other."""

    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress("reading", done, total)

    parse, rows, hashes = scan_keys(
        path, fmt=options.fmt, column_map=options.column_map, progress=reading
    )
    if parse.problems or not rows:
        return None
    flags = _flags(hashes, rows)
    del hashes
    return _Read(path, options, parse, [], False, 0, len(rows), flags, frozenset(), checked=False)


def _flags(hashes: array[int], rows: array[int]) -> bytearray:
    """For each row number (``rows`` are in file order): _MORE when another row has
    the same key hash, with _LAST on the last such row. (Rows whose keys hash alike
    are held together until the last of them: the second pass groups by the person's
    key itself.)"""
    if not rows:
        return bytearray()
    ordered = sorted(hashes)  # the one moment a million rows cost some memory: ~40 MB
    shared = {key for key, after in pairwise(ordered) if key == after}
    del ordered
    flags = bytearray(rows[-1] + 1)
    ended: set[int] = set()  # keys whose last row is behind us, reading backwards
    for key, row in zip(reversed(hashes), reversed(rows), strict=True):
        if key not in shared:
            continue
        if key in ended:
            flags[row] = _MORE
        else:
            flags[row] = _MORE | _LAST
            ended.add(key)
    return flags


def _second_pass(
    read: _Read,
    matcher: _Matcher,
    writing: _Writing | None,
    progress: ProgressFn | None,
    *,
    skip_bad: bool = False,
) -> None:
    """Read the file again (or the rows the first pass kept); hand each person's rows
    whole to ``matcher``, a batch of people at a time, and write each batch when
    ``writing`` is given. After a first pass that did not check the rows, this one does:
    its problems go to ``read`` (and, unless ``skip_bad``, the first one rolls back what
    was written and the rest is only compared)."""
    area = read.options.area
    everywhere = area.everywhere
    flags = read.flags
    size = len(flags)
    checked = read.checked
    problems = read.problems
    watched = matcher.watched
    waiting: dict[int, dict[str | tuple[str, str], list[CandidacyRecord]]] = {}
    batch: list[list[CandidacyRecord]] = []
    detail = f"import {read.path.name}"
    id_column = _id_column(read.parse)

    def refused() -> None:
        """A problem refuses the file: nothing more is written, and the desk is let go
        at once, not when the reading ends."""
        if writing is not None and not skip_bad:
            writing.compare_only(matcher)

    def flush() -> None:
        if (
            writing is not None
            and writing.open
            and (skip_bad or not (problems or matcher.problems))
        ):
            _write(writing.begin(matcher), matcher.batch(batch), detail)
        else:
            matcher.batch(batch)
        batch.clear()
        if problems or matcher.problems:
            refused()

    def person(group: list[CandidacyRecord]) -> None:
        before = len(matcher.problems)
        kept = _check_group(group, matcher.problems, matcher.merged, id_column)
        if len(matcher.problems) > before:
            refused()
            if group[0].dc_person_id:
                watched.add(group[0].dc_person_id)  # rows of it rejected
        if kept:
            batch.append(kept)
            if len(batch) >= _BATCH_PEOPLE:
                flush()

    def release(key: object, row: int) -> None:
        """A row that will not be imported ends its key's rows when it is their last."""
        if key is not None and row < size and flags[row] & _LAST:
            for group in waiting.pop(hash(key), {}).values():
                person(group)

    def take(rec: CandidacyRecord) -> None:
        if checked:
            if _record_problems(rec) or not (everywhere or area.covers(rec.place)):
                return  # counted by the first pass
        else:
            found = _record_problems(rec)
            if found or not (everywhere or area.covers(rec.place)):
                if found:
                    problems.extend(found)
                    refused()
                    if rec.dc_person_id:
                        watched.add(rec.dc_person_id)
                else:
                    read.outside += 1
                release(group_key(rec), rec.row)
                return
        flag = flags[rec.row] if rec.row < size else 0
        if not flag & _MORE:
            person([rec])  # the person's only row: most rows, held no longer than this
            return
        key = hash(group_key(rec))
        waiting.setdefault(key, {}).setdefault(person_key(rec), []).append(rec)
        if flag & _LAST:
            for group in waiting.pop(key).values():
                person(group)

    i_pid = _pid_index(read.parse)
    i_name = -1 if checked else read.parse.columns.index(_column_of(read.parse, "name"))

    def reject(row: int, cells: list[str]) -> None:
        """A row the parser found problems in (the second pass's own parse)."""
        refused()
        pid = cells[i_pid].strip() if 0 <= i_pid < len(cells) else ""
        if pid:
            watched.add(pid)
        release(key_of_cells(cells, i_pid, i_name), row)

    def stage(done: int, total: int) -> None:
        if progress is not None:
            progress("writing" if writing is not None else "matching", done, total)

    if read.kept is None:
        parse = parse_file(
            read.path,
            fmt=read.options.fmt,
            column_map=read.options.column_map,
            progress=stage,
            sink=take,
            reject=None if checked else reject,
        )
        if not checked:
            problems.extend(parse.problems)
            read.fatal = _is_fatal(parse.problems)
    else:
        for rec in read.kept:
            take(rec)
        total = read.path.stat().st_size
        stage(total, total)
    for held in waiting.values():  # rows whose last was rejected, or a file changed meanwhile
        for group in held.values():
            person(group)
    if batch:
        flush()


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

#: The text fields of a record, by position (checked for control characters at once).
_TEXT_OF: Final = itemgetter(
    *(i for i, t in enumerate(get_type_hints(CandidacyRecord).values()) if t is str)
)


#: The fields _MAX limits, by position, and their limits in the same order.
_LIMITED_OF: Final = itemgetter(*(CandidacyRecord._fields.index(name) for name in _MAX))
_LIMITS: Final = tuple(_MAX.values())


def _record_problems(rec: CandidacyRecord) -> list[Problem]:
    """The desk's own rules for a record (those the parser does not know)."""
    found: list[Problem] = []
    if any(map(gt, map(len, _LIMITED_OF(rec)), _LIMITS)):  # rarely: then say which
        for name, limit in _MAX.items():
            value: str = getattr(rec, name)
            if len(value) > limit:
                label = "organisation name" if name == "org_name" else name
                found.append(
                    Problem(rec.row, "", f"The {label} is longer than {limit} characters.")
                )
    # One search over every text field (a space between them is no control character).
    if has_control(" ".join(_TEXT_OF(rec))) or has_control(rec.dc_person_id or ""):
        # Which cell, not what it holds: the value could drive the terminal.
        found.append(Problem(rec.row, "", "A cell holds a control character (such as ESC)."))
    if rec.phone and not _PHONE.match(rec.phone):
        found.append(
            Problem(
                rec.row,
                "",
                "The phone number may hold only digits, spaces, +, ( ) and - (6 to 20 characters).",
            )
        )
    return found


def _check_group(
    group: list[CandidacyRecord],
    problems: list[Problem],
    merged: list[tuple[int, int]],
    id_column: str,
) -> list[CandidacyRecord]:
    """One person's rows, as they will be imported. A person id goes with one name (a row
    naming someone else is a problem). A person (grouped by name when there is no id)
    stands on a ballot once: a repeated row that agrees with the first is merged into it
    (``merged`` gets (row, first row)); one that disagrees is a problem."""
    first_name = group[0].name
    seen: dict[str, int] = {}  # ballot -> index in kept
    kept: list[CandidacyRecord] = []
    for rec in group:
        if rec.name != first_name and rec.name.casefold() != first_name.casefold():
            problems.append(
                Problem(
                    rec.row,
                    id_column,
                    f"This person_id is used on row {group[0].row} with a different name.",
                )
            )
            continue
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
    return kept


def _id_column(parse: ParseResult) -> str:
    """The file's column holding the person id ("person_id" in a Democracy Club file)."""
    return next((c for c, f in parse.mapping.items() if f == "person_id"), "person_id")


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


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    if False not in [r.elected for r in group]:  # most people: no result, or a win
        return False
    return not any(
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
    """The changes one batch of people makes to the desk."""

    now: datetime  # when the import began: review dates count from it
    new_orgs: list[dict[str, Any]] = field(default_factory=list)
    org_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    new_people: list[tuple[str, list[CandidacyRecord], str | None]] = field(
        default_factory=list
    )  # id, rows, organisation
    person_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    new_candidacies: list[tuple[str, CandidacyRecord, str | None]] = field(
        default_factory=list
    )  # person, row, organisation
    candidacy_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

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


class _Matcher:
    """Compares people with the desk, a batch at a time, keeping between batches only
    what is small (the organisations, counts, the people on the desk already claimed)
    so that memory does not grow with the file."""

    def __init__(
        self,
        conn: Connection | None,
        now: datetime,
        watched: frozenset[str],
    ) -> None:
        self.conn = conn
        self.now = now
        self.watched = set(watched)
        self.imported: set[str] = set()  # watched ids some row of which is imported
        self.problems: list[Problem] = []
        self.merged: list[tuple[int, int]] = []
        self.kept = 0  # rows going to the desk
        self.rejected_groups = 0
        self.org_ids: dict[str, str] = {}  # slug -> id, of every organisation met so far
        self.org_held: dict[str, tuple[str, str | None]] = {}  # slug -> (gss, council id)
        self.orgs_new: set[str] = set()
        self.orgs_held: set[str] = set()
        self.orgs_updated: set[str] = set()
        #: People on the desk by (name, organisation), for rows without a matching id,
        #: and the organisations read so far (None: people without one).
        self.by_name: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self.names_read: set[str | None] = set()
        self.claimed: set[str] = set()  # people on the desk that a group matched
        self.shared: set[str] = set()  # people more than one group leads to
        #: (person, ballot) of new candidacies of people already on the desk: a second
        #: group leading to the same person (a DC redirect followed) adds none again.
        self.planned: set[tuple[str, str]] = set()
        self.people_new = self.people_updated = self.people_unchanged = 0
        self.candidacies_new = self.candidacies_updated = self.candidacies_unchanged = 0

    @classmethod
    def nothing(cls) -> _Matcher:
        """For a file refused before any row is compared."""
        return cls(None, utcnow(), frozenset())

    def summary(self, *, rejected_people: int, rejected_rows: int) -> ImportSummary:
        return ImportSummary(
            people=Counts(
                self.people_new, self.people_updated, self.people_unchanged, rejected_people
            ),
            candidacies=Counts(
                self.candidacies_new,
                self.candidacies_updated,
                self.candidacies_unchanged,
                rejected_rows,
            ),
            organisations=Counts(
                new=len(self.orgs_new),
                updated=len(self.orgs_updated),
                unchanged=len(self.orgs_held - self.orgs_updated),
            ),
        )

    def batch(self, groups: list[list[CandidacyRecord]]) -> _Diff:
        """The changes these people (each a group of rows) make to the desk."""
        assert self.conn is not None
        diff = _Diff(self.now)
        org_ids = self._organisations(groups, diff)
        groups, person_ids = self._people(groups, org_ids, diff)
        self._candidacies(groups, person_ids, org_ids, diff)
        self.people_new += len(diff.new_people)
        self.candidacies_new += len(diff.new_candidacies)
        self.candidacies_updated += len(diff.candidacy_updates)
        return diff

    def _organisations(self, groups: list[list[CandidacyRecord]], diff: _Diff) -> dict[str, str]:
        """Each ballot's organisation (council, constituency, authority, police force
        area) and the councils acting for constituencies, by slug: found, or made."""
        assert self.conn is not None
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
        org_ids = self.org_ids
        unknown = sorted(slug for slug in names if slug not in org_ids)
        for chunk in _chunks(unknown):
            query = (
                select(ORGANISATION.c.id, ORGANISATION.c.slug, ORGANISATION.c.gss)
                .add_columns(ORGANISATION.c.council_id)
                .where(ORGANISATION.c.slug.in_(chunk), ORGANISATION.c.deleted.is_(False))
                .order_by(ORGANISATION.c.created_at.desc(), ORGANISATION.c.id.desc())
            )
            for row in self.conn.execute(query):
                org_ids[row.slug] = row.id  # the oldest wins (ordered last)
                self.org_held[row.slug] = (row.gss, row.council_id)
                self.orgs_held.add(row.slug)
        made = []
        for slug in unknown:
            if slug not in org_ids:
                org_ids[slug] = uuid7()
                self.orgs_new.add(slug)
                made.append(slug)
        for slug in made:
            org: dict[str, Any] = {
                "id": org_ids[slug],
                "slug": slug,
                "name": names[slug] or slug,
                "kind": kinds[slug],
                "gss": gss.get(slug, ""),
                "council_id": org_ids[councils[slug]] if slug in councils else None,
            }
            diff.new_orgs.append(org)
            self.org_held[slug] = (org["gss"], org["council_id"])
        for slug in names:
            # Fill what the desk lacks; never replace what an officer recorded.
            held_gss, held_council = self.org_held[slug]
            changes: dict[str, Any] = {}
            if slug in gss and not held_gss:
                changes["gss"] = held_gss = gss[slug]
            if slug in councils and held_council is None:
                changes["council_id"] = held_council = org_ids[councils[slug]]
            if changes:
                self.org_held[slug] = (held_gss, held_council)
                diff.org_updates.append((org_ids[slug], changes))
                if slug not in self.orgs_new:
                    self.orgs_updated.add(slug)
        return org_ids

    def _load_by_name(self, unmatched: list[CandidacyRecord], org_ids: dict[str, str]) -> None:
        """The people of the organisations of ``unmatched`` rows, by (name, organisation),
        each organisation read once, before this import adds anyone to it: a later
        batch never finds, by name, someone an earlier batch made. An organisation this
        import made holds no one else."""
        assert self.conn is not None
        made = {org_ids[s] for s in self.orgs_new}
        wanted = {org_ids[p.org_slug] if p.org_slug else None for p in unmatched}
        wanted -= made | self.names_read
        if not wanted:
            return
        self.names_read |= wanted
        base = select(PERSON).where(PERSON.c.deleted.is_(False))
        known = sorted(o for o in wanted if o is not None)
        queries = [base.where(PERSON.c.organisation_id.in_(c)) for c in _chunks(known)]
        if None in wanted:
            queries.append(base.where(PERSON.c.organisation_id.is_(None)))
        for query in queries:
            for row in self.conn.execute(query):
                person = dict(row._mapping)
                key = (name_key(person["name"]), person["organisation_id"])
                self.by_name.setdefault(key, []).append(person)

    def _people(
        self, groups: list[list[CandidacyRecord]], org_ids: dict[str, str], diff: _Diff
    ) -> tuple[list[list[CandidacyRecord]], list[str]]:
        """Each group's person: by id; then by (name, organisation) -- for a row with an
        id, only among people without one (someone with another id is someone else).
        Returns the groups left (a person removed from the desk is a problem) and the
        person of each."""
        conn = self.conn
        assert conn is not None
        now = self.now
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
        self._load_by_name(unmatched, org_ids)
        by_name = self.by_name

        claimed = self.claimed
        # An id for each group that may be someone new, made at once (most are, in a
        # first import); the unused cost less than an id made one at a time.
        fresh = iter(uuid7_many(len(groups)))
        kept: list[list[CandidacyRecord]] = []
        group_ids: list[str] = []  # the person of each kept group
        for group, primary in zip(groups, primaries, strict=True):
            dc_id = primary.dc_person_id
            org_id = org_ids.get(primary.org_slug) if primary.org_slug else None
            existing = by_dc.get(dc_id) if dc_id else None
            if existing is None:
                # Rows without an id are grouped by (name, organisation), so the
                # primary row's organisation is the group's.
                hits = [
                    p
                    for p in by_name.get((name_key(primary.name), org_id), [])
                    if p["id"] not in claimed and not (dc_id and p["dc_person_id"])
                ]
                existing = hits[0] if len(hits) == 1 else None
            if existing is not None and existing["deleted"]:
                for rec in group:
                    self.problems.append(
                        Problem(
                            rec.row,
                            "",
                            "This person was removed from the roster on this desk; "
                            "a supervisor must restore them before they can be imported.",
                        )
                    )
                self.rejected_groups += 1
                continue
            kept.append(group)
            self.kept += len(group)
            if dc_id in self.watched:
                self.imported.add(dc_id)
            if existing is None:
                person_id = next(fresh)
                # The row itself is made when written (see _Diff.person_row).
                diff.new_people.append((person_id, group, org_id))
            else:
                won = _office_won(group)
                lost = won is None and _lost(group, now.date())
                values = _person_values(group, primary, org_id)
                person_id = existing["id"]
                if person_id in claimed:
                    # Two ids of the file lead to one person (a DC redirect followed).
                    self.shared.add(person_id)
                claimed.add(person_id)
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
        return kept, group_ids

    def _candidacies(
        self,
        groups: list[list[CandidacyRecord]],
        group_ids: list[str],
        org_ids: dict[str, str],
        diff: _Diff,
    ) -> None:
        """The candidacies of each person, new or changed; and whether each person
        already on the desk is updated or unchanged."""
        assert self.conn is not None
        new_ids = {p[0] for p in diff.new_people}
        on_desk = [pid for pid in group_ids if pid not in new_ids]
        held: dict[tuple[str, str], dict[str, Any]] = {}
        for chunk in _chunks(on_desk):
            query = select(CANDIDACY).where(CANDIDACY.c.person_id.in_(chunk))
            for row in self.conn.execute(query):
                held[(row.person_id, row.ballot_paper_id)] = dict(row._mapping)
        updated_people = {pid for pid, _ in diff.person_updates}
        for group, person_id in zip(groups, group_ids, strict=True):
            is_new = person_id in new_ids
            touched = False
            for rec in group:
                if not rec.ballot_paper_id:
                    continue
                org_id = org_ids.get(rec.org_slug) if rec.org_slug else None
                key = (person_id, rec.ballot_paper_id)
                if not is_new and key in self.planned:
                    continue  # planned already, for another id of this person
                current = held.get(key)
                if current is None:
                    diff.new_candidacies.append((person_id, rec, org_id))  # made when written
                    if not is_new:
                        self.planned.add(key)
                    touched = True
                    continue
                values = _candidacy_values(rec, org_id)
                changes = {
                    k: v for k, v in values.items() if v not in ("", None) and current[k] != v
                }
                if changes:
                    diff.candidacy_updates.append((current["id"], changes))
                    touched = True
                else:
                    self.candidacies_unchanged += 1
            if is_new:
                continue
            if person_id in updated_people or touched:
                self.people_updated += 1
            else:
                self.people_unchanged += 1


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


def _rejected_ids(path: Path, parse: ParseResult, problems: list[Problem]) -> frozenset[str]:
    """The person ids on rows with a problem."""
    i_pid = _pid_index(parse)
    if i_pid < 0 or not any(p.row > 0 for p in problems):
        return frozenset()
    rows = _rejected_rows(path, parse, problems)
    return frozenset(r.cells[i_pid].strip() for r in rows if i_pid < len(r.cells)) - {""}


def _pid_index(parse: ParseResult) -> int:
    column = _column_of(parse, "person_id")
    return parse.columns.index(column) if column else -1


def _column_of(parse: ParseResult, name: str) -> str:
    """The file's column mapped to field ``name``; "" when none is."""
    return next((c for c, f in parse.mapping.items() if f == name), "")


def _rejected_people(parse: ParseResult, rejected: list[RejectedRow], imported: set[str]) -> int:
    """People none of whose rows will be imported (each row without an id is a person);
    ``imported``: the ids on rejected rows of which another row is imported."""
    if not rejected:
        return 0
    i_pid = _pid_index(parse)
    keys: set[str] = set()
    for rej in rejected:
        pid = rej.cells[i_pid].strip() if 0 <= i_pid < len(rej.cells) else ""
        if pid:
            if pid not in imported:
                keys.add("id:" + pid)
        else:
            keys.add(f"row:{rej.row}")
    return len(keys)
