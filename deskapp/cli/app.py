"""`deskapp` and `deskapp open`: the terminal UI. Kept apart from the other commands so
that opening the app imports nothing the unlock screen does not need."""

from __future__ import annotations

import argparse

from deskapp.runtime.paths import desk_path


def open_cmd(args: argparse.Namespace) -> int:
    from deskapp.tui import run_app

    return run_app(desk_path(args.db))
