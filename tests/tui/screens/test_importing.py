"""The import screen (tui/screens/importing.py): preview and apply, progress in words, a bad
file refused whole, bad rows skipped to a reject file, and the preview's snapshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from deskapp.importing.roster import stage_text
from deskapp.tui.screens.importing import ImportScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.helpers import count_people, fill, rendered, settle, unlock, wait_for
from tests.tui.steps import SIZES

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("size", SIZES)
def test_import_preview(size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    shutil.copy(DATA / "dc_problems.csv", SNAP_DIR / "candidates.csv")
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.import_preview)


async def preview_import(pilot: Pilot[int], source: Path) -> ImportScreen:
    """Unlock, open the import screen (`I`), give it ``source`` and wait for the preview."""
    app = pilot.app
    await unlock(pilot)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen))
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await fill(pilot, str(source))
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.plan is not None)
    return screen


@pytest.mark.usefixtures("hub_env")
async def test_import_preview_and_apply(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "candidates.csv"
    shutil.copy(DATA / "dc_minimal.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        plan = screen.plan
        assert plan is not None and plan.ok
        new = plan.summary.people.new
        assert new == 4  # five rows, one person standing twice
        counts = rendered(app, "#import-counts")
        assert "People" in counts and "democracyclub" in counts
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        assert "Imported" in rendered(app, "#import-counts")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
    assert count_people(desk_path) == before + new


@pytest.mark.usefixtures("hub_env")
async def test_import_shows_progress_in_words_then_repeats_and_area(
    desk_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The officer reads what the import is doing (never the importer's stage names),
    with a bar that moves, then how many rows were merged as repeats and how many were
    outside the desk's area, before and after importing."""
    from tests.importing.test_importer import row, write_dc

    settings = tmp_path / "settings.toml"
    settings.write_text('[area]\ncouncils = ["cardiff"]\n', encoding="utf-8")
    monkeypatch.setenv("DESKAPP_CONFIG", str(settings))
    first = row("930001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07")
    source = write_dc(
        tmp_path / "dc.csv",
        [
            first,
            row("930002", "Gethin Rowlands", "local.cardiff.radyr.2026-05-07"),
            {**first, "email": "elin@example.org"},  # a repeat that agrees: merged
            row("930003", "Siobhán Nic Ruairí", "local.glasgow.calton.2026-05-07"),
        ],
    )
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        reported: list[tuple[str, int, int]] = []
        show = screen._progress

        def record(progress: tuple[str, int, int]) -> None:
            reported.append(progress)
            show(progress)

        monkeypatch.setattr(screen, "_progress", record)
        await pilot.press("e")  # back to the path, and preview again
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.plan is not None and not screen.busy)
        assert {"reading", "matching"} <= {stage for stage, _, _ in reported}
        # Each stage as the screen shows it: words, and a bar with a real total.
        screen.busy = True
        for stage in ("reading", "matching"):
            _, done, total = [p for p in reported if p[0] == stage][-1]
            show((stage, done, total))
            await settle(pilot)
            phase = rendered(app, "#import-phase")
            assert stage not in phase
            bar = screen.query_one("#import-bar", ProgressBar)
            assert bar.total == max(1, total) and bar.progress == done
            size = source.stat().st_size / 1000
            label = {
                "reading": "Reading and checking the file",
                "matching": "Comparing with the desk",
            }[stage]
            assert phase == f"{label}: {size:.0f} of {size:.0f} KB"
        screen.busy = False
        # A large file in MB; the stage of an import that writes.
        assert stage_text("writing", 3_200_000, 14_500_000) == "Saving to the desk: 3.2 of 14.5 MB"
        counts = rendered(app, "#import-counts")
        assert "Merged 1 repeated row" in counts
        assert "Left out 1 candidacy outside the desk's area" in counts
        assert screen.plan is not None and screen.plan.summary.people.new == 2
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        applied = rendered(app, "#import-counts")
        assert "Imported" in applied and "Merged 1 repeated row" in applied
        assert "Left out 1 candidacy" in applied


@pytest.mark.usefixtures("hub_env")
async def test_import_refuses_a_bad_file_whole(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "problems.csv"
    shutil.copy(DATA / "dc_problems.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        assert screen.plan is not None and not screen.plan.ok
        problems = rendered(app, "#import-problems")
        for problem in screen.plan.problems:
            assert f"row {problem.row}" in problems
        assert "Refused whole" in rendered(app, "#import-phase")
        await pilot.press("y")  # refused: nothing to confirm, nothing written
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen) and screen.applied is None
        assert not (tmp_path / "problems.rejects.csv").exists()
    assert count_people(desk_path) == before


@pytest.mark.usefixtures("hub_env")
async def test_import_skip_bad_rows_writes_a_reject_file(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "problems.csv"
    shutil.copy(DATA / "dc_problems.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        plan = screen.plan
        assert plan is not None
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "personal data" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        new = plan.summary.people.new
    rejects = tmp_path / "problems.rejects.csv"
    assert rejects.exists() and rejects.stat().st_mode & 0o077 == 0
    assert count_people(desk_path) == before + new
