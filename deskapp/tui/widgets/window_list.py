"""A Line-API list that is a *window* onto a database query.

Like Toolong's LogLines it renders only the lines on screen. Rows come a page at a time
from thread workers (LIMIT/OFFSET on the query the ``ListSource`` builds); the widget
never holds more than the pages it has been asked to show. A filter change bumps a
generation number so answers to old filters are dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from deskapp.domain.text import visible
from deskapp.tui.background import Background, failure_message

PAGE = 100
COUNT_DELAY = 0.25  # seconds a big filter waits before counting its matches exactly
MAX_PAGES = 40  # pages kept in memory (4,000 rows at most)

#: A row of a list: whatever columns its source's query selects (see search.windows).
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    flex: bool = False
    render: Callable[[Row], str] | None = None
    style: Callable[[Row], str] | None = None  # a component-class suffix, e.g. "overdue"
    min_width: int = 0  # below this many columns of screen the column is dropped

    def text(self, row: Row) -> str:
        """The cell's text, control characters shown (a stored ESC never reaches the
        terminal: these cells become segments as they are)."""
        if self.render is not None:
            return visible(self.render(row))
        value = row.get(self.key)
        return "" if value is None else visible(str(value))


@dataclass
class ListSource:
    """What a list shows: a name, its columns, and how to count and page it.

    ``load(filter_text, offset, limit, want_total)`` runs on a worker thread and returns
    ``(total or None, rows, exact)``; when the total was capped (``exact`` false),
    ``exact_total(filter_text)`` gives the real one on the same worker, afterwards.
    """

    name: str
    columns: list[Column]
    load: Callable[[str, int, int, bool], tuple[int | None, list[Row], bool]]
    exact_total: Callable[[str], int] | None = None
    empty: str = "Nothing here."
    key: str = "id"
    extra: dict[str, Any] = field(default_factory=dict)


class WindowList(Background, ScrollView, can_focus=True):
    """A keyboard-first list over a query: j/k, g/G, page keys, space marks, enter opens."""

    # Priority bindings run as the app receives the key, before the next is handed on
    # (a plain binding waits in the list's own queue while the app routes the keys behind
    # it): in a burst, `space r` grades the row just marked, and the letters typed
    # straight after `/` find the filter box focused.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list.down", priority=True),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list.up", priority=True),
        Binding("g,home", "first", "First", show=False, id="list.first", priority=True),
        Binding("G,end", "last", "Last", show=False, id="list.last", priority=True),
        Binding(
            "pagedown,ctrl+f",
            "page(1)",
            "Page down",
            show=False,
            id="list.page_down",
            priority=True,
        ),
        Binding(
            "pageup,ctrl+b", "page(-1)", "Page up", show=False, id="list.page_up", priority=True
        ),
        Binding("enter", "open", "Open", id="list.open", priority=True),
        Binding("space", "mark", "Mark", id="list.mark", priority=True),
        Binding("slash", "filter", "Filter", id="list.filter", priority=True),
        Binding("escape", "clear", "Clear", show=False, id="list.clear"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "windowlist--header",
        "windowlist--cursor",
        "windowlist--cursor-blur",
        "windowlist--marked",
        "windowlist--overdue",
        "windowlist--soon",
        "windowlist--g1",
        "windowlist--g2",
        "windowlist--high",
        "windowlist--medium",
        "windowlist--dim",
        "windowlist--placeholder",
    }

    DEFAULT_CSS = """
    WindowList { height: 1fr; }
    """

    class Opened(Message):
        """Enter on a row."""

        def __init__(self, lst: WindowList, row: Row, index: int) -> None:
            super().__init__()
            self.list = lst
            self.row = row
            self.index = index

        @property
        def control(self) -> WindowList:
            return self.list

    class FilterRequested(Message):
        def __init__(self, lst: WindowList) -> None:
            super().__init__()
            self.list = lst

    class Changed(Message):
        """The total, filter or marked set changed (for titles and counters)."""

        def __init__(self, lst: WindowList) -> None:
            super().__init__()
            self.list = lst

    def __init__(
        self,
        source: ListSource,
        *,
        now: Callable[[], Any] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.now = now
        self.filter_text = ""
        self.total: int | None = None
        self.cursor = 0
        self.marked: dict[str, Row] = {}
        self.error = ""
        self._generation = 0
        self._pages: dict[int, list[Row]] = {}
        self._requested: set[int] = set()
        self._loaded_once = False
        self.settled_generation = 0  # the generation whose count and first page are shown
        self.exact = True  # False while the total is a capped "1,000+"
        self._paint: _Paint | None = None
        #: What `/` opens, set by the pane holding this list (else FilterRequested).
        self.opens_filter: Callable[[], None] | None = None
        #: What redraws the holder's title (the count, the filter) with an answer, set
        #: by the pane holding this list (see ``_loaded``).
        self.titles: Callable[[], None] | None = None

    # -- data ----------------------------------------------------------------------
    @property
    def generation(self) -> int:
        return self._generation

    @property
    def loaded(self) -> bool:
        return self.total is not None

    def on_mount(self) -> None:
        self.reload()

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Count and page again (after a filter change or a write)."""
        self._generation += 1
        self._pages.clear()
        self._requested.clear()
        if not keep_cursor:
            self.cursor = 0
        first_page = (self.cursor // PAGE) if keep_cursor else 0
        self._request(first_page, want_total=True)

    def set_filter(self, text: str) -> None:
        if text == self.filter_text:
            return
        self.filter_text = text
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self.reload(keep_cursor=False)

    def _request(self, page_no: int, *, want_total: bool = False) -> None:
        if page_no in self._requested and not want_total:
            return
        self._requested.add(page_no)
        generation, filt = self._generation, self.filter_text
        source = self.source
        offset = page_no * PAGE

        def shown(got: tuple[int | None, list[Row], bool]) -> None:
            self._loaded(generation, offset, *got)

        page = self.reporter(shown)

        def load() -> int | None:
            total, rows, exact = source.load(filt, offset, PAGE, want_total)
            page((total, rows, exact))
            if exact or source.exact_total is None:
                return None
            time.sleep(COUNT_DELAY)  # typing on? then this count would be wasted work
            if generation != self._generation:
                return None
            try:  # the real count of a big match, while the officer reads the first page
                return source.exact_total(filt)
            except Exception:
                return None  # the capped count stands: the page itself was shown

        def counted(real: int | None) -> None:
            if real is not None:
                self._loaded(generation, offset, real, None, True)

        self.background(
            load,
            counted,
            failed=lambda exc: self._load_failed(generation, exc),
            group=f"window-{id(self)}",
            exclusive=want_total,
            desk=False,
        )

    def _loaded(
        self, generation: int, offset: int, total: int | None, rows: list[Row] | None, exact: bool
    ) -> None:
        if generation != self._generation:
            return
        self.error = ""
        if total is not None:
            self.total = total
            self.exact = exact
            self._loaded_once = True
            self.cursor = min(self.cursor, max(0, self.total - 1))
            self._set_virtual_height(self.total + 1)
            self.post_message(self.Changed(self))
            if self.titles is not None:
                # Now, with the rows: through the Changed message alone, the pane's title
                # came a frame after the rows it counts (two repaints of the pane).
                self.titles()
        if rows is not None:
            self._pages[offset // PAGE] = rows
        if total is not None:
            self.settled_generation = generation
        if len(self._pages) > MAX_PAGES:
            keep = self.cursor // PAGE
            for page_no in sorted(self._pages, key=lambda p: -abs(p - keep))[
                : len(self._pages) - MAX_PAGES
            ]:
                del self._pages[page_no]
                self._requested.discard(page_no)
        self.refresh()

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scroll region. A filter keystroke changes the row count every time;
        assigning ``virtual_size`` reflows the whole screen, which is needed only when the
        scrollbar appears or disappears, so otherwise just the scrollbars are updated."""
        new = Size(self.size.width, height)
        visible = self.scrollable_content_region.height
        if (self.virtual_size.height > visible) == (height > visible) and self._loaded_once:
            self.set_reactive(WindowList.virtual_size, new)
            self._scroll_update(new)
        else:
            self.virtual_size = new

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.error = failure_message(exc)
        self.total = 0
        self.refresh()

    def row(self, index: int) -> Row | None:
        page = self._pages.get(index // PAGE)
        if page is None:
            return None
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> Row | None:
        if not self.total:
            return None
        return self.row(self.cursor)

    def visible_rows(self) -> list[Row]:
        """The rows on screen now (for tests and the help text)."""
        top = int(self.scroll_offset.y)
        out = []
        for index in range(top, min(top + max(0, self.size.height - 1), self.total or 0)):
            row = self.row(index)
            if row is not None:
                out.append(row)
        return out

    def targets(self) -> list[Row]:
        """What an action applies to: the marked rows, else the row under the cursor."""
        if self.marked:
            return list(self.marked.values())
        current = self.current
        return [current] if current is not None else []

    def clear_marks(self) -> None:
        self.marked.clear()
        self.post_message(self.Changed(self))
        self.refresh()

    # -- rendering -------------------------------------------------------------------
    def _layout(self, width: int) -> list[tuple[Column, int]]:
        cols = [c for c in self.source.columns if width >= c.min_width]
        optional = sorted((c for c in cols if c.min_width), key=lambda c: -c.min_width)
        while optional and sum(c.width + 1 for c in cols) + 2 > width:
            cols.remove(optional.pop(0))
        fixed = sum(c.width + 1 for c in cols) + 2
        spare = max(0, width - fixed)
        flex = [c for c in cols if c.flex]
        out = []
        for col in cols:
            extra = spare // len(flex) if col.flex and flex else 0
            out.append((col, col.width + extra))
        return out

    def render_lines(self, crop: Region) -> list[Strip]:
        # One snapshot of the styles and column layout for every line of this pass:
        # ``rich_style`` walks the widget's ancestors and the layout sorts the columns,
        # and per line those two were a third of a filter keystroke's paint.
        self._paint = _Paint(self, self.size.width)
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        paint = self._paint
        width = self.size.width
        if paint is None or paint.width != width:
            paint = _Paint(self, width)
        base = paint.base
        if y == 0:
            return paint.header
        index = int(self.scroll_offset.y) + y - 1
        if self.total is None:
            text = "Loading…" if y == 1 else ""
            return Strip([Segment(set_cell_size(text, width), base)])
        if self.total == 0:
            text = ""
            if y == 1:
                text = ("  " + self.error) if self.error else ("  " + self.source.empty)
            return Strip([Segment(set_cell_size(text, width), paint.style("placeholder"))])
        if index >= self.total:
            return Strip([Segment(" " * width, base)])
        row = self.row(index)
        if row is None:
            self._request(index // PAGE)
            return Strip([Segment(set_cell_size("  …", width), paint.style("placeholder"))])
        marked = str(row.get(self.source.key, "")) in self.marked
        row_style = paint.row_style(
            marked=marked, cursor=index == self.cursor, focused=self.has_focus
        )
        # Neighbouring cells of one style are joined into one segment: most lines are
        # a single segment, so the compositor has little to divide.
        segments: list[Segment] = []
        text, style = "● " if marked else "  ", row_style
        for col, w in paint.layout:
            cell_style = row_style
            if col.style is not None and (name := col.style(row)):
                cell_style = paint.combined(row_style, name)
            cell = fit(col.text(row), w)
            if cell_style is style:
                text += cell
            else:
                segments.append(Segment(text, style))
                text, style = cell, cell_style
            if style is row_style:
                text += " "
            else:
                segments.append(Segment(text, style))
                text, style = " ", row_style
        segments.append(Segment(text, style))
        return Strip(segments).adjust_cell_length(width, row_style)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, (self.total or 0) + 1)
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- moving ------------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to((self.total or 1) - 1)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(self, row, self.cursor))

    def action_mark(self) -> None:
        row = self.current
        if row is None:
            return
        key = str(row.get(self.source.key, ""))
        if key in self.marked:
            del self.marked[key]
        else:
            self.marked[key] = row
        self.post_message(self.Changed(self))
        self.move_to(self.cursor + 1)
        self.refresh()

    def action_filter(self) -> None:
        if self.opens_filter is not None:
            # At once, inside this key's handling: the keys typed straight after `/` are
            # queued behind it, and must find the filter box open and focused.
            self.opens_filter()
        else:
            self.post_message(self.FilterRequested(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear":
            # Nothing to clear: let escape go on to the screen (e.g. "back").
            return self.can_clear()
        return True

    def can_clear(self) -> bool:
        return bool(self.marked or self.filter_text)

    def action_clear(self) -> None:
        if self.marked:
            self.clear_marks()
        elif self.filter_text:
            self.set_filter("")
            self.post_message(self.Changed(self))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            index = int(self.scroll_offset.y) + event.y - 1
            if self.total and index < self.total:
                self.move_to(index)
                if event.chain >= 2:
                    self.action_open()

    def describe(self) -> str:
        """Title suffix: how many rows, and how many marked."""
        if self.total is None:
            return "…"
        text = f"{self.total:,}" + ("" if self.exact else "+")
        if self.marked:
            text += f" · {len(self.marked)} marked"
        return text


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if text.isascii() and text.isprintable():  # one cell a character: no width tables
        if len(text) <= width:
            return text.ljust(width)
        return text[: width - 1] + "…"
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class _Paint:
    """What every line of one paint shares: the widget's base style, its component
    styles (resolved once each) and the column layout for this width."""

    def __init__(self, lst: WindowList, width: int) -> None:
        self.lst = lst
        self.width = width
        self.base = lst.rich_style
        self.layout = lst._layout(width)
        self._styles: dict[str, Style] = {}
        self._rows: dict[tuple[bool, bool, bool], Style] = {}
        self._combined: dict[tuple[int, str], Style] = {}
        head = self.style("header")
        segments = [Segment("  ", head)]
        for col, w in self.layout:
            segments.append(Segment(set_cell_size(col.label, w) + " ", head))
        self.header = Strip(segments).adjust_cell_length(width, head)

    def style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.lst.get_component_rich_style(f"windowlist--{name}")
        return style

    def row_style(self, *, marked: bool, cursor: bool, focused: bool) -> Style:
        key = (marked, cursor, focused)
        style = self._rows.get(key)
        if style is None:
            style = self.base
            if marked:
                style = style + self.style("marked")
            if cursor:
                style = style + self.style("cursor" if focused else "cursor-blur")
            self._rows[key] = style
        return style

    def combined(self, row_style: Style, name: str) -> Style:
        key = (id(row_style), name)
        style = self._combined.get(key)
        if style is None:
            style = self._combined[key] = row_style + self.style(name)
        return style
