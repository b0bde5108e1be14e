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

import itertools
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
#: More regions than this in one frame (a screen mounting, a list scrolled a page) are
#: painted as Textual does, in one rectangle: grouping them would cost more than it saves.
MAX_REGIONS = 32


def groups(regions: Iterable[Region]) -> list[Region]:
    """The rectangles to paint: nearby regions joined, far ones kept apart. A frame can
    hold hundreds of regions (a screen mounting, a list scrolled), and few groups: each
    region joins the first group near it (largest first, so the small ones fold into the
    panes they lie in), then the groups are joined among themselves."""
    regions = [r for r in regions if r]
    if len(regions) > MAX_REGIONS:
        return [Region.from_union(regions)] if regions else []
    found: list[Region] = []
    for region in sorted(regions, key=lambda r: -r.area):
        for index, group in enumerate(found):
            if _near(group, region):
                found[index] = group.union(region)
                break
        else:
            found.append(region)
    joined = True
    while joined and len(found) > 1:
        joined = False
        for i, j in itertools.combinations(range(len(found)), 2):
            if _near(found[i], found[j]):
                found[i] = found[i].union(found[j])
                del found[j]
                joined = True
                break
    return found


def _near(a: Region, b: Region) -> bool:
    """Painted as one: overlapping, or their rectangle is little more than the two (what
    a group costs to paint is the area of its rectangle)."""
    return a.overlaps(b) or a.union(b).area <= a.area + b.area + SLACK


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
