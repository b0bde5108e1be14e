"""Desk settings from a TOML file, with safe defaults and errors that name the bad key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskapp.domain.area import GSS, SLUG, Area
from deskapp.domain.errors import ConfigError, ValidationError
from deskapp.domain.grading import DEFAULT_TARGET_MINUTES, GradeTargets
from deskapp.domain.security import DEFAULT_REVIEW_MONTHS, review_months
from deskapp.runtime.clock import DEFAULT_ZONE
from deskapp.runtime.paths import settings_path

THEMES = ("textual-dark", "textual-light", "high-contrast")

EXAMPLE = """\
# deskapp settings
auto_lock_minutes = 5
theme = "textual-dark"          # textual-dark | textual-light | high-contrast
security_review_months = 12     # a security survey (or a fitted measure) is reviewed after
timezone = "Europe/London"      # times are shown and typed in this zone (kept in UTC)
# hub_url = "postgresql://hub.example/deskapp"   # no passwords here: use PGPASSWORD/.pgpass

[grade_targets]                 # minutes until an incident of each grade falls due
g1 = 15
g2 = 60
g3 = 2880
g4 = 7200

[area]                          # what this desk covers; empty: everything
# councils = ["cardiff", "newport"]            # Democracy Club organisation slugs
# constituencies = ["W07000101", "W07000102"]  # GSS codes
# police_force_area = "south-wales"
"""


@dataclass(frozen=True)
class Settings:
    auto_lock_minutes: float = 5.0
    theme: str = "textual-dark"
    hub_url: str | None = None
    grade_targets: GradeTargets = field(default_factory=GradeTargets)
    area: Area = field(default_factory=Area)
    #: Months from a security survey (or a fitted measure) to its review (Bridger: 12).
    security_review_months: int = DEFAULT_REVIEW_MONTHS
    #: The IANA zone officers read and type times in; the desk keeps UTC.
    timezone: str = DEFAULT_ZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Settings file {path} is not valid TOML: {exc}") from None
    return parse_settings(raw, str(path))


def parse_settings(raw: dict[str, Any], where: str = "settings") -> Settings:
    known = {
        "auto_lock_minutes", "theme", "hub_url", "grade_targets", "area",
        "security_review_months", "timezone",
    }  # fmt: skip
    for key in raw:
        if key not in known:
            raise ConfigError(
                f"Unknown setting '{key}' in {where}. Known: {', '.join(sorted(known))}."
            )
    lock = raw.get("auto_lock_minutes", 5)
    if isinstance(lock, bool) or not isinstance(lock, int | float) or not 0 < lock <= 24 * 60:
        raise ConfigError(
            f"In {where}, 'auto_lock_minutes' must be a number of minutes from 1 to 1440."
        )
    theme = raw.get("theme", "textual-dark")
    if theme not in THEMES:
        raise ConfigError(f"In {where}, 'theme' must be one of {', '.join(THEMES)}.")
    hub = raw.get("hub_url")
    if hub is not None and not isinstance(hub, str):
        raise ConfigError(f"In {where}, 'hub_url' must be a string.")
    if isinstance(hub, str) and _has_password(hub):
        raise ConfigError(
            f"In {where}, 'hub_url' must not contain a password; use PGPASSWORD, .pgpass "
            "or the keyring."
        )
    targets = dict(DEFAULT_TARGET_MINUTES)
    table = raw.get("grade_targets", {})
    if not isinstance(table, dict):
        raise ConfigError(f"In {where}, 'grade_targets' must be a table.")
    for key, value in table.items():
        if key not in ("g1", "g2", "g3", "g4"):
            raise ConfigError(
                f"Unknown grade target 'grade_targets.{key}' in {where} (use g1..g4)."
            )
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"In {where}, 'grade_targets.{key}' must be a positive whole number.")
        targets[int(key[1])] = value
    try:
        months = review_months(
            raw.get("security_review_months", DEFAULT_REVIEW_MONTHS), where=where
        )
    except ValidationError as exc:
        raise ConfigError(str(exc)) from None
    return Settings(
        security_review_months=months,
        timezone=_timezone(raw.get("timezone", DEFAULT_ZONE), where),
        auto_lock_minutes=float(lock),
        theme=theme,
        hub_url=hub,
        grade_targets=GradeTargets(targets),
        area=_area(raw.get("area", {}), where),
    )


def _area(table: object, where: str) -> Area:
    if not isinstance(table, dict):
        raise ConfigError(f"In {where}, 'area' must be a table.")
    for key in table:
        if key not in ("councils", "constituencies", "police_force_area"):
            raise ConfigError(
                f"Unknown setting 'area.{key}' in {where}. "
                "Known: councils, constituencies, police_force_area."
            )
    councils = _codes(table, "councils", where, SLUG.match, "Democracy Club organisation slugs")
    seats = _codes(table, "constituencies", where, GSS.match, "GSS codes like W07000101")
    force = table.get("police_force_area", "")
    if not isinstance(force, str) or (force and not SLUG.match(force)):
        raise ConfigError(
            f"In {where}, 'area.police_force_area' must be a Democracy Club slug "
            "like 'south-wales'."
        )
    return Area(councils, seats, force)


def _codes(table: dict[str, Any], key: str, where: str, good: Any, what: str) -> frozenset[str]:
    items = table.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, str) and good(i) for i in items):
        raise ConfigError(f"In {where}, 'area.{key}' must be a list of {what}.")
    return frozenset(items)


def _has_password(url: str) -> bool:
    """user:password@host in a config file would be a plaintext credential."""
    netloc = url.split("://", 1)[-1].split("/", 1)[0]
    return "@" in netloc and ":" in netloc.split("@", 1)[0]


def _timezone(name: object, where: str) -> str:
    """An IANA zone name the machine (or the bundled tzdata) knows."""
    try:
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValueError(name)
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError(
            f"In {where}, 'timezone' must be a time zone name like 'Europe/London'."
        ) from None
    return name
