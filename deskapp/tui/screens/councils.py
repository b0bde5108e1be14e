"""Councils and authorities: who their returning officer is and whether they have
agreed to share candidates' contact details. Enter edits the one under the cursor."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from deskapp.tui import sources
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import WindowList


class CouncilsScreen(DeskScreen):
    HELP_TITLE = "Councils"
    HELP_TEXT = (
        "Each council's returning officer and the request to share candidates' contact "
        "details (not-requested, requested, agreed, refused). {list.open} edits one."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="councils.back"),
    ]

    def compose(self) -> ComposeResult:
        window = WindowList(sources.councils_source(self.desk_app.require_desk), id="councils-list")
        yield Pane(7, "Councils", window, id="councils")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(WindowList).focus()

    async def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        from deskapp.tui.screens.council_form import CouncilFormScreen
        from deskapp.tui.screens.ready import open_ready

        def done(saved: str | None) -> None:
            if saved:
                self.notify("Saved.")
                self.query_one(WindowList).reload()

        await open_ready(self.app, CouncilFormScreen(str(event.row["id"])), done)

    def action_back(self) -> None:
        self.app.pop_screen()
