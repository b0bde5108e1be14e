"""Schema migrations with Alembic, run on the open (already keyed) connection."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

SCRIPT_LOCATION = "deskapp.db:migrations"


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


#: Schema objects made in SQL only, which the models do not describe: the FTS5 tables
#: and their shadow tables, and the roster's index on ``collation_key(name)`` (they need
#: SQLite functions the desk registers; no write path or sync is to see them).
SQL_ONLY = {"ix_person_sort"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's filter: whether the models describe this object (see ``SQL_ONLY``)."""
    if type_ == "table" and name is not None and "_fts" in name:
        return False
    return name not in SQL_ONLY


#: The newest revision, known without loading Alembic's script directory (a test keeps
#: it equal to the real head) so opening an up-to-date desk costs one query.
HEAD = "0013"


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        if revision == "head" and _stored_revision(conn) == HEAD:
            return
        command.upgrade(_config(conn), revision)


def _stored_revision(conn: Connection) -> str | None:
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).scalar()
    if not exists:  # a brand-new database
        return None
    value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(value) if value is not None else None
