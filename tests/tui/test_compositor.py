"""Changes far apart in one frame are painted apart (``tui/compositor.py``), and what is
written to the terminal is what Textual's own compositor writes for them."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.segment import ControlType, Segment
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.widget import Widget

from deskapp.tui.compositor import SplitCompositor, groups
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane

from .conftest import make_app
from .helpers import settle, unlock

Cells = dict[tuple[int, int], tuple[str, Any]]


def cells(update: ChopsUpdate | None) -> Cells:
    """The cells an update writes: (x, y) -> (character, style)."""
    if update is None:
        return {}
    console = Console(width=400, height=100, force_terminal=True, color_system="truecolor")
    out: Cells = {}
    x = y = 0
    for segment in console.render(update):
        assert isinstance(segment, Segment)
        if segment.control:
            for kind, *args in segment.control:
                if kind == ControlType.CURSOR_MOVE_TO:
                    x, y = int(args[0]) - 1, int(args[1]) - 1
            continue
        for char in segment.text:
            out[(x, y)] = (char, segment.style)
            x += 1
    return out


def both(compositor: Compositor, regions: list[Region]) -> tuple[Cells, Cells]:
    """What Textual's compositor and ours write for the same changes."""
    compositor._dirty_regions = set(regions)
    theirs = cells(Compositor.render_partial_update(compositor))
    compositor._dirty_regions = set(regions)
    ours = cells(compositor.render_partial_update())
    return theirs, ours


def test_changes_far_apart_are_painted_apart() -> None:
    pane, footer = Region(54, 1, 73, 47), Region(0, 49, 200, 1)
    keys = [Region(0, 49, 6, 1), Region(7, 49, 10, 1), Region(18, 49, 8, 1)]
    assert sorted(groups([pane, footer])) == sorted([pane, footer])
    assert groups(keys) == [Region(0, 49, 26, 1)]  # a row of keys: one rectangle
    assert groups([pane, Region(60, 5, 10, 10)]) == [pane]  # inside it: the pane's
    # Past MAX_REGIONS (a screen mounting): one rectangle, as Textual paints it.
    many = [Region(x * 6, 40, 1, 1) for x in range(33)] + [Region(0, 0, 1, 1)]
    assert groups(many) == [Region(0, 0, 193, 41)]


async def test_the_main_screen_paints_what_textual_would(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await settle(pilot)
        compositor = main._compositor
        assert isinstance(compositor, SplitCompositor)
        widgets: dict[Widget, Region] = {
            widget: region.intersection(clip)
            for widget, (region, clip) in compositor.visible_widgets.items()
            if region.intersection(clip)
        }
        queue = main.query_one("#queue", Pane)
        footer = main.query_one(DeskFooter)
        cases = [
            [widgets[queue], widgets[footer]],  # a filter box opened: the footer's keys too
            [widgets[queue.list], widgets[main.query_one("#roster", Pane).list]],
        ]
        chosen = random.Random(21)
        regions = list(widgets.values())
        cases += [list(pair) for pair in itertools.combinations(regions, 2)][::7]
        cases += [chosen.sample(regions, 3) for _ in range(20)]
        # Parts of widgets, as a list's changed lines and a scrollbar's column are.
        cases += [
            [Region(r.x + 1, r.y + 2, max(1, r.width // 3), 2) for r in chosen.sample(regions, 4)]
            for _ in range(20)
        ]
        screen = compositor.size.region
        painted_apart = 0
        for case in cases:
            # As Textual gives them: each change within the screen (update_widgets)
            case = [part for region in case if (part := region.intersection(screen))]
            theirs, ours = both(compositor, case)
            assert ours == theirs, case
            painted_apart += len(groups(case)) > 1
        assert painted_apart > 10  # the cases did test painting apart
