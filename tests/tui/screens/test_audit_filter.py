"""The audit filter form (tui/screens/audit_filter.py): its snapshot."""

from __future__ import annotations

from tests.tui import steps

SCREENS: dict[str, steps.Steps] = {
    "audit_filter": steps.audit_filter,
}

test_screen = steps.snapshot_test(SCREENS)
