"""A keymap file remaps the app's bindings (tui/keymap.py)."""

from __future__ import annotations

from pathlib import Path

from deskapp.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import unlock, wait_for


async def test_keymap_file_remaps_a_binding(desk_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keys]\n"app.lock" = "ctrl+k"\n', encoding="utf-8")
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
