"""The event screen (tui/screens/event.py): its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.steps import SIZES

SCREENS: dict[str, steps.Steps] = {
    "event": steps.event,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
