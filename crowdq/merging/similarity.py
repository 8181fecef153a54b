"""One similarity service for look-alike questions: the as-you-type list, the
confirmation step, the duplicate candidates queue, automatic pairs and the
public API (`GET /api/v1/questions/similar`).

1. The text's informative words (no stop words), stemmed in its language
   (both languages when it is not known), become query terms; the rarest
   MAX_TERMS are kept, by the document frequencies in `search_terms`
   (crowdq.search.terms). Terms in more than COMMON_SHARE of the questions,
   and in more than COMMON_MIN_DOCS of them, are left out of the look-up:
   they say little and would make it slow (only when every term is common
   are the rarest few looked up, all required); the look-up also stops
   adding terms, rarest first, once they occur in about LOOKUP_ROWS
   questions together. Up to MAX_SCORED_TERMS (the rarest) count in the
   re-ranking.
2. The full-text index returns the CANDIDATES best matches on title and
   explanation (SQLite FTS5 bm25, PostgreSQL ts_rank; the title weighs more).
3. Those are re-ranked with BM25 (k1 1.2, b 0.75) over the question's title
   and explanation (a title word counting twice), idf from `search_terms`.
   A query word found only as part of a compound (Dutch writes them as one
   word: zwemwater, spouwmuurisolatie) counts PARTIAL of a whole match.
   The score is that BM25 divided by what the query's words give when each
   is once in the title of a question of average length (capped at 1), so
   0..1 and comparable between queries.

Measured on tests/data/duplicates/pairs.jsonl: see bench/README.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import search
from crowdq.questions.models import LANGUAGES, Question
from crowdq.search import analysis, terms
from crowdq.search.results import questions_in_order

LIMIT_MAX = 100
TEXT_MAX = 2000
MAX_TERMS = 16
MAX_SCORED_TERMS = 32
CANDIDATES = 50
COMMON_SHARE = 0.005
COMMON_MIN_DOCS = 100
ALL_COMMON_TERMS = 4
LOOKUP_ROWS = 5_000
# A word matching only as a compound part (see _partial) counts this much of a whole match;
# parts are at least PART_MIN letters.
PARTIAL, PART_MIN = 0.8, 5
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Match:
    question: Question
    score: float


def query_groups(text: str, language: str | None) -> dict[frozenset[str], str]:
    """One group of stems per distinct informative word (its stem in each possible
    language), in order, each with the word it came from (PostgreSQL stems it itself)."""
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    groups: dict[frozenset[str], str] = {}
    for word in analysis.words(text):
        if word in analysis.ALL_STOPWORDS or len(word) < 3:
            continue
        groups.setdefault(frozenset(analysis.stem(word, lang)[:100] for lang in languages), word)
    return groups


def _partial(term: str, counts) -> int:
    """How often the question has a word that begins or ends with the term, or that
    the term begins or ends with: compound parts (grachtwater, water; e-bike, bike)."""
    if len(term) < PART_MIN:
        return 0
    return sum(
        n
        for word, n in counts.items()
        if len(word) >= PART_MIN
        and word != term
        and (word.startswith(term) or word.endswith(term) or term.startswith(word) or term.endswith(word))
    )


def _idf(df: int, docs: int) -> float:
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def similar(
    session: Session, text: str, language: str | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[Match]:
    """Listed questions like `text`, best first."""
    limit = max(1, min(limit, LIMIT_MAX))
    top = ranked(session, text, language, exclude_id, candidates=max(limit, CANDIDATES))[:limit]
    questions = {q.id: q for q in questions_in_order(session, [question_id for question_id, _score in top])}
    return [Match(questions[question_id], score) for question_id, score in top if question_id in questions]


def ranked(
    session: Session, text: str, language: str | None, exclude_id: int | None = None, candidates: int | None = None
) -> list[tuple[int, float]]:
    """(question id, score) of the listed questions like `text`, best first, at most `candidates` (CANDIDATES)."""
    text = (text or "")[:TEXT_MAX]
    groups = query_groups(text, language)
    if not groups:
        return []
    df, docs, avg_length = terms.frequencies(session, [t for g in groups for t in g])

    def rarity(group: frozenset[str]) -> int:
        return min(df.get(t, 0) for t in group)

    if len(groups) > MAX_SCORED_TERMS:  # a long text: its rarest words say what it is about
        groups = {g: groups[g] for g in sorted(groups, key=rarity)[:MAX_SCORED_TERMS]}

    common = max(COMMON_SHARE * docs, COMMON_MIN_DOCS)
    informative = []
    rows = 0  # about how many questions the index must score: the look-up stays fast on a big site
    for group in sorted((g for g in groups if rarity(g) <= common), key=rarity)[:MAX_TERMS]:
        if informative and rows + rarity(group) > LOOKUP_ROWS:
            break
        informative.append(group)
        rows += rarity(group)
    if informative:
        lookup, require_all = informative, False
    else:
        lookup, require_all = sorted(groups, key=rarity)[:ALL_COMMON_TERMS], True
    ids = search.candidate_ids(
        session,
        [(groups[g], g) for g in lookup],
        require_all,
        candidates or CANDIDATES,
        exclude_id,
        language if language in LANGUAGES else None,
    )
    if not ids:
        return []
    # Only what the re-ranking reads; whole questions for the few returned.
    texts = {
        row.id: row
        for row in session.execute(
            select(Question.id, Question.title, Question.body, Question.language).where(Question.id.in_(ids))
        )
    }

    weights = {t: _idf(df.get(t, 0), docs) for g in groups for t in g}
    # 1.0: every query word once in the title of a question of average length.
    title_once = terms.TITLE_WEIGHT * (K1 + 1) / (terms.TITLE_WEIGHT + K1)
    best = sum(max(weights[t] for t in g) for g in groups) * title_once
    scored = []
    for question_id in ids:
        question = texts.get(question_id)
        if question is None:
            continue
        counts, length = terms.weighted_counts(question.title, question.body, question.language)
        norm = K1 * (1 - B + B * length / avg_length)
        total = 0.0
        for group in groups:
            exact = max(
                (weights[t] * counts[t] * (K1 + 1) / (counts[t] + norm) for t in group if counts.get(t)), default=0.0
            )
            if not exact:
                part = max((_partial(t, counts) for t in group), default=0)
                if part:
                    exact = PARTIAL * max(weights[t] for t in group) * part * (K1 + 1) / (part + norm)
            total += exact
        scored.append((question_id, round(min(total / best, 1.0), 4) if best > 0 else 0.0))
    # Stable: among equal scores the index's order stays.
    scored.sort(key=lambda pair: -pair[1])
    return [(question_id, score) for question_id, score in scored if score > 0]
