"""`python tests/run_cli.py ARGS…`: the deskapp command for tests' child processes, with
cheap key derivation and a short back-off chosen in code (a shipped command has no switch
for either)."""

from __future__ import annotations

from deskapp.cli import main
from deskapp.store import keyslots
from deskapp.store.keyslots import FAST_KDF, use_kdf

if __name__ == "__main__":
    use_kdf(FAST_KDF)
    keyslots.BACKOFF_BASE = 0.01
    raise SystemExit(main())
