"""`python tests/run_cli.py ARGS…`: the deskapp command for tests' child processes, with
cheap key derivation chosen in code (a shipped command has no switch for it)."""

from __future__ import annotations

from deskapp.cli import main
from deskapp.store.keyslots import FAST_KDF, use_kdf

if __name__ == "__main__":
    use_kdf(FAST_KDF)
    raise SystemExit(main())
