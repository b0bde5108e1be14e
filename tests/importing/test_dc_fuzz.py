"""Hypothesis: Democracy Club-shaped files of every mix (repeats that agree and that
conflict, results, locked lists, constituencies with good and bad GSS codes, areas) never
crash the importer, and a refused file writes nothing at all.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from deskapp.db.desk import Desk
from deskapp.domain.area import Area
from deskapp.importing.roster import import_file
from tests.importing.test_importer import HEADER, row, write_dc

FUZZ_HEADER = [*HEADER, "candidates_locked"]
BALLOTS = [
    "local.cardiff.pentyrch.2026-05-07",
    "local.cardiff.radyr.by.2026-07-02",
    "local.glasgow.calton.2026-05-07",
    "parl.cardiff-east.2029-05-03",
    "parl.pontypridd.2029-05-03",
    "pcc.south-wales.2026-05-07",
    "mayor.cardiff-capital-region.2026-05-07",
]
NAMES = ["Elin Tudur", "Gethin Rowlands", "Siân ap Rhys", "Ciarán Mac Giolla Bhríde"]
TABLES = ("person", "candidacy", "organisation", "audit_event", "outbox", "field_version")

_row = st.fixed_dictionaries(
    {
        "pid": st.sampled_from(["970001", "970002", "970003", "970004", "x1", ""]),
        "ballot": st.sampled_from(BALLOTS),
        "party": st.sampled_from(["Plaid Cymru", "Welsh Labour", ""]),
        "elected": st.sampled_from(["", "t", "f", "maybe"]),
        "locked": st.sampled_from(["", "t", "f"]),
        "gss": st.sampled_from(["", "W07000101", "W07000103", "Cardiff"]),
        "email": st.sampled_from(["", "elin@example.org", "a@b.c."]),
        "org": st.sampled_from(["", "House of Commons", "Rhondda Cynon Taf Council"]),
    }
)
_area = st.sampled_from(
    [
        Area(),
        Area(councils=frozenset({"cardiff"}), police_force_area="south-wales"),
        Area(constituencies=frozenset({"W07000101"})),
    ]
)


def fuzz_rows(cells: list[dict[str, str]]) -> list[dict[str, str]]:
    """The file's rows for the drawn ``cells``: an id ending in 1 to 4 takes that one of
    ``NAMES`` (so ``x1`` is a namesake of 970001), no id "Nia Bowen"."""
    rows = []
    for c in cells:
        name = NAMES[int(c["pid"][-1]) - 1] if c["pid"][-1:].isdigit() else "Nia Bowen"
        r = row(c["pid"], name, c["ballot"], party=c["party"], elected=c["elected"])
        r.update(
            candidates_locked=c["locked"],
            gss=c["gss"],
            email=c["email"],
            organisation_name=c["org"],
        )
        rows.append(r)
    return rows


@pytest.fixture(scope="module")
def dc_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, Path]]:
    folder = tmp_path_factory.mktemp("dcfuzz")
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolation is per test
        mp.setenv("DESKAPP_CONFIG", str(folder / "settings.toml"))
        desk, _ = Desk.init(folder / "fuzz.db", "4521", "Sgt Fuzz", "correct horse battery")
        yield desk, folder
        desk.close()


def counts(desk: Desk) -> dict[str, int]:
    with desk.read() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES
        }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.lists(_row, min_size=1, max_size=12), area=_area, skip_bad=st.booleans())
def test_dc_files_never_crash_nor_write_part_of_a_refused_file(
    dc_desk: tuple[Desk, Path], cells: list[dict[str, str]], area: Area, skip_bad: bool
) -> None:
    desk, folder = dc_desk
    rows = fuzz_rows(cells)
    path = write_dc(folder / "dc.csv", rows, header=[*FUZZ_HEADER, "gss"])
    before = counts(desk)
    plan = import_file(desk, path, skip_bad=skip_bad, area=area)  # never raises

    if not plan.can_apply(skip_bad=skip_bad):
        assert not plan.summary.written and counts(desk) == before
        assert plan.problems
    # Every row is accounted for once: imported, merged, rejected or outside the area.
    assert plan.rows == len(rows) or plan.fatal
    for repeat, first in plan.merged:
        a, b = rows[repeat - 2], rows[first - 2]
        assert (a["person_id"], a["ballot_paper_id"]) == (b["person_id"], b["ballot_paper_id"])
    with desk.read() as conn:
        twice = conn.exec_driver_sql(
            "SELECT count(*) FROM (SELECT person_id, ballot_paper_id FROM candidacy "
            "WHERE deleted = 0 GROUP BY 1, 2 HAVING count(*) > 1)"
        ).scalar_one()
    assert twice == 0
