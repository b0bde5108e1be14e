"""The import screen (tui/screens/importing.py): the preview's snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.steps import SIZES

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("size", SIZES)
def test_import_preview(size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    shutil.copy(DATA / "dc_problems.csv", SNAP_DIR / "candidates.csv")
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.import_preview)
