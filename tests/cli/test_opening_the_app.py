"""`deskapp` and `deskapp open` are read without building every command's parser (issue
#21: the parser costs the app's first paint tens of milliseconds); they must mean exactly
what the parser would make of them, and anything else must go to the parser."""

from __future__ import annotations

import pytest

from deskapp.cli import build_parser, opening_the_app

APP = [
    [],
    ["open"],
    ["--db", "desk.db"],
    ["--db", "desk.db", "open"],
    ["open", "--db", "desk.db"],
    ["--db=desk.db"],
    ["open", "--db=desk.db"],
    ["--db", "open"],  # a desk file named "open"
    ["--db="],
]


@pytest.mark.parametrize("argv", APP, ids=" ".join)
def test_the_app_is_opened_as_the_parser_would_open_it(argv: list[str]) -> None:
    parsed = build_parser().parse_args(argv)
    read = opening_the_app(argv)
    assert read is not None
    assert read.db == getattr(parsed, "db", None)
    assert read.command == parsed.command
    assert read.func == (parsed.func if parsed.command else "deskapp.cli.app:open_cmd")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["open", "--help"],
        ["--version"],
        ["people", "list"],
        ["open", "open"],
        ["open", "extra"],
        ["--db"],
        ["open", "--db"],
        ["--db", "a", "--db", "b"],
        ["--d", "desk.db"],  # argparse's abbreviation of --db: the parser's to read
    ],
    ids=" ".join,
)
def test_anything_else_goes_to_the_parser(argv: list[str]) -> None:
    assert opening_the_app(argv) is None
