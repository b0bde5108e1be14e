"""Where the desk keeps its files (platformdirs, so Windows and macOS get native places)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "deskapp"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """``--db`` beats ``DESKAPP_DB``, which beats the platform data folder."""
    env = os.environ.get("DESKAPP_DB")
    return Path(env) if env else data_dir() / "desk.db"


def desk_path(given: str | None) -> Path:
    """The desk a command works on: ``--db`` if given, else ``default_db_path``."""
    return Path(given).expanduser() if given else default_db_path()


def demo_db_path() -> Path:
    env = os.environ.get("DESKAPP_DB")
    return Path(env) if env else data_dir() / "demo.db"


def slots_path(db: Path) -> Path:
    """The key-slot file lives beside the database it unlocks."""
    return db.with_name(db.name + ".keys")


def settings_path() -> Path:
    env = os.environ.get("DESKAPP_CONFIG")
    return Path(env) if env else config_dir() / "settings.toml"


def keymap_path() -> Path:
    return settings_path().with_name("keymap.toml")
