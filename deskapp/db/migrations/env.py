"""Alembic environment: migrations always run on a connection the desk opened and keyed."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import deskapp.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from deskapp.db.migrate import include_object

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("deskapp migrations run only through deskapp.db.migrate")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
