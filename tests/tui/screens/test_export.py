"""The export dialog (tui/screens/export.py), for a table and for an event's briefing pack: its
snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["export", "briefing"])
def test_export_dialog(
    name: str,
    size: tuple[int, int],
    snap_desk: Path,
    snap_compare: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(SNAP_DIR)  # the suggested file is in the folder the app runs in
    run = steps.export if name == "export" else steps.briefing
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=run)
