"""The conflicts screen (tui/screens/conflicts.py): its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.db.desk import Desk
from tests.sample_desk import FIXED_NOW, OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app, make_conflict, make_hub
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
def test_conflicts_view(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    from sqlalchemy import update

    from deskapp.db.tables import CONFLICT

    hub = make_hub(SNAP_DIR / "conflict-hub.db", snap_desk)
    make_conflict(snap_desk, hub, SNAP_DIR / "other.db")
    table = CONFLICT
    desk = Desk.open(snap_desk, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:  # the conflict's random id and detection time, fixed
            tx.conn.execute(
                update(table).values(
                    id="0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", detected_at=FIXED_NOW
                )
            )
    finally:
        desk.close()
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.conflicts)
