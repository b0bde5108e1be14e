"""The sync screen (tui/screens/sync.py): its summary's snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app, make_hub
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
def test_sync_summary(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    make_hub(SNAP_DIR / "hub.db", snap_desk)
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.sync_summary)
