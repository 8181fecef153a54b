"""Denormalised counts on questions, recomputed from the rows they count."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crowdq.questions.models import Comment, Question, QuestionFollow, Vote


def _true_counts():
    votes = select(func.count()).where(Vote.question_id == Question.id).scalar_subquery()
    followers = (
        select(func.count())
        .where(QuestionFollow.question_id == Question.id, QuestionFollow.active.is_(True))
        .scalar_subquery()
    )
    comments = (
        select(func.count()).where(Comment.question_id == Question.id, Comment.deleted_at.is_(None)).scalar_subquery()
    )
    return votes, followers, comments


def recount(session: Session, question_ids: Iterable[int] | None = None) -> None:
    votes, followers, comments = _true_counts()
    stmt = update(Question).values(vote_count=votes, follower_count=followers, comment_count=comments)
    if question_ids is not None:
        ids = list(question_ids)
        if not ids:
            return
        stmt = stmt.where(Question.id.in_(ids))
    session.execute(stmt.execution_options(synchronize_session=False))
    session.expire_all()


def wrong_counts(session: Session) -> list[tuple[int, str, int, int]]:
    """(question id, which count, stored, true) for every count that is off."""
    votes, followers, comments = _true_counts()
    rows = session.execute(
        select(
            Question.id,
            Question.vote_count,
            votes,
            Question.follower_count,
            followers,
            Question.comment_count,
            comments,
        )
    )
    problems = []
    for qid, sv, tv, sf, tf, sc, tc in rows:
        for name, stored, true in (("votes", sv, tv), ("followers", sf, tf), ("comments", sc, tc)):
            if stored != true:
                problems.append((qid, name, stored, true))
    return problems
