"""Calls for questions keep their state on the topic (opens_at, closes_at,
vote_budget, results_frozen_at); these tables hold what a call adds.

A member's budget in a call is one row whose `votes_used` changes with a
conditional UPDATE (`... WHERE votes_used < budget`), so simultaneous votes
can never overspend it. The ranking at the closing moment is copied into
`call_results` once, so later edits, votes elsewhere or merges leave it as it
was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crowdq.db import Base, UTCDateTime, utcnow


class CallBudget(Base):
    __tablename__ = "call_budgets"
    __table_args__ = (CheckConstraint("votes_used >= 0", name="votes_used_nonnegative"),)

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    votes_used: Mapped[int] = mapped_column(Integer, default=0)


class CallResult(Base):
    """One question's place in a call's final ranking, as it was at closing."""

    __tablename__ = "call_results"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    vote_count: Mapped[int] = mapped_column(Integer)
    endorsement_count: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
