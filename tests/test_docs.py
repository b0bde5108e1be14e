"""The generated reference pages (docs/cli.md, docs/keys.md) match the code they describe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_pages_are_current() -> None:
    """A command or key binding added or changed without `scripts/gen_docs.py` makes
    this fail."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_cli_reference_names_every_command() -> None:
    from deskapp.cli import build_parser

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name in commands:
        assert f"## `deskapp {name}`" in page


def test_keys_reference_names_every_binding_id() -> None:
    from deskapp.tui.bindings import all_binding_ids

    page = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    ids = all_binding_ids()
    assert ids
    for ident in ids:
        assert f"| `{ident}` |" in page, ident


def test_a_changed_binding_makes_the_keys_page_stale() -> None:
    """The check can fail: a description changed in code no longer matches the page."""
    from textual.binding import Binding

    from deskapp.tui.app import DeskApp

    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_docs

    page = gen_docs.keys_page()
    assert page == (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    first = DeskApp.BINDINGS[0]
    assert isinstance(first, Binding)
    DeskApp.BINDINGS[0] = Binding(
        first.key, first.action, "Leave the desk", priority=first.priority, id=first.id
    )
    try:
        assert gen_docs.keys_page() != page
    finally:
        DeskApp.BINDINGS[0] = first
