"""Full-text search over questions behind one interface.

The backend follows the database: SQLite FTS5 (sqlite_fts) or PostgreSQL
tsvector + GIN (postgres). Both return listed questions, best match first,
and both pass the same tests. Search objects are all named question_search*
so that schema comparisons can leave them out of the models.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy.orm import Session

from crowdq.questions.models import Question
from crowdq.text import normalise_line

MAX_QUERY = 200


def _backend(dialect_name: str) -> ModuleType:
    if dialect_name == "postgresql":
        from crowdq.search import postgres

        return postgres
    from crowdq.search import sqlite_fts

    return sqlite_fts


def backend_for(session: Session) -> ModuleType:
    return _backend(session.get_bind().dialect.name)


def install(connection) -> None:
    """Create the search table/column and index (idempotent)."""
    _backend(connection.dialect.name).install(connection)


def is_search_object(name: str | None) -> bool:
    return bool(name) and name.startswith("question_search")


def search_questions(session: Session, query: str, limit: int = 30) -> list[Question]:
    query = normalise_line(query)[:MAX_QUERY]
    if not query:
        return []
    return backend_for(session).search(session, query, limit)


def similar_questions(session: Session, title: str, limit: int = 5, exclude_id: int | None = None) -> list[Question]:
    title = normalise_line(title)[:MAX_QUERY]
    if len(title) < 3:
        return []
    return backend_for(session).similar(session, title, limit, exclude_id)


def index_question(session: Session, question: Question) -> None:
    backend_for(session).index_question(session, question)


def rebuild(session: Session) -> int:
    return backend_for(session).rebuild(session)
