"""SQLite backend: an FTS5 table of stemmed titles and explanations.

The table's rowid is the question id. Services keep it in step with the
questions table (index_question); `rebuild` fills it from
scratch.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from crowdq.questions.models import Question
from crowdq.search import analysis
from crowdq.search.results import questions_in_order

DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    # Per-term document counts (the look-alikes read crowdq.search.terms now; kept for inspection).
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_search_vocab USING fts5vocab(question_search, 'row')",
]


def install(connection) -> None:
    for statement in DDL:
        connection.exec_driver_sql(statement)


def index_question(session: Session, question: Question) -> None:
    session.execute(text("DELETE FROM question_search WHERE rowid = :id"), {"id": question.id})
    session.execute(
        text("INSERT INTO question_search (rowid, title, body) VALUES (:id, :title, :body)"),
        {
            "id": question.id,
            "title": analysis.document(question.title, question.language),
            "body": analysis.document(question.body, question.language),
        },
    )


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _match(groups: list[set[str]], joiner: str) -> str:
    parts = ["(" + " OR ".join(_quote(t) for t in sorted(g)) + ")" for g in groups]
    return f" {joiner} ".join(parts)


def _run(session: Session, match: str, limit: int, exclude_id: int | None) -> list[Question]:
    # Title matches weigh five times a match in the explanation.
    rows = session.execute(
        text(
            "SELECT s.rowid FROM question_search s JOIN questions q ON q.id = s.rowid "
            "WHERE question_search MATCH :match AND q.listed = 1 AND q.id != :exclude "
            "ORDER BY bm25(question_search, 5.0, 1.0), q.vote_count DESC LIMIT :limit"
        ),
        {"match": match, "limit": limit, "exclude": exclude_id or 0},
    ).all()
    return questions_in_order(session, [r[0] for r in rows])


def candidates(
    session: Session,
    words: list[tuple[str, frozenset[str]]],
    require_all: bool,
    limit: int,
    exclude_id: int | None,
    language: str | None = None,
) -> list[int]:
    # The stems are ours already (in the query's language when it is known).
    # A title match weighs twice a match in the explanation.
    rows = session.execute(
        text(
            "SELECT s.rowid FROM question_search s JOIN questions q ON q.id = s.rowid "
            "WHERE question_search MATCH :match AND q.listed = 1 AND q.id != :exclude "
            "ORDER BY bm25(question_search, 2.0, 1.0) LIMIT :limit"
        ),
        {
            "match": _match([set(stems) for _word, stems in words], "AND" if require_all else "OR"),
            "limit": limit,
            "exclude": exclude_id or 0,
        },
    ).all()
    return [r[0] for r in rows]


def search(session: Session, query: str, limit: int) -> list[Question]:
    groups = analysis.query_terms(query)
    if not groups:
        return []
    return _run(session, _match(groups, "AND"), limit, None)


def rebuild(session: Session) -> int:
    session.execute(text("DELETE FROM question_search"))
    count = 0
    for question in session.query(Question).yield_per(2000):
        index_question(session, question)
        count += 1
    return count
