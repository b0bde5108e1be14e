"""The deskapp command for tests, two ways.

``python tests/run_cli.py ARGS…``: the command in a child process, with cheap key
derivation and a short back-off chosen in code (a shipped command has no switch for
either), for tests about the process itself (its start, signals, a real terminal).

``run_in_process(*args, env=…)``: the same ``main`` in the test's process, with the
environment given and fresh per-process state, returning what a child would
(exit code, stdout, stderr). Most command tests want the parser, exit codes and output,
which a child's interpreter start and imports only make slower."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Mapping

from deskapp.cli import main
from deskapp.db import keyslots
from deskapp.db.keyslots import FAST_KDF, use_kdf


def run_in_process(
    *args: str, env: Mapping[str, str], terminal: int | None = None
) -> subprocess.CompletedProcess[str]:
    """``deskapp ARGS…`` with exactly ``env`` as its environment; ``terminal``: a pty's
    terminal end as its standard input (what was typed there is what it reads), else
    no terminal, as under ``stdin=DEVNULL``."""
    from deskapp.sync.hub_engines import forget_engines
    from deskapp.sync.hub_secrets import forget_session_secrets

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_stdin = dict(os.environ), sys.stdin
    os.environ.clear()
    os.environ.update(env)
    if terminal is None:
        stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (closed below)
    else:
        stdin = open(terminal, encoding="utf-8", closefd=False)  # noqa: SIM115
    try:
        sys.stdin = stdin
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = saved_stdin
        stdin.close()
        os.environ.clear()
        os.environ.update(saved_env)
        # What a child process would not carry into the next command.
        forget_engines()
        forget_session_secrets()
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


if __name__ == "__main__":
    use_kdf(FAST_KDF)
    keyslots.BACKOFF_BASE = 0.01
    raise SystemExit(main())
