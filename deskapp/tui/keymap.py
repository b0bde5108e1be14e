"""User keymap: ``keymap.toml`` beside ``settings.toml`` remaps bindings by their id.

    # keymap.toml
    [keys]
    "app.lock" = "ctrl+k"
    "incident.grade1" = "f1"

Every binding in the app has an id (press ``?`` to see them). Unknown ids are reported,
not silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from rich.markup import escape
from textual.app import App


class KeymapError(Exception):
    pass


def load_keymap(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KeymapError(f"The file {path} is not valid TOML: {exc}") from None
    table = raw.get("keys", raw)
    if not isinstance(table, dict):
        raise KeymapError(f'In {path}, [keys] must be a table of binding id = "key".')
    out: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f'In {path}, {binding_id!r} must be a key such as "ctrl+k".')
        out[str(binding_id)] = keys.strip()
    return out


def unknown_ids(keymap: dict[str, str], known: set[str]) -> list[str]:
    return sorted(k for k in keymap if k not in known)


def key_displays(app: App[Any], binding_id: str) -> list[str]:
    """Every key of ``binding_id`` as the footer shows it, remapped by the keymap if it is."""
    from deskapp.tui.bindings import bindings_by_id

    defaults = bindings_by_id()[binding_id]
    mapped = getattr(app, "keymap", {}).get(binding_id)
    if mapped:
        shown = [defaults[0].with_key(key.strip(), key_display=None) for key in mapped.split(",")]
    else:
        shown = defaults
    out: list[str] = []
    for binding in shown:
        display = app.get_key_display(binding)
        if display not in out:
            out.append(display)
    return out


def key_for(app: App[Any], binding_id: str) -> str:
    """The key that runs ``binding_id`` now (its first, if several), for hints and help:
    ``f"{key_for(app, 'queue.undo')} to undo"``. An unknown id is a bug: KeyError."""
    return key_displays(app, binding_id)[0]


_KEY_SLOT = re.compile(r"\{([a-z_]+\.[a-z0-9_]+)\}")


def name_keys(app: App[Any], text: str) -> str:
    """``text`` with each ``{binding.id}`` replaced by ``key_for`` that id: how help texts
    name keys (``"{main.sync} syncs with the hub"``), so they follow keymap.toml."""
    return _KEY_SLOT.sub(lambda match: key_for(app, match[1]), text)


def key_hint(app: App[Any], binding_id: str, what: str) -> str:
    """Markup for a dialog's line of keys: the key as mapped, in bold, then what it does."""
    return f"[b]{escape(key_for(app, binding_id))}[/b] {what}"
