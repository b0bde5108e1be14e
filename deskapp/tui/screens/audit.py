"""The s.62 audit log for supervisors: who did what to whose record, newest first.

Officers show by id (and name where it fits), records by the person's name or the
incident's reference. ``f`` narrows the log by officer, person, action and dates;
enter opens the person or incident an event is about. Opening the log, and each new
filter, is logged as a consultation: the log names people.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from deskapp.domain.text import visible
from deskapp.tui import sources
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import WindowList


class AuditScreen(DeskScreen):
    HELP_TITLE = "Audit log"
    HELP_TEXT = (
        "Every collection, alteration, consultation and disclosure, newest first. "
        "{audit.filter_form} narrows it by officer, person, action and date; {list.open} "
        "opens the record an event is about; {audit.verify} verifies the hash chain. "
        "Reading the log is logged."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("f", "filter_form", "Filter by…", id="audit.filter_form"),
        Binding("v", "verify", "Verify chain", id="audit.verify"),
    ]

    def __init__(self, flt: Any = None) -> None:
        """``flt``: an ``AuditFilter`` to open with (oversight opens one person's events)."""
        super().__init__()
        from deskapp.services.audit_log import AuditFilter

        self.filter = flt if flt is not None else AuditFilter()

    def compose(self) -> ComposeResult:
        window = WindowList(
            sources.audit_source(self.desk_app.require_desk, lambda: self.filter),
            id="audit-list",
        )
        yield Pane(6, "Audit log", window, id="audit")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(WindowList).focus()
        if self.filter.describe() or self.filter.person_id:
            pane = self.query_one(Pane)
            pane.note = visible(self.filter.describe() or "one person")
            pane.update_title()
        self._log_opened()

    def _log_opened(self) -> None:
        flt = self.filter

        def work(desk: Any) -> None:
            from deskapp.services.audit_log import log_opened

            log_opened(desk, flt)

        self.background(work, group="consultation")

    def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        r = event.row
        from deskapp.protocol.merge_rule import ERASED_NAME

        desk = self.desk_app.desk
        if desk is not None and desk.officer.is_auditor:
            self.notify("An auditor sees the log, not the records it names.", severity="warning")
            return
        if r["entity"] == "incident" and r["entity_id"]:
            self.open_record("incident", str(r["entity_id"]))
        elif r["entity"] == "person" and r["person_name"] not in ("", ERASED_NAME):
            self.open_record("person", str(r["entity_id"]))
        else:
            self.notify(  # literal: an event's recipient and detail are text from outside
                visible(
                    f"#{r['seq']} {r['action']} {r['entity']} {r['entity_id'] or ''} "
                    f"fields: {r['fields'] or '—'} {r['recipient'] or ''} {r['detail']}"
                ),
                timeout=8,
                markup=False,
            )

    async def action_filter_form(self) -> None:
        from deskapp.services.audit_log import AuditFilter
        from deskapp.tui.screens.audit_filter import AuditFilterScreen
        from deskapp.tui.screens.ready import open_ready

        def done(flt: AuditFilter | None) -> None:
            if flt is None:
                return
            self.filter = flt
            pane = self.query_one(Pane)
            pane.note = visible(flt.describe())
            pane.list.cursor = 0
            pane.list.reload(keep_cursor=False)
            pane.update_title()
            self._log_opened()

        await open_ready(self.app, AuditFilterScreen(self.filter), done)

    def action_verify(self) -> None:
        def work(desk: Any) -> Any:
            from deskapp.db.audit import verify

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

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Filter the audit log", "filter_form", "audit.filter_form"),
            ("Verify the audit chain", "verify", "audit.verify"),
        ]
