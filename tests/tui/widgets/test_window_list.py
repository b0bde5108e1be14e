"""A list of 100,000 rows' window (tui/widgets/window_list.py), as its pane shows it."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock


async def test_a_lists_answer_and_its_pane_title_are_drawn_together(desk_path: Path) -> None:
    """The pane's title (the filter, the count) is set as the answer's rows are, not a
    message later: drawn a frame apart, the pane was repainted twice for one keystroke."""
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await settle(pilot)
        pane = main.pane("queue")
        lst = pane.list
        lst.set_filter("k")
        # The answer as the worker's report hands it to the list, on the UI thread.
        lst._loaded(lst.generation, 0, 3, [], True)
        assert pane.border_subtitle == "3"
        assert "/k" in str(pane.border_title)
        await settle(pilot)
