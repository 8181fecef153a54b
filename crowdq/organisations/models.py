"""Organisations (NGOs) and who belongs to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, utcnow


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Unverified organisations exist but cannot act as organisations yet.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[OrganisationMembership]] = relationship(back_populates="organisation")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OrganisationMembership(Base):
    __tablename__ = "organisation_memberships"
    __table_args__ = (CheckConstraint("role IN ('owner', 'member')", name="role"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
