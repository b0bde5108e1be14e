"""Named contacts by place: advisers cover areas (council slugs, constituency GSS codes);
auto-assign matches by area, balances load within it, and never sends someone across the
country when an adviser covers their place. Files are Democracy Club-shaped; every person
is invented."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.importing.roster import import_file
from deskapp.services import advisers, assign
from tests.cli.cli_desk import init_desk
from tests.importing.test_dc_ballots import general_election
from tests.importing.test_importer import row, write_dc


def candidates() -> list[dict[str, str]]:
    local = [
        row(f"95{i:04}", f"Ymgeisydd Caerdydd {i}", f"local.cardiff.ward-{i % 5}.2026-05-07")
        for i in range(12)
    ]
    local += [
        row(f"96{i:04}", f"Candidate Glasgow {i}", "local.glasgow.calton.2026-05-07")
        for i in range(3)
    ]
    local += [row("970001", "Ymgeisydd Powys", "local.powys.rhayader.2026-05-07")]
    return [*local, *general_election()]


def test_assignment_follows_place_then_load(desk: Desk, tmp_path: Path) -> None:
    assert import_file(desk, write_dc(tmp_path / "dc.csv", candidates())).summary.written
    cardiff_1 = advisers.add_adviser(desk, name="PC Cardiff A", areas="cardiff", capacity=20)
    cardiff_2 = advisers.add_adviser(
        desk, name="PC Cardiff B", areas="cardiff, W07000101", capacity=20
    )
    glasgow = advisers.add_adviser(desk, name="PC Glasgow", areas="glasgow", capacity=500)
    liverpool = advisers.add_adviser(desk, name="PC Liverpool", areas="liverpool", capacity=500)
    rct = advisers.add_adviser(desk, name="PC Taf", areas="rhondda-cynon-taf", capacity=500)

    plan = assign.plan_auto_assign(desk)
    got = {a.person_name: a for a in plan.assignments}
    cardiff = Counter(got[f"Ymgeisydd Caerdydd {i}"].adviser_id for i in range(12))
    # Within Cardiff, load is balanced; never Glasgow or Liverpool, who have more room.
    assert cardiff == {cardiff_1: 6, cardiff_2: 6}
    assert {got[f"Candidate Glasgow {i}"].adviser_id for i in range(3)} == {glasgow}
    # Cardiff East by its GSS code; Pontypridd by the council whose RO acts for it.
    assert {got[f"Ymgeisydd 0 {k}"].adviser_id for k in (0, 1)} == {cardiff_2}
    assert {got[f"Ymgeisydd 2 {k}"].adviser_id for k in (0, 1)} == {rct}
    # Nobody covers Powys, Cardiff West or the Vale: the adviser with most room, listed.
    outside = {a.person_name for a in plan.outside_area}
    assert outside == {"Ymgeisydd Powys", *(f"Ymgeisydd {n} {k}" for n in (1, 3) for k in (0, 1))}
    assert all(a.reason == assign.BY_LOAD for a in plan.outside_area)
    assert {a.adviser_id for a in plan.outside_area} <= {glasgow, liverpool, rct}
    assert plan.as_dict()["outside_area"] == 5


def test_a_full_area_adviser_goes_over_capacity_not_across_the_country(
    desk: Desk, tmp_path: Path
) -> None:
    assert import_file(desk, write_dc(tmp_path / "dc.csv", candidates()[:12])).summary.written
    only = advisers.add_adviser(desk, name="PC Cardiff", areas="cardiff", capacity=5)
    advisers.add_adviser(desk, name="PC Glasgow", areas="glasgow", capacity=500)
    plan = assign.plan_auto_assign(desk)
    assert {a.adviser_id for a in plan.assignments} == {only}
    assert plan.overflow == 7 and not plan.outside_area


def test_areas_are_codes() -> None:
    assert advisers.clean_areas("Cardiff, w07000101 parl.cardiff-east cardiff") == (
        "cardiff,W07000101,parl.cardiff-east"
    )
    for bad in ("Vale of Glamorgan!", "cardiff;newport", "ward/5"):
        with pytest.raises(ValidationError) as caught:
            advisers.clean_areas(bad)
        assert str(caught.value).startswith("Areas are")


def test_cli_advisers_areas_and_assign_lists_outside(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    init_desk(db_path, monkeypatch)
    rows = candidates()[:13]  # twelve in Cardiff, one in Glasgow
    assert main(["import", "candidates", str(write_dc(tmp_path / "dc.csv", rows))]) == 0
    assert main(["advisers", "add", "--name", "PC Cardiff", "--areas", "cardiff"]) == 0
    capsys.readouterr()
    assert main(["advisers", "update", "PC Cardiff", "--areas", "cardiff,newport", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == ["areas"]
    assert main(["advisers", "add", "--name", "PC Bad", "--areas", "Cardiff!"]) != 0
    assert capsys.readouterr().err.startswith("deskapp: Areas are")
    assert main(["assign", "--auto", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Outside any adviser's area: 1 person" in out
    assert "Candidate Glasgow 0 (Glasgow)" in out
