"""The status line (tui/widgets/status_line.py): its clock ticks
every second, and drawing it must not lay the screen out again nor repaint a line that
has not changed (issue #21: a layout each second landed beside the first keystroke)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget

from deskapp.tui.widgets.status_line import StatusLine
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock


async def test_the_status_line_ticks_without_a_layout(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await settle(pilot)
        line = main.query_one(StatusLine)
        refreshes: list[bool] = []
        refresh = Widget.refresh

        def counted(self: Widget, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
            if isinstance(self, StatusLine):
                refreshes.append(layout)
            return refresh(self, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(Widget, "refresh", counted)
        for _ in range(3):
            app._tick()  # the clock's own tick: the text is as it was
        assert refreshes == []
        app.pending_changes = 7
        app._update_status()
        assert refreshes == [False]  # drawn again, and nothing laid out
        await pilot.pause()
        assert "pending 7" in str(line.render())
