"""The risk form (tui/screens/risk.py), on an event: its snapshot."""

from __future__ import annotations

from tests.tui import steps

SCREENS: dict[str, steps.Steps] = {
    "event_risk": steps.event_risk,
}

test_screen = steps.snapshot_test(SCREENS)
