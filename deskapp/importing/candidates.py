"""Read a candidates CSV and return validated candidacy records, or every problem found.

This is the pure half of roster import: no database, no side effects. Two formats:

* ``democracyclub`` -- Democracy Club's candidates export (the column names of
  candidates.democracyclub.org.uk's CSV builder). The first-class format.
* ``csv`` -- a returning officer's spreadsheet saved as CSV. Headers are matched
  to fields by common synonyms ("Candidate Name", "Ward", "Description", ...) and
  ``--map`` overrides (see :func:`parse_map_option`).

Problems never quote cell values (names, emails, addresses are personal data); they
give the spreadsheet row, the column name and what is wrong. ``records`` holds only
rows without problems; an import should refuse to write anything unless ``ok``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Final, NamedTuple, TypeVar, get_type_hints

from deskapp.domain.area import GSS, Place
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.domain.text import slugify
from deskapp.domain.validation import is_email
from deskapp.domain.vocabulary import PersonRole

__all__ = [
    "DC_COLUMNS",
    "DC_REQUIRED_COLUMNS",
    "FIELDS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_ROW_CHARS",
    "CandidacyRecord",
    "ParseResult",
    "Problem",
    "constituency_slug",
    "council_slug",
    "group_by_person",
    "group_key",
    "key_of_cells",
    "merge_repeat",
    "name_key",
    "parse_bytes",
    "parse_file",
    "parse_map_option",
    "person_key",
    "scan_keys",
]

FORMATS: Final = ("democracyclub", "csv")
#: The caps: a file, a row (all its cells) and one cell. A Democracy Club export of a
#: whole general election is about 3 MB; a million candidacies about 150 MB.
MAX_BYTES: Final = 1024 * 1024 * 1024
MAX_ROW_CHARS: Final = 100_000
MAX_CELL_CHARS: Final = 10_000
_BLOCK: Final = 1024 * 1024  # bytes read at a time to choose the encoding
_PROGRESS_LINES: Final = 20_000
_CP1252_UNDEFINED: Final = re.compile(b"[\x81\x8d\x8f\x90\x9d]")

# Democracy Club's export: the core columns are always present.
DC_REQUIRED_COLUMNS: Final = (
    "person_id",
    "person_name",
    "election_id",
    "ballot_paper_id",
    "election_date",
    "party_name",
    "party_id",
    "post_label",
    "cancelled_poll",
    "seats_contested",
)
# Every other column DC's CSV builder can add (person, candidacy, election, results
# groups and the person identifier fields), plus ``phone`` and ``address``, which
# DC does not publish but a desk may add to a downloaded export by hand.
DC_OPTIONAL_COLUMNS: Final = (
    "election_current",
    "honorific_prefix",
    "honorific_suffix",
    "by_election",
    "by_election_reason",
    "party_description_text",
    "sopn_last_name",
    "sopn_first_names",
    "legacy_party_id",
    "party_list_position",
    "party_lists_in_use",
    "gss",
    "post_id",
    "candidates_locked",
    "nuts1",
    "organisation_name",
    "previous_party_affiliations",
    "votes_cast",
    "elected",
    "tied_vote_winner",
    "rank",
    "turnout_reported",
    "spoilt_ballots",
    "total_electorate",
    "turnout_percentage",
    "results_source",
    "email",
    "facebook_page_url",
    "facebook_personal_url",
    "homepage_url",
    "blog_url",
    "linkedin_url",
    "party_ppc_page_url",
    "twitter_username",
    "mastodon_username",
    "wikipedia_url",
    "wikidata_id",
    "youtube_profile",
    "instagram_url",
    "blue_sky_url",
    "threads_url",
    "tiktok_url",
    "other_url",
    "mnis_id",
    "twfy_id",
    "gender",
    "birth_date",
    "death_date",
    "favourite_biscuit",
    "statement_to_voters",
    "statement_last_updated",
    "person_last_updated",
    "image",
    "phone",
    "address",
)
DC_COLUMNS: Final = frozenset(DC_REQUIRED_COLUMNS + DC_OPTIONAL_COLUMNS)

# Election types whose organisation is the body itself, whatever the second part is.
_BODY_ORGS: Final[dict[str, str]] = {
    "parl": "parliament",
    "sp": "sp",
    "senedd": "senedd",
    "naw": "naw",
    "gla": "gla",
    "nia": "nia",
    "europarl": "europarl",
}
_ORG_NAMES: Final[dict[str, str]] = {
    "parliament": "House of Commons",
    "sp": "Scottish Parliament",
    "senedd": "Senedd Cymru",
    "naw": "National Assembly for Wales",
    "gla": "Greater London Authority",
    "nia": "Northern Ireland Assembly",
    "europarl": "European Parliament",
}
#: What an organisation column holds for a parliamentary ballot when it names no council.
_PARLIAMENT_NAMES: Final = frozenset(("house-of-commons", "parliament", "uk-parliament"))
_KINDS: Final = frozenset(("local", "parl", "mayor", "pcc"))
# Subtype letters DC uses after some election types: sp.c.*, sp.r.*, gla.a.*, senedd.c.*
_SUBTYPES: Final = frozenset(("c", "r", "a"))
_SMALL_WORDS: Final = frozenset(("and", "of", "upon", "on", "the", "in", "with", "under", "le"))

_TRUE: Final = frozenset(("t", "true", "1", "yes", "y"))
_FALSE: Final = frozenset(("f", "false", "0", "no", "n"))
_BOOL_HINT: Final = "must be t or f (true/false, yes/no and 1/0 are also accepted)"

_SLUG_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TYPE_PART = re.compile(r"[a-z]+\Z")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")
_HEADER_PUNCT = re.compile(r"[^\w]+")


class CandidacyRecord(NamedTuple):
    """One clean CSV row: one person standing on one ballot.

    A named tuple: a million of them must fit in memory beside each other (a third of
    the size of a dataclass instance with its ``__dict__``), and one is built fast.
    """

    row: int
    dc_person_id: str | None
    name: str
    ballot_paper_id: str
    election_id: str
    election_date: date | None
    party: str
    post: str
    org_slug: str
    org_name: str
    #: The ballot's GSS code (a constituency's, for a parliamentary ballot), upper case.
    gss: str
    #: A parliamentary ballot's council whose returning officer acts for the
    #: constituency, where the file names one (its organisation column).
    ro_council_slug: str
    ro_council_name: str
    role_hint: str
    election_kind: str
    by_election: bool
    cancelled_poll: bool
    elected: bool | None
    #: DC's candidates_locked: False while the list is not yet the statement of persons
    #: nominated (the candidacy is unconfirmed); None when the file does not say.
    locked: bool | None
    email: str
    phone: str
    address: str

    @property
    def place(self) -> Place:
        return Place(self.election_kind, self.org_slug, self.gss, self.ro_council_slug)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the file (``row`` 0) or with one spreadsheet row."""

    row: int
    column: str
    reason: str


