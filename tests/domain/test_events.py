"""The pure rules of campaign events: notice, times, hours, money, risk and its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskapp.domain import events as rules
from deskapp.domain.errors import ValidationError

#: 19:00 on a May evening in the UK (BST), as the desk keeps it.
START = datetime(2026, 5, 7, 18, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


def test_less_than_48_hours_notice_is_short() -> None:
    assert rules.short_notice(START, START - timedelta(hours=47, minutes=59))
    assert not rules.short_notice(START, START - timedelta(hours=48))
    assert not rules.short_notice(START, None)  # not recorded: nothing to flag yet
    assert rules.notice(START, None).describe() == "notice not recorded"
    assert "short" in rules.notice(START, START - timedelta(hours=20)).describe()
    assert rules.notice(START, START + timedelta(hours=1)).describe() == "notice after the start"


def test_times_are_typed_on_the_forces_clock_and_kept_in_utc() -> None:
    """19:00 typed in May is 19:00 BST, 18:00 UTC; in January it is 19:00 GMT. A time
    with an offset is that time, wherever the desk is."""
    assert rules.parse_time("2026-05-07 19:00", field="starts_at", zone=LONDON) == START
    assert rules.parse_time("2026-01-07 19:00", field="starts_at", zone=LONDON) == datetime(
        2026, 1, 7, 19, 0, tzinfo=UTC
    )
    assert rules.parse_time("2026-05-07 19:00", field="starts_at", zone=UTC) == START + HOUR
    assert rules.parse_time("2026-05-07T19:00+01:00", field="starts_at", zone=UTC) == START
    assert rules.parse_time("2026-05-07T18:00Z", field="starts_at", zone=LONDON) == START
    assert rules.parse_time(" ", field="ends_at", zone=LONDON) is None
    with pytest.raises(ValidationError, match=r"^Give the start as a time"):
        rules.parse_time("next tuesday", field="starts_at", zone=LONDON)


def test_a_time_the_clocks_skip_is_refused_and_one_they_pass_twice_is_the_first() -> None:
    with pytest.raises(ValidationError, match=r"^The start 01:30 does not happen on 29 Mar 2026"):
        rules.parse_time("2026-03-29 01:30", field="starts_at", zone=LONDON)
    first = rules.parse_time("2026-10-25 01:30", field="starts_at", zone=LONDON)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST


def test_hours_and_money() -> None:
    assert rules.parse_hours("2.5") == 150 and rules.parse_hours("1:30") == 90
    for bad in ("two", "1:75", "-1", "1000"):
        with pytest.raises(ValidationError, match=r"^Patrol hours"):
            rules.parse_hours(bad)
    field = "patrol_additional_pence"
    assert rules.parse_money("£1,250.50", field=field) == 125050
    assert rules.parse_money("120", field=field) == 12000
    assert rules.parse_money("0.5", field=field) == 50
    for bad in ("12.345", "-3", "lots", "£2,00"):
        with pytest.raises(ValidationError, match=r"^Give the additional cost"):
            rules.parse_money(bad, field=field)
    assert rules.pounds(125050) == "£1,250.50" and rules.hours(150) == "2:30"


def test_kinds_references_and_fields() -> None:
    assert rules.kind("briefing") == "security-briefing" and rules.kind("Hustings") == "hustings"
    with pytest.raises(ValidationError, match=r"^Kind must be one of"):
        rules.kind("party")
    event_id = "01a25075-f9f7-72dd-8b7b-f1b37d18444a"
    assert rules.event_ref(event_id) == "E-7D18444A"
    assert rules.ref_suffix("e-7d18444a") == "7d18444a"
    assert rules.ref_suffix("E-7D18444") is None and rules.ref_suffix("I-7D18444A") is None
    with pytest.raises(ValidationError, match=r"^An event has no field"):
        rules.clean_event({"deleted": True}, LONDON)
    with pytest.raises(ValidationError, match="control character"):
        rules.clean_event({"place": "Hall\x1b[2J"}, LONDON)
    with pytest.raises(ValidationError, match=r"^Title is required"):
        rules.clean_event({"title": "  "}, LONDON)
    with pytest.raises(ValidationError, match="not negative"):
        rules.clean_event({"patrol_minutes": -5}, LONDON)


def test_risk_above_low_needs_its_reason_and_ends_follow_starts() -> None:
    rules.check_event({"starts_at": START, "risk": "low"})
    with pytest.raises(ValidationError, match=r"^Risk high needs its reason"):
        rules.check_event({"starts_at": START, "risk": "high", "risk_reason": ""})
    with pytest.raises(ValidationError, match=r"^End must be after the start"):
        rules.check_event({"starts_at": START, "ends_at": START, "risk": "low"})
    rules.check_risk_change("low", "low", False)
    rules.check_risk_change("high", "low", False)  # lowering needs no reason
    with pytest.raises(ValidationError, match=r"^Give the reason for risk medium"):
        rules.check_risk_change("high", "medium", False)
