"""What `deskapp`, `deskapp open` and `--help` import before the first paint (issue #21).

The unlock screen needs Textual and the desk's path, not the database layers: SQLAlchemy,
SQLModel, Alembic, numpy and the models take most of a second to import, and each command
imports them only once it has been chosen (``deskapp.cli.arguments``). Nor the key
derivation and encryption (SQLCipher, cryptography, Argon2, the keyring), which the unlock
worker imports once the passphrase is given, nor the screens that come after it.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "numpy",
    "deskapp.db.tables",
    "deskapp.db.desk",
    "psycopg",
    # Needed once the passphrase is submitted (the unlock worker imports them then):
    "sqlcipher3",
    "cryptography",
    "argon2",
    "keyring",
    "zxcvbn",
    "pyuca",
    "deskapp.db.keyslots",
    # The screens after unlock.
    "deskapp.tui.screens.main",
)


def loaded_after(code: str) -> list[str]:
    probe = f"""
import json, sys
{code}
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_unlock_screens_import_path_is_light() -> None:
    assert (
        loaded_after(
            "from deskapp.cli import _command, build_parser\n"
            "args = build_parser().parse_args(['open'])\n"
            "_command(args.func)\n"
            "import deskapp.tui.app, deskapp.tui.screens.unlock"
        )
        == []
    )


def test_help_of_every_command_is_light() -> None:
    assert loaded_after("from deskapp.cli import build_parser\nbuild_parser()") == []


def test_a_chosen_command_still_loads_what_it_needs() -> None:
    """The probe can fail: `people` brings the store with it."""
    loaded = loaded_after(
        "from deskapp.cli import _command, build_parser\n"
        "_command(build_parser().parse_args(['people', 'list']).func)"
    )
    assert "sqlalchemy" in loaded and "deskapp.db.desk" in loaded
