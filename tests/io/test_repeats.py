"""Real Democracy Club exports repeat rows: the agreeing ones merge, the disagreeing ones
refuse the file (listed by row), and --skip-bad still imports the rest.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.db.desk import Desk
from deskapp.domain import validation
from deskapp.domain.errors import ValidationError
from deskapp.domain.text import slugify
from deskapp.importing.candidates import parse_bytes
from deskapp.importing.roster import import_file
from tests.io.test_importer import all_people, base_rows, counts, row, write_dc

BALLOT = "local.cardiff.pentyrch.2026-05-07"


def test_repeat_with_an_empty_optional_cell_merges(desk: Desk, tmp_path: Path) -> None:
    rows = [
        *base_rows(),
        # The first row's repeat: its email is empty, its organisation name missing.
        row("910001", "Siân ap Rhys", BALLOT, post="Pentyrch"),
        # A repeat that fills what the first left empty (the result).
        row("910004", "Dafydd ab Iorwerth", "local.gwynedd.menai.2026-05-07", elected="t"),
    ]
    plan = import_file(desk, write_dc(tmp_path / "dc.csv", rows))
    assert plan.ok and plan.summary.written
    assert plan.merged == [(12, 2), (13, 7)]
    assert plan.rows == 12
    assert plan.summary.candidacies.new == 10
    sian = next(p for p in all_people(desk) if p["dc_person_id"] == "910001")
    assert sian["email"] == "sian@example.org"
    with desk.read() as conn:
        elected = conn.exec_driver_sql(
            "SELECT elected FROM candidacy WHERE ballot_paper_id = ?",
            ("local.gwynedd.menai.2026-05-07",),
        ).scalar_one()
    assert elected == 1


def test_repeat_that_disagrees_refuses_the_file_by_row(desk: Desk, tmp_path: Path) -> None:
    rows = [
        *base_rows(),
        row("910001", "Siân ap Rhys", BALLOT, party="Welsh Labour", party_id="PP1"),
        row("910004", "Dafydd ab Iorwerth", "local.gwynedd.menai.2026-05-07"),  # agrees
    ]
    path = write_dc(tmp_path / "dc.csv", rows)
    before = counts(desk)
    plan = import_file(desk, path)
    assert not plan.summary.written and counts(desk) == before
    assert [(p.row, p.column) for p in plan.problems] == [(12, "party_name")]
    assert "row 2" in plan.problems[0].reason
    assert "Labour" not in plan.problems[0].reason  # a column, never a value

    skipped = import_file(desk, path, skip_bad=True)
    assert skipped.summary.written and [r.row for r in skipped.rejected] == [12]
    assert skipped.merged == [(13, 7)]
    sian = next(p for p in all_people(desk) if p["dc_person_id"] == "910001")
    assert sian["party"] == "Plaid Cymru - The Party of Wales"  # the first row's


def test_repeat_with_another_name_is_still_a_problem(desk: Desk, tmp_path: Path) -> None:
    rows = [*base_rows(), row("910001", "Someone Else", BALLOT)]
    plan = import_file(desk, write_dc(tmp_path / "dc.csv", rows))
    assert [(p.row, p.column) for p in plan.problems] == [(12, "person_id")]
    assert not plan.summary.written


def test_one_slug_rule_for_import_and_demo(desk: Desk, tmp_path: Path) -> None:
    assert slugify("St Mary's & All Saints") == "st-marys-and-all-saints"
    assert slugify("Ynys Môn") == "ynys-mon" and slugify("Pen-y-lan") == "pen-y-lan"
    path = tmp_path / "ro.csv"
    path.write_text("Name,Council\r\nIolo Prydderch,Brighton & Hove\r\n", encoding="utf-8")
    assert import_file(desk, path).summary.written
    with desk.read() as conn:
        slug = conn.exec_driver_sql("SELECT slug FROM organisation").scalar_one()
    assert slug == "brighton-and-hove"  # Democracy Club's slug for the council


@pytest.mark.parametrize("address", ["a@b.c.", "a@b", "a b@c.d", "@b.c"])
def test_one_email_rule_refuses_everywhere(tmp_path: Path, address: str) -> None:
    with pytest.raises(ValidationError):
        validation.email(address)
    data = write_dc(tmp_path / "dc.csv", [row("1", "Iolo Prydderch", BALLOT, email=address)])
    problems = parse_bytes(data.read_bytes()).problems
    assert [p.column for p in problems] == ["email"]


def test_one_email_rule_accepts_everywhere(tmp_path: Path) -> None:
    address = "iolo.prydderch+desk@cyngor.example.cymru"
    assert validation.email(address) == address
    data = write_dc(tmp_path / "dc.csv", [row("1", "Iolo Prydderch", BALLOT, email=address)])
    assert parse_bytes(data.read_bytes()).ok


def test_cell_row_and_file_caps_have_clear_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskapp.importing import candidates

    rows = [
        row("1", "Iolo Prydderch", BALLOT, post="P" * (candidates.MAX_CELL_CHARS + 1)),
        row("2", "Hywel Dafis", BALLOT, post="Q" * 9_000, org_name="R" * 9_000),
        row("3", "Carys Ellis", BALLOT, email="c" * 60_000, post="S" * 60_000),
    ]
    path = write_dc(tmp_path / "dc.csv", rows)
    result = candidates.parse_file(path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "post_label"), (4, "")]
    assert result.problems[0].reason == "This cell is longer than 10,000 characters."
    assert result.problems[1].reason == "This row is longer than 100,000 characters."
    assert [r.row for r in result.records] == [3]  # 18,000 characters in all: fine

    monkeypatch.setattr(candidates, "MAX_BYTES", 1024)
    big = candidates.parse_file(path)
    assert [(p.row, p.reason[:24]) for p in big.problems] == [(0, "The file is larger than ")]
    assert not big.records


def test_parse_reports_reading_progress(tmp_path: Path) -> None:
    from deskapp.importing import candidates

    rows = [row(str(n), f"Ymgeisydd {n}", BALLOT) for n in range(1, 45_001)]
    path = write_dc(tmp_path / "dc.csv", rows)
    seen: list[tuple[int, int]] = []
    result = candidates.parse_file(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert len(result.records) == 45_000
    assert len(seen) == 3 and seen[-1] == (size, size)
    assert seen[0][0] < seen[1][0] < size
