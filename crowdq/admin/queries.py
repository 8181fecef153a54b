"""Read side of the admin pages: members with their roles and activity.

Members are listed newest first with a keyset cursor (the last id shown),
and each page's activity counts come in one grouped query per kind, not one
per member.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crowdq.accounts.models import User
from crowdq.db import MAX_ID
from crowdq.errors import Invalid
from crowdq.questions.models import Comment, Question, Vote

MEMBER_FILTERS = {
    "": _l("All members"),
    "admin": _l("Admins"),
    "moderator": _l("Moderators"),
    "researcher": _l("Researchers"),
    "unconfirmed": _l("Not confirmed"),
    "restricted": _l("Suspended or banned"),
}
QUERY_MAX = 100
PER_PAGE = 50


@dataclass
class Activity:
    questions: int = 0
    comments: int = 0
    votes: int = 0


@dataclass
class MemberPage:
    members: list[User]
    activity: dict[int, Activity]
    next_after: int | None
    query: str = ""
    role: str = ""


def parse_member_args(args) -> tuple[str, str, int | None]:
    """(search text, role filter, cursor) from a query string; bad values are refused (400)."""
    query = (args.get("q") or "").strip()
    if len(query) > QUERY_MAX:
        raise Invalid({"q": _l("Search for at most %(n)d characters.", n=QUERY_MAX)})
    if any(not ch.isprintable() for ch in query):
        raise Invalid({"q": _l("This search contains characters that cannot be used.")})
    role = args.get("role") or ""
    if role not in MEMBER_FILTERS:
        raise Invalid({"role": _l("Unknown filter.")})
    raw_after = args.get("after") or ""
    after = None
    if raw_after:
        if not (raw_after.isascii() and raw_after.isdigit() and len(raw_after) <= 10 and 0 < int(raw_after) <= MAX_ID):
            raise Invalid({"after": _l("This page link is broken. Start again from the first page.")})
        after = int(raw_after)
    return query, role, after


def _like(query: str) -> str:
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _role_filter(stmt, role: str):
    if role == "admin":
        return stmt.where(User.is_admin.is_(True))
    if role == "moderator":
        return stmt.where(User.is_moderator.is_(True))
    if role == "researcher":
        return stmt.where(User.researcher_verified_at.is_not(None))
    if role == "unconfirmed":
        return stmt.where(User.confirmed_at.is_(None), User.status != "deleted")
    if role == "restricted":
        return stmt.where(User.status.in_(("suspended", "banned")))
    return stmt


def find_members(session: Session, query: str = "", role: str = "", after: int | None = None) -> MemberPage:
    """Members whose name or email contains `query` (any case), newest first."""
    stmt = _role_filter(select(User), role)
    if query:
        pattern = _like(query)
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    if after is not None:
        stmt = stmt.where(User.id < after)
    rows = list(session.scalars(stmt.order_by(User.id.desc()).limit(PER_PAGE + 1)))
    members = rows[:PER_PAGE]
    next_after = members[-1].id if len(rows) > PER_PAGE else None
    return MemberPage(members, activity(session, [m.id for m in members]), next_after, query, role)


def activity(session: Session, user_ids: list[int]) -> dict[int, Activity]:
    """Questions asked, comments written and votes cast, per member."""
    result = {uid: Activity() for uid in user_ids}
    if not user_ids:
        return result
    for attr, column in (
        ("questions", Question.author_id),
        ("comments", Comment.author_id),
        ("votes", Vote.user_id),
    ):
        rows = session.execute(select(column, func.count()).where(column.in_(user_ids)).group_by(column))
        for uid, n in rows:
            setattr(result[uid], attr, n)
    return result


def admin_count(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.is_admin.is_(True), User.status != "deleted")
    ) or 0
