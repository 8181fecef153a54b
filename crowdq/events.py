"""Events: one row per state change, written in the same transaction.

Timelines, notifications and the audit log are built on these rows, so a
service records an event for every change it makes and nothing else has to
know how the change happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from crowdq.db import Base, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once the notifications fan-out has processed the event.
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def record(session: Session, kind: str, actor: Any, subject: Any, **data: Any) -> Event:
    """Record that `actor` did `kind` to `subject` (a mapped object with an
    integer id), or to the whole site when `subject` is None."""
    if subject is not None and getattr(subject, "id", None) is None:
        session.flush()
    event = Event(
        kind=kind,
        actor_id=getattr(actor, "id", None)
        if actor is not None and not getattr(actor, "is_anonymous", False)
        else None,
        subject_type=subject.__tablename__ if subject is not None else "site",
        subject_id=subject.id if subject is not None else 0,
        data=data,
    )
    session.add(event)
    return event
