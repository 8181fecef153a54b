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


def candidate_ids(
    session: Session,
    words: list[tuple[str, frozenset[str]]],
    require_all: bool,
    limit: int,
    exclude_id: int | None,
    language: str | None = None,
) -> list[int]:
    """Ids of listed questions matching any (or all) of the words in title or explanation, best
    first by the index's own ranking: candidates for crowdq.merging.similarity to re-rank.
    Each word comes with its stems in our analysis (SQLite indexes those; PostgreSQL stems the word)."""
    if not words:
        return []
    return backend_for(session).candidates(session, words, require_all, limit, exclude_id, language)


def index_question(session: Session, question: Question) -> None:
    backend_for(session).index_question(session, question)


def rebuild(session: Session) -> int:
    return backend_for(session).rebuild(session)
