"""User keymap: ``keymap.toml`` beside ``settings.toml`` remaps bindings by their id.

    # keymap.toml
    [keys]
    "app.lock" = "ctrl+k"
    "incident.grade1" = "f1"

Every binding in the app has an id (press ``?`` to see them). Unknown ids are reported,
not silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path


class KeymapError(Exception):
    pass


def load_keymap(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KeymapError(f"Keymap {path} is not valid TOML: {exc}") from None
    table = raw.get("keys", raw)
    if not isinstance(table, dict):
        raise KeymapError(f'Keymap {path}: [keys] must be a table of binding id = "key".')
    out: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f"Keymap {path}: '{binding_id}' must be a key such as \"ctrl+k\".")
        out[str(binding_id)] = keys.strip()
    return out


def unknown_ids(keymap: dict[str, str], known: set[str]) -> list[str]:
    return sorted(k for k in keymap if k not in known)