@dataclass
class ParseResult:
    format: str
    columns: list[str]
    mapping: dict[str, str]
    records: list[CandidacyRecord]
    problems: list[Problem]
    encoding: str  # "utf-8", "utf-8-sig", "cp1252"; "" when the bytes could not be decoded

    @property
    def ok(self) -> bool:
        """True when the file parsed without a single problem (and so has records)."""
        return not self.problems


@dataclass(frozen=True, slots=True)
class _Ballot:
    kind: str
    org_slug: str
    division: str
    by_election: bool
    when: date


# --------------------------------------------------------------------------- public API


def parse_file(
    path: Path,
    *,
    fmt: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: Callable[[CandidacyRecord], None] | None = None,
    reject: Callable[[int, list[str]], None] | None = None,
) -> ParseResult:
    """Read ``path`` and parse it, streaming: memory holds the records, never the file.
    See :func:`parse_bytes`; ``progress(bytes_read, file_size)`` is called now and then.
    With ``sink``, each good record is handed to it as it is read and none is kept
    (``records`` stays empty): a million-row file then takes no memory for its rows.
    ``reject(row, cells)`` is called for each row with a problem, once its problems
    are recorded and before the next row is handed to ``sink``.

    Raises NotFound if the file does not exist and ValidationError if it cannot be read.
    """
    fmt = _check_fmt(fmt)
    user_map = _check_column_map(column_map)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            return _parse_stream(fh, size, fmt, user_map, progress, sink, reject)
    except FileNotFoundError:
        raise NotFound(f"No file at {path}. Check the path and try again.") from None
    except IsADirectoryError:
        raise ValidationError(f"The path {path} is a folder, not a CSV file.") from None
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror or exc}.") from None


@dataclass
class _KeyScan:
    """What :func:`scan_keys` gathers: each keyed row's number and its key's hash."""

    rows: array[int]
    hashes: array[int]


def scan_keys(
    path: Path,
    *,
    fmt: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ParseResult, array[int], array[int]]:
    """Read ``path`` as :func:`parse_file` does, but of each row only its
    :func:`key_of_cells` (no cell is checked): the rows whose keys hash alike tell an
    import which rows belong to one person before it reads the file properly, once.
    Returns the header as parsed (columns, mapping, encoding, and the file's own
    problems: any makes the scan worthless), and the number and key hash of every row
    that has a key, in file order.

    Raises NotFound/ValidationError as :func:`parse_file` does.
    """
    fmt = _check_fmt(fmt)
    user_map = _check_column_map(column_map)
    scan = _KeyScan(array("q"), array("q"))
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            result = _parse_stream(fh, size, fmt, user_map, progress, None, None, scan)
    except FileNotFoundError:
        raise NotFound(f"No file at {path}. Check the path and try again.") from None
    except IsADirectoryError:
        raise ValidationError(f"The path {path} is a folder, not a CSV file.") from None
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror or exc}.") from None
    return result, scan.rows, scan.hashes


def parse_bytes(
    data: bytes, *, fmt: str | None = None, column_map: dict[str, str] | None = None
) -> ParseResult:
    """Parse a candidates CSV held in memory.

    ``fmt`` is "democracyclub", "csv" or None to detect (Democracy Club when all its
    required columns are present). ``column_map`` maps CSV column names to fields
    (see FIELDS) and overrides detection. Never raises for anything in ``data``;
    raises ValidationError only for a bad ``fmt`` or ``column_map``.
    """
    fmt = _check_fmt(fmt)
    user_map = _check_column_map(column_map)
    return _parse_stream(io.BytesIO(data), len(data), fmt, user_map, None, None, None)


def _parse_stream(
    fh: BinaryIO,
    size: int,
    fmt: str | None,
    user_map: dict[str, str],
    progress: Callable[[int, int], None] | None,
    sink: Callable[[CandidacyRecord], None] | None,
    reject: Callable[[int, list[str]], None] | None,
    scan: _KeyScan | None = None,
) -> ParseResult:
    result = _empty_result(fmt)
    if size > MAX_BYTES:
        result.problems.append(Problem(0, "", _too_large_reason()))
        return result
    encoding = _encoding(fh, result)
    if encoding is None:
        return result
    fh.seek(0)
    with io.TextIOWrapper(fh, encoding=encoding, newline="") as text:
        lines = _lines(text, fh, size, progress)
        parser = _Parser(lines, fmt, user_map, result, sink or result.records.append, reject)
        parser.run(scan)
    return result


