"""Alembic environment: the engine comes from slamon (monitor.storage.db), not from an ini file."""

from alembic import context
from sqlmodel import SQLModel

import monitor.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        compare_type=True,
    )
    context.run_migrations()
