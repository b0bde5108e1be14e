"""One way to run work off the UI thread (``deskapp/tui/background.py``).

The hygiene test reads the source: a ``run_worker`` call or a ``@work`` decorator
anywhere in ``deskapp/tui`` but ``background.py`` is a second idiom. The others run the
idiom in the real app: progress reports arrive in order and before the answer, and an
answer that comes while the desk is locked is dropped by a screen that reads again at
the unlock, and delivered to one that does not (a form's save ends the form); a failed
call shows the error's kind, never its text.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import Any

import pytest

from deskapp.tui.app import DeskApp
from deskapp.tui.screens.modals import PickerScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock, wait_for

TUI = Path(__file__).resolve().parents[2] / "deskapp" / "tui"
THE_ONE_PLACE = TUI / "background.py"


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def second_idioms(source: str) -> list[str]:
    """Each ``run_worker(...)`` call and ``@work`` decorator in ``source``, by line."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) == "run_worker":
            found.append(f"{node.lineno}: run_worker")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                if _name(deco.func if isinstance(deco, ast.Call) else deco) == "work":
                    found.append(f"{deco.lineno}: @work")
    return found


def test_the_detector_finds_both_idioms() -> None:
    sample = (
        "from textual import work\n"
        "class S:\n"
        "    @work(thread=True)\n"
        "    def a(self): pass\n"
        "    @work\n"
        "    def b(self): pass\n"
        "    def c(self): self.run_worker(print, thread=True)\n"
    )
    assert sorted(second_idioms(sample)) == ["3: @work", "5: @work", "7: run_worker"]


def test_only_background_py_starts_workers() -> None:
    offenders = {
        str(path.relative_to(TUI)): found
        for path in sorted(TUI.rglob("*.py"))
        if path != THE_ONE_PLACE and (found := second_idioms(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "use self.background(fn, then) (tui/background.py)"
    assert second_idioms(THE_ONE_PLACE.read_text(encoding="utf-8"))  # the place exists


async def test_progress_reports_arrive_in_order_before_the_answer(desk_path: Path) -> None:
    app = make_app(desk_path)
    seen: list[object] = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        report = screen.reporter(seen.append)

        def work(desk: Any) -> str:
            for i in range(50):
                report(i)
            return "done"

        screen.background(work, seen.append)
        await wait_for(pilot, lambda: "done" in seen)
    assert seen == [*range(50), "done"]


async def test_an_answer_while_locked_is_dropped_by_a_screen_that_reads_again(
    desk_path: Path,
) -> None:
    """The main screen reads again at the unlock (LockAware): a stale answer is dropped.
    A dialog is not: what it started ends there, locked or not."""
    app = make_app(desk_path)
    release = threading.Event()
    got: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app, DeskApp)
        screen = await unlock(pilot)
        picker = PickerScreen("Pick", options=[("a", "a")])
        await app.push_screen(picker)
        await settle(pilot)

        running = threading.Semaphore(0)

        def slow(desk: Any) -> str:
            running.release()
            release.wait(10)
            return "answer"

        screen.background(slow, lambda v: got.append("screen " + v))
        picker.background(slow, lambda v: got.append("dialog " + v))
        for _ in range(2):  # both have their desk: the lock comes while they work
            while not running.acquire(blocking=False):
                await pilot.pause(0.01)
        await app.action_lock()
        release.set()
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        await settle(pilot)
    assert got == ["dialog answer"]


async def test_an_import_answered_while_locked_is_not_left_busy(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import screen drops an answer that comes while the desk is locked (it is a
    DeskScreen); back from the lock it must not wait for that answer for ever."""
    import deskapp.importing.roster as roster
    from deskapp.tui.screens.importing import ImportScreen
    from tests.tui.helpers import lock, unlock_to

    started, release = threading.Event(), threading.Event()
    real = roster.plan_import

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(roster, "plan_import", slow)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen))
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await pilot.press(*"/nowhere/at/all.csv", "enter")
        while not started.is_set():
            await pilot.pause(0.01)
        assert screen.busy
        await lock(pilot)
        release.set()
        await settle(pilot)
        assert await unlock_to(pilot, ImportScreen) is screen and not screen.busy


async def test_a_failed_worker_shows_the_errors_kind_never_its_text(desk_path: Path) -> None:
    app = make_app(desk_path)
    shown: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(str(message))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

        def fails(desk: Any) -> None:
            raise KeyError("Siân Roberts")  # a name, as a driver's message may quote one

        screen.background(fails)
        await wait_for(pilot, lambda: bool(shown))
        await settle(pilot)
    assert shown and not any("Siân" in s for s in shown)
    assert "KeyError" in shown[0]
