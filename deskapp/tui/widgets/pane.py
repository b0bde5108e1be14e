"""A titled pane holding one WindowList and its `/` filter line."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input

from deskapp.domain.text import visible
from deskapp.tui.widgets.window_list import WindowList


class FilterInput(Input):
    # Priority bindings: each leaves the box before the app hands on the next key, so in
    # a quick "esc 3" or "enter j" the second key reaches where the first one went.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", id="filter.clear", priority=True),
        Binding("enter", "done", "Keep filter", show=False, id="filter.done", priority=True),
        Binding("down", "to_list", "To list", show=False, id="filter.to_list", priority=True),
    ]

    def _watch_value(self, value: str) -> None:
        # Input's own watcher assigns ``virtual_size`` (the text's width), a layout
        # reactive, so every keystroke reflowed the whole screen.
        # A one-line filter box never changes the layout: set it quietly, repaint this
        # widget, and do the rest of what Input's watcher does (this box has no
        # suggester or validators). Textual is pinned below 9 for these internals.
        size = Size(self.content_width, 1)
        self.set_reactive(Input.virtual_size, size)
        self._scroll_update(size)
        self.refresh()
        self.post_message(self.Changed(self, value, None))
        if self._initial_value:
            self.cursor_position = len(self.value)
            self._initial_value = False

    def action_clear_filter(self) -> None:
        pane = self.parent
        if isinstance(pane, Pane):
            pane.close_filter(clear=True)

    def action_to_list(self) -> None:
        pane = self.parent
        if isinstance(pane, Pane):
            pane.close_filter(clear=False)

    def action_done(self) -> None:
        """Enter: keep the filter (an empty one closes the box), back to the list."""
        pane = self.parent
        if isinstance(pane, Pane):
            pane.close_filter(clear=False, hide=not self.value)


class Pane(Vertical):
    """``number title · count`` in the border; the list; a filter line shown by `/`."""

    DEFAULT_CSS = """
    Pane FilterInput { display: none; height: 1; border: none; padding: 0 1; }
    Pane.-filtering FilterInput { display: block; }
    """

    def __init__(
        self,
        number: int,
        title: str,
        window: WindowList,
        *,
        id: str,
        header: Widget | None = None,
    ) -> None:
        super().__init__(id=id, classes="pane")
        self.number = number
        self.title = title
        self.list = window
        window.opens_filter = self.open_filter
        window.titles = self.update_title
        self.header = header
        self.note = ""
        self.border_title = f"{number} {title}"

    def compose(self) -> ComposeResult:
        if self.header is not None:
            yield self.header
        yield FilterInput(placeholder="filter… (esc clears)", id=f"{self.id}-filter")
        yield self.list

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def open_filter(self) -> None:
        self.add_class("-filtering")
        self.filter_input.value = self.list.filter_text
        # Focus now, not on the event loop's next turn (what ``focus()`` does): the keys
        # typed straight after `/` (a priority binding, so this runs before the app hands
        # them on) must find the box focused, not the list where "a" assigns; and a list
        # answer landing in between must not find the box unfocused and hide it.
        self.screen.set_focus(self.filter_input)

    def close_filter(self, *, clear: bool, hide: bool = False) -> None:
        if clear:
            self.filter_input.value = ""
            self.list.set_filter("")
        if clear or hide:
            self.remove_class("-filtering")
        self.screen.set_focus(self.list)  # at once, as in open_filter
        self.update_title()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        # The box's value now, not the event's: a Changed still queued when Escape
        # cleared the box must not put the old filter back.
        self.list.set_filter(self.filter_input.value)

    def on_window_list_filter_requested(self, event: WindowList.FilterRequested) -> None:
        event.stop()
        self.open_filter()

    def on_window_list_changed(self, event: WindowList.Changed) -> None:
        # screen.focused, not has_focus: the latter turns true only once the Focus
        # event is handled, and the box has just been focused by `/`.
        if not self.list.filter_text and self.screen.focused is not self.filter_input:
            self.remove_class("-filtering")
        self.update_title()

    def update_title(self) -> None:
        extra = f" · {self.note}" if self.note else ""
        filt = f" · /{self.list.filter_text}" if self.list.filter_text else ""
        # A title is markup: the note can name an adviser, the filter is typed.
        self.border_title = escape(visible(f"{self.number} {self.title}{extra}{filt}"))
        self.border_subtitle = self.list.describe()
