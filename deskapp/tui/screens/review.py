"""Records due for their retention review (DPA 2018 s.39): people, incidents and
subjects of concern whose review date has come, and security surveys and standing
measures due their protective review (issue #19). Enter opens one; the review is
answered here, by keeping the record to a later date with the reason (logged) or, for a
person, by erasing them (supervisors)."""

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


class ReviewScreen(DeskScreen):
    HELP_TITLE = "Review due"
    HELP_TEXT = (
        "People, incidents and subjects of concern whose retention review date (DPA 2018 "
        "s.39) has come, and security surveys and measures due their protective review. "
        "{review.extend} keeps the record to a later date, with the reason; "
        "{review.erase} erases a person (supervisors)."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="review.back"),
        Binding("x", "extend", "Keep to…", id="review.extend"),
        Binding("X", "erase", "Erase", id="review.erase"),
    ]

    def compose(self) -> ComposeResult:
        app = self.desk_app
        window = WindowList(sources.review_source(app.require_desk, app.now), id="review-list")
        yield Pane(5, "Review due", window, id="review")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(WindowList).focus()

    def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        kind = event.row["kind"]
        if kind in ("survey", "measure"):
            from deskapp.tui.screens.security import PersonSecurityScreen

            self.app.push_screen(PersonSecurityScreen(str(event.row["person_id"])))
        else:
            self.open_record(
                kind if kind in ("person", "subject") else "incident", str(event.row["id"])
            )

    def _reload(self, *_: object) -> None:
        self.query_one(WindowList).reload()

    async def action_extend(self) -> None:
        row = self.query_one(WindowList).current
        if row is None:
            return
        from deskapp.tui.screens.ready import open_ready
        from deskapp.tui.screens.review_extend import ReviewExtendScreen

        def done(day: object) -> None:
            if day is not None:
                self.notify(f"Kept; next review {day}. The reason is in the audit log.")
                self._reload()

        form = ReviewExtendScreen(str(row["kind"]), str(row["id"]), str(row["label"]))
        await open_ready(self.app, form, done)

    async def action_erase(self) -> None:
        row = self.query_one(WindowList).current
        if row is None:
            return
        if row["kind"] not in ("person", "subject"):
            self.notify(
                "Only a person or a subject is erased from here: keep this to a later date.",
                severity="warning",
            )
            return
        from deskapp.tui.erasure import erase

        await erase(self, str(row["kind"]), str(row["id"]), str(row["label"]), self._reload)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Keep this record to a later review date", "extend", "review.extend"),
            ("Erase this person's data (supervisor)", "erase", "review.erase"),
        ]
