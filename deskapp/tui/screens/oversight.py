"""Oversight: the protective-monitoring findings of the last 30 days, for supervisors
(`M` on the main screen) and the auditor (their whole desk). Enter on a finding about a
person shows who consulted, altered or disclosed their data (the audit log narrowed to
them); `A` opens the whole log, `w` writes the statistics return. Reading the findings
is logged, as reading the log is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from deskapp.domain.text import visible
from deskapp.domain.wording import count
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

DAYS = 30


class OversightScreen(DeskScreen):
    DEFAULT_CSS = """
    OversightScreen #oversight-title { height: 1; padding: 0 1; background: $panel; }
    OversightScreen DataTable { height: 1fr; }
    OversightScreen #finding-detail { height: auto; max-height: 3; padding: 0 1; }
    """
    HELP_TITLE = "Oversight"
    HELP_TEXT = (
        "Patterns a reviewer must see over the last 30 days: reveals above the rate, "
        "consultations out of hours, bulk exports, failed unlocks in a row, people "
        "consulted with no incident or contact. {list.open} on a finding about a person "
        "shows who touched their data; {oversight.audit} opens the audit log; "
        "{oversight.write_return} writes the statistics return."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="oversight.back"),
        Binding("A", "audit", "Audit log", id="oversight.audit"),
        Binding("w", "write_return", "Return", id="oversight.write_return"),
        Binding("g", "reload", "Refresh", id="oversight.reload"),
    ]

    def __init__(self, *, base: bool = False) -> None:
        """``base``: the auditor's first screen, which esc does not leave."""
        super().__init__()
        self.base = base
        self.findings: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("[b]Oversight[/b] · loading the last 30 days…", id="oversight-title")
        table: DataTable[Any] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        table.add_columns("When (UTC)", "Rule", "Officer", "Count", "Detail")
        yield table
        # The detail of the finding under the cursor, whole: at 80 columns the table cuts
        # it off, and a reviewer must read what was flagged without scrolling sideways.
        yield Static("", id="finding-detail")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        today = self.desk_app.now().date()

        def work(desk: Any) -> list[Any]:
            from deskapp.services.monitor import monitor

            return monitor(desk, today - timedelta(days=DAYS), today)

        self.background(work, self.show, group="oversight", exclusive=True)

    def show(self, findings: list[Any]) -> None:
        self.findings = findings
        table = self.query_one(DataTable)
        table.clear()
        for f in findings:
            table.add_row(
                f.at.strftime("%Y-%m-%d %H:%M"),
                f.rule,
                Text(visible(f.officer_id)),
                str(f.count),
                Text(visible(f.detail)),
            )
        title = self.query_one("#oversight-title", Static)
        what = count(len(findings), "finding") if findings else "nothing flagged"
        title.update(f"[b]Oversight[/b] · last {DAYS} days · {what}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        at = event.cursor_row
        finding = self.findings[at] if 0 <= at < len(self.findings) else None
        detail = self.query_one("#finding-detail", Static)
        detail.update(Text(visible(finding.detail)) if finding else "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        finding = self.findings[event.cursor_row] if self.findings else None
        if finding is None:
            return
        from deskapp.services.audit_log import AuditFilter
        from deskapp.tui.screens.audit import AuditScreen

        if finding.person_id:
            self.app.push_screen(AuditScreen(AuditFilter(person_id=finding.person_id)))
        else:
            self.app.push_screen(AuditScreen(AuditFilter(officer=finding.officer_id)))

    def action_audit(self) -> None:
        from deskapp.tui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen())

    async def action_write_return(self) -> None:
        from deskapp.tui.screens.ready import open_ready
        from deskapp.tui.screens.return_form import ReturnScreen

        await open_ready(self.app, ReturnScreen(self.desk_app.now().date()), lambda _p: None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and self.base:
            return False  # the auditor's first screen: no "esc Back" to nowhere
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        if not self.base:
            self.app.pop_screen()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Open the audit log", "audit", "oversight.audit"),
            ("Write the statistics return", "write_return", "oversight.write_return"),
        ]
