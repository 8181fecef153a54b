"""The duplicate candidates queue: pairs suggested by members ("this looks
like a duplicate of ...") and pairs the similarity service finds when a
question is published. Researchers and moderators merge a pair or mark it
"not a duplicate", which is remembered: the pair is not proposed again.

A pair is kept once, lower id first. A member's suggestion raises its score
(each further member raises it more), an automatic find sets it to the
similarity if that is higher. The queue shows open pairs whose questions
are both still listed, highest score first.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from crowdq import events, policy
from crowdq.db import utcnow
from crowdq.errors import Conflict, NotFound
from crowdq.merging import similarity
from crowdq.merging.models import DuplicateCandidate, DuplicateSuggestion
from crowdq.questions.models import Question

# A first member suggestion scores this; each further one adds STEP, up to 1.
MEMBER_SCORE, MEMBER_STEP = 0.6, 0.1
# The similarity above which a new question and an existing one are proposed as a pair.
AUTOMATIC_THRESHOLD = 0.75
AUTOMATIC_PER_QUESTION = 3
PAGE = 20


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _pair_row(session: Session, first: int, second: int) -> DuplicateCandidate | None:
    return session.scalar(
        select(DuplicateCandidate)
        .where(DuplicateCandidate.first_id == first, DuplicateCandidate.second_id == second)
        .execution_options(populate_existing=True)
    )


def _upsert(session: Session, a: int, b: int, score: float, source: str, user_id: int | None) -> DuplicateCandidate:
    """The pair's row, made or raised: an automatic find raises the score to its similarity;
    a member's suggestion counts once per member (DuplicateSuggestion)."""
    first, second = _pair(a, b)
    candidate = _pair_row(session, first, second)
    if candidate is None:
        try:
            with session.begin_nested():
                session.add(
                    DuplicateCandidate(
                        first_id=first,
                        second_id=second,
                        score=0.0 if source == "member" else score,
                        source=source,
                        suggestions=0,
                        suggested_by_id=user_id,
                    )
                )
        except IntegrityError:
            pass  # made by a racing request just now
        candidate = _pair_row(session, first, second)
    if source == "automatic":
        session.execute(
            update(DuplicateCandidate)
            .where(DuplicateCandidate.id == candidate.id)
            .values(score=_raised(score, source))
            .execution_options(synchronize_session=False)
        )
    else:
        try:
            with session.begin_nested():
                session.add(DuplicateSuggestion(candidate_id=candidate.id, user_id=user_id))
        except IntegrityError:
            return candidate  # this member suggested the pair before: it counts once
        first_suggestion = candidate.suggestions == 0
        session.execute(
            update(DuplicateCandidate)
            .where(DuplicateCandidate.id == candidate.id)
            .values(
                suggestions=DuplicateCandidate.suggestions + 1,
                # The first member sets MEMBER_SCORE (unless a find scored higher); each further one adds a step.
                score=case((DuplicateCandidate.score < MEMBER_SCORE, MEMBER_SCORE), else_=DuplicateCandidate.score)
                if first_suggestion
                else _raised(score, source),
            )
            .execution_options(synchronize_session=False)
        )
    return _pair_row(session, first, second)


def _raised(score: float, source: str):
    """The new score in SQL, from the stored one (racing suggestions both count)."""
    if source == "member":
        raised = DuplicateCandidate.score + MEMBER_STEP
        return case((raised > 1.0, 1.0), else_=raised)
    return case((DuplicateCandidate.score < score, score), else_=DuplicateCandidate.score)


def suggest(session: Session, actor, question: Question, other: Question) -> DuplicateCandidate:
    """A member says `question` looks like a duplicate of `other`."""
    policy.require(actor, "question.suggest_duplicate", question)
    policy.require(actor, "question.view", other)
    if other.id == question.id:
        raise Conflict(_("That is this question itself."))
    for q in (question, other):
        if not q.listed:
            raise Conflict(_("Only questions shown in the lists can be suggested as duplicates."))
    candidate = _upsert(session, question.id, other.id, MEMBER_SCORE, "member", actor.id)
    events.record(session, "question.duplicate_suggested", actor, question, other_id=other.id)
    return candidate


def detect(session: Session, question: Question) -> int:
    """Propose the closest look-alikes of a newly published question; returns how many pairs."""
    if not question.listed:
        return 0
    found = 0
    # Few candidates suffice: only very close ones are kept.
    for other_id, score in similarity.ranked(
        session, f"{question.title}\n{question.body}", question.language, question.id, candidates=10
    )[:AUTOMATIC_PER_QUESTION]:
        if score >= AUTOMATIC_THRESHOLD:
            _upsert(session, question.id, other_id, score, "automatic", None)
            found += 1
    return found


def get_candidate(session: Session, candidate_id: int) -> DuplicateCandidate:
    candidate = session.get(DuplicateCandidate, candidate_id)
    if candidate is None:
        raise NotFound()
    return candidate


def dismiss(session: Session, actor, candidate: DuplicateCandidate) -> bool:
    """Not a duplicate: remembered, never proposed again. False if dismissed already."""
    policy.require(actor, "question.merge")
    dismissed = session.execute(
        update(DuplicateCandidate)
        .where(DuplicateCandidate.id == candidate.id, DuplicateCandidate.dismissed_at.is_(None))
        .values(dismissed_at=utcnow(), dismissed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(candidate)
    return bool(dismissed)


def queue(session: Session, page: int = 1) -> tuple[list[tuple[DuplicateCandidate, Question, Question]], bool]:
    """Open pairs of listed questions, highest score first; (rows, has_more)."""
    first, second = aliased(Question), aliased(Question)
    rows = session.execute(
        select(DuplicateCandidate, first, second)
        .join(first, first.id == DuplicateCandidate.first_id)
        .join(second, second.id == DuplicateCandidate.second_id)
        .where(DuplicateCandidate.dismissed_at.is_(None), first.listed.is_(True), second.listed.is_(True))
        .order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id)
        .offset((page - 1) * PAGE)
        .limit(PAGE + 1)
    ).all()
    return [tuple(r) for r in rows[:PAGE]], len(rows) > PAGE
