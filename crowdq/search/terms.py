"""Document frequencies for look-alike ranking, kept in `search_terms`.

Publishing questions adds their stems (one upsert per batch); `crowdq
refresh-search-terms` recounts everything from the questions (after edits,
merges and deletions the counts drift a little, which ranking tolerates;
run it nightly from cron). A stem never counted yet is taken as rare.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from crowdq.search import analysis
from crowdq.search.models import SearchTerm

TOTAL_DOCS, TOTAL_LENGTH = "#docs", "#length"
TITLE_WEIGHT = 2  # a title word counts as much as two words of the explanation
_TERM_MAX = 100
_BATCH = 2_000


def stems(text: str, language: str) -> list[str]:
    """The informative stems of a text, in order (stop words and very short words left out)."""
    return [
        analysis.stem(w, language)[:_TERM_MAX]
        for w in analysis.words(text)
        if w not in analysis.ALL_STOPWORDS and len(w) >= 3
    ]


# Only the start of a long explanation is counted (ranking cost stays bounded; the start says what it is about).
BODY_CHARS = 2_000


def weighted_counts(title: str, body: str, language: str) -> tuple[Counter, int]:
    """A question's stem counts, title words counting TITLE_WEIGHT times, and its weighted length."""
    title_stems, body_stems = stems(title, language), stems((body or "")[:BODY_CHARS], language)
    counts = Counter(body_stems)
    for stem in title_stems:
        counts[stem] += TITLE_WEIGHT
    return counts, TITLE_WEIGHT * len(title_stems) + len(body_stems)


def _upsert(session: Session, increments: Counter) -> None:
    if not increments:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    rows = [{"term": term, "docs": n} for term, n in sorted(increments.items())]
    for start in range(0, len(rows), _BATCH):
        stmt = insert(SearchTerm).values(rows[start : start + _BATCH])
        stmt = stmt.on_conflict_do_update(index_elements=["term"], set_={"docs": SearchTerm.docs + stmt.excluded.docs})
        session.execute(stmt)


def add_questions(session: Session, questions: Iterable) -> None:
    """Count newly published questions' stems (in the caller's transaction)."""
    increments: Counter = Counter()
    for q in questions:
        counts, length = weighted_counts(q.title, q.body, q.language)
        increments.update(counts.keys())
        increments[TOTAL_DOCS] += 1
        increments[TOTAL_LENGTH] += length
    _upsert(session, increments)


def refresh(session: Session) -> int:
    """Recount every stem from the listed questions; returns how many questions were counted."""
    from crowdq.questions.models import Question

    if session.get_bind().dialect.name == "postgresql":
        # Publishing waits until the recount commits, instead of adding to rows about to be replaced.
        session.execute(text("LOCK TABLE search_terms IN SHARE ROW EXCLUSIVE MODE"))
    totals: Counter = Counter()
    counted = 0
    rows = session.execute(
        select(Question.title, Question.body, Question.language).where(Question.listed.is_(True))
    ).yield_per(5_000)
    for title, body, language in rows:
        counts, length = weighted_counts(title, body, language)
        totals.update(counts.keys())
        totals[TOTAL_DOCS] += 1
        totals[TOTAL_LENGTH] += length
        counted += 1
    session.execute(delete(SearchTerm))
    _upsert(session, totals)
    return counted


def frequencies(session: Session, terms: Iterable[str]) -> tuple[dict[str, int], int, float]:
    """(document count per term, questions counted, their average weighted length)."""
    wanted = sorted(set(terms) | {TOTAL_DOCS, TOTAL_LENGTH})
    found = dict(session.execute(select(SearchTerm.term, SearchTerm.docs).where(SearchTerm.term.in_(wanted))).all())
    docs = max(found.pop(TOTAL_DOCS, 0), 1)
    length = found.pop(TOTAL_LENGTH, 0)
    return found, docs, max(length / docs, 1.0)
