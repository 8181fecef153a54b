"""A call's ranking: live while it is open, frozen at the closing moment after.

The ranking orders the call's public questions (not held, hidden or merged)
by votes, most first; equal votes go to the question asked first (lower id),
so the order never depends on the database's whim.

Freezing copies the ranking at the closing moment into `call_results`
exactly once: `UPDATE topics SET results_frozen_at = now WHERE id = :id AND
results_frozen_at IS NULL`, and only the transaction whose rowcount is 1 writes
the rows (on PostgreSQL a racing freeze waits for the row lock, then finds the
column set; SQLite runs one writer at a time). The frozen votes are counted
from the vote rows cast before `closes_at`, endorsements from those made before
it; titles and statuses are copied as they are then. After that, edits, votes
elsewhere and merges leave the results as they were.

It happens lazily, on the first read after closing, in a short write
transaction of its own (`freeze_in_own_transaction`; a GET's own session
stays read-only), from the command line (`crowdq freeze-calls`, for cron),
and before anything that could change a closed call's questions
(`ensure_frozen`, called by `questions.editing.edit`; merges must call it too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crowdq import events
from crowdq.calls.models import CallResult
from crowdq.calls.state import CLOSED, call_state
from crowdq.db import engine, utcnow, write_intent
from crowdq.organisations.models import Endorsement
from crowdq.questions.models import Question, Topic, Vote


@dataclass(frozen=True)
class Ranked:
    rank: int
    question_id: int
    title: str
    language: str | None
    vote_count: int
    endorsement_count: int
    status: str


# --- live -------------------------------------------------------------------------------
def _live_stmt(topic: Topic):
    return (
        select(Question)
        .where(Question.topic_id == topic.id, Question.listed.is_(True))
        .order_by(Question.vote_count.desc(), Question.id.asc())
    )


def _from_question(rank: int, q: Question) -> Ranked:
    return Ranked(rank, q.id, q.title, q.language, q.vote_count, q.endorsement_count, q.status)


# --- frozen -----------------------------------------------------------------------------
def ranking_at_close(session: Session, topic: Topic) -> list[Ranked]:
    """The ranking as it stood at `closes_at`, counted from the rows."""
    votes = (
        select(Vote.question_id, func.count().label("n"))
        .join(Question, Question.id == Vote.question_id)
        .where(Question.topic_id == topic.id, Vote.created_at < topic.closes_at)
        .group_by(Vote.question_id)
        .subquery()
    )
    endorsements = (
        select(Endorsement.question_id, func.count().label("n"))
        .join(Question, Question.id == Endorsement.question_id)
        .where(Question.topic_id == topic.id, Endorsement.created_at < topic.closes_at)
        .group_by(Endorsement.question_id)
        .subquery()
    )
    vote_count = func.coalesce(votes.c.n, 0)
    rows = session.execute(
        select(
            Question.id,
            Question.title,
            Question.language,
            Question.status,
            vote_count,
            func.coalesce(endorsements.c.n, 0),
        )
        .outerjoin(votes, votes.c.question_id == Question.id)
        .outerjoin(endorsements, endorsements.c.question_id == Question.id)
        .where(
            Question.topic_id == topic.id,
            Question.listed.is_(True),
            Question.created_at < topic.closes_at,
        )
        .order_by(vote_count.desc(), Question.id.asc())
    )
    return [
        Ranked(rank, qid, title, language, int(n_votes), int(n_endorsements), status)
        for rank, (qid, title, language, status, n_votes, n_endorsements) in enumerate(rows, start=1)
    ]


def ensure_frozen(session: Session, topic: Topic, now: datetime | None = None) -> bool:
    """Freeze the call's ranking if it is closed and not frozen yet, in `session`'s
    transaction; True when this call did it (False: not a closed call, or frozen already)."""
    now = now or utcnow()
    if topic is None or call_state(topic, now) != CLOSED or topic.results_frozen_at is not None:
        return False
    claimed = session.execute(
        update(Topic)
        .where(Topic.id == topic.id, Topic.results_frozen_at.is_(None))
        .values(results_frozen_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(topic)
        return False
    ranking = ranking_at_close(session, topic)
    session.add_all(
        CallResult(
            topic_id=topic.id,
            question_id=r.question_id,
            rank=r.rank,
            vote_count=r.vote_count,
            endorsement_count=r.endorsement_count,
            title=r.title,
            status=r.status,
            frozen_at=now,
        )
        for r in ranking
    )
    session.flush()
    events.record(session, "call.results_frozen", None, topic, questions=len(ranking))
    session.refresh(topic)
    return True


def freeze_in_own_transaction(topic_id: int, now: datetime | None = None) -> bool:
    """`ensure_frozen` in a short write transaction of its own (SQLite takes the
    write lock up front), committed before returning: for reads after closing."""
    token = write_intent.set(True)
    try:
        with Session(engine(), expire_on_commit=False) as own, own.begin():
            topic = own.get(Topic, topic_id)
            return ensure_frozen(own, topic, now)
    finally:
        write_intent.reset(token)


def freeze_due(now: datetime | None = None) -> int:
    """Freeze every closed call that is not frozen yet (the cron command); returns how many."""
    now = now or utcnow()
    with Session(engine()) as session:
        due = session.scalars(
            select(Topic.id).where(
                Topic.opens_at.is_not(None), Topic.closes_at <= now, Topic.results_frozen_at.is_(None)
            )
        ).all()
    return sum(freeze_in_own_transaction(topic_id, now) for topic_id in due)


# --- reading ----------------------------------------------------------------------------
def prepare_read(session: Session, topic: Topic, now: datetime | None = None) -> str | None:
    """The call's state for a page or download; a closed call is frozen first
    (in its own transaction), and `session` then starts a fresh read so it sees
    the frozen rows (a SQLite read keeps the snapshot it started with)."""
    now = now or utcnow()
    state = call_state(topic, now)
    if state == CLOSED and topic.results_frozen_at is None:
        try:
            freeze_in_own_transaction(topic.id, now)
        except SQLAlchemyError:
            # The database would not take the write now (busy, read-only): show what it
            # will freeze to, counted the same way; the next read or the cron job freezes it.
            current_app.logger.warning("could not freeze the results of call %s", topic.id, exc_info=True)
            return state
        session.commit()
        session.refresh(topic)
    return state


def ranking(
    session: Session, topic: Topic, state: str | None, start: int = 0, limit: int | None = None
) -> list[Ranked]:
    """Ranks start+1 .. start+limit (all with limit None): the frozen ranking once
    the call is closed and frozen, else the live one (empty before opening)."""
    if state == CLOSED and topic.results_frozen_at is not None:
        # A question hidden or held by the moderators since is left out (its rank stays a gap).
        stmt = (
            select(CallResult, Question.language)
            .join(Question, Question.id == CallResult.question_id)
            .where(
                CallResult.topic_id == topic.id,
                CallResult.rank > start,
                Question.status != "hidden",
                Question.held.is_(False),
            )
            .order_by(CallResult.rank)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return [
            Ranked(r.rank, r.question_id, r.title, language, r.vote_count, r.endorsement_count, r.status)
            for r, language in session.execute(stmt)
        ]
    if state == CLOSED:  # not frozen (a read that could not write): what it will freeze to
        return [r for r in ranking_at_close(session, topic) if r.rank > start][:limit]
    # Calls are small, so the live ranking pages with an offset.
    stmt = _live_stmt(topic).offset(start)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_from_question(start + i, q) for i, q in enumerate(session.scalars(stmt), start=1)]
