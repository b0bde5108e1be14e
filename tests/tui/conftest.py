"""Fixtures for the TUI tests: one deterministic sample desk, copied fresh for each test."""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.widgets import Input, TextArea

from deskapp.tui.app import DeskApp
from tests.sample_desk import FIXED_NOW, OFFICER, PASSPHRASE, build_sample

SNAP_DIR = Path("/tmp/deskapp-tui-snapshots")


@pytest.fixture(autouse=True)
def _steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text cursor blinks on a half-second timer, so a snapshot taken on a loaded
    machine caught it shown or hidden at random: in tests it does not blink (it is shown
    while its box has focus, as Textual draws it before the first blink)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True)
def _unfrozen_heap() -> Iterator[None]:
    """An app left unlocked at the end of a test froze its heap (``tui.heap``): hand
    it back, or its widget trees would outlive the test."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    saved = {k: os.environ.get(k) for k in ("DESKAPP_CONFIG",)}
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Snapshot tests share one fixed folder (``snap_desk``) and take turns for it: with
    ``pytest -n``, they all go to one process (``--dist loadgroup``), so the other keeps
    running the rest of the suite instead of waiting on the folder's lock. They are put
    first, so that process starts on them at once rather than ending the run alone."""
    snapshots = [i for i in items if "snap_desk" in getattr(i, "fixturenames", ())]
    for item in snapshots:
        item.add_marker(pytest.mark.xdist_group("snapshots"))
    chosen = set(snapshots)
    items[:] = snapshots + [i for i in items if i not in chosen]


def copy_desk(template: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for item in template.iterdir():
        if item.name.startswith("desk.db"):
            shutil.copy2(item, target / item.name)
    return target / "desk.db"


@pytest.fixture
def desk_path(sample_template: Path, tmp_path: Path) -> Path:
    return copy_desk(sample_template, tmp_path / "desk")


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path``: a second test run on the same machine
    waits here instead of overwriting the first one's snapshot folder."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; runs there are one at a time anyway
        yield
        return
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture
def snap_desk(sample_template: Path) -> Iterator[Path]:
    """The sample desk at a fixed path, so the unlock screen renders the same each run
    (the path is on screen). Runs at the same time take turns for the folder."""
    with _exclusive(SNAP_DIR.with_name(SNAP_DIR.name + ".lock")):
        shutil.rmtree(SNAP_DIR, ignore_errors=True)
        yield copy_desk(sample_template, SNAP_DIR)
        shutil.rmtree(SNAP_DIR, ignore_errors=True)


if TYPE_CHECKING:
    from deskapp.db.desk import Desk


def make_app(path: Path, **kwargs: object) -> DeskApp:
    kwargs.setdefault("officer", OFFICER)
    return DeskApp(path, now=lambda: FIXED_NOW, **kwargs)  # type: ignore[arg-type]


HUB_PASS = "hub passphrase for tests"


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The file hub's passphrase from the environment; no OS keyring."""
    from deskapp.sync.hub_engines import forget_engines

    monkeypatch.setenv("DESKAPP_HUB_PASSPHRASE", HUB_PASS)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield
    forget_engines()


def make_hub(path: Path, root: Path) -> str:
    """A file hub set up by the supervisor of the sample desk at ``root`` (its root, as
    `deskapp hub init` makes it)."""
    from deskapp.db.desk import Desk
    from deskapp.sync import enrolment, open_hub

    url = f"sqlite:///{path}"
    hub = open_hub(url)
    hub.initialise()
    with Desk.open(root, OFFICER, PASSPHRASE) as desk:
        enrolment.init_root(hub, desk)
    return url


def approve_on_hub(url: str, supervisor: Desk, other: Desk) -> None:
    """``other`` joins the hub and ``supervisor`` (its root's desk) approves it."""
    from deskapp.domain.vocabulary import OfficerRole
    from deskapp.sync import enrolment, open_hub

    hub = open_hub(url)
    enrolment.join(hub, other)
    enrolment.approve(hub, supervisor, other.officer.id, OfficerRole.OFFICER, lambda _f: True)


def make_conflict(desk_path: Path, hub_url: str, other: Path) -> str:
    """Sync the sample desk and a second desk, then edit one incident's summary on both
    (the second desk later): the sample desk keeps a conflict. Returns the incident id."""
    from sqlalchemy import text

    from deskapp.db.desk import Desk
    from deskapp.services import incidents
    from deskapp.sync import run_sync

    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    other_desk, _ = Desk.init(other, "PC-9000", "Sgt Other", "another passphrase")
    try:
        approve_on_hub(hub_url, desk, other_desk)
        with desk.read() as conn:
            iid = str(conn.execute(text("SELECT id FROM incident ORDER BY id LIMIT 1")).scalar())
        run_sync(desk, hub_url)
        run_sync(other_desk, hub_url)
        incidents.update_incident(desk, iid, summary="Voicemail: caller named the street")
        time.sleep(0.01)  # the other desk's edit is the later one, and wins
        incidents.update_incident(other_desk, iid, summary="Voicemail: caller unknown")
        run_sync(other_desk, hub_url)
        run_sync(desk, hub_url)
    finally:
        other_desk.close()
        desk.close()
    return iid


__all__ = [
    "FIXED_NOW",
    "HUB_PASS",
    "OFFICER",
    "PASSPHRASE",
    "approve_on_hub",
    "copy_desk",
    "make_app",
    "make_conflict",
    "make_hub",
]


@pytest.fixture
def frozen_sync(hub_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last-sync time in the status line is the sample's fixed clock, and how long
    the sync took is not measured (a loaded machine must not change the picture)."""
    monkeypatch.setattr("deskapp.sync.service.utcnow", lambda: FIXED_NOW)
    monkeypatch.setattr("deskapp.tui.screens.sync.describe_duration", lambda _: "under a second")
