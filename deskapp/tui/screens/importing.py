"""Import candidates (Democracy Club CSV or a returning officer's spreadsheet).

Path, format and optional column map; enter makes a *plan* on a worker (nothing is
written) and shows the counts and every problem by row; ``y`` imports after a confirm.
A file with any problem is refused whole unless the officer explicitly chooses ``s`` (skip
bad rows), which imports the good rows and writes the bad ones to a reject file that
holds personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, ProgressBar, Static

from deskapp.domain.text import visible
from deskapp.tui.background import failure_message
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from deskapp.importing.roster import ImportPlan, ImportSummary

FORMATS = [
    ("a", "auto", "auto-detect"),
    ("d", "democracyclub", "Democracy Club"),
    ("c", "csv", "other CSV"),
]
MAX_PROBLEMS_SHOWN = 200


def area_and_repeats_text(plan: ImportPlan) -> Text:
    """The rows merged as repeats and the candidacies left outside the desk's area:
    rows the counts above do not show."""
    text = Text()
    if plan.merged:
        n = len(plan.merged)
        text.append(f"\nMerged {n} repeated {'row' if n == 1 else 'rows'}", "bold")
        text.append(" (the same person and ballot again, agreeing with the first).")
    if plan.outside:
        n = plan.outside
        text.append(
            f"\nLeft out {n} {'candidacy' if n == 1 else 'candidacies'} outside the desk's area",
            "bold",
        )
        text.append(" (settings.toml [area]; deskapp import candidates --all-areas takes all).")
    return text


T = TypeVar("T")


def counts_table(plan_or_summary: Any) -> Text:
    """New / updated / unchanged / rejected, for people, candidacies and organisations."""
    summary = getattr(plan_or_summary, "summary", plan_or_summary)
    text = Text()
    text.append(f"{'':<15}{'new':>7}{'updated':>9}{'unchanged':>11}{'rejected':>10}\n", "bold")
    for label, counts in (
        ("People", summary.people),
        ("Candidacies", summary.candidacies),
        ("Organisations", summary.organisations),
    ):
        text.append(f"{label:<15}")
        text.append(f"{counts.new:>7}", "bold" if counts.new else "")
        text.append(f"{counts.updated:>9}")
        text.append(f"{counts.unchanged:>11}")
        text.append(f"{counts.rejected:>10}\n", "bold" if counts.rejected else "")
    return text


class ImportScreen(DeskScreen):
    HELP_TITLE = "Import candidates"
    HELP_TEXT = (
        "Type the path of a Democracy Club CSV (or another CSV with --map style "
        "COLUMN=field pairs) and press enter for a preview: nothing is written until you "
        "press {import.apply} and confirm. A file with any problem is refused whole; "
        "{import.skip_bad} imports only the "
        "good rows and writes the bad ones to a reject file (it holds personal data)."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="import.back"),
        Binding("y", "apply(False)", "Import", id="import.apply"),
        Binding("s", "apply(True)", "Skip bad rows", id="import.skip_bad"),
        Binding("e", "edit", "Edit path", id="import.edit"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.plan: ImportPlan | None = None
        self.busy = False
        self.applied: ImportSummary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import", classes="pane"):
            with Vertical(id="import-form"):
                yield Label("File")
                yield Input(
                    value=self.initial_path,
                    placeholder="path to the CSV (Democracy Club export or a spreadsheet)",
                    id="import-path",
                )
                yield Label("Format")
                yield ChoiceBar(FORMATS, value="auto", advance=False, id="import-format")
                yield Label("Columns (other CSV only): COLUMN=field, …  optional")
                yield Input(placeholder="e.g. Candidate=name,Ward=post", id="import-map")
            yield Static("[b]enter[/b] preview (nothing is written)", id="import-phase")
            yield ProgressBar(total=None, show_eta=False, id="import-bar")
            with VerticalScroll(id="import-result", can_focus=True):
                yield Static("", id="import-counts")
                yield Static("", id="import-problems")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#import").border_title = "Import candidates"
        self.query_one("#import-bar").display = False
        self.query_one("#import-path", Input).focus()

    def has_unsaved(self) -> bool:
        return self.busy

    # -- preview -----------------------------------------------------------------------------
    @on(Input.Submitted)
    def preview(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self._phase("Type the path of the file to import.", error=True)
            return
        path = Path(raw).expanduser()
        fmt_value = self.query_one("#import-format", ChoiceBar).value or "auto"
        fmt = None if fmt_value == "auto" else fmt_value
        map_text = self.query_one("#import-map", Input).value.strip()
        self.plan = None
        self.applied = None
        self._clear_result()
        self._start(f"Reading {escape(path.name)}…")

        progress = self._progress_reporter()

        def work(desk: Any) -> ImportPlan:
            from deskapp.importing.candidates import parse_map_option
            from deskapp.importing.roster import plan_import

            column_map = parse_map_option(map_text) if map_text else None
            return plan_import(desk, path, fmt=fmt, column_map=column_map, progress=progress)

        self.background(
            work, self._ended(self._planned), failed=self._failed, group="import", exclusive=True
        )

    def _start(self, text: str) -> None:
        self.busy = True
        self._phase(text)
        bar = self.query_one("#import-bar", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _progress_reporter(self) -> Callable[[str, int, int], None]:
        """The importer's progress callback: on its worker, reporting to the UI thread."""
        report = self.reporter(self._progress)
        return lambda stage, done, total: report((stage, done, total))

    def _progress(self, progress: tuple[str, int, int]) -> None:
        if not self.busy:
            return
        from deskapp.importing.roster import stage_text  # loaded with the importer's work

        stage, done, total = progress
        self._phase(stage_text(stage, done, total))
        bar = self.query_one("#import-bar", ProgressBar)
        bar.update(total=max(1, total), progress=done)

    def _phase(self, text: str, *, error: bool = False) -> None:
        phase = self.query_one("#import-phase", Static)
        phase.update(Text(text, style="bold") if error else text)
        phase.set_class(error, "-error")

    def _clear_result(self) -> None:
        self.query_one("#import-counts", Static).update("")
        self.query_one("#import-problems", Static).update("")

    def _ended(self, then: Callable[[T], None]) -> Callable[[T], None]:
        """``then``, once the busy state has ended."""

        def ended(value: T) -> None:
            self._idle()
            then(value)

        return ended

    def _failed(self, exc: BaseException) -> None:
        """A refusal shows in place, not in a toast."""
        self._idle()
        self._phase(failure_message(exc), error=True)

    def _idle(self) -> None:
        self.busy = False
        self.query_one("#import-bar").display = False

    def desk_unlocked(self) -> None:
        # An answer that came while the desk was locked was dropped (background.py).
        super().desk_unlocked()
        if self.busy and not any(
            w.is_running for w in self.app.workers if w.node is self and w.group == "import"
        ):
            self._idle()

    def _planned(self, plan: ImportPlan) -> None:
        self.plan = plan
        fmt = plan.parse.format or "?"
        head = Text()
        head.append(f"{plan.source.name}", "bold")
        head.append(f" · {fmt} · {plan.parse.encoding or 'unreadable'} · {plan.rows} rows\n\n")
        head.append_text(counts_table(plan))
        head.append_text(area_and_repeats_text(plan))
        self.query_one("#import-counts", Static).update(head)
        self.query_one("#import-problems", Static).update(problems_text(plan))
        if plan.ok:
            n = plan.summary.people
            self._phase(
                f"Ready: {n.new} new and {n.updated} updated people. "
                + key_hint(self.app, "import.apply", "import   ")
                + key_hint(self.app, "import.edit", "edit   ")
                + key_hint(self.app, "import.back", "back")
            )
        elif plan.fatal:
            self._phase(
                "Refused whole: a problem with the file itself (columns, encoding or "
                "quoting), which skipping rows cannot fix. Nothing will be written.",
                error=True,
            )
        else:
            self._phase(
                f"Refused whole: {len(plan.problems)} problems (below). Fix the file, or "
                + key_hint(
                    self.app,
                    "import.skip_bad",
                    "skip the bad rows (they go to a reject file that holds personal data).",
                )
            )
        self.query_one("#import-result").focus()

    # -- apply -------------------------------------------------------------------------------
    def action_apply(self, skip_bad: bool) -> None:
        plan = self.plan
        if plan is None or self.busy or self.applied is not None:
            if plan is None and not self.busy:
                self.notify("Preview the file first (enter in the path).", severity="warning")
            return
        if not plan.can_apply(skip_bad=skip_bad):
            if plan.fatal:
                self.notify("This file cannot be imported: see the problems.", severity="error")
            else:
                self.notify(
                    "The file has problems: it is refused whole. Press "
                    + key_hint(self.app, "import.skip_bad", "to import only the good rows."),
                    severity="warning",
                )
            return
        from deskapp.importing.roster import default_rejects_path
        from deskapp.tui.screens.modals import ConfirmScreen

        people = plan.summary.people
        rejects = default_rejects_path(plan.source) if skip_bad and plan.rejected else None
        question = (
            f"Import {plan.source.name}: {people.new} new and {people.updated} updated people, "
            f"{plan.summary.candidacies.new} new candidacies?"
        )
        if rejects is not None:
            question += (
                f"\n\n{len(plan.rejected)} bad rows are skipped and written to {rejects}. "
                "That file holds personal data from the import: keep it safe and delete it "
                "once the rows are fixed."
            )

        def work(desk: Any) -> tuple[ImportSummary, int]:
            from deskapp.importing.roster import apply_import, check_rejects_path, write_rejects

            if rejects is not None:
                check_rejects_path(plan.source, rejects)  # before anything is written
            summary = apply_import(desk, plan, skip_bad=skip_bad, progress=progress)
            written = write_rejects(plan, rejects) if rejects is not None else 0
            return summary, written

        progress = self._progress_reporter()

        def answer(yes: bool | None) -> None:
            if yes:
                self._start("Importing…")
                self.background(
                    work,
                    self._ended(self._applied),
                    failed=self._failed,
                    group="import",
                    wrote=True,
                )

        self.app.push_screen(ConfirmScreen(question, yes="Import", no="Not now"), answer)

    def _applied(self, result: tuple[ImportSummary, int]) -> None:
        summary, rejects = result
        self.applied = summary
        text = Text()
        text.append("Imported.\n\n", "bold")
        text.append_text(counts_table(summary))
        if self.plan is not None:
            text.append_text(area_and_repeats_text(self.plan))
        if rejects:
            text.append(
                f"\n{rejects} rejected rows were written to the reject file: it holds "
                "personal data.",
                "bold",
            )
        self.query_one("#import-counts", Static).update(text)
        self._phase(
            "Imported. "
            + key_hint(self.app, "import.back", "back   ")
            + key_hint(self.app, "import.edit", "import another file")
        )
        n = summary.people
        self.notify(f"Imported: {n.new} new, {n.updated} updated people.", title="Import")

    def action_edit(self) -> None:
        if not self.busy:
            self.query_one("#import-path", Input).focus()

    def action_back(self) -> None:
        if self.busy:
            self.notify("The import is still running; it will finish in a moment.")
            return
        self.app.pop_screen()


def problems_text(plan: ImportPlan) -> Text:
    text = Text()
    if not plan.problems:
        text.append("\nNo problems found.", "dim")
        return text
    text.append(f"\nProblems ({len(plan.problems)}) — by spreadsheet row\n", "bold")
    for problem in plan.problems[:MAX_PROBLEMS_SHOWN]:
        where = "file" if problem.row == 0 else f"row {problem.row}"
        column = f" [{problem.column}]" if problem.column else ""
        text.append(f"  {where:>8}", "bold")
        text.append(visible(f"{column} {problem.reason}") + "\n")
    extra = len(plan.problems) - MAX_PROBLEMS_SHOWN
    if extra > 0:
        text.append(f"  … and {extra} more (deskapp import candidates --json lists all)\n", "dim")
    return text
