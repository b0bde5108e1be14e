"""A large file is parsed once: a first pass reads only each row's person id or name
(to know which rows belong to one person), and the one full parse checks, compares and
writes. Whatever a file holds, that gives the plan a small file's full first pass gives:
the same problems, rejected rows, merged repeats, rows outside the area and counts.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskapp.db.desk import Desk
from deskapp.domain.area import Area
from deskapp.importing import roster as importer
from deskapp.importing.roster import ImportPlan, import_file, plan_import
from tests.importing.test_dc_fuzz import FUZZ_HEADER, TABLES, _area, _row, dc_desk, fuzz_rows
from tests.importing.test_importer import counts, row, write_dc

__all__ = ["dc_desk"]  # the fuzz module's desk, shared


def _both(
    desk: Desk, path: Path, *, fmt: str | None = None, area: Area | None = None
) -> tuple[ImportPlan, ImportPlan]:
    """The plan of ``path`` read as a small file is (one full pass, rows kept), and as
    a large one is (a scan of its keys, then one full parse)."""
    small = plan_import(desk, path, fmt=fmt, area=area)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importer, "_KEEP_ROWS", 0)
        mp.setattr(importer, "_BATCH_PEOPLE", 2)
        large = plan_import(desk, path, fmt=fmt, area=area)
    return small, large


def _same(small: ImportPlan, large: ImportPlan) -> None:
    assert large.as_dict() == small.as_dict()
    assert large.rejected == small.rejected
    assert (large.fatal, large.kept, large.outside) == (small.fatal, small.kept, small.outside)
    assert sorted(large.merged) == sorted(small.merged)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cells=st.lists(_row, min_size=1, max_size=12),
    area=_area,
    dc=st.booleans(),
    skip_bad=st.booleans(),
)
def test_a_scanned_file_plans_as_a_fully_read_one_and_a_refusal_writes_nothing(
    dc_desk: tuple[Desk, Path], cells: list[dict[str, str]], area: Area, dc: bool, skip_bad: bool
) -> None:
    desk, folder = dc_desk
    rows = fuzz_rows(cells)
    header = [*FUZZ_HEADER, "gss"]
    if not dc:  # a returning officer's spreadsheet: no person ids, people known by name
        header = [h for h in header if h != "person_id"]
    path = write_dc(folder / "one-parse.csv", rows, header=header)
    fmt = None if dc else "csv"
    _same(*_both(desk, path, fmt=fmt, area=area))

    before = {t: n for t, n in counts(desk).items() if t in TABLES}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importer, "_KEEP_ROWS", 0)
        mp.setattr(importer, "_BATCH_PEOPLE", 2)
        plan = import_file(desk, path, fmt=fmt, skip_bad=skip_bad, area=area)
    if not plan.can_apply(skip_bad=skip_bad):
        assert not plan.summary.written and plan.problems
        assert {t: n for t, n in counts(desk).items() if t in TABLES} == before
    assert plan.rows == len(rows) or plan.fatal


def test_a_persons_last_row_rejected_still_hands_the_others_over(
    desk: Desk, tmp_path: Path
) -> None:
    """A person's rows are held until their last; when the last is rejected (a bad
    email, a row outside the area) the others go on, and the person, imported, is not
    counted as rejected."""
    rows = [
        row("930001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07"),
        row("930002", "Gethin Rowlands", "local.cardiff.radyr.2026-05-07"),
        row("930001", "Elin Tudur", "local.newport.alway.2026-05-07"),
        row("930003", "Siân ap Rhys", "local.cardiff.radyr.2026-05-07"),
        row("930001", "Elin Tudur", "local.cardiff.llandaff.2026-05-07", email="a@b.c."),
        row("930002", "Gethin Rowlands", "local.glasgow.calton.2026-05-07"),
    ]
    path = write_dc(tmp_path / "dc.csv", rows)
    area = Area(councils=frozenset({"cardiff", "newport"}))
    small, large = _both(desk, path, area=area)
    _same(small, large)
    assert [r.row for r in large.rejected] == [6]
    assert large.outside == 1 and large.summary.people.new == 3
    assert large.summary.people.rejected == 0 and large.summary.candidacies.new == 4


def test_namesakes_of_two_councils_without_ids_stay_two_people(desk: Desk, tmp_path: Path) -> None:
    """Rows without an id are first grouped by name alone: namesakes in two councils are
    held together, then told apart by their organisation, as a full first pass does."""
    rows = [
        row("", "Rhys Morgan", "local.cardiff.pentyrch.2026-05-07"),
        row("", "Carys Ellis", "local.cardiff.radyr.2026-05-07"),
        row("", "rhys  MORGAN", "local.powys.rhayader.2026-05-07"),
        row("", "Rhys Morgan", "local.cardiff.radyr.2026-05-07"),
    ]
    header = [h for h in FUZZ_HEADER if h != "person_id"]
    path = write_dc(tmp_path / "ro.csv", rows, header=header)
    small, large = _both(desk, path, fmt="csv")
    _same(small, large)
    assert large.summary.people.new == 3 and large.summary.candidacies.new == 4
