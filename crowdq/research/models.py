"""Researchers, their projects, and how projects take up questions.

- A member applies to be a verified researcher (`ResearcherApplication`);
  an admin decides with a reason. `User.researcher_verified_at` is the role.
- A project has a team (`ProjectMember`: invited until `accepted_at`).
- A researcher may first claim a question for up to 14 days
  (`QuestionClaim`; at most one live claim per question), then a project
  adopts it (`Adoption`, one row per project and question; releasing keeps the
  row with `released_at`, so the history stays).
- Projects post updates (`ProjectUpdate`) and publish one answer per adopted
  question (`Answer`; corrections keep `AnswerRevision`s).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, one_of, utcnow

PROJECT_STATUSES = ("planned", "running", "completed", "stopped")
PROJECT_ROLES = ("lead", "member")
APPLICATION_STATUSES = ("pending", "approved", "rejected", "withdrawn")
CLAIM_OUTCOMES = ("adopted", "released", "expired")
CLAIM_DAYS = 14


class ResearcherApplication(Base):
    __tablename__ = "researcher_applications"
    __table_args__ = (
        CheckConstraint(one_of("status", APPLICATION_STATUSES), name="status"),
        Index("ix_researcher_applications_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    institution: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(120), default="")
    profile_url: Mapped[str] = mapped_column(String(300))
    # ORCID iD as 0000-0000-0000-000X (checked with ISO 7064 MOD 11-2), or None.
    orcid: Mapped[str | None] = mapped_column(String(19))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (CheckConstraint(one_of("status", PROJECT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # A plain-language summary in Dutch and/or English (at least one).
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_nl: Mapped[str] = mapped_column(Text, default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="planned")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    website_url: Mapped[str | None] = mapped_column(String(300))
    data_url: Mapped[str | None] = mapped_column(String(300))
    preregistration_url: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list[ProjectMember]] = relationship(back_populates="project")

    def summary(self, locale: str) -> str:
        """The summary in `locale`, else in the other language."""
        first, second = (self.summary_nl, self.summary_en) if locale == "nl" else (self.summary_en, self.summary_nl)
        return first or second


class ProjectMember(Base):
    """A researcher on a project's team: invited by the lead, a member once `accepted_at` is set."""

    __tablename__ = "project_members"
    __table_args__ = (CheckConstraint(one_of("role", PROJECT_ROLES), name="role"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), default="member", server_default="member")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class QuestionClaim(Base):
    """A researcher looks at a question for up to CLAIM_DAYS before adopting it.

    Live while `ended_at` is NULL and `expires_at` is in the future; a claim
    that ran out is ended lazily (outcome "expired") before anyone claims
    again. At most one claim per question has no `ended_at` (a partial
    unique index), so two teams never hold it at once.
    """

    __tablename__ = "question_claims"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR " + one_of("outcome", CLAIM_OUTCOMES), name="outcome"),
        Index(
            "uq_question_claims_live",
            "question_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))

    user: Mapped[User] = relationship()


class Adoption(Base):
    """A project takes up a question, with a public note on how."""

    __tablename__ = "adoptions"
    __table_args__ = (
        Index(
            "ix_adoptions_merge",
            "merge_id",
            sqlite_where=text("merge_id IS NOT NULL"),
            postgresql_where=text("merge_id IS NOT NULL"),
        ),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    release_reason: Mapped[str] = mapped_column(Text, default="")
    # A copy made by a merge (crowdq.merging): an undo deletes it.
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("question_merges.id"))

    project: Mapped[Project] = relationship()


class ProjectUpdate(Base):
    __tablename__ = "project_updates"
    __table_args__ = (Index("ix_project_updates_project_created", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation (crowdq.moderation.targets): NULL, or held / flagged / hidden / removed,
    # with the public reason.
    moderation_state: Mapped[str | None] = mapped_column(String(10))
    moderation_reason: Mapped[str | None] = mapped_column(String(300))

    author: Mapped[User | None] = relationship()


class Answer(Base):
    """A project's plain-language answer to a question it adopted."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("project_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_nl: Mapped[str] = mapped_column(Text, default="")
    summary_en_html: Mapped[str] = mapped_column(Text, default="")
    summary_nl_html: Mapped[str] = mapped_column(Text, default="")
    # Normalised DOIs ("10.1234/abc") and http(s) data links.
    dois: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation (crowdq.moderation.targets): NULL, or held / flagged / hidden / removed,
    # with the public reason.
    moderation_state: Mapped[str | None] = mapped_column(String(10))
    moderation_reason: Mapped[str | None] = mapped_column(String(300))

    project: Mapped[Project] = relationship()


class AnswerRevision(Base):
    """An answer as it was before a correction."""

    __tablename__ = "answer_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_nl: Mapped[str] = mapped_column(Text, default="")
    dois: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(Base):
    """One anonymous answer to the two-question survey (no link to the member:
    `User.survey_seen_at` only remembers that they were asked)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("first_time IS NULL OR first_time IN ('yes', 'no', 'unsure')", name="first_time"),
        CheckConstraint("trust IS NULL OR trust IN ('more', 'same', 'less', 'unsure')", name="trust"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_time: Mapped[str | None] = mapped_column(String(6))
    trust: Mapped[str | None] = mapped_column(String(6))
    # The day only (no time), so the answer cannot be matched to an action.
    answered_on: Mapped[date] = mapped_column(Date)
