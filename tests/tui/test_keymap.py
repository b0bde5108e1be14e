"""A keymap file remaps the app's bindings (tui/keymap.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.tui.keymap import key_displays, key_for
from deskapp.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import notifications, unlock, wait_for, write_keymap


async def test_keymap_file_remaps_a_binding(desk_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keys]\n"app.lock" = "ctrl+k"\n', encoding="utf-8")
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))


async def test_key_for_names_the_key_as_remapped(desk_path: Path, tmp_path: Path) -> None:
    keymap = write_keymap(tmp_path, {"app.lock": "ctrl+k", "queue.assign": "x,f5"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert key_for(app, "app.lock") == "^k"
        assert key_displays(app, "queue.assign") == ["x", "f5"]
        assert key_for(app, "app.help") == "?"
        assert key_displays(app, "list.down") == ["j", "↓"]


@pytest.mark.parametrize(
    "text",
    [
        '[keys]\n"app.lock" = "ctrl+k"\n"no.such" = "x"\n',  # an unknown id: a warning
        "[keys\n",  # not TOML
        '[keys]\n"app.lock" = 3\n',  # not a key
        'keys = "ctrl+k"\n',  # not a table
        '[keys]\n"\\u001b[31mred" = "x"\n',  # an escape code in an id: shown escaped
    ],
)
async def test_keymap_problems_say_keymap_once(tmp_path: Path, text: str) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "none.db", keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = [message for title, message in notifications(app) if title == "Keymap"]
        assert len(shown) == 1
        message = shown[0]
        assert not message.lower().startswith("keymap"), message
        assert message[0].isupper(), message
        assert str(keymap) in message
        assert "\x1b" not in message
