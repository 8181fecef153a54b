"""Upgrading an empty database to head gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from crowdq import search
from crowdq.cli import upgrade_database
from crowdq.db import Base, engine
from crowdq.questions.models import DESCENDING_INDEXES
from tests.conftest import PG_URL, reset_postgres_schema


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not search.is_search_object(name) and name not in DESCENDING_INDEXES


@pytest.fixture
def empty_database(app):
    """An empty database for the migrations; afterwards the suite's schema is back."""
    eng = engine()
    if PG_URL:
        reset_postgres_schema(eng, create=False)
    else:
        Base.metadata.drop_all(eng)
    yield eng
    if PG_URL:
        reset_postgres_schema(eng)


def test_upgrade_to_head_matches_models(empty_database):
    eng = empty_database
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


def test_upgrade_is_idempotent(empty_database):
    upgrade_database()
    upgrade_database()
    with empty_database.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() is not None


def test_questions_from_before_search_existed_are_found_after_upgrading(empty_database):
    upgrade_database("0001")
    with empty_database.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (id, slug, name_en, name_nl, description_en, description_nl, created_at) "
                "VALUES (1, 'water', 'Water', 'Water', '', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO users (id, email, bio, session_version, is_admin, is_moderator, status, created_at) "
                "VALUES (1, 'old@example.org', '', 1, false, false, 'active', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO questions (id, title, body, body_html, language, topic_id, author_id, source, status, held, "
                "listed, comments_closed, vote_count, comment_count, follower_count, trending_score, created_at, updated_at) "
                "VALUES (1, 'Waarom verzakken de veenweiden?', 'Scheuren in huizen.', '', 'nl', 1, 1, 'online', 'open', "
                "false, true, false, 0, 0, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade_database()
    with Session(empty_database) as session:  # closed before the fixture resets the schema
        assert [q.id for q in search.search_questions(session, "veenweide")] == [1]
