"""Denormalised values on questions, recomputed from the rows they count:
the vote, follower, comment and endorsement counts and the trending score."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crowdq.organisations.models import Endorsement
from crowdq.questions import trending
from crowdq.questions.models import Comment, Question, QuestionFollow, Vote

# Question ids per IN (...) list, well below SQLite's limit on bound parameters.
_CHUNK = 5_000
# Votes older than this before a question's newest vote add less than 2 ** -64 each.
_WINDOW = trending.NEGLIGIBLE * trending.HALF_LIFE
_EARLIEST = datetime.min.replace(tzinfo=UTC) + _WINDOW


def _true_counts():
    votes = select(func.count()).where(Vote.question_id == Question.id).scalar_subquery()
    followers = (
        select(func.count())
        .where(QuestionFollow.question_id == Question.id, QuestionFollow.active.is_(True))
        .scalar_subquery()
    )
    comments = (
        select(func.count())
        .where(Comment.question_id == Question.id, Comment.deleted_at.is_(None), Comment.moderation_state.is_(None))
        .scalar_subquery()
    )
    endorsements = select(func.count()).where(Endorsement.question_id == Question.id).scalar_subquery()
    return votes, followers, comments, endorsements


def exact_trending_score(session: Session, question_id: int) -> float:
    """The question's trending score recomputed from its vote rows.

    Reads only the votes within NEGLIGIBLE half-lives of the newest one (the
    older ones are below a float's precision), through the (question_id,
    created_at) index. The caller holds the lock on the question row when
    it writes the result (see questions.services.unvote).
    """
    newest = session.scalar(select(func.max(Vote.created_at)).where(Vote.question_id == question_id))
    if newest is None:
        return trending.EMPTY
    stmt = select(Vote.created_at).where(Vote.question_id == question_id)
    if newest > _EARLIEST:
        stmt = stmt.where(Vote.created_at >= newest - _WINDOW)
    return trending.score_of(trending.vote_term(moment) for moment in session.scalars(stmt))


def exact_trending_scores(session: Session, question_ids: Iterable[int] | None = None) -> dict[int, float]:
    """Trending scores recomputed from the vote rows, for the given questions
    (all when None); questions without votes are left out (their score is EMPTY)."""
    base = select(Vote.question_id, Vote.created_at).order_by(Vote.question_id)
    if question_ids is None:
        statements = [base]
    else:
        ids = sorted(set(question_ids))
        statements = [base.where(Vote.question_id.in_(ids[i : i + _CHUNK])) for i in range(0, len(ids), _CHUNK)]
    scores = {}
    for stmt in statements:
        rows = session.execute(stmt, execution_options={"yield_per": 10_000})
        for qid, group in groupby(rows, key=lambda row: row[0]):
            scores[qid] = trending.score_of(trending.vote_term(row[1]) for row in group)
    return scores


def recount(session: Session, question_ids: Iterable[int] | None = None) -> None:
    votes, followers, comments, endorsements = _true_counts()
    stmt = update(Question).values(
        vote_count=votes, follower_count=followers, comment_count=comments, endorsement_count=endorsements
    )
    if question_ids is not None:
        ids = list(question_ids)
        if not ids:
            return
        stmt = stmt.where(Question.id.in_(ids))
    session.execute(stmt.execution_options(synchronize_session=False))
    _rescore(session, None if question_ids is None else ids)
    session.expire_all()


def _rescore(session: Session, ids: list[int] | None) -> None:
    """Rewrite trending scores from the votes, with the question rows locked
    first so a vote racing this (PostgreSQL) is neither lost nor counted twice."""
    if ids is None:
        locked = list(session.scalars(select(Question.id).order_by(Question.id).with_for_update(key_share=True)))
    else:
        locked = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            stmt = select(Question.id).where(Question.id.in_(chunk)).order_by(Question.id)
            locked += session.scalars(stmt.with_for_update(key_share=True))
    scores = exact_trending_scores(session, locked if ids is not None else None)
    rows = [{"id": qid, "trending_score": scores.get(qid, trending.EMPTY)} for qid in locked]
    for i in range(0, len(rows), _CHUNK):
        session.execute(update(Question), rows[i : i + _CHUNK])


def wrong_counts(session: Session) -> list[tuple[int, str, float, float]]:
    """(question id, which value, stored, true) for every count or trending score that is off.

    Trending scores match within trending.SCORE_TOLERANCE (relative, in the log).
    """
    votes, followers, comments, endorsements = _true_counts()
    scores = exact_trending_scores(session)
    rows = session.execute(
        select(
            Question.id,
            Question.vote_count,
            votes,
            Question.follower_count,
            followers,
            Question.comment_count,
            comments,
            Question.endorsement_count,
            endorsements,
            Question.trending_score,
        )
    )
    problems = []
    for qid, sv, tv, sf, tf, sc, tc, se, te, stored_score in rows:
        for name, stored, true in (
            ("votes", sv, tv),
            ("followers", sf, tf),
            ("comments", sc, tc),
            ("endorsements", se, te),
        ):
            if stored != true:
                problems.append((qid, name, stored, true))
        true_score = scores.get(qid, trending.EMPTY)
        if not trending.same_score(stored_score, true_score):
            problems.append((qid, "trending", stored_score, true_score))
    return problems
