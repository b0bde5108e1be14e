"""Supervisor views: records due for retention review, and the s.62 audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from deskapp.core.text import visible
from deskapp.tui import sources
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import WindowList


class ReviewScreen(DeskScreen):
    HELP_TITLE = "Review due"
    HELP_TEXT = "People and incidents whose retention review date (DPA 2018 s.39) has come."

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="review.back"),
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
        if event.row["kind"] == "person":
            from deskapp.tui.screens.person import PersonScreen

            self.app.push_screen(PersonScreen(str(event.row["id"])))
        else:
            from deskapp.tui.screens.incident import IncidentScreen

            self.app.push_screen(IncidentScreen(str(event.row["id"])))

    def action_back(self) -> None:
        self.app.pop_screen()


class AuditScreen(DeskScreen):
    HELP_TITLE = "Audit log"
    HELP_TEXT = (
        "Every collection, alteration, consultation and disclosure, newest first. "
        "{audit.verify} verifies the hash chain."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("v", "verify", "Verify chain", id="audit.verify"),
    ]

    def compose(self) -> ComposeResult:
        window = WindowList(sources.audit_source(self.desk_app.require_desk), id="audit-list")
        yield Pane(6, "Audit log", window, id="audit")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(WindowList).focus()

    def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        r = event.row
        self.notify(  # literal: an event's recipient and detail are text from outside
            visible(
                f"#{r['seq']} {r['action']} {r['entity']} {r['entity_id'] or ''} "
                f"fields: {r['fields'] or '—'} {r['recipient'] or ''} {r['detail']}"
            ),
            timeout=8,
            markup=False,
        )

    def action_verify(self) -> None:
        def work(desk: Any) -> Any:
            from deskapp.store.audit import verify

            with desk.read() as conn:
                return verify(conn)

        def done(result: Any) -> None:
            if result.ok:
                self.notify(f"Audit chain intact: {result.events} events.", title="Audit")
            else:
                self.notify(
                    f"Audit chain broken: {result.problem}.",
                    title="Audit",
                    severity="error",
                    timeout=15,
                )

        self.background(work, done)

    def action_back(self) -> None:
        self.app.pop_screen()
