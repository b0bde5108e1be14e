"""Writing the statistics return from the app: the same service and audit as
``deskapp report returns`` (``exporting/returns_file.py``). Aggregates only, so anyone who may
open the desk's returns (officers, supervisors, auditors) may write one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskapp.domain.text import visible
from deskapp.tui.background import failure_message
from deskapp.tui.bindings import field_keys
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.export import swap_suffix
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.db.desk import Desk

FORMATS = [("m", "md", "Markdown"), ("v", "csv", "CSV"), ("x", "xlsx", "Excel")]


def _swap(path: str, fmt: str) -> str:
    if path.endswith(".xlsx"):
        return path[: -len(".xlsx")] + "." + fmt
    return swap_suffix(path, fmt)


class ReturnScreen(ReadyForm[str]):
    """Returns the path written, or None if nothing was."""

    HELP_TITLE = "Statistics return"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Write", id="return_form.save"),
        Binding("escape", "cancel", "Cancel", id="return_form.cancel"),
        *field_keys("return_form"),
    ]

    def __init__(self, today: date) -> None:
        super().__init__()
        # The last full quarter is what a return usually covers; both dates can be typed.
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        self.end = first - timedelta(days=1)
        self.start = date(self.end.year, 3 * ((self.end.month - 1) // 3) + 1, 1)
        self.writing = False

    def compose(self) -> ComposeResult:
        name = f"return-{self.start.isoformat()}-{self.end.isoformat()}.md"
        with Vertical(classes="dialog export"):
            yield Static("[b]Statistics return[/b] (aggregates only)", classes="dialog-title")
            yield Label("From (YYYY-MM-DD)")
            yield Input(value=self.start.isoformat(), id="return-from")
            yield Label("To")
            yield Input(value=self.end.isoformat(), id="return-to")
            yield Label("Format")
            yield ChoiceBar(FORMATS, value="md", id="return-format")
            yield Label("File")
            yield Input(value=str(Path.cwd() / name), id="return-path")
            yield Static("", id="return-message", classes="message")
            yield Static(
                "[b]tab[/b] next field   "
                + key_hint(self.app, "return_form.save", "write   ")
                + key_hint(self.app, "return_form.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#return-from"))
        self.mark_ready()

    @on(ChoiceBar.Chosen)
    def chosen(self, message: ChoiceBar.Chosen) -> None:
        box = self.query_one("#return-path", Input)
        box.value = _swap(box.value, message.value)

    def _message(self, text: str) -> None:
        self.query_one("#return-message", Static).update(Text(text))

    def action_save(self) -> None:
        if self.writing:
            return
        since = self.query_one("#return-from", Input).value
        until = self.query_one("#return-to", Input).value
        raw = self.query_one("#return-path", Input).value.strip()
        fmt = self.query_one("#return-format", ChoiceBar).value or "md"
        if not raw:
            self._message("Give a file name for the return.")
            return
        path = Path(raw).expanduser()

        def work(desk: Desk) -> str:
            from deskapp.domain.errors import ValidationError
            from deskapp.domain.validation import iso_date
            from deskapp.exporting.returns_file import write_return

            start = iso_date(since, field="From")
            end = iso_date(until, field="To")
            if start is None or end is None:
                raise ValidationError("Give both dates, like 2026-05-07.")
            write_return(desk, start, end, path, fmt=fmt)
            return str(path)

        def done(written: str) -> None:
            self.writing = False
            self.app.notify(visible(f"Return written to {written}."), markup=False)
            self.dismiss(written)

        def failed(exc: BaseException) -> None:
            self.writing = False
            self._message(failure_message(exc))

        if self.background(work, done, failed=failed, group="return") is not None:
            self.writing = True

    def action_cancel(self) -> None:
        self.dismiss(None)

    def has_unsaved(self) -> bool:
        return False
