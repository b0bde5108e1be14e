"""The councils screen (tui/screens/councils.py): its snapshot."""

from __future__ import annotations

from tests.tui import steps

SCREENS: dict[str, steps.Steps] = {
    "councils": steps.councils,
}

test_screen = steps.snapshot_test(SCREENS)
