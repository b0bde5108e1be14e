"""The Conflicts view (supervisors): edits made on this desk that lost at sync to
another desk's later edit of the same field, both values side by side; keep one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from deskapp.domain.text import visible
from deskapp.runtime.clock import local
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.sync.conflicts import ConflictRow


def _short(value: Any, width: int = 40) -> str:
    if value is None:
        return "—"
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class ConflictsScreen(DeskScreen):
    HELP_TITLE = "Conflicts"
    HELP_TEXT = (
        "Edits made on this desk that lost to another desk's later edit of the same field. "
        "{conflicts.keep_local} keeps this desk's value (it then wins everywhere at the next "
        "sync); {conflicts.keep_remote} keeps the "
        "hub's value. Both ask first. Supervisors resolve."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="conflicts.back"),
        Binding("l", "resolve('local')", "Keep local", id="conflicts.keep_local"),
        Binding("r", "resolve('remote')", "Keep remote", id="conflicts.keep_remote"),
        Binding("v", "reveal", "Reveal", show=False, id="conflicts.reveal"),
        Binding("j", "move(1)", "Down", show=False, id="conflicts.down"),
        Binding("k", "move(-1)", "Up", show=False, id="conflicts.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ConflictRow] = []
        self.revealed: set[str] = set()
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="conflicts", classes="pane"):
            yield DataTable(cursor_type="row", zebra_stripes=False, id="conflicts-table")
            with VerticalScroll(id="conflict-detail-scroll"):
                yield Static("", id="conflict-detail")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        pane = self.query_one("#conflicts")
        pane.border_title = "Conflicts"
        table = self.query_one(DataTable)
        table.add_columns("Record", "Field", "This desk (lost)", "Hub (kept)", "Detected")
        table.focus()
        self.load()

    def load(self) -> None:
        def work(desk: Desk) -> list[ConflictRow]:
            from deskapp.sync import list_conflicts

            return list_conflicts(desk, labelled=True)

        self.background(work, self._show, group="conflicts", exclusive=True)

    def _sensitive(self, row: ConflictRow) -> bool:
        from deskapp.db.tables import SENSITIVE_FIELDS

        fields = SENSITIVE_FIELDS.get(str(row["entity"]), ())
        return str(row["field"]) in fields and str(row["id"]) not in self.revealed

    def _value(
        self, row: ConflictRow, key: Literal["local_value", "remote_value"], width: int = 40
    ) -> str:
        if self._sensitive(row):
            return "•••• (v reveals)"
        return visible(_short(row[key], width))

    def _show(self, rows: list[ConflictRow]) -> None:
        self.rows = rows
        self.loaded = True
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        # Both values side by side, as wide as the screen allows (full text below).
        width = max(12, min(60, (self.size.width - 48) // 2))
        for row in rows:
            detected = row["detected_at"]
            when = local(detected).strftime("%d %b %H:%M") if isinstance(detected, datetime) else ""
            # Text cells: a plain string cell would be read as markup.
            table.add_row(
                Text(visible(str(row.get("label") or row["row_id"]))),
                Text(visible(str(row["field"]))),
                Text(self._value(row, "local_value", width)),
                Text(self._value(row, "remote_value", width)),
                when,
                key=str(row["id"]),
            )
        pane = self.query_one("#conflicts")
        count = len(rows)
        pane.border_title = f"Conflicts · {count} waiting"
        pane.border_subtitle = "l keep local · r keep remote" if count else ""
        if rows:
            table.move_cursor(row=min(keep, count - 1))
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def current(self) -> ConflictRow | None:
        if not self.rows:
            return None
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _detail(self) -> None:
        detail = self.query_one("#conflict-detail", Static)
        row = self.current()
        if row is None:
            detail.update(
                "No conflicts are waiting. Edits that lose at sync to another desk's "
                "later edit of the same field appear here."
                if self.loaded
                else "Loading…"
            )
            return
        text = Text()
        text.append(visible(f"{row.get('label') or row['row_id']}"), style="bold")
        text.append(
            visible(f" · {row['entity']} · field {row['field']} · conflict {row['id'][:8]}")
        )
        text.append("\n\n")
        text.append("This desk's value (lost at sync)\n", style="bold")
        text.append(f"  {self._value(row, 'local_value', 400)}\n\n")
        text.append("The hub's value (kept everywhere now)\n", style="bold")
        text.append(f"  {self._value(row, 'remote_value', 400)}\n")
        detail.update(text)

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.rows:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.rows) - 1)))

    def action_reveal(self) -> None:
        row = self.current()
        if row is None or not self._sensitive(row):
            return
        ident = str(row["id"])

        def work(desk: Desk) -> None:
            from deskapp.sync import get_conflict

            get_conflict(desk, ident)  # logged as a consultation of that field

        def done(_: None) -> None:
            self.revealed.add(ident)
            self._show(self.rows)

        self.background(work, done)

    def action_resolve(self, keep: str) -> None:
        row = self.current()
        if row is None:
            return
        desk = self.desk_app.desk
        if desk is None or not desk.officer.is_supervisor:
            self.notify("Only a supervisor can resolve a sync conflict.", severity="warning")
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        ident = str(row["id"])
        label = row.get("label") or row["row_id"]
        if keep == "local":
            question = (
                f"Keep this desk's value of {row['field']} for {label}? It replaces the "
                "hub's value on every desk at the next sync."
            )
        else:
            question = (
                f"Keep the hub's value of {row['field']} for {label}? This desk's edit "
                "is discarded."
            )

        def work(desk: Desk) -> ConflictRow:
            from deskapp.sync import resolve_conflict

            return resolve_conflict(desk, ident, keep)

        def done(_: ConflictRow) -> None:
            self.notify(f"Conflict resolved: kept the {keep} value.", title="Conflicts")
            self.load()

        def answer(yes: bool | None) -> None:
            if yes:
                self.background(work, done, wrote=True)

        self.app.push_screen(ConfirmScreen(question, yes=f"Keep {keep}", no="Not now"), answer)

    def action_back(self) -> None:
        self.app.pop_screen()
