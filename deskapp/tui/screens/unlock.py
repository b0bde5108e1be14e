"""First-run set-up, the recovery key (shown once), and unlock / lock screens.

Key derivation (Argon2id) and opening the database run in the background, before any
desk is open (``background(..., desk=False)``): the screen never freezes while the key
is worked out.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from deskapp.tui.background import Background, failure_message
from deskapp.tui.bindings import field_keys
from deskapp.tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from deskapp.db.desk import Desk


class Refused(NamedTuple):
    """The passphrase did not open the desk; ``delay``: the wait before the next try."""

    error: str
    delay: float


class _FormScreen(Background, Screen[None]):
    """A form of boxes filled in turn. Keys typed in one burst (a password manager, a
    remote-desktop or SSH link) reach the focused box as they arrive, before it has
    handled the ones before them: the keys that move between boxes are priority bindings
    that move focus at once, and submitting waits behind the letters already handed to
    the last box (``call_later`` queues it there)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *field_keys("sign_in"),
        Binding("enter", "advance", "Next field", show=False, id="form.advance", priority=True),
        # Enter typed before the app had the terminal arrives as a newline (ctrl+j).
        Binding("ctrl+j", "advance", "Next field", show=False, id="form.newline", priority=True),
    ]
    #: The box whose enter submits the form.
    LAST_FIELD = "passphrase"

    def action_advance(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id != self.LAST_FIELD:
            self.focus_next()
        elif focused is not None:
            self.submitting()
            focused.call_later(self.action_submit)
        else:
            self.action_submit()

    def submitting(self) -> None:
        """Enter in the last box: the form is submitted once the letters before it are
        in. A form after which another screen comes keeps the keys typed from here on
        for that screen (``DeskApp.hold_keys``), as they are not for this one."""

    def action_submit(self) -> None:
        raise NotImplementedError

    def has_unsaved(self) -> bool:
        return any(i.value for i in self.query(Input) if i.password is False and i.id != "officer")


class SetupScreen(_FormScreen):
    """No desk at the path yet: set one up."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Set up", id="setup.submit"),
    ]

    def compose(self) -> ComposeResult:
        path = self.desk_app.db_path
        with Center(), Vertical(id="form", classes="dialog"):
            yield Static("[b]Set up this desk[/b]", classes="dialog-title")
            yield Static(
                f"No desk database at {path}.\nYou will be its first officer and its "
                "supervisor. The passphrase unlocks the desk; it is never stored.",
                classes="dialog-text",
            )
            yield Label("Officer id (staff or collar number)")
            yield Input(placeholder="e.g. PC-4521", id="officer")
            yield Label("Your name")
            yield Input(placeholder="e.g. Sgt A. Okafor", id="name")
            yield Label("Passphrase")
            yield Input(password=True, id="pass1")
            yield Label("Passphrase again")
            yield Input(password=True, id="pass2")
            yield Static("", id="message", classes="message")
        yield DeskFooter()

    LAST_FIELD = "pass2"

    def on_mount(self) -> None:
        officer = self.query_one("#officer", Input)
        officer.value = self.desk_app.officer_hint
        (self.query_one("#name", Input) if officer.value else officer).focus()
        self.desk_app.release_early_keys()

    def action_submit(self) -> None:
        officer = self.query_one("#officer", Input).value.strip()
        name = self.query_one("#name", Input).value.strip()
        p1 = self.query_one("#pass1", Input).value
        p2 = self.query_one("#pass2", Input).value
        message = self.query_one("#message", Static)
        if not officer or not name:
            message.update("The officer id and your name are both needed.")
            return
        if p1 != p2:
            message.update("The two passphrases differ. Type them again.")
            self.query_one("#pass1", Input).value = ""
            self.query_one("#pass2", Input).value = ""
            self.query_one("#pass1", Input).focus()
            return
        message.update("Setting up the desk (deriving the key)…")
        path = self.desk_app.db_path

        def work() -> tuple[Desk, str]:
            from deskapp.db.desk import Desk

            return Desk.init(path, officer, name, p1)

        self.background(
            work, self._opened, failed=self._failed, group="setup", exclusive=True, desk=False
        )

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#message", Static).update(f"[b]{failure_message(exc)}[/b]")
        # Most often the passphrase (too easy to guess, with the reason): type a new one.
        for box in ("#pass1", "#pass2"):
            self.query_one(box, Input).value = ""
        self.query_one("#pass1", Input).focus()

    def _opened(self, opened: tuple[Desk, str]) -> None:
        for i in self.query(Input):
            i.value = ""
        self.app.push_screen(RecoveryKeyScreen(*opened))

    def has_unsaved(self) -> bool:
        return any(i.value for i in self.query(Input))


class RecoveryKeyScreen(Screen[None]):
    """The recovery key, shown once; Enter goes on to the desk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "done", "I have stored it", id="recovery.done"),
    ]

    def __init__(self, desk: Desk, recovery: str) -> None:
        super().__init__()
        self._desk = desk
        self._recovery = recovery

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="dialog"):
            yield Static("[b]Your recovery key[/b]", classes="dialog-title")
            yield Static(
                "Write this down and keep it somewhere safe, away from this terminal. It opens "
                "the desk if every passphrase is lost. It is shown this once only.",
                classes="dialog-text",
            )
            yield Static(self._recovery, id="recovery-key")
            yield Static("Press Enter when it is stored.", classes="dialog-text")
        yield DeskFooter()

    def action_done(self) -> None:
        from deskapp.tui.app import DeskApp

        self._recovery = ""
        self.query_one("#recovery-key", Static).update("")
        app = self.app
        assert isinstance(app, DeskApp)
        app.pop_screen()
        app.desk_opened(self._desk)


