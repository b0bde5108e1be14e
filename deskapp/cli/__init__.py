"""The `deskapp` command. Subcommands call the same services the TUI calls.

Errors reach the user as one plain sentence and an exit code (see README); never a
traceback, never personal data. ``DESKAPP_DEBUG=1`` shows tracebacks for developers.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from deskapp import __version__
from deskapp.domain.errors import DeskError

EXIT_UNEXPECTED = 1
EXIT_INTERRUPTED = 130
#: What a shell reports for a tool ended by SIGPIPE (128 + 13), as `… | head -1` ends one.
EXIT_CLOSED_PIPE = 141


def build_parser() -> argparse.ArgumentParser:
    from deskapp.cli import arguments  # not for opening the app (see opening_the_app)

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand that is not given --db keeps one given before it
    # (`deskapp --db X sync`); argparse would otherwise reset it to the default.
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="desk database (default: DESKAPP_DB, else the data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="deskapp",
        description="Duty desk for elected officials and candidates: roster, advisers' "
        "caseloads and incident triage, encrypted and offline-first.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"deskapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (
        arguments.desk_commands,
        arguments.records_commands,
        arguments.report_commands,
        arguments.events_commands,
        arguments.casework_commands,
        arguments.demo_commands,
        arguments.sync_commands,
        arguments.imports_commands,
    ):
        add(sub, common)
    return parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs a command, imported now that it has been chosen."""
    module, _, function = name.partition(":")
    run: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), function)
    return run


def opening_the_app(argv: Sequence[str]) -> argparse.Namespace | None:
    """``deskapp`` or ``deskapp open``, with one ``--db`` at most: the arguments
    ``build_parser`` would give, or None for anything else. Building the parser of every
    command costs a start of the app tens of milliseconds before it can draw anything,
    so the two ways of opening it are read without it; the parser reads the rest."""
    db: str | None = None
    command: str | None = None
    words = iter(argv)
    for word in words:
        if word == "open" and command is None:
            command = word
        elif word == "--db" and db is None:
            db = next(words, None)
            if db is None:
                return None
        elif word.startswith("--db=") and db is None:
            db = word.removeprefix("--db=")
        else:
            return None
    return argparse.Namespace(db=db, command=command, func="deskapp.cli.app:open_cmd")


def main(argv: Sequence[str] | None = None) -> int:
    args = opening_the_app(sys.argv[1:] if argv is None else argv)
    if args is None:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
            return int(exc.code or 0)
    if not hasattr(args, "db"):  # not given anywhere (see build_parser)
        args.db = None
    if args.command is None:
        args.func = "deskapp.cli.app:open_cmd"
    try:
        code: int = _command(args.func)(args)
        sys.stdout.flush()  # a reader gone away shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_CLOSED_PIPE
    except DeskError as exc:
        print(f"deskapp: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("deskapp: Interrupted; nothing half-written was kept.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("DESKAPP_DEBUG"):
            raise
        # The type only: an exception's text may quote personal data from a record.
        print(
            f"deskapp: Unexpected error ({type(exc).__name__}). Nothing half-written was "
            "kept. Run with DESKAPP_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _discard_stdout() -> None:
    """The reader of stdout has gone (`| head`): end quietly, as other tools do. Output
    still buffered would fail again when Python flushes it at exit, so stdout now points
    at the null device (the recipe in Python's `signal` documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
