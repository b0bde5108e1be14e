"""Alembic environment: migrations always run on a connection the desk opened and keyed."""

from __future__ import annotations

from alembic import context

from deskapp.db.migrate import include_object
from deskapp.db.tables import METADATA

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("deskapp migrations run only through deskapp.db.migrate")
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
