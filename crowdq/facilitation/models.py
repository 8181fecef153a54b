"""In-person sessions where questions are collected, announced by
organisations and researchers. Questions entered for people who do not use
the site record their source (session or import), the session and the
facilitator (`Question.entered_by_id`), and the asker's name only with
their consent (`Question.asker_name`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.accounts.models import User
from crowdq.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from crowdq.organisations.models import Organisation
    from crowdq.questions.models import Topic


class CommunitySession(Base):
    __tablename__ = "community_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The call it collects questions for (optional), and who runs it.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    topic: Mapped[Topic | None] = relationship()

    @property
    def last_moment(self) -> datetime:
        """When the session is over (its start when no end is given)."""
        return self.ends_at or self.starts_at
