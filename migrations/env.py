"""Alembic environment: the target is the models' metadata."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import crowdq.models  # noqa: F401 - registers every table
from crowdq.db import Base
from crowdq.questions.models import DESCENDING_INDEXES
from crowdq.search import is_search_object

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    # Full-text search objects differ per database and live outside the models.
    return not is_search_object(name) and name not in DESCENDING_INDEXES


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        # SQLite can only change tables by copying them.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
