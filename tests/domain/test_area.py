"""A force's own area (domain/area.py): which places it covers."""

from __future__ import annotations

from deskapp.domain.area import Area, Place


def test_a_constituency_is_inside_by_its_council_and_unknown_places_stay() -> None:
    area = Area(councils=frozenset({"rhondda-cynon-taf"}))
    assert area.covers(Place("parl", "parl.pontypridd", "W07000103", "rhondda-cynon-taf"))
    assert not area.covers(Place("parl", "parl.cardiff-east", "W07000101"))
    assert area.covers(Place("parl", "parl.cardiff-east"))  # no code: cannot tell, kept
    assert area.covers(Place("other", ""))  # a spreadsheet row with no organisation
    assert not area.covers(Place("pcc", "south-wales"))
