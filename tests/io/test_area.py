"""A force keeps its own area: `[area]` in settings.toml names its councils, constituencies
(GSS codes) and police force area; import keeps what is inside and counts what is not.

Every person here is invented; files are written from DC's published columns.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.domain.area import Area, Place
from deskapp.domain.errors import ConfigError
from deskapp.importing.roster import import_file, plan_import
from deskapp.runtime.settings import parse_settings
from tests.io.test_dc_ballots import general_election
from tests.io.test_importer import all_people, row, write_dc

SOUTH_WALES = Area(
    councils=frozenset({"cardiff", "newport"}),
    constituencies=frozenset({"W07000101", "W07000103"}),
    police_force_area="south-wales",
)


def whole_country() -> list[dict[str, str]]:
    """Local elections across councils, a by-election, PCC contests and a general election."""
    return [
        row("940001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07"),
        row("940002", "Gethin Rowlands", "local.newport.victoria.by.2026-09-10"),
        row("940003", "Siobhán Nic Ruairí", "local.glasgow.calton.2026-05-07"),
        row("940004", "Llinos Hopcyn", "local.liverpool.everton.2026-05-07"),
        row("940005", "Mari Jones", "pcc.south-wales.2026-05-07"),
        row("940006", "Rhys Penri", "pcc.dyfed-powys.2026-05-07"),
        *general_election(),  # eight, in four constituencies: two inside
    ]


def test_import_keeps_the_force_area_and_counts_the_rest(desk: Desk, tmp_path: Path) -> None:
    path = write_dc(tmp_path / "uk.csv", whole_country())
    preview = plan_import(desk, path, area=SOUTH_WALES)
    assert preview.outside == 7 and preview.as_dict()["outside_area"] == 7
    assert preview.rows == 14
    plan = import_file(desk, path, area=SOUTH_WALES)
    assert plan.summary.written and plan.summary.people.new == 7
    names = {p["name"] for p in all_people(desk)}
    assert {"Elin Tudur", "Gethin Rowlands", "Mari Jones"} <= names
    assert not names & {"Siobhán Nic Ruairí", "Llinos Hopcyn", "Rhys Penri"}
    # Cardiff East (W07000101) and Pontypridd (W07000103); Cardiff West and the Vale out.
    assert {"Ymgeisydd 0 0", "Ymgeisydd 2 1"} <= names and "Ymgeisydd 1 0" not in names


def test_empty_area_means_everything(desk: Desk, tmp_path: Path) -> None:
    plan = import_file(desk, write_dc(tmp_path / "uk.csv", whole_country()))
    assert plan.outside == 0 and plan.summary.people.new == 14


def test_a_constituency_is_inside_by_its_council_and_unknown_places_stay() -> None:
    area = Area(councils=frozenset({"rhondda-cynon-taf"}))
    assert area.covers(Place("parl", "parl.pontypridd", "W07000103", "rhondda-cynon-taf"))
    assert not area.covers(Place("parl", "parl.cardiff-east", "W07000101"))
    assert area.covers(Place("parl", "parl.cardiff-east"))  # no code: cannot tell, kept
    assert area.covers(Place("other", ""))  # a spreadsheet row with no organisation
    assert not area.covers(Place("pcc", "south-wales"))


def test_settings_area_table(tmp_path: Path) -> None:
    settings = parse_settings({"area": {"councils": ["cardiff"], "constituencies": ["W07000101"]}})
    assert settings.area.councils == {"cardiff"} and not settings.area.everywhere
    assert parse_settings({}).area.everywhere
    for bad in (
        {"area": {"councils": "cardiff"}},
        {"area": {"constituencies": ["Cardiff East"]}},
        {"area": {"police_force_area": "South Wales"}},
        {"area": {"wards": []}},
        {"area": []},
    ):
        with pytest.raises(ConfigError) as caught:
            parse_settings(bad)
        assert "area" in str(caught.value)


def test_cli_reads_the_area_and_all_areas_takes_everything(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DESKAPP_DB", str(db_path))
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "correct horse battery")
    config = Path(os.environ["DESKAPP_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[area]\ncouncils = ["cardiff", "newport"]\nconstituencies = ["W07000101"]\n'
        'police_force_area = "south-wales"\n',
        encoding="utf-8",
    )
    assert main(["init", "--officer", "4521", "--name", "Sgt Ada Example"]) == 0
    path = write_dc(tmp_path / "uk.csv", whole_country())
    capsys.readouterr()
    assert main(["import", "candidates", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Left out 9 candidacies outside the desk's area" in out
    assert main(["import", "candidates", str(path), "--all-areas", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outside_area"] == 0 and report["people"]["new"] == 14