class UnlockScreen(_FormScreen):
    """Officer and passphrase; the key is derived on a worker thread."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Unlock", show=False, id="unlock.submit"),
    ]

    def __init__(self, officer: str = "", *, locked: bool = False) -> None:
        super().__init__()
        self._officer = officer
        self.locked = locked
        self.busy = False

    def compose(self) -> ComposeResult:
        title = "Desk locked" if self.locked else "Unlock the desk"
        text = (
            "The desk was locked: the database is closed and the key dropped. "
            "Your passphrase opens it again, with what you had open as you left it."
            if self.locked
            else f"{self.desk_app.db_path}"
        )
        with Center(), Vertical(id="form", classes="dialog"):
            yield Static(f"[b]{title}[/b]", classes="dialog-title")
            yield Static(text, classes="dialog-text")
            yield Label("Officer id")
            yield Input(value=self._officer, placeholder="staff or collar number", id="officer")
            yield Label("Passphrase")
            yield Input(password=True, id="passphrase")
            yield Static("", id="message", classes="message")

    def on_mount(self) -> None:
        officer = self.query_one("#officer", Input)
        (self.query_one("#passphrase", Input) if officer.value else officer).focus()
        self.desk_app.release_early_keys()
        # The form paints first; the footer (a widget per key, composed again as the
        # bindings settle) follows the first frame drawn. Textual draws nothing while the
        # app starts (one batch of updates), and a callback after the screen's refresh
        # queued then runs at once, before anything is drawn; the app reads its own
        # messages only once it has started, so the callback is queued from there.
        self.app.call_later(self.call_after_refresh, self._add_footer)

    def _add_footer(self) -> None:
        if self.is_attached:  # not if unlocked (and this screen gone) meanwhile
            self.mount(DeskFooter())

    def submitting(self) -> None:
        self.desk_app.hold_keys()

    def action_submit(self) -> None:
        if self.busy:
            return
        officer = self.query_one("#officer", Input).value.strip()
        passphrase = self.query_one("#passphrase", Input).value
        message = self.query_one("#message", Static)
        if not officer:
            message.update("Give your officer id.")
            self.query_one("#officer", Input).focus()
            self.desk_app.release_early_keys()
            return
        if not passphrase:
            message.update("Type your passphrase.")
            self.desk_app.release_early_keys()
            return
        self.busy = True
        self.desk_app.hold_keys()  # for the screen that follows, or this one if refused
        message.update("Unlocking…")
        path = self.desk_app.db_path

        def work() -> Desk | Refused:
            from deskapp.db.desk import Desk, load_slots
            from deskapp.domain.errors import AuthError, DeskError

            try:
                desk = Desk.open(path, officer, passphrase)
            except AuthError as exc:
                delay = 0.0
                with contextlib.suppress(DeskError):
                    delay = load_slots(path).required_delay()
                return Refused(str(exc), delay)
            from deskapp.db import access_log

            try:  # s.62: who opened the desk, and the wrong passphrases typed before
                access_log.unlocked(desk, "the app")
            except BaseException:
                desk.close()
                raise
            return desk

        self.background(
            work,
            self._answer,
            failed=lambda exc: self._refused(Refused(failure_message(exc), 0.0)),
            group="unlock",
            exclusive=True,
            desk=False,
        )

    def _answer(self, answer: Desk | Refused) -> None:
        if isinstance(answer, Refused):
            self._refused(answer)
        else:
            self._opened(answer)

    def _refused(self, refused: Refused) -> None:
        self.busy = False
        text = f"[b]{refused.error}[/b] Try again."
        if refused.delay:
            text += f" (The next attempt waits {refused.delay:.0f}s.)"
        self.query_one("#message", Static).update(text)
        box = self.query_one("#passphrase", Input)
        box.value = ""
        box.focus()
        self.desk_app.release_early_keys()  # typed meanwhile: the next try

    def _opened(self, desk: Desk) -> None:
        self.busy = False
        self.query_one("#passphrase", Input).value = ""
        self.desk_app.desk_opened(desk)
