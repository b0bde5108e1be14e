"""Writes the generated reference pages: docs/cli.md from the command's parser.

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


PAGES = {CLI_PAGE: cli_page}


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
