"""Wall-clock helpers. Every time the desk keeps is timezone-aware UTC; an officer reads
and types times in the force's zone (settings: ``timezone``, Europe/London unless set),
so a hustings at 19:00 in May is typed and shown as 19:00, not as 18:00 UTC.

The zone is the process's, like a locale: the desk opened sets it from its settings
(``use_zone``), and whatever shows a time to an officer goes through ``local``."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/London"

_zone = ZoneInfo(DEFAULT_ZONE)


def utcnow() -> datetime:
    return datetime.now(UTC)


def use_zone(zone: ZoneInfo) -> None:
    """Show and read times in ``zone`` from now on (the desk's settings)."""
    global _zone
    _zone = zone


def zone() -> ZoneInfo:
    """The zone times are shown and read in."""
    return _zone


def local(at: datetime) -> datetime:
    """``at`` (aware) as the officer's wall clock reads it."""
    return at.astimezone(_zone)
