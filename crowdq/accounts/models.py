"""Members and their roles.

Roles are data: moderator and admin are flags set by admins (or the CLI),
researcher is a verification timestamp, organisation membership lives in the
organisations domain. Permission rules that use them are in crowdq.policy.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdq.db import Base, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from crowdq.organisations.models import OrganisationMembership

USER_STATUSES = ("active", "suspended", "banned", "deleted")


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("status", USER_STATUSES), name="status"),
        CheckConstraint("locale IS NULL OR locale IN ('en', 'nl')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; unique so an address can hold one account only.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id in every session and remember-me cookie (see get_id):
    # bumped on logout, password change and "log out of all devices", which
    # ends every session and remember cookie of the member on every device.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Every mailed link (confirmation, reset, email change) carries a
    # fingerprint of it; replaced on password change, email change and
    # "log out of all devices", which kills every link mailed before.
    # Members from before migration 0006 start with "".
    security_stamp: Mapped[str] = mapped_column(String(64), default=new_security_stamp, server_default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_moderator: Mapped[bool] = mapped_column(Boolean, default=False)
    researcher_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation (crowdq.moderation): trust level 0 (new) to 3 (trusted), promoted
    # automatically unless a moderator set it by hand; flags judged helpful or
    # not, which weigh the member's next flags; a silence (reads, cannot write)
    # lifts itself at its end; a hidden profile shows no bio.
    trust_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    trust_level_manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    silenced_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flags_helpful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    flags_unhelpful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    profile_state: Mapped[str | None] = mapped_column(String(10))
    profile_reason: Mapped[str | None] = mapped_column(String(300))
    # When the member was shown the two-question survey (once; the answers are kept apart, anonymously).
    survey_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The organisations the member belongs to (read-only; the organisations
    # domain changes memberships).
    memberships: Mapped[list[OrganisationMembership]] = relationship(viewonly=True)

    # --- Flask-Login protocol -------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status != "deleted"

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # --- derived state ----------------------------------------------------
    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_researcher(self) -> bool:
        return self.researcher_verified_at is not None

    @property
    def is_suspended(self) -> bool:
        if self.status == "banned":
            return True
        if self.status != "suspended":
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > utcnow()

    @property
    def is_deleted(self) -> bool:
        return self.status == "deleted"

    @property
    def public_name(self) -> str:
        if self.is_deleted or not self.display_name:
            return str(_l("deleted user"))
        return self.display_name

    def role_names(self) -> list[str]:
        roles = []
        if self.is_admin:
            roles.append("admin")
        if self.is_moderator:
            roles.append("moderator")
        if self.is_researcher:
            roles.append("researcher")
        if self.is_confirmed:
            roles.append("citizen")
        return roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
