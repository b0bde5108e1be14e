"""Writes the generated reference pages: docs/cli.md from the command's parser, and
docs/keys.md from the app's key bindings (as ``deskapp.tui.bindings`` discovers them).

    .venv/bin/python scripts/gen_docs.py          # rewrite the pages
    .venv/bin/python scripts/gen_docs.py --check  # exit 1 if a page is missing or stale

tests/test_docs.py runs the check, so a command added or changed without regenerating
fails the suite.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI_PAGE = ROOT / "docs" / "cli.md"
KEYS_PAGE = ROOT / "docs" / "keys.md"


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for name, sub in _subcommands(parser):
        yield from _walk(sub, (*path, name))


def cli_page() -> str:
    # A fixed width, so the page does not depend on the terminal it was made in.
    os.environ["COLUMNS"] = "100"
    from deskapp.cli import build_parser

    parser = build_parser()
    parser.prog = "deskapp"
    lines = [
        "# deskapp command reference",
        "",
        "Generated from the command's own parser by `scripts/gen_docs.py`; do not edit.",
        "Exit codes: see the README. Every listing takes `--json`.",
        "",
    ]
    for path, sub in _walk(parser, ("deskapp",)):
        heading = "#" * min(len(path) + 1, 4)
        lines += [f"{heading} `{' '.join(path)}`", "", "```", sub.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _key_name(key: str) -> str:
    """``?`` for ``question_mark``, as typed; named keys (``ctrl+q``, ``enter``) as named."""
    from textual.keys import key_to_character

    char = key_to_character(key)
    return char if char is not None and char.isprintable() and char != " " else key


def keys_page() -> str:
    """Each screen's and widget's own keys, in the order the app declares them. A key
    map (keymap.toml) remaps a key by the id in the last column."""
    from textual.binding import Binding

    from deskapp.tui.bindings import _holders

    lines = [
        "# deskapp keys",
        "",
        "Generated from the app's key bindings by `scripts/gen_docs.py`; do not edit.",
        "`?` in the app shows the keys of the view in front of you, as mapped. To remap a",
        "key, give its id in the `[keys]` table of `keymap.toml`, beside the settings file:",
        "",
        "```toml",
        "[keys]",
        '"app.lock" = "ctrl+k"',
        "```",
        "",
        "A screen's keys are its own and those of the screen or widget it is built on.",
        "",
    ]
    for cls in _holders():
        own = cls.__dict__.get("BINDINGS")
        if not own:
            continue
        by_id: dict[str, tuple[list[str], Binding]] = {}
        for binding in Binding.make_bindings(own):
            keys, _first = by_id.setdefault(binding.id or binding.action, ([], binding))
            if binding.key not in keys:
                keys.append(binding.key)
        title = getattr(cls, "HELP_TITLE", "") or cls.__qualname__.lstrip("_")
        where = cls.__module__.removeprefix("deskapp.")
        lines += [f"## {title}", "", f"`{cls.__qualname__}` in `{where}`", ""]
        lines += ["| keys | does | id |", "|---|---|---|"]
        for ident, (keys, binding) in by_id.items():
            shown = ", ".join(f"`{_cell(_key_name(k))}`" for k in keys)
            does = _cell(binding.description or binding.action)
            lines.append(f"| {shown} | {does} | `{ident}` |")
        lines.append("")
    return "\n".join(lines)


PAGES = {CLI_PAGE: cli_page, KEYS_PAGE: keys_page}


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for path, make in PAGES.items():
        text = make()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        names = ", ".join(str(p) for p in stale)
        print(f"Stale or missing: {names}. Run scripts/gen_docs.py.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
