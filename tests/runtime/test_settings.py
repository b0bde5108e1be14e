"""settings.toml (runtime/settings.py): defaults, and a clear error for each bad key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.domain.errors import ConfigError
from deskapp.runtime.settings import load_settings, parse_settings


def test_settings_defaults_and_errors(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml").auto_lock_minutes == 5
    good = parse_settings({"auto_lock_minutes": 2, "grade_targets": {"g1": 10}})
    assert good.grade_targets.minutes[1] == 10 and good.grade_targets.minutes[2] == 60
    cases: list[tuple[dict[str, Any], str]] = [
        ({"auto_lok": 1}, "auto_lok"),
        ({"theme": "pink"}, "theme"),
        ({"grade_targets": {"g9": 1}}, "g9"),
        ({"grade_targets": {"g1": -1}}, "g1"),
        ({"hub_url": "postgresql://u:secret@host/db"}, "hub_url"),
    ]
    for raw, key in cases:
        with pytest.raises(ConfigError, match=key):
            parse_settings(raw)
    bad = tmp_path / "bad.toml"
    bad.write_text("auto_lock_minutes = = 3")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)


def test_settings_area_table(tmp_path: Path) -> None:
    settings = parse_settings({"area": {"councils": ["cardiff"], "constituencies": ["W07000101"]}})
    assert settings.area.councils == {"cardiff"} and not settings.area.everywhere
    assert parse_settings({}).area.everywhere
    bad: dict[str, Any]
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


def test_the_forces_clock_is_a_zone_the_machine_knows() -> None:
    assert parse_settings({}).zone.key == "Europe/London"  # a UK force's, unless set
    assert parse_settings({"timezone": "Europe/Dublin"}).zone.key == "Europe/Dublin"
    for bad in ("Mars/Olympus_Mons", "", " Europe/London", "../../etc/passwd", 1):
        with pytest.raises(ConfigError, match="'timezone' must be a time zone name"):
            parse_settings({"timezone": bad})
