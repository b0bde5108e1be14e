"""Fixtures for the TUI tests: one deterministic sample desk, copied fresh for each test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskapp.tui.app import DeskApp
from deskapp.tui.sample import FIXED_NOW, OFFICER, PASSPHRASE, build_sample

SNAP_DIR = Path("/tmp/deskapp-tui-snapshots")


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    saved = {k: os.environ.get(k) for k in ("DESKAPP_KDF_PROFILE", "DESKAPP_CONFIG")}
    os.environ["DESKAPP_KDF_PROFILE"] = "fast"
    os.environ["DESKAPP_CONFIG"] = str(folder / "no-settings.toml")
    try:
        build_sample(folder / "desk.db")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return folder


def copy_desk(template: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for item in template.iterdir():
        if item.name.startswith("desk.db"):
            shutil.copy2(item, target / item.name)
    return target / "desk.db"


@pytest.fixture
def desk_path(sample_template: Path, tmp_path: Path) -> Path:
    return copy_desk(sample_template, tmp_path / "desk")


@pytest.fixture
def snap_desk(sample_template: Path) -> Iterator[Path]:
    """The sample desk at a fixed path, so the unlock screen renders the same each run."""
    shutil.rmtree(SNAP_DIR, ignore_errors=True)
    yield copy_desk(sample_template, SNAP_DIR)
    shutil.rmtree(SNAP_DIR, ignore_errors=True)


def make_app(path: Path, **kwargs: object) -> DeskApp:
    kwargs.setdefault("officer", OFFICER)
    return DeskApp(path, now=lambda: FIXED_NOW, **kwargs)  # type: ignore[arg-type]


__all__ = ["FIXED_NOW", "OFFICER", "PASSPHRASE", "copy_desk", "make_app"]
