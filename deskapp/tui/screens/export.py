"""Export from the app: the roster, the caseloads, the incidents or an event's briefing
pack, through the same service and audit as ``deskapp export`` (``exporting/export.py``).

Redacted by default. A recipient's name makes it a disclosure, which only a supervisor
may make (the service refuses anyone else, and logs what it lets out, per person, with
the recipient). The file is never replaced without asking: an existing name asks first,
and a file that appears meanwhile is still refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskapp.domain import wording
from deskapp.domain.text import visible
from deskapp.tui.background import failure_message
from deskapp.tui.bindings import form_keys
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.db.desk import Desk

TABLES = [("r", "roster", "roster"), ("c", "caseload", "caseload"), ("i", "incidents", "incidents")]
FORMATS = [("v", "csv", "CSV"), ("m", "md", "Markdown")]


def swap_suffix(path: str, fmt: str) -> str:
    """The path with its .csv or .md ending changed to ``fmt`` (other endings are kept)."""
    for old in (".csv", ".md"):
        if path.endswith(old):
            return path[: -len(old)] + "." + fmt
    return path


class ExportScreen(ReadyForm[str]):
    """Returns the path written, or None if nothing was."""

    HELP_TITLE = "Export"
    BINDINGS: ClassVar[list[BindingType]] = form_keys("export", save="Export")

    def __init__(self, *, event: tuple[str, str, Path] | None = None, kind: str = "roster") -> None:
        """``event``: (id, reference, default file name) for its briefing pack; otherwise
        a table, ``kind`` chosen first."""
        super().__init__()
        self.event = event
        self.kind = kind
        self.folder = Path.cwd()
        self.exporting = False

    def compose(self) -> ComposeResult:
        title = f"Briefing pack for {self.event[1]}" if self.event else "Export"
        fmt = "md" if self.event else "csv"
        with Vertical(classes="dialog export"):
            yield Static(f"[b]{title}[/b]", classes="dialog-title")
            if self.event is None:
                yield Label("What")
                yield ChoiceBar(TABLES, value=self.kind, id="export-kind")
            yield Label("Format")
            yield ChoiceBar(FORMATS, value=fmt, id="export-format")
            yield Label("File")
            yield Input(value=str(self.folder / self._file_name(fmt)), id="export-path")
            yield Label("Disclose to (supervisors only; empty: redacted)")
            yield Input(placeholder="recipient's name and organisation", id="export-recipient")
            yield Static("", id="export-message", classes="message")
            yield Static(
                "[b]tab[/b] next field   "
                + key_hint(self.app, "export.save", "export   ")
                + key_hint(self.app, "export.cancel", "cancel"),
                classes="dialog-keys",
            )

    def _file_name(self, fmt: str) -> str:
        if self.event is not None:
            return swap_suffix(self.event[2].name, fmt)
        day = self.app_now().strftime("%Y-%m-%d")
        return f"{self.kind}-{day}.{fmt}"

    def app_now(self) -> Any:
        from deskapp.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)
        return app.now()

    def on_mount(self) -> None:
        first = "#export-format" if self.event else "#export-kind"
        self.set_focus(self.query_one(first))
        self.mark_ready()

    @on(ChoiceBar.Chosen)
    def chosen(self, message: ChoiceBar.Chosen) -> None:
        box = self.query_one("#export-path", Input)
        fmt = self.query_one("#export-format", ChoiceBar).value or "csv"
        if message.bar.id == "export-kind":
            old = self._file_name(fmt)
            self.kind = message.value
            if box.value == str(self.folder / old):  # still the suggested name: follow
                box.value = str(self.folder / self._file_name(fmt))
        else:
            box.value = swap_suffix(box.value, fmt)

    def has_unsaved(self) -> bool:
        return bool(self.query_one("#export-recipient", Input).value.strip())

    def _message(self, text: str) -> None:
        self.query_one("#export-message", Static).update(Text(text))

    def action_save(self, *, force: bool = False) -> None:
        if self.exporting:
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._message("Give a file name for the export.")
            return
        path = Path(raw).expanduser()
        if path.exists() and not path.is_dir() and not force:
            from deskapp.tui.screens.modals import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes:
                    self.action_save(force=True)

            self.app.push_screen(
                ConfirmScreen(f"The file {path} exists. Replace it?", yes="Replace", no="Keep it"),
                answer,
            )
            return
        self._run(path, force)

    def _run(self, path: Path, force: bool) -> None:
        fmt = self.query_one("#export-format", ChoiceBar).value or "csv"
        recipient = self.query_one("#export-recipient", Input).value.strip() or None
        kind, event = self.kind, self.event

        def work(desk: Desk) -> str:
            from deskapp.exporting import export

            if event is not None:
                result = export.export_briefing(
                    desk, event[0], path, fmt=fmt, disclose_to=recipient, force=force
                )
            else:
                result = export.export_table(
                    desk, kind, path, fmt=fmt, disclose_to=recipient, force=force
                )
            what = "attendee" if result.kind == "briefing" else "row"
            how = "redacted" if result.redacted else f"disclosed to {result.recipient}"
            return f"Exported {wording.count(result.rows, what)} ({how}) to {path}."

        def done(summary: str) -> None:
            self.exporting = False
            self.app.notify(visible(summary), title="Exported", markup=False)
            self.dismiss(str(self.query_one("#export-path", Input).value))

        def failed(exc: BaseException) -> None:
            self.exporting = False
            self._message(failure_message(exc))

        if self.background(work, done, failed=failed, group="export") is not None:
            self.exporting = True

    def action_cancel(self) -> None:
        self.dismiss(None)
