"""New desks for tests start from one migrated, empty database made once per session.

``Desk.init`` spends most of its time running every Alembic migration on an empty file
(about a second each, and most tests make a desk or several). Here the first
desk a session makes runs them for real, into a template; every later new desk's file is
a copy of that template re-encrypted under the new desk's own data key (SQLCipher's
``PRAGMA rekey``), and ``Desk.init`` carries on as it ships: key slots, site id, officer
record, all its own. tests/store/test_migrations.py runs the migrations themselves, and
tests/test_desk_template.py checks a desk made from the template holds exactly what the
migrations make."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine

from deskapp.db import desk as desk_module
from deskapp.db import migrate
from deskapp.db.engine import connect_raw, make_engine

_TEMPLATE_KEY = bytes(range(32))
_lock = threading.Lock()


class DeskTemplate:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "migrated-empty.db"
        self.made = False

    def _make(self) -> None:
        """The real migrations, once, into a file with no write-ahead log to copy."""
        engine = make_engine(self.path, _TEMPLATE_KEY, pooled=False)
        migrate.upgrade(engine)
        engine.dispose()
        conn = connect_raw(self.path, _TEMPLATE_KEY)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        self.made = True

    def seed(self, path: Path, key: bytes) -> None:
        """``path`` (not there yet) becomes a migrated, empty desk file under ``key``."""
        with _lock:
            if not self.made:
                self._make()
        shutil.copyfile(self.path, path)
        conn = sqlcipher3.connect(str(path))
        try:
            conn.execute(f"PRAGMA key = \"x'{_TEMPLATE_KEY.hex()}'\"")
            conn.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
        finally:
            conn.close()

    def make_engine(self, path: Path, key: bytes | None, *, pooled: bool = True) -> Engine:
        """``db.desk``'s ``make_engine``: a new desk's file is seeded first."""
        if key is not None and not path.exists():
            self.seed(path, key)
        return make_engine(path, key, pooled=pooled)


def install(template: DeskTemplate, patch: Any) -> None:
    """``patch``: a ``pytest.MonkeyPatch``."""
    patch.setattr(desk_module, "make_engine", template.make_engine)
