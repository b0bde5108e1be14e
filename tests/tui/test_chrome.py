"""The app's chrome: footer, command palette, the ``?`` help and the keys named in hints."""

from __future__ import annotations

from pathlib import Path

from deskapp.tui.keymap import key_displays, key_for

from .conftest import make_app


def write_keymap(folder: Path, keys: dict[str, str]) -> Path:
    path = folder / "keymap.toml"
    lines = ["[keys]"] + [f'"{binding_id}" = "{key}"' for binding_id, key in keys.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_key_for_names_the_key_as_remapped(desk_path: Path, tmp_path: Path) -> None:
    keymap = write_keymap(tmp_path, {"app.lock": "ctrl+k", "queue.assign": "x,f5"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert key_for(app, "app.lock") == "^k"
        assert key_displays(app, "queue.assign") == ["x", "f5"]
        assert key_for(app, "app.help") == "?"
        assert key_displays(app, "list.down") == ["j", "↓"]
