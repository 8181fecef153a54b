"""Upgrading an empty database to head gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from crowdq import search
from crowdq.cli import upgrade_database
from crowdq.db import Base, engine
from crowdq.questions.models import DESCENDING_INDEXES
from tests.conftest import PG_URL


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not search.is_search_object(name) and name not in DESCENDING_INDEXES


def _empty_database():
    eng = engine()
    with eng.begin() as conn:
        if PG_URL:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
    return eng


def test_upgrade_to_head_matches_models(app):
    eng = _empty_database()
    try:
        upgrade_database()
        with eng.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        index_names = {ix["name"] for ix in inspect(eng).get_indexes("questions")}
        assert DESCENDING_INDEXES <= index_names
        tables = {t for t in inspect(eng).get_table_names() if not t.startswith("question_search_")}
        expected = set(Base.metadata.tables) | {"alembic_version"}
        assert tables == expected | ({"question_search"} if not PG_URL else set())
    finally:
        if PG_URL:
            # Give the rest of the suite its schema back, as its fixture made it.
            with eng.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            Base.metadata.create_all(eng)
            with eng.begin() as conn:
                search.install(conn)


def test_upgrade_is_idempotent(app):
    _empty_database()
    upgrade_database()
    upgrade_database()
    with engine().connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() is not None
