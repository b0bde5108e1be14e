"""The app as a whole (tui/app.py): locking keeps the officer's work (for that officer only),
clears toasts, warns before an idle lock and really locks (no desk or hub file left open, no
secret kept); quitting asks when a form holds input; keys sent in one burst (a remote-desktop
link) reach the widget they were meant for; text from outside shows literally in every view;
an error toast is a sentence."""

from __future__ import annotations

import gc
import os
import threading
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets._toast import Toast

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KdfParams
from deskapp.protocol.sealed_batch import SealedBatch
from deskapp.runtime.clock import use_zone
from deskapp.services import officers
from deskapp.services.incidents import get_incident
from deskapp.sync.hub import Hub
from deskapp.sync.hub_engines import forget_engines
from deskapp.sync.hub_push import PushReceipt
from deskapp.sync.hub_secrets import find_secret
from deskapp.sync.hub_url import parse_hub_url
from deskapp.tui.app import DeskApp, format_last_sync
from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.conflicts import ConflictsScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.sync import SyncScreen
from deskapp.tui.screens.unlock import UnlockScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import FIXED_NOW, OFFICER, PASSPHRASE
from tests.tui.conftest import HUB_PASS, make_app, make_hub
from tests.tui.helpers import (
    burst,
    capture_for,
    lock,
    notifications,
    open_incident,
    open_person,
    screenshot,
    settle,
    type_text,
    unlock,
    unlock_to,
    wait_for,
)

SUMMARY = "Caller heard shouting outside"
#: The tests of open files read them from Linux's /proc.
needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux /proc")
OTHER = "PC-7000"
OTHER_PASS = "tangerine lighthouse quarrel 4417"


async def half_filled_capture(pilot: Pilot[int]) -> NewIncidentScreen:
    """`n`, a person picked, type online abuse, grade 2, a summary typed but not saved."""
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NewIncidentScreen))
    screen = pilot.app.screen
    assert isinstance(screen, NewIncidentScreen)
    await type_text(pilot, "sia")
    await wait_for(pilot, lambda: bool(screen.matches))
    await pilot.press("enter", "o", "2")
    await type_text(pilot, SUMMARY)
    await settle(pilot)
    return screen


def form_values(screen: NewIncidentScreen) -> tuple[object, ...]:
    return (
        screen.person,
        screen.query_one("#person", Input).value,
        screen.query_one("#type", ChoiceBar).value,
        screen.query_one("#grade", ChoiceBar).value,
        screen.query_one("#summary", Input).value,
    )


def open_paths(*paths: Path) -> list[str]:
    """Which of ``paths`` (or their -wal/-shm/-journal files) this process holds open."""
    wanted = {str(p.resolve()) for p in paths}
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if any(target == w or target.startswith(w + "-") for w in wanted):
            found.append(target)
    return found


