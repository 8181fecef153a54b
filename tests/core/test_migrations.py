"""Upgrading an empty database to head gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from crowdq import search
from crowdq.cli import upgrade_database
from crowdq.db import Base
from crowdq.questions.models import DESCENDING_INDEXES
from tests.conftest import PG_URL


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not search.is_search_object(name) and name not in DESCENDING_INDEXES


def insert_old_question(conn, *, title: str, body: str = "", language: str = "en", topic_id: int = 1, **columns):
    """A topic, a member and question 1 as raw rows, as an older schema (0001 on) holds them."""
    conn.execute(
        text(
            "INSERT INTO topics (id, slug, name_en, name_nl, description_en, description_nl, created_at) "
            "VALUES (:topic_id, 'water', 'Water', 'Water', '', '', CURRENT_TIMESTAMP)"
        ),
        {"topic_id": topic_id},
    )
    conn.execute(
        text(
            "INSERT INTO users (id, email, bio, session_version, is_admin, is_moderator, status, created_at) "
            "VALUES (1, 'old@example.org', '', 1, false, false, 'active', CURRENT_TIMESTAMP)"
        )
    )
    values = {
        "id": 1,
        "title": title,
        "body": body,
        "body_html": "",
        "language": language,
        "topic_id": topic_id,
        "author_id": 1,
        "source": "online",
        "status": "open",
        "held": False,
        "listed": True,
        "comments_closed": False,
        "vote_count": 0,
        "comment_count": 0,
        "follower_count": 0,
        "trending_score": 0.0,
        **columns,
    }
    names = ", ".join(values)
    conn.execute(
        text(
            f"INSERT INTO questions ({names}, created_at, updated_at) "  # noqa: S608 - fixed column names
            f"VALUES ({', '.join(':' + n for n in values)}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        values,
    )


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
        insert_old_question(conn, title="Waarom verzakken de veenweiden?", body="Scheuren in huizen.", language="nl")
    upgrade_database()
    with Session(empty_database) as session:  # closed before the fixture resets the schema
        assert [q.id for q in search.search_questions(session, "veenweide")] == [1]


def test_existing_questions_keep_their_topic_and_new_ones_may_have_none(empty_database):
    upgrade_database("0003")
    with empty_database.begin() as conn:
        insert_old_question(conn, title="Why is the canal green?", topic_id=7)
    upgrade_database()
    with Session(empty_database) as session:
        from crowdq.questions.models import Question, Topic

        question = session.get(Question, 1)
        assert question.topic_id == 7 and question.topic.slug == "water"
        topic = session.get(Topic, 7)
        assert topic.position == 0 and topic.archived_at is None
        session.add(
            Question(
                id=2,  # explicit: rows inserted with ids above did not advance PostgreSQL's sequence
                title="Why do swifts never land?",
                body="",
                body_html="",
                language="en",
                topic_id=None,
                author_id=1,
            )
        )
        session.commit()


def test_upgrading_a_database_in_use_keeps_every_vote_follow_comment_and_tag(empty_database):
    """SQLite rebuilds a table to change a column; that must not cascade to the rows that point at it."""
    upgrade_database("0003")
    with empty_database.begin() as conn:
        insert_old_question(conn, title="Why is the canal green?", vote_count=1, comment_count=1, follower_count=1)
        conn.execute(text("INSERT INTO votes (user_id, question_id, created_at) VALUES (1, 1, CURRENT_TIMESTAMP)"))
        conn.execute(
            text(
                "INSERT INTO question_follows (user_id, question_id, active, created_at) VALUES (1, 1, true, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO comments (id, question_id, author_id, body, body_html, created_at) "
                "VALUES (1, 1, 1, 'Algae?', '<p>Algae?</p>', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(text("INSERT INTO tags (id, name) VALUES (1, 'algae')"))
        conn.execute(text("INSERT INTO question_tags (question_id, tag_id) VALUES (1, 1)"))
    upgrade_database()
    with empty_database.connect() as conn:
        for table in ("votes", "question_follows", "comments", "question_tags", "questions"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table  # noqa: S608
        if not PG_URL:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # switched back on


def test_open_flags_and_held_questions_move_into_the_review_queue(empty_database):
    upgrade_database("0010")
    with empty_database.begin() as conn:
        insert_old_question(conn, title="Why is the canal green?", held=True, listed=False)
        conn.execute(
            text(
                "INSERT INTO questions (id, title, body, body_html, language, author_id, source, status, held, listed,"
                " comments_closed, vote_count, comment_count, follower_count, trending_score, created_at, updated_at)"
                " VALUES (2, 'Rude', '', '', 'en', 1, 'online', 'hidden', false, false, false, 0, 0, 0, 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO comments (id, question_id, author_id, body, body_html, created_at)"
                " VALUES (1, 1, 1, 'nasty', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO flags (target_type, target_id, reporter_id, reason, note, created_at)"
                " VALUES ('comment', 1, 1, 'offensive', '', CURRENT_TIMESTAMP)"
            )
        )
    upgrade_database()
    with Session(empty_database) as session:
        from crowdq.moderation.models import Flag, ReviewItem
        from crowdq.questions.models import Question

        items = {(i.kind, i.target_type, i.target_id) for i in session.query(ReviewItem).all()}
        assert items == {("held", "question", 1), ("flags", "comment", 1)}
        flag = session.query(Flag).one()
        assert flag.reason == "abusive" and flag.review_id is not None
        assert session.get(Question, 1).moderation_state == "held"
        assert session.get(Question, 2).moderation_state == "hidden"
