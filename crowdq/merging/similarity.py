"""One similarity service for look-alike questions: the as-you-type list, the
confirmation step, the duplicate candidates queue and the public API.

Candidates come from the full-text index (crowdq.search.similar_questions);
each gets a score in 0..1: the share of the text's informative stems (no
stop words, stemmed in its language) found in the candidate, a title match
counting twice an explanation match.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crowdq import search
from crowdq.questions.models import LANGUAGES, Question
from crowdq.search import analysis

LIMIT_MAX = 100
TEXT_MAX = 2000
# Candidates fetched from the index for each one returned, so the score can reorder them.
_OVERFETCH = 3


@dataclass(frozen=True)
class Match:
    question: Question
    score: float


def _stems(text: str, language: str | None) -> set[str]:
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    return {
        analysis.stem(word, lang)
        for word in analysis.words(text)
        if word not in analysis.ALL_STOPWORDS and len(word) >= 3
        for lang in languages
    }


def score(text: str, language: str | None, question: Question) -> float:
    wanted = _stems(text, language)
    if not wanted:
        return 0.0
    in_title = wanted & _stems(question.title, question.language)
    in_body = (wanted - in_title) & _stems(question.body or "", question.language)
    return round((2 * len(in_title) + len(in_body)) / (2 * len(wanted)), 4)


def similar(
    session: Session, text: str, language: str | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[Match]:
    """Listed questions like `text`, best first."""
    text = (text or "")[:TEXT_MAX]
    limit = max(1, min(limit, LIMIT_MAX))
    found = search.similar_questions(session, text, limit=min(limit * _OVERFETCH, 300), exclude_id=exclude_id)
    matches = [Match(q, score(text, language, q)) for q in found]
    # Stable: among equal scores the index's order (bm25, then votes) stays.
    matches.sort(key=lambda m: -m.score)
    return matches[:limit]
