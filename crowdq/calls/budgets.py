"""Votes in a call for questions: only while it is open, and at most its vote
budget per member.

`questions.services.vote` and `unvote` call these inside their transaction:

- `lock_open_call` share-locks the call's topic row (PostgreSQL `FOR SHARE`;
  SQLite writers are serialised already) and refuses unless the call is open.
  Freezing the results updates that row, so it waits for votes in flight,
  and a vote that waited for a freeze sees `results_frozen_at` and is
  refused: no vote can slip into a call after its ranking was copied.
  Changing a call (`calls.services.update_call`) locks the row too.
- `spend` runs in the same savepoint as the vote's insert: the member's row
  is made if missing (INSERT ... ON CONFLICT DO NOTHING), then
  `UPDATE ... SET votes_used = votes_used + 1 WHERE votes_used < budget`.
  PostgreSQL re-checks that WHERE after waiting for a racing vote's row lock,
  SQLite runs one writer at a time, so the rowcount says truthfully whether
  a vote was left; when none was, the savepoint (and the vote insert) is
  rolled back. A duplicate vote fails its insert first and spends nothing.
- `refund` gives the vote back, called only when the vote row was really
  deleted (and, through `lock_open_call`, only while the call is open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crowdq.calls.models import CallBudget
from crowdq.calls.state import require_open
from crowdq.errors import Conflict
from crowdq.questions.models import Question, Topic, Vote


@dataclass(frozen=True)
class BudgetStatus:
    budget: int
    used: int

    @property
    def left(self) -> int:
        return max(self.budget - self.used, 0)


def lock_open_call(session: Session, question: Question, now: datetime) -> Topic | None:
    """The question's call, share-locked and checked to be open; None when it is in no call."""
    topic = question.topic
    if topic is None or not topic.is_call:
        return None
    topic = session.scalars(
        select(Topic).where(Topic.id == topic.id).with_for_update(read=True).execution_options(populate_existing=True)
    ).one()
    if topic.results_frozen_at is not None and now < topic.closes_at:
        now = topic.closes_at  # frozen means closed, whatever this server's clock says
    require_open(topic, now)
    return topic


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CallBudget)


def spend(session: Session, topic: Topic, user_id: int) -> None:
    """Use one of the member's votes in the call, or raise Conflict when none is left."""
    budget = topic.vote_budget
    if budget is None:
        return
    session.execute(_insert(session).values(topic_id=topic.id, user_id=user_id, votes_used=0).on_conflict_do_nothing())
    spent = session.execute(
        update(CallBudget)
        .where(CallBudget.topic_id == topic.id, CallBudget.user_id == user_id, CallBudget.votes_used < budget)
        .values(votes_used=CallBudget.votes_used + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise Conflict(
            ngettext(
                "You have used your %(num)d vote in this call. Withdraw it to vote for another question.",
                "You have used all %(num)d of your votes in this call. Withdraw one to vote for another question.",
                budget,
            )
        )


def refund(session: Session, topic: Topic, user_id: int) -> None:
    """Give back the vote of a withdrawal that really deleted its row."""
    if topic.vote_budget is None:
        return
    session.execute(
        update(CallBudget)
        .where(CallBudget.topic_id == topic.id, CallBudget.user_id == user_id, CallBudget.votes_used > 0)
        .values(votes_used=CallBudget.votes_used - 1)
        .execution_options(synchronize_session=False)
    )


def status(session: Session, topic: Topic, user_id: int | None) -> BudgetStatus | None:
    """The member's budget in the call ("2 of 3 votes left"); None without a budget or a member."""
    if topic.vote_budget is None or user_id is None:
        return None
    used = session.scalar(
        select(CallBudget.votes_used).where(CallBudget.topic_id == topic.id, CallBudget.user_id == user_id)
    )
    return BudgetStatus(budget=topic.vote_budget, used=used or 0)


def _votes_in_budgeted_calls(session: Session) -> dict[tuple[int, int], int]:
    rows = session.execute(
        select(Question.topic_id, Vote.user_id, func.count())
        .join(Question, Question.id == Vote.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        # A vote counts where its question lives: a merge's copy on the target counts, the vote left
        # on a merged source does not (crowdq.merging recounts the budgets it touches).
        .where(Topic.vote_budget.is_not(None), Question.status != "merged")
        .group_by(Question.topic_id, Vote.user_id)
    )
    return {(topic_id, user_id): n for topic_id, user_id, n in rows}


def wrong_budgets(session: Session) -> list[tuple[int, int, int, int]]:
    """(call topic id, member id, votes_used stored, votes counted) wherever a
    member's spent budget differs from their votes in the call (`check-counts`)."""
    true = _votes_in_budgeted_calls(session)
    stored = {
        (row.topic_id, row.user_id): row.votes_used
        for row in session.scalars(
            select(CallBudget).join(Topic, Topic.id == CallBudget.topic_id).where(Topic.vote_budget.is_not(None))
        )
    }
    return sorted(
        (topic_id, user_id, stored.get(key, 0), true.get(key, 0))
        for key in stored.keys() | true.keys()
        for topic_id, user_id in [key]
        if stored.get(key, 0) != true.get(key, 0)
    )


def recount_calls(session: Session, topic_ids: set[int]) -> None:
    """Set every member's spent budget right in these calls (after a merge or its undo)."""
    if topic_ids:
        recount(session, [p for p in wrong_budgets(session) if p[0] in topic_ids])


def recount(session: Session, problems: list[tuple[int, int, int, int]]) -> None:
    """Set votes_used to the counted votes for the given (topic, member) pairs."""
    for topic_id, user_id, _stored, true in problems:
        row = session.get(CallBudget, (topic_id, user_id))
        if row is None:
            session.add(CallBudget(topic_id=topic_id, user_id=user_id, votes_used=true))
        else:
            row.votes_used = true
    session.flush()
