"""The full-screen Textual app. ``run_app`` is what ``deskapp`` / ``deskapp open`` call.

Importing this package is cheap: Textual is imported when the app runs, and the database
stack (SQLAlchemy, SQLCipher, Argon2) only after the first screen has painted.
"""

from __future__ import annotations

import os
from pathlib import Path

# Textual repaints at most this often. A filter's answer arrives just after the
# keystroke's own repaint and waits for the next frame: at 120 (Textual's default is 60)
# that wait is halved, and the cap only matters while something changes on every frame.
# Read once, when Textual is first imported, so it is set here, before any of it is.
os.environ.setdefault("TEXTUAL_FPS", "120")

__all__ = ["run_app"]


def run_app(db_path: Path, *, officer: str | None = None) -> int:
    """Run the desk TUI on ``db_path``; set-up screen if there is no desk there yet."""
    from deskapp.tui.terminal import keys_held

    with keys_held():  # first: keys typed while the app starts are kept, never shown
        from deskapp.tui.app import DeskApp

        app = DeskApp(db_path, officer=officer)
        result = app.run()
    if app.return_code not in (None, 0):
        return int(app.return_code or 0)
    return int(result or 0)