def _lines(
    text: io.TextIOWrapper,
    raw: BinaryIO,
    size: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[str]:
    """The file's lines, calling ``progress`` every so many of them."""
    if progress is None:
        yield from text
        return
    for n, line in enumerate(text, start=1):
        if not n % _PROGRESS_LINES:
            progress(raw.tell(), size)
        yield line
    progress(size, size)


def parse_map_option(text: str) -> dict[str, str]:
    """Parse ``--map 'Candidate Name=name,Ward=post'`` into {"Candidate Name": "name", ...}.

    Column names are matched to the file's headers after trimming spaces (and then
    ignoring case). Raises ValidationError for bad syntax or an unknown field.
    """
    if not text.strip():
        raise ValidationError(
            "The --map option is empty; give COLUMN=FIELD pairs separated by commas."
        )
    result: dict[str, str] = {}
    for n, item in enumerate(text.split(","), start=1):
        if not item.strip():
            raise ValidationError(f"The --map entry {n} is empty; remove the extra comma.")
        column, sep, target = item.rpartition("=")
        column = _norm(column)
        target = target.strip().lower()
        if not sep:
            raise ValidationError(
                f"The --map entry {n} has no '='; write it as COLUMN=FIELD, e.g. 'Ward=post'."
            )
        if not column:
            raise ValidationError(f"The --map entry {n} has no column name before '='.")
        if not target:
            raise ValidationError(f"The --map entry {n} has no field after '='.")
        if target not in FIELDS:
            raise ValidationError(
                f"The --map entry {n}: '{target}' is not a field. Fields: {', '.join(FIELDS)}."
            )
        if column in result:
            raise ValidationError(f"The --map option names the column '{column}' more than once.")
        result[column] = target
    _check_map_targets(result)
    return result


def group_by_person(records: Iterable[CandidacyRecord]) -> list[list[CandidacyRecord]]:
    """Group candidacies by person, in order of first appearance.

    Rows with a person id (Democracy Club's, or a mapped id column) group by that id;
    rows without one group by (name ignoring case and spacing, org_slug).
    """
    groups: dict[str | tuple[str, str], list[CandidacyRecord]] = {}
    for rec in records:
        groups.setdefault(person_key(rec), []).append(rec)
    return list(groups.values())


def person_key(rec: CandidacyRecord) -> str | tuple[str, str]:
    """What makes rows one person's: the person id; without one, the name (ignoring
    case and spacing) within the organisation. An id is its own key (no tuple for each
    of a million rows); a name goes with its organisation, in a tuple, so the two kinds
    of key never meet."""
    return rec.dc_person_id or (name_key(rec.name), rec.org_slug)


def group_key(rec: CandidacyRecord) -> str | tuple[str]:
    """A coarser :func:`person_key`: the person id, or the name alone (ignoring case and
    spacing). Rows of one person always share it (rows of namesakes in two
    organisations share it too), and it is made from two cells without reading the
    others: :func:`key_of_cells` gives it for a row before the row is checked."""
    return rec.dc_person_id or (rec.name.casefold(),)


def key_of_cells(row: Sequence[str], i_pid: int, i_name: int) -> str | tuple[str] | None:
    """:func:`group_key` of a row that is still cells (the person id's column, or -1,
    and the name's); None for a row without a name or id (blank, or too short)."""
    if len(row) <= max(i_pid, i_name):
        return None
    pid = _norm(row[i_pid]) if i_pid >= 0 else ""
    if pid:
        return pid
    name = _norm(row[i_name])
    return (name.casefold(),) if name else None


#: What a repeated row may not change: the ballot fixes the rest (the post and the
#: organisation's name, derived from it when a cell is empty, may differ in spelling).
_REPEAT_FIELDS: Final = (
    ("name", "person_name"),
    ("party", "party_name"),
    ("election_id", "election_id"),
    ("election_date", "election_date"),
    ("gss", "gss"),
    ("elected", "elected"),
    ("locked", "candidates_locked"),
    ("email", "email"),
    ("phone", "phone"),
    ("address", "address"),
)


def merge_repeat(
    first: CandidacyRecord, repeat: CandidacyRecord
) -> CandidacyRecord | tuple[str, ...]:
    """Two rows for the same person and ballot: one record when they agree (each value
    the same or empty in one of them), else the columns on which they disagree.

    Real exports repeat rows, one with an optional column filled and one without.
    """
    merged: dict[str, Any] = {}
    clash: list[str] = []
    for name, column in _REPEAT_FIELDS:
        a, b = getattr(first, name), getattr(repeat, name)
        if a in ("", None) or a == b:
            merged[name] = b if a in ("", None) else a
        elif b in ("", None) or (isinstance(a, str) and a.casefold() == b.casefold()):
            merged[name] = a
        else:
            clash.append(column)
    if clash:
        return tuple(clash)
    for name in ("post", "org_name"):  # the more informative spelling
        a, b = getattr(first, name), getattr(repeat, name)
        merged[name] = b if len(b) > len(a) else a
    if not first.ro_council_slug:
        merged["ro_council_slug"] = repeat.ro_council_slug
        merged["ro_council_name"] = repeat.ro_council_name
    merged["cancelled_poll"] = first.cancelled_poll or repeat.cancelled_poll
    merged["by_election"] = first.by_election or repeat.by_election
    return first._replace(**merged)


# --------------------------------------------------------------------------- checks


def _empty_result(fmt: str | None) -> ParseResult:
    return ParseResult(
        format=fmt or "csv", columns=[], mapping={}, records=[], problems=[], encoding=""
    )


def _too_large_reason() -> str:
    return f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into parts."


def _check_fmt(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    low = fmt.strip().lower()
    if low in ("dc", "democracy-club", "democracy_club"):
        low = "democracyclub"
    if low not in FORMATS:
        raise ValidationError(f"Unknown format '{fmt}'; use one of: {', '.join(FORMATS)}.")
    return low


def _check_column_map(column_map: dict[str, str] | None) -> dict[str, str]:
    if not column_map:
        return {}
    clean: dict[str, str] = {}
    for column, target in column_map.items():
        col = _norm(column)
        tgt = target.strip().lower()
        if not col:
            raise ValidationError("A column map entry has an empty column name.")
        if tgt not in FIELDS:
            raise ValidationError(
                f"The column map names '{target}', which is not a field. "
                f"Fields: {', '.join(FIELDS)}."
            )
        if col in clean and clean[col] != tgt:
            raise ValidationError(f"The column map names the column '{col}' twice.")
        clean[col] = tgt
    _check_map_targets(clean)
    return clean


def _check_map_targets(mapping: dict[str, str]) -> None:
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if target == "ignore":
            continue
        if target in seen:
            raise ValidationError(
                f"Both '{seen[target]}' and '{column}' are mapped to '{target}'; "
                "map only one column to each field."
            )
        seen[target] = column


# --------------------------------------------------------------------------- decoding


def _encoding(fh: BinaryIO, result: ParseResult) -> str | None:
    """Read the file once, a block at a time, to choose its encoding: UTF-8 (with or
    without BOM), else Windows-1252. None after recording a file-level problem."""
    problems = result.problems
    first = fh.read(_BLOCK)
    if not first:
        problems.append(Problem(0, "", "The file is empty."))
        return None
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(
                0,
                "",
                "The file is saved as UTF-16 ('Unicode text'); save it as 'CSV UTF-8' instead.",
            )
        )
        return None
    bom = first.startswith(b"\xef\xbb\xbf")
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_error: int | None = None  # offset of the first byte that is not UTF-8
    cp1252_error: int | None = None  # offset of the first byte Windows-1252 leaves undefined
    offset = 0
    block = first
    while block:
        if b"\x00" in block:
            problems.append(
                Problem(
                    0,
                    "",
                    "The file looks binary (it contains NUL bytes), not a CSV; "
                    "export the spreadsheet as 'CSV UTF-8' and try again.",
                )
            )
            return None
        if utf8_error is None:
            pending = len(utf8.getstate()[0])
            try:
                utf8.decode(block)
            except UnicodeDecodeError as exc:
                utf8_error = offset - pending + exc.start
        if cp1252_error is None:
            # Python's cp1252 codec rejects the five bytes Windows-1252 leaves undefined
            # (0x81, 0x8D, 0x8F, 0x90, 0x9D): their presence means some other encoding.
            bad = _CP1252_UNDEFINED.search(block)
            if bad is not None:
                cp1252_error = offset + bad.start()
        offset += len(block)
        block = fh.read(_BLOCK)
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = offset - len(utf8.getstate()[0])
    if utf8_error is None:
        result.encoding = "utf-8-sig" if bom else "utf-8"
        return result.encoding
    if bom:
        problems.append(
            Problem(
                0,
                "",
                "The file is marked as UTF-8 but is not valid UTF-8 "
                f"(first bad byte at offset {utf8_error}); re-export it as 'CSV UTF-8'.",
            )
        )
        return None
    if cp1252_error is not None:
        problems.append(
            Problem(
                0,
                "",
                "The file is neither UTF-8 nor Windows-1252 text (byte at offset "
                f"{cp1252_error} is not used by Windows-1252); it may be in another encoding. "
                "Re-export it as 'CSV UTF-8'.",
            )
        )
        return None
    result.encoding = "cp1252"
    return result.encoding


# --------------------------------------------------------------------------- values


def _norm(value: str) -> str:
    """Strip, collapse internal whitespace to one space, and NFC-normalise."""
    if not value:
        return value
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


def _norm_address(value: str) -> str:
    """As _norm, but keep line breaks as ', ' so a multi-line address stays readable."""
    if "\n" not in value and "\r" not in value:
        return _norm(value)
    return ", ".join(p for p in (_norm(line).strip(" ,") for line in value.splitlines()) if p)


def name_key(name: str) -> str:
    """What two names must share to be one person's: the same letters once composed
    (NFC: "Siân" typed or pasted either way), case and spacing ignored. The one rule,
    for rows of a file and for people on the desk."""
    return _norm(name).casefold()


def _header_key(header: str) -> str:
    """Header for synonym matching: lower case, punctuation and underscores to spaces."""
    return " ".join(_HEADER_PUNCT.sub(" ", header.casefold().replace("_", " ")).split())


def _title_from_slug(slug: str) -> str:
    words = slug.replace("-", " ").split()
    return " ".join(
        w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _calendar_date(m: re.Match[str] | None, year: int, month: int, day: int) -> date | None:
    """The date a pattern's groups name (by group number), or None where it matched
    nothing or names no day of the calendar (31/02/2024)."""
    if m is None:
        return None
    try:
        return date(int(m[year]), int(m[month]), int(m[day]))
    except ValueError:
        return None


def _iso_date(text: str) -> date | None:
    return _calendar_date(_ISO_DATE.match(text), 1, 2, 3)


def _uk_date(text: str) -> date | None:
    return _iso_date(text) or _calendar_date(_UK_DATE.match(text), 3, 2, 1)


def _parse_ballot(text: str, *, election: bool = False) -> _Ballot | None:
    """Parse a DC ballot paper id; None if it is not one.

    With ``election`` also accept group-level election ids such as ``local.2026-05-07``
    (org_slug is then "").
    """
    parts = text.split(".")
    if len(parts) < 2:
        return None
    when = _iso_date(parts[-1])
    if when is None or not _TYPE_PART.match(parts[0]):
        return None
    middle = parts[1:-1]
    if not all(_SLUG_PART.match(p) for p in middle):
        return None
    by_election = bool(middle) and middle[-1] == "by"
    if by_election:
        middle = middle[:-1]
    etype = parts[0]
    kind = etype if etype in _KINDS else "other"
    if etype == "parl" and middle:
        # A parliamentary ballot belongs to its constituency, not to one "House of Commons".
        org, rest = constituency_slug(middle[-1]), middle
    elif etype in _BODY_ORGS:
        org = _BODY_ORGS[etype]
        rest = middle[1:] if middle and middle[0] in _SUBTYPES else middle
    elif middle:
        org, rest = middle[0], middle[1:]
    elif election:
        org, rest = "", middle
    else:
        return None
    return _Ballot(kind, org, rest[-1] if rest else "", by_election, when)


#: Words a council's name ends with that its Democracy Club slug leaves out.
_COUNCIL_WORDS: Final = frozenset(
    ("council", "city", "county", "borough", "district", "metropolitan", "royal")
)


def council_slug(name: str) -> str:
    """A council's Democracy Club slug from its name: "Leeds City Council" -> ``leeds``,
    "Rhondda Cynon Taf County Borough Council" -> ``rhondda-cynon-taf``."""
    words = slugify(name).split("-")
    if words[-1] == "council":
        while len(words) > 1 and words[-1] in _COUNCIL_WORDS:
            words.pop()
    return "-".join(words)


def constituency_slug(division: str) -> str:
    """A constituency's organisation slug: ``parl.`` and its ballot slug, apart from the
    councils' slugs (Stevenage the council and Stevenage the constituency)."""
    return f"parl.{division}"


def _gss_cell(cell: str) -> tuple[bool, str]:
    """(valid, code); an empty cell is valid with no code."""
    code = cell.strip().upper()
    return (not code or GSS.match(code) is not None), code


def _parse_bool(text: str) -> bool | None:
    """True/False, or None for an unrecognised value (caller decides about empty)."""
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


_T = TypeVar("_T")


class _Memo(dict[str, _T]):
    """A dict that computes and keeps the value for a missing key."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[str], _T]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> _T:
        value = self[key] = self.fn(key)
        return value


def _ballot_cell(cell: str) -> tuple[str, _Ballot | None]:
    text = cell.strip().lower()
    return text, _parse_ballot(text) if text else None


def _election_cell(cell: str) -> tuple[str, _Ballot | None]:
    text = cell.strip().lower()
    return text, _parse_ballot(text, election=True) if text else None


def _optional(parse: Callable[[str], _T | None]) -> Callable[[str], tuple[bool, _T | None]]:
    """A cell reader from a parser: (valid, value), where an empty cell is valid with no
    value and a filled one is valid when ``parse`` makes something of it."""

    def read(cell: str) -> tuple[bool, _T | None]:
        text = cell.strip()
        if not text:
            return True, None
        value = parse(text)
        return value is not None, value

    return read


_iso_cell = _optional(_iso_date)
_uk_cell = _optional(_uk_date)
_bool_cell = _optional(_parse_bool)


def _text_cell(cell: str) -> tuple[bool, str]:
    return True, _norm(cell)


def _address_cell(cell: str) -> tuple[bool, str]:
    return True, _norm_address(cell)


def _pid_cell(cell: str) -> tuple[bool, str]:
    """A Democracy Club person id: a whole number (a bad one is read as none)."""
    pid = _norm(cell)
    return (True, pid) if not pid or (pid.isascii() and pid.isdigit()) else (False, "")


def _int_cell(cell: str) -> tuple[bool, str]:
    raw = cell.strip()
    return (not raw or (raw.isascii() and raw.isdigit())), raw


def _email_cell(cell: str) -> tuple[bool, str]:
    email = _norm(cell)
    return (not email or is_email(email)), email


def _ballot_value(cell: str) -> tuple[bool, tuple[str, _Ballot | None]]:
    text, ballot = _ballot_cell(cell)
    return (not text or ballot is not None), (text, ballot)


def _election_value(cell: str) -> tuple[bool, tuple[str, _Ballot | None]]:
    text, ballot = _election_cell(cell)
    return (not text or ballot is not None), (text, ballot)


@dataclass(frozen=True, slots=True)
class _Column:
    """One field of a row: the columns it is read from and how its cell is read.

    ``dc`` is its column in a Democracy Club export; ``headers`` what a returning
    officer's spreadsheet may call it (compared in lower case, punctuation read as
    spaces). A field of :class:`CandidacyRecord` of the same name takes its value, unless
    :meth:`_Parser.record` works it out from others; ``check_only`` columns are read for
    their problems and feed no field (nor can ``--map`` name them).

    ``read(cell)`` gives (valid, value); ``read_csv`` and ``bad_csv``, when given, are
    for generic CSV files (Democracy Club's rules are stricter). ``memo``: the cells
    repeat down a file (ballots, dates, flags, parties), so each distinct one is read
    once -- what keeps a million rows fast.
    """

    field: str
    read: Callable[[str], tuple[bool, Any]]
    bad: str = ""
    dc: str = ""
    headers: tuple[str, ...] = ()
    memo: bool = True
    missing: str = ""  # the problem with an empty cell in a Democracy Club file
    read_csv: Callable[[str], tuple[bool, Any]] | None = None
    bad_csv: str | None = None
    check_only: bool = False


#: The fields of a row, in the order their problems are reported. A new column is a
#: line here (and, when the import is to keep it, a field of CandidacyRecord).
_COLUMNS: Final = (
    # Read first, by _Parser.read_rows: a row without a name may be a blank one.
    _Column(
        "name",
        _text_cell,
        dc="person_name",
        headers=(
            "name",
            "names",
            "candidate",
            "candidate name",
            "candidates name",
            "name of candidate",
            "full name",
            "candidate full name",
            "person name",
        ),
        memo=False,
    ),
    _Column(
        "person_id",
        _pid_cell,
        "person_id must be a whole number.",
        dc="person_id",
        headers=("person id", "dc person id", "democracy club id", "democracy club person id"),
        memo=False,
        missing="The Democracy Club person_id is missing.",
        read_csv=_text_cell,
    ),
    _Column(
        "ballot_paper_id",
        _ballot_value,
        "ballot_paper_id is not a Democracy Club ballot ID "
        "(like local.leeds.headingley.2026-05-07).",
        dc="ballot_paper_id",
        headers=("ballot paper id", "ballot id"),
        missing="The ballot_paper_id is missing.",
    ),
    _Column(
        "election_id",
        _election_value,
        "election_id is not a Democracy Club election ID (like local.leeds.2026-05-07).",
        dc="election_id",
        headers=("election id",),
    ),
    _Column(
        "election_date",
        _iso_cell,
        "election_date is not a valid date (YYYY-MM-DD).",
        dc="election_date",
        headers=(
            "election date",
            "poll date",
            "date of election",
            "date of poll",
            "polling day",
            "election day",
        ),
        read_csv=_uk_cell,
        bad_csv="election_date is not a valid date (YYYY-MM-DD or DD/MM/YYYY).",
    ),
    _Column(
        "cancelled_poll",
        _bool_cell,
        f"cancelled_poll {_BOOL_HINT}.",
        dc="cancelled_poll",
        headers=("cancelled poll",),
    ),
    _Column("elected", _bool_cell, f"elected {_BOOL_HINT}.", dc="elected", headers=("elected",)),
    _Column("locked", _bool_cell, f"candidates_locked {_BOOL_HINT}.", dc="candidates_locked"),
    _Column("by_election", _bool_cell, f"by_election {_BOOL_HINT}.", dc="by_election"),
    _Column(
        "election_current",
        _bool_cell,
        f"election_current {_BOOL_HINT}.",
        dc="election_current",
        check_only=True,
    ),
    _Column(
        "seats_contested",
        _int_cell,
        "seats_contested must be a whole number.",
        dc="seats_contested",
        check_only=True,
    ),
    _Column(
        "gss",
        _gss_cell,
        "gss is not a GSS code (a letter and 8 digits, like E14001234).",
        dc="gss",
        headers=("gss", "gss code", "constituency code", "ons code"),
    ),
    _Column(
        "email",
        _email_cell,
        "The email does not look like an email address.",
        dc="email",
        headers=("email", "e mail", "email address", "e mail address"),
        memo=False,
    ),
    _Column(
        "party",
        _text_cell,
        dc="party_name",
        headers=(
            "party",
            "party name",
            "political party",
            "description",
            "party description",
            "description if any",
        ),
    ),
    _Column(
        "post",
        _text_cell,
        dc="post_label",
        headers=(
            "post",
            "post label",
            "ward",
            "ward name",
            "division",
            "electoral division",
            "division name",
            "constituency",
            "constituency name",
            "electoral area",
            "seat",
        ),
    ),
    _Column(
        "org",
        _text_cell,
        dc="organisation_name",
        headers=(
            "org",
            "council",
            "council name",
            "authority",
            "local authority",
            "organisation",
            "organisation name",
            "organization",
            "organization name",
        ),
    ),
    _Column(
        "phone",
        _text_cell,
        dc="phone",
        headers=(
            "phone",
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "tel no",
            "mobile",
            "mobile number",
            "mobile phone",
            "contact number",
        ),
        memo=False,
    ),
    _Column(
        "address",
        _address_cell,
        dc="address",
        headers=("address", "home address", "postal address", "correspondence address"),
        memo=False,
    ),
)
#: Fields a column may be mapped to with --map; "ignore" silences a column.
FIELDS: Final = (*(c.field for c in _COLUMNS if not c.check_only), "ignore")
#: A Democracy Club column -> its field (the file's other known columns are not read).
_DC_FIELDS: Final = {c.dc: c.field for c in _COLUMNS if c.dc}
#: A generic CSV's header (as _header_key gives it) -> its field.
_HEADERS: Final = {h: c.field for c in _COLUMNS for h in c.headers}
_CHECK_ONLY: Final = frozenset(c.field for c in _COLUMNS if c.check_only)
_CellReader = tuple[str, int, Callable[[str], tuple[bool, Any]], str, str]
_CANDIDATE: Final = PersonRole.CANDIDATE.value
#: CandidacyRecord's fields in order, without the keyword handling of __new__.
_new_record: Final = CandidacyRecord._make
_RECORD_FIELDS: Final = CandidacyRecord._fields
#: A field's value when the file has no column for it: "" for text, else None.
_BLANK: Final = tuple("" if t is str else None for t in get_type_hints(CandidacyRecord).values())


# --------------------------------------------------------------------------- the parser


class _Parser:
    def __init__(
        self,
        lines: Iterable[str],
        fmt: str | None,
        user_map: dict[str, str],
        result: ParseResult,
        sink: Callable[[CandidacyRecord], None],
        reject: Callable[[int, list[str]], None] | None = None,
    ) -> None:
        self.lines = lines
        self.sink = sink
        self.reject = reject
        self.fmt = fmt
        self.user_map = user_map
        self.result = result
        self.problems = result.problems
        self.columns: list[str] = []
        self.index: dict[str, int] = {}  # field -> column index
        self.dc = False
        self.org_names: _Memo[str] = _Memo(_org_name)

    def problem(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def col(self, i: int) -> str:
        return self.columns[i] if 0 <= i < len(self.columns) else ""

    # -- header -----------------------------------------------------------------------

    def run(self, scan: _KeyScan | None = None) -> None:
        reader = csv.reader(self.lines, strict=True)
        rownum = 0
        header: list[str] | None = None
        try:
            for raw in reader:
                rownum += 1
                if "".join(raw).strip():
                    header = raw
                    break
        except csv.Error as exc:
            self.problem(
                0,
                "",
                f"The header row could not be read ({_csv_error(exc)}, line {reader.line_num}); "
                "check its quotes.",
            )
            return
        if header is None:
            self.problem(0, "", "The file is empty: it has no header row and no data.")
            return
        if not self.read_header(header):
            return
        if scan is not None:
            self.scan_rows(reader, rownum, scan)
        else:
            self.read_rows(reader, rownum)

    def scan_rows(self, reader: Iterable[list[str]], rownum: int, scan: _KeyScan) -> None:
        """Each row's :func:`key_of_cells`, hashed (see :func:`scan_keys`)."""
        i_pid = self.index.get("person_id", -1)
        i_name = self.index["name"]
        rows, hashes = scan.rows, scan.hashes
        try:
            for row in reader:
                rownum += 1
                key = key_of_cells(row, i_pid, i_name)
                if key is not None:
                    rows.append(rownum)
                    hashes.append(hash(key))
        except csv.Error as exc:
            self.problem(rownum + 1, "", f"{_unreadable(exc, reader)} {_NOT_READ}")

    def read_header(self, header: list[str]) -> bool:
        """Set up the column mapping; False if rows cannot be read meaningfully."""
        cols = [_norm(h.replace("\ufeff", "")) for h in header]
        self.columns = cols
        self.result.columns = list(cols)
        keys = [c.lower() for c in cols]
        fmt = self.fmt
        if fmt is None:
            fmt = "democracyclub" if set(DC_REQUIRED_COLUMNS) <= set(keys) else "csv"
        self.result.format = fmt
        self.dc = fmt == "democracyclub"

        first_at: dict[str, int] = {}
        duplicates: set[int] = set()
        for i, key in enumerate(keys):
            if not key:
                continue
            if key in first_at:
                duplicates.add(i)
                self.problem(
                    0,
                    cols[i],
                    f"Column {i + 1} has the same name as column {first_at[key] + 1}; "
                    "every column name must be different.",
                )
            else:
                first_at[key] = i

        # Column -> field proposals: (index, field), detected first, user overrides after.
        proposed: dict[int, str] = {}
        if self.dc:
            missing = [c for c in DC_REQUIRED_COLUMNS if c not in first_at]
            for c in missing:
                self.problem(0, c, "This required Democracy Club column is missing.")
            for i, key in enumerate(keys):
                if i in duplicates or not key:
                    continue
                if key in _DC_FIELDS:
                    proposed[i] = _DC_FIELDS[key]
        else:
            for i, col in enumerate(cols):
                if i in duplicates or not col:
                    continue
                target = _HEADERS.get(_header_key(col))
                if target is not None:
                    proposed[i] = target

        user_cols: set[int] = set()
        for column, target in self.user_map.items():
            found = self._find_column(column, keys)
            if found is None:
                self.problem(
                    0, column, "This column is named in the column map but is not in the file."
                )
                continue
            user_cols.add(found)
            proposed[found] = target

        # Unknown DC columns (after the user map, which may name or ignore them).
        if self.dc:
            for i, key in enumerate(keys):
                if key and key not in DC_COLUMNS and i not in user_cols and i not in duplicates:
                    self.problem(
                        0,
                        cols[i],
                        "This column is not in Democracy Club's published column list; "
                        "remove it, map it with --map, or import the file as generic CSV.",
                    )

        # Resolve field -> column; the user's map wins over detection.
        index: dict[str, int] = {}
        for i in sorted(proposed, key=lambda i: (i not in user_cols, i)):
            target = proposed[i]
            if target == "ignore":
                continue
            if target in index:
                if index[target] not in user_cols:  # else the user chose the other column
                    self.problem(
                        0,
                        cols[i],
                        f"Both this column and column {index[target] + 1} look like the "
                        f"'{target}' field; use --map to choose one.",
                    )
                continue
            index[target] = i
        self.index = index
        self.result.mapping = {
            cols[i]: f for f, i in sorted(index.items(), key=lambda x: x[1]) if f not in _CHECK_ONLY
        }

        if "name" not in index:
            if not self.dc:
                single = len(cols) == 1 and any(d in header[0] for d in ";\t|")
                self.problem(
                    0,
                    "",
                    "No column holds the candidate's name"
                    + (
                        " (the file seems to use semicolons, tabs or bars, not commas)"
                        if single
                        else ""
                    )
                    + "; name it 'Name' or 'Candidate name', or use --map 'COLUMN=name'.",
                )
            elif "person_name" in first_at:  # mapped elsewhere by the user
                self.problem(0, "person_name", "No column is mapped to the 'name' field.")
            return False
        if self.dc and "ballot_paper_id" not in index:
            if "ballot_paper_id" in first_at:
                self.problem(
                    0, "ballot_paper_id", "No column is mapped to the 'ballot_paper_id' field."
                )
            return False
        return True

    def _find_column(self, column: str, keys: list[str]) -> int | None:
        if column in self.columns:
            return self.columns.index(column)
        low = column.lower()
        return keys.index(low) if low in keys else None

    # -- rows -------------------------------------------------------------------------

    def cell_readers(self) -> list[_CellReader]:
        """For each column of the file that is read (but the name, read first), in the
        order of :data:`_COLUMNS`: (field, index, reader, the problem with a bad cell,
        the problem with an empty one)."""
        dc = self.dc
        out: list[_CellReader] = []
        for spec in _COLUMNS:
            i = self.index.get(spec.field, -1)
            if i < 0 or spec.field == "name":
                continue
            read = spec.read if dc or spec.read_csv is None else spec.read_csv
            bad = spec.bad if dc or spec.bad_csv is None else spec.bad_csv
            reader = _Memo(read).__getitem__ if spec.memo else read
            out.append((spec.field, i, reader, bad, spec.missing if dc else ""))
        return out

    def read_rows(self, reader: Iterable[list[str]], rownum: int) -> None:
        """Check every row and make a record of each good one. The column table
        (:data:`_COLUMNS`) reads and checks each cell; the rules between cells (a row
        without a ballot takes its election's, dates agree, one name per person id)
        follow, in :meth:`record`."""
        columns = self.columns
        ncols = len(columns)
        problems = self.problems
        problem = self.problem
        keep = self.sink
        i_name = self.index["name"]
        c_name = columns[i_name]
        blank_cols = [i for i, c in enumerate(columns) if not c]
        cells = [
            (f, i, read, bad, missing, columns[i])
            for f, i, read, bad, missing in self.cell_readers()
        ]
        data_rows = 0
        reject = self.reject
        mark = len(problems)  # problems before the row just read
        last: list[str] = []

        try:
            for row in reader:
                if reject is not None and len(problems) != mark:
                    reject(rownum, last)  # the row before had problems
                    mark = len(problems)
                last = row
                rownum += 1
                if len(row) != ncols:
                    n = len(row)
                    if not "".join(row).strip():
                        continue
                    if n > ncols and not "".join(row[ncols:]).strip():
                        row = row[:ncols]
                    else:
                        problem(
                            rownum,
                            "",
                            f"This row has {n} cells but the header has {ncols}; "
                            "check for missing or extra commas.",
                        )
                        data_rows += 1
                        continue
                chars = sum(map(len, row))
                if chars > MAX_CELL_CHARS:
                    data_rows += 1
                    if chars > MAX_ROW_CHARS:
                        problem(
                            rownum, "", f"This row is longer than {MAX_ROW_CHARS:,} characters."
                        )
                        continue
                    long = [i for i, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS]
                    for i in long:
                        problem(
                            rownum,
                            columns[i],
                            f"This cell is longer than {MAX_CELL_CHARS:,} characters.",
                        )
                    if long:
                        continue
                    data_rows -= 1
                before = len(problems)
                name = _norm(row[i_name])
                if not name:
                    if not "".join(row).strip():
                        continue  # a blank row
                    problem(rownum, c_name, "The name is missing.")
                data_rows += 1
                for i in blank_cols:
                    if row[i].strip():
                        problem(rownum, "", f"Column {i + 1} has a value but no column name.")

                got: dict[str, Any] = {}
                for field, i, read, bad, missing, column in cells:
                    good, value = read(row[i])
                    if not good:
                        problem(rownum, column, bad)
                    elif missing and not (value[0] if type(value) is tuple else value):
                        problem(rownum, column, missing)
                    got[field] = value
                rec = self.record(rownum, name, got)
                if len(problems) == before:
                    keep(rec)
        except csv.Error as exc:
            if reject is not None and len(problems) != mark:
                reject(rownum, last)
            problem(rownum + 1, "", f"{_unreadable(exc, reader)} {_NOT_READ}")
            return
        if reject is not None and len(problems) != mark:
            reject(rownum, last)

        if not data_rows:
            problem(0, "", "The file has a header row but no data rows.")

    def record(self, rownum: int, name: str, got: dict[str, Any]) -> CandidacyRecord:
        """The rules between a row's cells, then its record (which the caller keeps only
        when the row has no problem)."""
        problem = self.problem
        pid = got.get("person_id", "")
        ballot_id, ballot = got.get("ballot_paper_id") or ("", None)
        election_id, election = got.get("election_id") or ("", None)
        if not ballot_id and election is not None:
            ballot = election
        when = got.get("election_date")
        if when is None:
            when = ballot.when if ballot is not None else None
        elif ballot is not None and when != ballot.when:
            problem(
                rownum,
                self.columns[self.index["election_date"]],
                "election_date does not match the date at the end of the ballot ID.",
            )
        # One name per person id is checked where a person's rows meet (the importer's
        # grouping): kept here, it would hold every id of a million-row file.

        org_col = got.get("org", "")
        post = got.get("post", "")
        by_flag = got.get("by_election") is True
        ro_slug = ro_name = ""
        if ballot is not None:
            org_slug = ballot.org_slug
            kind = ballot.kind
            by_election = ballot.by_election or by_flag
            if not post and ballot.division:
                post = _title_from_slug(ballot.division)
            if kind == "parl" and ballot.division:
                # The constituency is named by its post; the organisation column,
                # unless it names Parliament, is the acting RO's council.
                if org_col and slugify(org_col) not in _PARLIAMENT_NAMES:
                    ro_slug, ro_name = council_slug(org_col), org_col
                org_col = post
        else:
            org_slug = council_slug(org_col) if org_col else ""
            kind = "other"
            by_election = by_flag
        # The values worked out here; every other field of the record is its column's.
        got.update(
            row=rownum,
            dc_person_id=pid or None,
            name=name,
            ballot_paper_id=ballot_id,
            election_id=election_id,
            election_date=when,
            post=post,
            org_slug=org_slug,
            org_name=org_col or self.org_names[org_slug],
            ro_council_slug=ro_slug,
            ro_council_name=ro_name,
            role_hint=_CANDIDATE,
            election_kind=kind,
            by_election=by_election,
            cancelled_poll=got.get("cancelled_poll") is True,
        )
        return _new_record(map(got.get, _RECORD_FIELDS, _BLANK))


def _org_name(slug: str) -> str:
    return _ORG_NAMES.get(slug) or _title_from_slug(slug)


_CSV_MESSAGES: Final = (
    ("expected after", "a quoted cell is followed by text before the next comma"),
    ("unexpected end of data", "a quoted cell is never closed"),
    ("field larger than field limit", "a cell is too long"),
    ("new-line character seen in unquoted field", "a line break inside an unquoted cell"),
)


#: The end of the problem with a row the csv module could not read: an import that
#: meets it knows the file was not read to its end.
_NOT_READ: Final = "Rows after it were not read."


def _unreadable(exc: csv.Error, reader: object) -> str:
    return (
        f"This row could not be read ({_csv_error(exc)}, near line "
        f"{getattr(reader, 'line_num', 0)} of the file); check for a stray or "
        "unclosed quote."
    )


def _csv_error(exc: csv.Error) -> str:
    """Describe a csv error in plain words (never quoting the file's contents)."""
    msg = str(exc)
    for needle, plain in _CSV_MESSAGES:
        if needle in msg:
            return plain
    return "the CSV quoting is malformed"
