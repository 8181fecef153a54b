"""Topics, questions, votes, follows, comments and revisions.

Votes and follows are rows keyed by (member, question) so merges can unite
them and an undo can restore them; the counts on a question are kept in the
same transaction as those rows (see questions.services) and can be rebuilt
by `crowdq check-counts`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User

if TYPE_CHECKING:
    from crowdq.organisations.models import Organisation
from crowdq.db import Base, UTCDateTime, one_of, utcnow
from crowdq.questions.trending import EMPTY

# Indexes with a DESC column: Alembic cannot compare them (it sees an
# expression), so schema comparisons skip them and a test checks they exist.
DESCENDING_INDEXES = frozenset({"ix_questions_needs_votes"})

QUESTION_STATUSES = ("open", "adopted", "answered", "merged", "closed", "hidden")
QUESTION_SOURCES = ("online", "session", "import")
LANGUAGES = ("nl", "en")


class Topic(Base):
    """A topic; with `opens_at` and `closes_at` set it is also a call for
    questions sponsored by `organisation_id` (see crowdq.calls)."""

    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint("vote_budget IS NULL OR (vote_budget >= 1 AND vote_budget <= 100)", name="vote_budget"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="call_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_nl: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    # A sponsoring organisation (calls for questions build on this).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    # Lists show topics by position, then name; admins set it.
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Archived topics keep their questions and pages but take no new questions.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A call for questions: asking and voting only from opens_at until closes_at
    # (UTC; shown in Europe/Amsterdam), each member with at most vote_budget
    # votes in it when set; the final ranking is copied once after closing.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_budget: Mapped[int | None] = mapped_column(Integer)
    results_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_call(self) -> bool:
        return self.opens_at is not None and self.closes_at is not None

    def name(self, locale: str) -> str:
        """The name in `locale`, else in the other language (a call may have one only)."""
        first, second = (self.name_nl, self.name_en) if locale == "nl" else (self.name_en, self.name_nl)
        return first or second

    def description(self, locale: str) -> str:
        first, second = (
            (self.description_nl, self.description_en) if locale == "nl" else (self.description_en, self.description_nl)
        )
        return first or second


question_tags = Table(
    "question_tags",
    Base.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(one_of("status", QUESTION_STATUSES), name="status"),
        CheckConstraint(one_of("source", QUESTION_SOURCES), name="source"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint("vote_count >= 0", name="vote_count_nonnegative"),
        # One index per list sort; the id breaks ties for keyset pagination.
        Index("ix_questions_listed_votes", "listed", "vote_count", "id"),
        Index("ix_questions_listed_created", "listed", "created_at", "id"),
        Index("ix_questions_listed_comments", "listed", "comment_count", "id"),
        Index("ix_questions_listed_trending", "listed", "trending_score", "id"),
        # "Needs votes": fewest votes first, newest first among equals.
        Index("ix_questions_needs_votes", "listed", "vote_count", text("id DESC")),
        # Topic pages sort within one topic.
        Index("ix_questions_topic_votes", "topic_id", "listed", "vote_count", "id"),
        Index("ix_questions_topic_created", "topic_id", "listed", "created_at", "id"),
        Index("ix_questions_topic_comments", "topic_id", "listed", "comment_count", "id"),
        Index("ix_questions_topic_trending", "topic_id", "listed", "trending_score", "id"),
        # Importing the same file twice creates nothing new.
        Index("uq_questions_entered_by_external_id", "entered_by_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    # Optional: a fresh site has no topics, and a question may fit none.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    place: Mapped[str | None] = mapped_column(String(100), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # A facilitator who entered the question for someone else, at a session
    # or from an import (with the row's id in the imported file), and the
    # asker's name when they agreed to be named.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(10), default="online")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("community_sessions.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    asker_name: Mapped[str | None] = mapped_column(String(60))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # Held for review (first questions of new members): visible to the
    # author and moderators only until released.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown in public lists: not held, not hidden, not merged. Kept as a
    # column so every list index can lead with it.
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    comments_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moderation (crowdq.moderation.targets): NULL, or held / flagged / hidden / removed,
    # with the public reason.
    moderation_state: Mapped[str | None] = mapped_column(String(10))
    moderation_reason: Mapped[str | None] = mapped_column(String(300))
    # The status to return to when a moderator restores a hidden question.
    status_before_hidden: Mapped[str | None] = mapped_column(String(12))
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    follower_count: Mapped[int] = mapped_column(Integer, default=0)
    endorsement_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # log2 of the decayed vote sum; EMPTY (-1e300) without votes (see questions.trending).
    trending_score: Mapped[float] = mapped_column(Float, default=EMPTY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_vote_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    topic: Mapped[Topic | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by=Tag.name)
    merged_into: Mapped[Question | None] = relationship(remote_side=[id])

    def refresh_listed(self) -> None:
        self.listed = self.status not in ("merged", "hidden") and not self.held


class QuestionRevision(Base):
    """The text of a question before an edit; anyone may read the history."""

    __tablename__ = "question_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        Index("ix_votes_question_created", "question_id", "created_at"),
        Index(
            "ix_votes_merge",
            "merge_id",
            sqlite_where=text("merge_id IS NOT NULL"),
            postgresql_where=text("merge_id IS NOT NULL"),
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A copy made by a merge (crowdq.merging): an undo deletes it.
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("question_merges.id"))


class QuestionFollow(Base):
    """A follow; `active` False remembers that the member stopped following,
    so voting again does not re-subscribe them."""

    __tablename__ = "question_follows"
    __table_args__ = (
        Index(
            "ix_question_follows_merge",
            "merge_id",
            sqlite_where=text("merge_id IS NOT NULL"),
            postgresql_where=text("merge_id IS NOT NULL"),
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A copy made by a merge (crowdq.merging): an undo deletes it.
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("question_merges.id"))


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_question_created", "question_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation (crowdq.moderation.targets): NULL, or held / flagged / hidden / removed,
    # with the public reason.
    moderation_state: Mapped[str | None] = mapped_column(String(10))
    moderation_reason: Mapped[str | None] = mapped_column(String(300))

    author: Mapped[User] = relationship()
