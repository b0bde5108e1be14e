"""Alembic environment: migrations always run on a connection the desk opened and keyed."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import deskapp.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # FTS5 virtual tables and their shadow tables are managed by hand in migrations.
    return not (type_ == "table" and name is not None and "_fts" in name)


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("deskapp migrations run only through deskapp.store.migrate")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
