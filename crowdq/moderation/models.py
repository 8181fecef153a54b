"""Moderation: flags, the review queue, the audit log, appeals and watched words.

An item anywhere on the site (a question, comment, endorsement statement,
project update, answer or profile) is addressed as (target_type, target_id,
target_sub): `target_sub` is 0 except for endorsements, whose key is
(question id, organisation id). The content rows themselves carry their
moderation state (crowdq.moderation.targets).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, one_of, utcnow

TARGET_TYPES = ("question", "comment", "endorsement", "project_update", "answer", "profile")
FLAG_REASONS = ("spam", "abusive", "personal_data", "off_topic", "duplicate", "other")
FLAG_OUTCOMES = ("helpful", "unhelpful")
# Why an item waits in the queue.
REVIEW_KINDS = ("flags", "held", "watched", "spam", "appeal")
# What a content row's moderation_state may be (NULL: visible).
CONTENT_STATES = ("held", "flagged", "hidden", "removed")


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "target_sub", "reporter_id"),
        CheckConstraint(one_of("reason", FLAG_REASONS), name="reason"),
        CheckConstraint("outcome IS NULL OR " + one_of("outcome", FLAG_OUTCOMES), name="outcome"),
        Index("ix_flags_open", "resolved_at", "created_at"),
        Index("ix_flags_review", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    target_sub: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # "duplicate": the question this one repeats (it goes to the duplicates queue).
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    # Weight in points (10 = one ordinary member), fixed when flagged.
    weight: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))

    reporter: Mapped[User] = relationship()


class ReviewItem(Base):
    """One thing waiting for a moderator's decision.

    At most one open item per (kind, target); `rank` orders the queue (lower
    is more urgent: personal data first, then flag weight), then age.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        CheckConstraint(one_of("kind", REVIEW_KINDS), name="kind"),
        CheckConstraint("status IN ('open', 'decided')", name="status"),
        Index("ix_review_items_queue", "status", "rank", "opened_at", "id"),
        # The queue of one kind (held, watched, spam, appeal) without walking every flagged item.
        Index("ix_review_items_kind_queue", "status", "kind", "rank", "opened_at", "id"),
        Index(
            "uq_review_items_open",
            "kind",
            "target_type",
            "target_id",
            "target_sub",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_review_items_target", "target_type", "target_id", "target_sub"),
        Index("ix_review_items_author", "author_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    target_sub: Mapped[int] = mapped_column(Integer, default=0)
    # Whose content it is (None for content whose author left).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    personal_data: Mapped[bool] = mapped_column(default=False)
    flag_weight: Mapped[int] = mapped_column(Integer, default=0)
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    # Why it was held (watched word, spam check), for the moderator.
    detail: Mapped[str] = mapped_column(Text, default="")
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str | None] = mapped_column(String(20))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def refresh_rank(self) -> None:
        # Personal data always comes first; within a band, heavier flags first.
        self.rank = (0 if self.personal_data else 1_000_000) - min(self.flag_weight or 0, 999_999)


class ModerationAction(Base):
    """The audit log: every moderator and admin action, append-only.

    The application never updates or deletes a row, and the database refuses
    to (triggers below); appeals are recorded in their own table.
    """

    __tablename__ = "moderation_log"
    __table_args__ = (
        Index("ix_moderation_log_created", "created_at", "id"),
        Index("ix_moderation_log_actor", "actor_id", "id"),
        Index("ix_moderation_log_member", "member_id", "id"),
        Index("ix_moderation_log_target", "target_type", "target_id", "target_sub"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the community (a hide after flags) or the system (a spam hold).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30), index=True)
    target_type: Mapped[str] = mapped_column(String(20), default="")
    target_id: Mapped[int] = mapped_column(Integer, default=0)
    target_sub: Mapped[int] = mapped_column(Integer, default=0)
    # The member affected: the content's author, or the sanctioned member.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    reason_text: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Sanctions with an end (silence, suspension).
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])


class Appeal(Base):
    """A member's appeal against one action on their content or account;
    one per action, decided by another moderator, final."""

    __tablename__ = "appeals"
    __table_args__ = (CheckConstraint("status IN ('open', 'upheld', 'overturned')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_log.id"), unique=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_text: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[ModerationAction] = relationship()
    appellant: Mapped[User] = relationship(foreign_keys=[appellant_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


WATCH_ACTIONS = ("block", "hold", "replace")


class WatchedWord(Base):
    """A word or phrase (or, with kind 'domain', a link domain) that admins
    watch for in one language or in all ('any')."""

    __tablename__ = "watched_words"
    __table_args__ = (
        UniqueConstraint("kind", "language", "phrase"),
        CheckConstraint(one_of("action", WATCH_ACTIONS), name="action"),
        CheckConstraint("kind IN ('word', 'domain')", name="kind"),
        CheckConstraint("language IN ('any', 'en', 'nl')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(6), default="word")
    language: Mapped[str] = mapped_column(String(3), default="any")
    # Folded (lower case, no accents, single spaces): what texts are matched against.
    phrase: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(8))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- the audit log is append-only in the database too ---------------------------------------------
# PostgreSQL: a trigger refuses UPDATE and DELETE, except inside a transaction that
# set crowdq.audit_maintenance (the test suite's emptying of tables, a restore).
PG_APPEND_ONLY = [
    """CREATE OR REPLACE FUNCTION crowdq_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('crowdq.audit_maintenance', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the moderation log is append-only';
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER moderation_log_append_only BEFORE UPDATE OR DELETE ON moderation_log "
    "FOR EACH ROW EXECUTE FUNCTION crowdq_append_only()",
]
SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER moderation_log_no_update BEFORE UPDATE ON moderation_log "
    "BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END",
    "CREATE TRIGGER moderation_log_no_delete BEFORE DELETE ON moderation_log "
    "BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only'); END",
]

for _statement in PG_APPEND_ONLY:
    event.listen(ModerationAction.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_APPEND_ONLY:
    event.listen(ModerationAction.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
