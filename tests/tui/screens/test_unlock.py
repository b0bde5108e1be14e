"""The unlock and set-up screens (tui/screens/unlock.py): setting up a desk, unlocking, and their
snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.db.desk import Desk
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.unlock import RecoveryKeyScreen, SetupScreen, UnlockScreen
from tests.sample_desk import OFFICER
from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for
from tests.tui.steps import SIZES


async def test_set_up_a_desk(tmp_path: Path) -> None:
    path = tmp_path / "new" / "desk.db"
    app = make_app(path, officer="")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "PC-1001")
        await pilot.press("enter")
        await type_text(pilot, "Sgt Test")
        await pilot.press("enter")
        await type_text(pilot, "a long passphrase")
        await pilot.press("enter")
        await type_text(pilot, "a long passphrase")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
        key = str(app.screen.query_one("#recovery-key").render())
        assert len(key) > 20
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.desk is not None and app.desk.officer.id == "PC-1001"
        await settle(pilot)
    assert path.exists()
    Desk.open(path, "PC-1001", "a long passphrase").close()


async def test_set_up_rejects_different_passphrases(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    app = make_app(path, officer="PC-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Name")
        await pilot.press("enter")
        await type_text(pilot, "one passphrase")
        await pilot.press("enter")
        await type_text(pilot, "another")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert "differ" in str(app.screen.query_one("#message").render())
    assert not path.exists()


async def test_unlock_with_wrong_then_right_passphrase(desk_path: Path) -> None:
    before = desk_path.read_bytes()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        # The officer is pre-filled, so the cursor starts in the passphrase field.
        assert app.focused is not None and app.focused.id == "passphrase"
        await type_text(pilot, "not it")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "Wrong passphrase" in str(app.screen.query_one("#message").render())
        )
        assert isinstance(app.screen, UnlockScreen)
        assert app.desk is None
        assert desk_path.read_bytes() == before  # untouched by a failed unlock
        await unlock(pilot)
        assert app.desk is not None


async def test_officer_from_environment(desk_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("DESKAPP_OFFICER", OFFICER)
    from deskapp.tui.app import DeskApp

    app = DeskApp(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#officer").value == OFFICER  # type: ignore[attr-defined]


async def test_set_up_refuses_a_weak_passphrase_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    app = make_app(path, officer="PC-1")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Sgt Test")
        await pilot.press("enter")
        for _ in range(2):
            await type_text(pilot, "abcd")
            await pilot.press("enter")
        message = app.screen.query_one("#message")
        await wait_for(pilot, lambda: "too easy to guess" in str(message.render()))
        assert "sequences" in str(message.render()).lower()  # the estimator's reason
        assert app.focused is not None and app.focused.id == "pass1"
        assert not path.exists()
        for _ in range(2):
            await type_text(pilot, "a long passphrase")
            await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))


@pytest.mark.parametrize("size", SIZES)
def test_setup_screen(size: tuple[int, int], snap_compare: Any) -> None:
    app = make_app(SNAP_DIR / "new" / "desk.db", officer="")
    assert snap_compare(app, terminal_size=size, run_before=steps.unlock_screen)


SCREENS: dict[str, steps.Steps] = {
    "unlock": steps.unlock_screen,
    "unlock_wrong": steps.wrong_passphrase,
    "lock": steps.lock_screen,
}

test_screen = steps.snapshot_test(SCREENS)
