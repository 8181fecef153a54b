"""SQLite backend: an FTS5 table of stemmed titles and explanations.

The table's rowid is the question id. Services keep it in step with the
questions table (index_question); `rebuild` fills it from
scratch.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from crowdq.questions.models import Question
from crowdq.search import analysis
from crowdq.search.results import questions_in_order

DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    # Per-term document counts, read to leave very common words out of
    # look-alike queries.
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_search_vocab USING fts5vocab(question_search, 'row')",
]
# A word in more than this share of questions says little about similarity
# and makes ranking slow (every match must be scored).
COMMON_SHARE = 0.02
MAX_SIMILAR_TERMS = 6


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


def search(session: Session, query: str, limit: int) -> list[Question]:
    groups = analysis.query_terms(query)
    if not groups:
        return []
    return _run(session, _match(groups, "AND"), limit, None)


_VOCAB = text("SELECT term, doc FROM question_search_vocab WHERE term IN :terms").bindparams(
    bindparam("terms", expanding=True)
)


def _informative(session: Session, groups: list[set[str]]) -> list[set[str]]:
    """The word groups that are not common, rarest first."""
    counts = dict(session.execute(_VOCAB, {"terms": sorted({t for g in groups for t in g})}).all())
    total = session.execute(text("SELECT max(rowid) FROM question_search")).scalar() or 0
    threshold = max(50, total * COMMON_SHARE)

    def frequency(group: set[str]) -> int:
        return max(counts.get(t, 0) for t in group)

    return sorted((g for g in groups if frequency(g) <= threshold), key=frequency)[:MAX_SIMILAR_TERMS]


def similar(session: Session, title: str, limit: int, exclude_id: int | None) -> list[Question]:
    groups = analysis.query_terms(title, drop_stopwords=True)
    if not groups:
        return []
    informative = _informative(session, groups)
    if informative:
        # Any shared rare word counts; bm25 puts those sharing the rarest first.
        return _run(session, "title : (" + _match(informative, "OR") + ")", limit, exclude_id)
    # Only common words: ask for all of them together, which stays selective.
    return _run(session, "title : (" + _match(groups[:4], "AND") + ")", limit, exclude_id)


def rebuild(session: Session) -> int:
    session.execute(text("DELETE FROM question_search"))
    count = 0
    for question in session.query(Question).yield_per(2000):
        index_question(session, question)
        count += 1
    return count
