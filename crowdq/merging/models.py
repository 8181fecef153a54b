"""Merges of duplicate questions, and the duplicate candidates queue.

A merge never touches its sources' own rows: their votes, follows,
endorsements and adoptions stay where they were. The target gets a copy of
each one it lacked, tagged with the merge's id (`merge_id` on votes,
question_follows, endorsements and adoptions), so the target counts every
distinct member once and an undo deletes exactly the copies. Votes cast on
the target after the merge are the target's own (no merge_id) and stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, one_of, utcnow

SUGGESTION_SOURCES = ("member", "automatic")


class QuestionMerge(Base):
    __tablename__ = "question_merges"
    __table_args__ = (Index("ix_question_merges_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    # The target was written for this merge (a cluster question).
    new_target: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the merge changed on the target, so an undo can put it back.
    target_status_before: Mapped[str] = mapped_column(String(12))
    tags_added: Mapped[str] = mapped_column(Text, default="")  # tag ids, comma-separated
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str] = mapped_column(Text, default="")

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
    members: Mapped[list[QuestionMergeMember]] = relationship(
        back_populates="merge", order_by="QuestionMergeMember.question_id"
    )

    @property
    def tag_ids(self) -> list[int]:
        return [int(part) for part in self.tags_added.split(",") if part]


class QuestionMergeMember(Base):
    """A question the merge sent to its target: a source, or a question merged
    into a source before (moved on to the new target, `merged_into_before`)."""

    __tablename__ = "question_merge_members"

    merge_id: Mapped[int] = mapped_column(ForeignKey("question_merges.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True, index=True)
    status_before: Mapped[str] = mapped_column(String(12))
    merged_into_before: Mapped[int | None] = mapped_column(Integer)

    merge: Mapped[QuestionMerge] = relationship(back_populates="members")


class DuplicateCandidate(Base):
    """A pair of questions that may be duplicates, kept once per pair (the
    lower id first): suggested by members, or found by the similarity service.
    "Not a duplicate" is remembered, so the pair is not proposed again."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (
        CheckConstraint("first_id < second_id", name="ordered"),
        CheckConstraint(one_of("source", SUGGESTION_SOURCES), name="source"),
        Index("uq_duplicate_candidates_pair", "first_id", "second_id", unique=True),
        Index("ix_duplicate_candidates_open", "dismissed_at", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    # 0..1: the similarity, raised for each member who suggested the pair.
    score: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(10))
    suggestions: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DuplicateSuggestion(Base):
    """Who suggested a pair: each member counts once, however often they suggest it."""

    __tablename__ = "duplicate_suggestions"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("duplicate_candidates.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