def add_other_officer(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        officers.add_officer(desk, OTHER, "PC Other", OTHER_PASS, kdf=KdfParams(1, 8192, 1))
    finally:
        desk.close()


# -- point 3: locking keeps the form -------------------------------------------------------
async def test_ctrl_l_keeps_a_half_filled_capture_and_returns_to_it(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await half_filled_capture(pilot)
        before = form_values(form)
        assert before[2:] == ("online-abuse", "2", SUMMARY)
        await lock(pilot)
        assert app.desk is None
        shown = screenshot(app)
        assert "Desk locked" in shown
        assert SUMMARY not in shown and "shouting" not in shown  # nothing of it on screen
        await unlock_to(pilot, NewIncidentScreen)
        assert app.screen is form  # the same form, as it was
        assert form_values(form) == before
        assert SUMMARY in screenshot(app)
        # It still works: enter in the summary saves it with the newly opened desk.
        form.query_one("#summary", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        desk = app.require_desk()
        from sqlalchemy import text

        with desk.read() as conn:
            saved = conn.execute(
                text("SELECT count(*) FROM incident WHERE summary = :s"), {"s": SUMMARY}
            ).scalar_one()
        assert saved == 1


async def test_lock_keeps_the_incident_view_and_its_note_prompt(desk_path: Path) -> None:
    """Not only fast capture: whatever is open comes back (the incident view and the
    note being typed over it); the view reads its incident again from the reopened desk."""
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        view = await open_incident(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is not view)
        prompt = app.screen
        await type_text(pilot, "Voicemail-kept-over-lock")
        await settle(pilot)
        await lock(pilot)
        assert "Voicemail-kept-over-lock" not in screenshot(app)
        view.data = None  # so the test sees the view read its incident again
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: app.screen is prompt)
        await wait_for(pilot, lambda: view.data is not None)
        assert "Voicemail-kept-over-lock" in screenshot(app)
        stack = [type(s) for s in app.screen_stack]
        assert stack[-3:] == [MainScreen, IncidentScreen, type(prompt)]


async def test_lock_masks_again_what_the_person_view_revealed(desk_path: Path) -> None:
    """The person view is kept, but a revealed phone number (a consultation in the
    session that the lock ended) is masked again when it comes back."""
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        view = await open_person(pilot, "bethan")
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(view.revealed))
        phone = str(view.revealed["phone"])
        assert phone in screenshot(app)
        await lock(pilot)
        assert view.revealed == {}
        assert await unlock_to(pilot, PersonScreen) is view
        await wait_for(pilot, lambda: view.data is not None)
        assert phone not in screenshot(app)


async def test_idle_lock_warns_in_the_last_30_seconds_and_keeps_the_form(
    desk_path: Path,
) -> None:
    clock = [1000.0]  # the app's idle clock, moved by the test
    app = make_app(desk_path, idle_seconds=300, monotonic=lambda: clock[0])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await unlock(pilot)

        def status() -> str:
            return str(app.screen.query_one(StatusLine).render())

        def toasts() -> str:
            return " ".join(str(t.render()) for t in app.screen.query(Toast))

        clock[0] += 200  # 100 s left: no warning yet
        await pilot.pause(1.2)
        assert "any key" not in status()
        clock[0] += 75  # 25 s left: the status line warns
        await wait_for(pilot, lambda: "any key" in status())
        assert "locks in 25s" in status()
        await pilot.press("j")  # any key postpones the lock (and does its usual job)
        await wait_for(pilot, lambda: "any key" not in status())
        assert app.idle_remaining() == 300
        # Over a dialog, which hides the status line, a toast warns.
        form = await half_filled_capture(pilot)
        before = form_values(form)
        clock[0] += 280
        await wait_for(pilot, lambda: "Press any key" in toasts())
        await pilot.press("right")
        await wait_for(pilot, lambda: "Press any key" not in toasts())
        assert app.idle_remaining() == 300
        assert isinstance(app.screen, NewIncidentScreen)
        clock[0] += 301
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.desk is None
        await unlock_to(pilot, NewIncidentScreen)
        assert app.screen is form
        assert form_values(form) == before


async def test_another_officer_unlocking_does_not_get_the_form(desk_path: Path) -> None:
    add_other_officer(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await half_filled_capture(pilot)
        await lock(pilot)
        app.screen.query_one("#officer", Input).value = OTHER
        await pilot.pause()
        await unlock_to(pilot, MainScreen, OTHER_PASS)
        await settle(pilot)
        assert app.require_desk().officer.id == OTHER
        assert form not in app.screen_stack
        assert not form.is_attached  # removed, not merely hidden
        assert not any(isinstance(s, NewIncidentScreen) for s in app.screen_stack)
        assert SUMMARY not in screenshot(app)
        # and the first officer, unlocking after, does not get it back either
        await lock(pilot)
        app.screen.query_one("#officer", Input).value = OFFICER
        await unlock_to(pilot, MainScreen)
        assert not any(isinstance(s, NewIncidentScreen) for s in app.screen_stack)


async def test_quitting_while_locked_asks_then_drops_the_form(
    desk_path: Path, tmp_path: Path
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await half_filled_capture(pilot)
        await lock(pilot)
        await pilot.press("ctrl+q")  # the hidden form holds input: ask first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert SUMMARY not in screenshot(app)
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0
    # Nothing of it was written anywhere, and a new session starts without it.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SUMMARY.encode() not in path.read_bytes(), path
    again = make_app(desk_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert [type(s) for s in again.screen_stack][-1] is MainScreen
        assert not any(isinstance(s, NewIncidentScreen) for s in again.screen_stack)


# -- point 15: toasts --------------------------------------------------------------------------
async def test_lock_clears_toasts(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await unlock(pilot)
        app.notify("Phone of Sian Lloyd revealed", timeout=60)
        await wait_for(pilot, lambda: bool(list(app.screen.query(Toast))))
        assert "Sian Lloyd" in screenshot(app)
        await lock(pilot)
        assert not list(app.screen.query(Toast))
        assert "Sian Lloyd" not in screenshot(app)
        await unlock(pilot)
        assert "Sian Lloyd" not in screenshot(app)  # and it does not come back


# -- point 16: lock really locks -----------------------------------------------------------------
@pytest.fixture
def typed_hub(
    hub_env: None, tmp_path: Path, desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A file hub whose passphrase is not in the environment: the officer types it."""
    path = tmp_path / "hub.db"
    make_hub(path, desk_path)
    forget_engines()
    monkeypatch.delenv("DESKAPP_HUB_PASSPHRASE")
    return path


async def sync_typing_the_passphrase(pilot: Pilot[int], hub: Path) -> None:
    app = pilot.app

    def state() -> str:
        screen = app.screen
        return screen.state if isinstance(screen, SyncScreen) else ""

    await pilot.press("S")
    await wait_for(pilot, lambda: state() == "hub")
    field = app.focused
    assert isinstance(field, Input)
    field.value = str(hub)
    await pilot.press("enter")
    await wait_for(pilot, lambda: state() == "secret")
    await type_text(pilot, HUB_PASS)
    await pilot.press("enter")
    await wait_for(pilot, lambda: state() in ("done", "failed"))
    assert state() == "done"


@needs_proc
async def test_lock_closes_the_hub_and_the_desk_and_drops_the_secrets(
    desk_path: Path, typed_hub: Path
) -> None:
    app = make_app(desk_path)
    target = parse_hub_url(str(typed_hub))
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await sync_typing_the_passphrase(pilot, typed_hub)
        await pilot.press("enter")
        await settle(pilot)
        assert open_paths(typed_hub)  # the session's hub connection is open
        assert open_paths(desk_path)
        assert find_secret(target) == HUB_PASS
        desk = app.desk
        assert desk is not None
        key = desk._key
        desk_ref = weakref.ref(desk)
        del desk
        await lock(pilot)
        assert open_paths(typed_hub, desk_path) == []
        assert find_secret(target) is None  # the typed passphrase is gone
        assert key == bytearray(len(key))  # zeroed in place
        # Nothing still holds the closed desk (or its engine). A worker that was running
        # as the lock came lets go of it when it ends, which on a loaded machine came
        # after one collection: the desk must go, but may take those moments.
        await wait_for(pilot, lambda: gc.collect() >= 0 and desk_ref() is None)
        # The next sync (the desk remembers its hub) asks for the passphrase again.
        await unlock(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: getattr(app.screen, "state", "") == "secret")
        await pilot.press("escape")
        await settle(pilot)


@needs_proc
async def test_lock_during_a_sync_leaves_no_hub_file_open(
    desk_path: Path, typed_hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locking while a batch is at the hub: the sync stops after it, and the connection it
    was using is closed as it comes back (not kept for a session that is over)."""
    at_hub = threading.Event()
    let_go = threading.Event()
    real_push = Hub.push

    def slow_push(self: Hub, batch: SealedBatch, **kwargs: Any) -> PushReceipt:
        with self.read() as conn:  # holds a hub connection while the lock happens
            at_hub.set()
            let_go.wait(10)
            conn.exec_driver_sql("SELECT 1")
        return real_push(self, batch, **kwargs)

    monkeypatch.setattr(Hub, "push", slow_push)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(pilot, lambda: app.screen.state == "hub")  # type: ignore[attr-defined]
        field = app.focused
        assert isinstance(field, Input)
        field.value = str(typed_hub)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.state == "secret")  # type: ignore[attr-defined]
        await type_text(pilot, HUB_PASS)
        await pilot.press("enter")
        await wait_for(pilot, at_hub.is_set)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        let_go.set()
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        await settle(pilot)
        await wait_for(pilot, lambda: open_paths(typed_hub, desk_path) == [], timeout=5)


async def test_keys_typed_while_unlocking_reach_the_kept_form(desk_path: Path) -> None:
    """Back from a lock to a half-filled capture: what the officer types straight after
    the passphrase's enter goes on in the form's summary, not into the lock screen."""
    from .helpers import burst

    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await half_filled_capture(pilot)
        form.query_one("#summary", Input).focus()
        await settle(pilot)
        await lock(pilot)
        await burst(pilot, *PASSPHRASE, "enter", "space", "x", "y")
        await wait_for(pilot, lambda: app.screen is form)
        await wait_for(pilot, lambda: form.query_one("#summary", Input).value.endswith(" xy"))
        assert form.query_one("#summary", Input).value == SUMMARY + " xy"


async def test_lock_by_key_clears_screen_and_closes_desk(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # an incident detail is on screen
        await settle(pilot)
        desk = app.desk
        assert desk is not None
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.desk is None and desk.closed
        # Nothing under the lock screen is drawn: the open screens wait apart from it.
        assert [type(s) for s in app.screen_stack] == [UnlockScreen]
        screen = app.screen
        assert isinstance(screen, UnlockScreen) and screen.locked
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        assert app.desk is not None and not app.desk.closed


async def test_lock_when_idle(desk_path: Path) -> None:
    clock = [1000.0]  # the app's idle clock, moved by the test (not by a slow machine)
    app = make_app(desk_path, idle_seconds=90, monotonic=lambda: clock[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        assert desk is not None
        clock[0] += 89
        await pilot.pause(1.2)  # a tick or more of the idle timer
        assert isinstance(app.screen, MainScreen)
        clock[0] += 2
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen), timeout=6)
        assert app.desk is None and desk.closed
        screen = app.screen
        assert isinstance(screen, UnlockScreen) and screen.locked


async def test_quit_asks_when_a_form_holds_input(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "ow")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewIncidentScreen)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0


async def test_quit_without_input_does_not_ask(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0
    assert desk is not None and desk.closed


def queue_ids(queue: WindowList, count: int) -> list[str]:
    return [str(row["id"]) for i in range(count) if (row := queue.row(i)) is not None]


async def test_status_key_and_choice_in_one_burst(desk_path: Path) -> None:
    """`j j j s 1`: the 1 chooses the picker's first status for the fourth row (assigned
    -> triaged, as the picker orders them); it does not switch to pane 1."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        fourth = queue_ids(queue, 4)[3]
        assert get_incident(app.require_desk(), fourth)["status"] == "assigned"
        await burst(pilot, "j", "j", "j", "s", "1")
        assert app.screen is main and main.active == "queue"
        assert app.focused is queue
        assert get_incident(app.require_desk(), fourth)["status"] == "triaged"


async def test_cursor_keys_then_grade_and_choice_in_one_burst(desk_path: Path) -> None:
    """`j j r 3`: the third row is re-graded, the ones the cursor passed are not (and the
    3 is the grade, not pane 3)."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        ids = queue_ids(queue, 3)
        desk = app.require_desk()
        before = [get_incident(desk, i)["grade"] for i in ids]
        assert before[2] != 3
        await burst(pilot, "j", "j", "r", "3")
        assert app.screen is main and main.active == "queue"
        assert [get_incident(desk, i)["grade"] for i in ids] == [*before[:2], 3]


async def test_marks_then_grade_in_one_burst_name_the_marked_rows(desk_path: Path) -> None:
    """`space j space r 4`: rows 1 and 3 marked (the cursor skipped row 2), the grade
    picked, and the confirm asks about those two."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        ids = queue_ids(queue, 3)
        desk = app.require_desk()
        before = [get_incident(desk, i)["grade"] for i in ids]
        await burst(pilot, "space", "j", "space", "r", "4")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert sorted(queue.marked) == sorted([ids[0], ids[2]])
        question = str(app.screen.query_one(".dialog-text").render())
        assert "Set grade G4 on 2 marked incidents?" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: get_incident(desk, ids[2])["grade"] == 4)
        assert get_incident(desk, ids[0])["grade"] == 4
        assert get_incident(desk, ids[1])["grade"] == before[1]


async def test_assign_and_a_name_in_one_burst(desk_path: Path) -> None:
    """`a`, part of a name, enter: the adviser named is chosen, not the first listed."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        first = queue_ids(queue, 1)[0]
        await burst(pilot, "a", *"tom", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PickerScreen))
        await settle(pilot)
        assert app.screen is main and main.active == "queue"
        assert get_incident(app.require_desk(), first)["adviser_name"] == "Tom Whitaker"


async def test_tab_and_shift_tab_in_a_capture_burst(desk_path: Path) -> None:
    """In fast capture, tab and shift+tab move the focus before the next key is routed:
    the THRIVE letters land in THRIVE, and the key after two shift+tabs in the grade."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "sian")
        await burst(pilot, "h", "2", *"Sum", "tab", *"hmmlhm", "shift+tab", "shift+tab", "3")
        assert form.query_one("#summary", Input).value == "Sum"
        assert form.query_one("#thrive", Input).value == "hmmlhm"
        assert form.query_one("#grade", ChoiceBar).value == "3"
        assert isinstance(app.screen, type(form)) and not isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("between", ["tab", "enter"])
async def test_unlock_typed_in_one_burst(desk_path: Path, between: str) -> None:
    """`officer TAB passphrase ENTER` (or ENTER between them) as one burst, as a password
    manager or a remote link types it: the passphrase lands in its own box and the desk
    opens. The tab used to move focus only after the passphrase had gone into the officer
    box."""
    app = make_app(desk_path, officer="")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, *OFFICER, between, *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_keys_typed_while_the_desk_unlocks_reach_the_main_screen(desk_path: Path) -> None:
    """`passphrase enter 2 / har` in one burst: the unlock takes a key derivation's time,
    and the keys after enter are the officer's first filter of the queue, not lost on
    the unlock form."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *PASSPHRASE, "enter", "2", "slash", "h", "a", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        queue = main.pane("queue").list
        await wait_for(pilot, lambda: queue.filter_text == "har")
        assert main.active == "queue"


async def test_keys_typed_after_a_wrong_passphrase_are_the_next_try(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await burst(pilot, *"wrong-guess", "enter", *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), timeout=20)


HOSTILE = "Eve\x1b]0;owned\x07 Zzhostile"


SHOWN = "Eve␛]0;owned␇ Zzhostile"


def add_raw(path: Path, name: str) -> None:
    """A name as an older desk stored it (input now refuses it)."""
    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:
            tx.insert("person", {"name": name, "party": "Bell\x07Party"})
    finally:
        desk.close()


def painted(widget: Widget) -> str:
    width, height = widget.size
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, width, height)))


def list_text(roster: WindowList) -> str:
    return "\n".join(roster.render_line(y).text for y in range(roster.size.height))


PERSON = "[b]Eve[/b]\x1b]0;owned\x07 Zzmarked"


PERSON_SHOWN = "[b]Eve[/b]␛]0;owned␇ Zzmarked"


ADVISER = "[i]Ada[/i]\x1b[2J Zzadviser"


ADVISER_SHOWN = "[i]Ada[/i]␛[2J Zzadviser"


NOTE = "[b]loud[/b] note"


def add_marked(path: Path) -> str:
    """A person and adviser named with markup and escape codes (as an older desk or a
    hub row could hold them), an incident for the person with a THRIVE note written as
    markup, and an audit event whose detail holds both. Returns the incident's ref."""
    from deskapp.domain.thrive import Score
    from deskapp.domain.vocabulary import AuditAction
    from deskapp.services.incidents import add_incident, make_ref

    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:
            adviser = tx.insert("adviser", {"name": ADVISER, "area": "Zz"})
            person = tx.insert("person", {"name": PERSON, "adviser_id": adviser})
            tx.audit(AuditAction.CONSULTATION, "person", person, (), detail=PERSON)
        incident = add_incident(
            desk,
            person=person,
            type="threat",
            grade=1,
            summary="Marked caller",
            thrive={"threat": Score("high", NOTE)},
        )
        add_conflict(desk, person)
    finally:
        desk.close()
    return make_ref(incident)


def add_conflict(desk: Desk, person_id: str) -> None:
    import json

    from sqlalchemy import insert

    from deskapp.db.tables import CONFLICT

    table = CONFLICT
    with desk.write() as tx:
        tx.conn.execute(
            insert(table).values(
                id="c0ffee00-0000-7000-8000-000000000001",
                entity="person",
                row_id=person_id,
                field="name",
                local_value=json.dumps(PERSON),
                local_hlc=1,
                local_site="a",
                remote_value=json.dumps(ADVISER),
                remote_hlc=2,
                remote_site="b",
                detected_at=FIXED_NOW,
            )
        )


def literal(text: str, *shown: str) -> None:
    """``shown`` appear as typed, markup and all; no control character reaches the screen."""
    assert "\x1b" not in text and "\x07" not in text
    for item in shown:
        assert item in text, f"{item!r} not in {text!r}"


def toast_text(app: DeskApp) -> str:
    """The toasts' text as a Toast draws it (run_test shows no toasts: the notifications
    are read, their markup parsed when they are markup, as Toast does)."""
    from textual.content import Content

    return "\n".join(
        Content.from_markup(n.message).plain if n.markup else n.message for n in app._notifications
    )


async def test_a_name_with_escape_codes_renders_escaped(desk_path: Path) -> None:
    add_raw(desk_path, HOSTILE)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "zzhostile")
        await wait_for(pilot, lambda: roster.filter_text == "zzhostile" and roster.total == 1)
        await settle(pilot)
        shown = list_text(roster)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "Eve␛]0;owned␇" in shown and "Bell␇Party" in shown
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        person = app.screen
        assert isinstance(person, PersonScreen)
        await settle(pilot)
        head = painted(person.query_one("#person-head", Static))
        assert "\x1b" not in head and "\x07" not in head
        assert SHOWN in head
        assert person.data is not None and person.data["name"] == HOSTILE  # kept as stored


async def test_markup_and_escape_codes_show_literally_in_every_view(desk_path: Path) -> None:
    ref = add_marked(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await unlock(pilot)
        # Caseload -> roster held by the adviser: the pane's title names them.
        caseload = main.pane("caseload").list
        await pilot.press("1", "slash")
        await type_text(pilot, "zzadviser")
        await wait_for(pilot, lambda: caseload.total == 1)
        literal(list_text(caseload), ADVISER_SHOWN[:20])
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: main.roster_adviser is not None)
        await settle(pilot)
        literal(painted(main.pane("roster")), f"held by {ADVISER_SHOWN}")
        literal(list_text(main.pane("roster").list), PERSON_SHOWN[:20])
        # The fast-capture person picker.
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewIncidentScreen))
        await type_text(pilot, "zzmarked")
        form = app.screen
        assert isinstance(form, NewIncidentScreen)
        await wait_for(pilot, lambda: form.matches_for == "zzmarked" and len(form.matches) == 1)
        literal(painted(form.query_one("#matches", OptionList)), PERSON_SHOWN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.named is not None)
        literal(painted(form.query_one("#adviser", Static)), ADVISER_SHOWN)
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: app.screen is main)
        # The incident view: the person, the THRIVE note.
        queue = main.pane("queue").list
        await pilot.press("2", "slash")
        await type_text(pilot, "zzmarked")
        await wait_for(pilot, lambda: queue.total == 1)
        literal(list_text(queue), ref)
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        incident = app.screen
        assert isinstance(incident, IncidentScreen)
        await settle(pilot)
        literal(painted(incident.query_one("#incident-head", Static)), PERSON_SHOWN)
        literal(painted(incident.query_one("#incident-thrive", Static)), NOTE)
        # The adviser picker, and the toast after assigning.
        await pilot.press("a")
        await type_text(pilot, "zzadviser")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await wait_for(pilot, lambda: picker.current_for == "zzadviser" and picker.current)
        await settle(pilot)
        # The option as the list will draw it: literal text, not markup to be parsed.
        prompt = picker.query_one(OptionList).get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        literal(prompt.plain, ADVISER_SHOWN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Zzadviser" in toast_text(app))
        literal(toast_text(app), f"Assigned to {ADVISER_SHOWN}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        # Conflicts: the record's label and both values.
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        conflicts = app.screen
        await settle(pilot)
        literal(painted(conflicts.query_one(DataTable)), PERSON_SHOWN[:12])
        detail = painted(conflicts.query_one("#conflict-detail", Static))
        literal(detail, PERSON_SHOWN, ADVISER_SHOWN)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        # The audit log: the event opened as a toast.
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await pilot.press("slash")
        await type_text(pilot, "zzmarked")
        await wait_for(pilot, lambda: audit.filter_text == "zzmarked" and audit.total)
        literal(list_text(audit), "[b]Eve[/b]␛]0;")
        # The event is about the person: enter opens them, their name shown literally.
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        await settle(pilot)
        literal(painted(app.screen.query_one("#person-head", Static)), PERSON_SHOWN)


async def test_an_error_toast_starts_with_a_capital_letter(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "X" * 41)  # longer than a crime reference may be
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("longer than" in m for _, m in notifications(app)))
        for _, message in notifications(app):
            assert message[0].isupper(), message


def test_the_status_lines_last_sync_reads_on_the_forces_clock() -> None:
    """17:05 UTC on a May day is 18:05 on the force's clock; the day is the local one."""
    use_zone(ZoneInfo("Europe/London"))
    now = datetime(2026, 5, 1, 23, 30, tzinfo=UTC)  # 00:30 BST on 2 May
    assert format_last_sync(datetime(2026, 5, 1, 17, 5, tzinfo=UTC), now) == "01 May 18:05"
    assert format_last_sync(datetime(2026, 5, 1, 23, 10, tzinfo=UTC), now) == "00:10"
    assert format_last_sync(None, now) == "never"
