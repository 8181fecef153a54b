"""Organisations (NGOs and others), who belongs to them, their invitations
and the questions they endorse.

An organisation is registered by a member and acts as an organisation only
once an admin verified it (`verified_at`); a rejection is kept with its
reason. Endorsements are rows keyed by (organisation, question), like votes,
so merges can unite them and an undo can restore them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, one_of, utcnow

ORGANISATION_KINDS = ("ngo", "community", "foundation", "municipality", "school", "other")
MEMBER_ROLES = ("owner", "member")


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(one_of("kind", ORGANISATION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    # Where admins and members reach the organisation; not shown publicly.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Unverified organisations exist but cannot act as organisations yet.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The admin's reason for verifying or rejecting (also mailed to the applicant).
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    memberships: Mapped[list[OrganisationMembership]] = relationship(back_populates="organisation")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def status(self) -> str:
        """pending, verified or rejected."""
        if self.verified_at is not None:
            return "verified"
        if self.rejected_at is not None:
            return "rejected"
        return "pending"


class OrganisationMembership(Base):
    __tablename__ = "organisation_memberships"
    __table_args__ = (CheckConstraint(one_of("role", MEMBER_ROLES), name="role"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    # Members choose whether the public page lists them.
    show_publicly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class OrganisationInvitation(Base):
    """An owner's invitation, mailed as a signed link that carries `nonce`:
    the link works once, until `expires_at`, unless revoked."""

    __tablename__ = "organisation_invitations"
    __table_args__ = (
        CheckConstraint(one_of("role", MEMBER_ROLES), name="role"),
        Index("ix_organisation_invitations_org_email", "organisation_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10), default="member")
    nonce: Mapped[str] = mapped_column(String(32))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()


class Endorsement(Base):
    """A verified organisation stands behind a question, with an optional
    public statement (Markdown source and its sanitised HTML)."""

    __tablename__ = "endorsements"
    __table_args__ = (
        Index(
            "ix_endorsements_merge",
            "merge_id",
            sqlite_where=text("merge_id IS NOT NULL"),
            postgresql_where=text("merge_id IS NOT NULL"),
        ),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    statement: Mapped[str] = mapped_column(Text, default="")
    statement_html: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A copy made by a merge (crowdq.merging): an undo deletes it.
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("question_merges.id"))
    # Moderation of the statement (crowdq.moderation.targets): NULL, or held / flagged / hidden / removed,
    # with the public reason.
    moderation_state: Mapped[str | None] = mapped_column(String(10))
    moderation_reason: Mapped[str | None] = mapped_column(String(300))

    organisation: Mapped[Organisation] = relationship()
