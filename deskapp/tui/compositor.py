"""Paint what changed, not the rectangle around it.

Textual's compositor paints a frame's changes by rendering every widget that overlaps
the one rectangle enclosing all of them (``Compositor.render_partial_update``). On the
main screen the changes of one frame are often far apart: the queue's pane in the
middle column and the footer or status line across the bottom (a filter box opening
changes the footer's keys; the status line's clock ticks). Their enclosing rectangle is
the whole screen, so every pane's lines were rendered and cut up again to repaint one of
them, two to three times the work, on the UI thread, in the frame a filter's first
answer waits behind. ``SplitCompositor`` paints each group of nearby changes with its
own rectangle and writes the same cells to the terminal as Textual's would
(``tests/tui/test_compositor.py`` holds the two to the same output).

It relies on Textual's internals (``_render_chops``, ``_regions_to_spans``), as the
filter box does (``widgets/pane.py``): Textual is pinned below 9.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip

#: Two groups of changes are painted as one when their enclosing rectangle is at most
#: this many cells larger than the two: a row of footer keys is one group, a pane and
#: the footer are two.
SLACK = 200


def groups(regions: Iterable[Region]) -> list[Region]:
    """The rectangles to paint: nearby regions joined, far ones kept apart."""
    boxes = [(region, region.area) for region in regions if region]
    merged = True
    while merged and len(boxes) > 1:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                (a, area_a), (b, area_b) = boxes[i], boxes[j]
                joined = a.union(b)
                if a.overlaps(b) or joined.area <= area_a + area_b + SLACK:
                    # The area a group covers is what it costs to paint: its union.
                    boxes[i] = (joined, joined.area)
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return [box for box, _ in boxes]


class SplitCompositor(Compositor):
    def render_partial_update(self) -> ChopsUpdate | None:
        regions = list(self._dirty_regions)
        crops = groups(regions)
        if len(crops) < 2:
            return super().render_partial_update()
        self._dirty_regions.clear()
        screen = self.size.region
        spans = list(self._regions_to_spans(regions))
        cuts = self.cuts
        merged: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for crop in crops:
            crop = crop.intersection(screen)
            if not crop:
                continue
            lines = set(crop.line_range)
            chops = self._render_chops(crop, lines.__contains__)
            left, right = crop.x, crop.right
            for y in crop.line_range:
                into, line_cuts = merged[y], cuts[y]
                for index, (cut, strip) in enumerate(chops[y].items()):
                    # A piece of a line is taken from the group whose rectangle it
                    # touches: every widget in front of it there was rendered with it.
                    # (Beyond its rectangle a group may hold a piece of a widget further
                    # back, such as the screen's own background.)
                    if strip is None or into[cut] is not None:
                        continue
                    if cut < right and line_cuts[index + 1] > left:
                        into[cut] = strip
        chop_ends = [cut_set[1:] for cut_set in cuts]
        result: Sequence[Mapping[int, Strip | None]] = merged
        return ChopsUpdate(result, spans, chop_ends)


def paint_changes_apart(screen: Screen[Any]) -> None:
    """Give ``screen`` the compositor above (before it is first laid out)."""
    screen._compositor = SplitCompositor()
