"""Read side of the admins' researcher pages: the queue of applications by
status, and the verified researchers. Each page loads in a fixed number of
queries (keyset pages by id)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from crowdq.accounts.models import User
from crowdq.db import MAX_ID
from crowdq.errors import Invalid
from crowdq.research.applications import researcher_institutions
from crowdq.research.models import ResearcherApplication

FILTERS = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
    "all": _l("All applications"),
    "researchers": _l("Verified researchers"),
}
PER_PAGE = 50


@dataclass
class QueuePage:
    status: str
    applications: list[ResearcherApplication]
    researchers: list[User]
    institutions: dict[int, str]
    next_after: int | None


def parse_args(args) -> tuple[str, int | None]:
    """(filter, cursor) from a query string; bad values are refused (400)."""
    status = args.get("status") or "pending"
    if status not in FILTERS:
        raise Invalid({"status": _l("Unknown filter.")})
    raw_after = args.get("after") or ""
    after = None
    if raw_after:
        if not (raw_after.isascii() and raw_after.isdigit() and len(raw_after) <= 10 and 0 < int(raw_after) <= MAX_ID):
            raise Invalid({"after": _l("This page link is broken. Start again from the first page.")})
        after = int(raw_after)
    return status, after


def _waiting():
    """Pending applications of members who still have an account."""
    return (
        select(ResearcherApplication)
        .join(User, User.id == ResearcherApplication.user_id)
        .where(ResearcherApplication.status == "pending", User.status != "deleted")
    )


def queue(session: Session, status: str = "pending", after: int | None = None) -> QueuePage:
    """Applications by status: the waiting ones oldest first (first come,
    first served), the others newest first; or the verified researchers,
    newest accounts first."""
    if status == "researchers":
        return _researchers(session, after)
    stmt = _waiting() if status == "pending" else select(ResearcherApplication)
    if status not in ("pending", "all"):
        stmt = stmt.where(ResearcherApplication.status == status)
    oldest_first = status == "pending"
    if after is not None:
        stmt = stmt.where(ResearcherApplication.id > after if oldest_first else ResearcherApplication.id < after)
    order = ResearcherApplication.id.asc() if oldest_first else ResearcherApplication.id.desc()
    rows = list(
        session.scalars(
            stmt.order_by(order).limit(PER_PAGE + 1).options(joinedload(ResearcherApplication.user))
        ).unique()
    )
    applications = rows[:PER_PAGE]
    next_after = applications[-1].id if len(rows) > PER_PAGE else None
    return QueuePage(status, applications, [], {}, next_after)


def _researchers(session: Session, after: int | None) -> QueuePage:
    stmt = select(User).where(User.researcher_verified_at.is_not(None), User.status != "deleted")
    if after is not None:
        stmt = stmt.where(User.id < after)
    rows = list(session.scalars(stmt.order_by(User.id.desc()).limit(PER_PAGE + 1)))
    researchers = rows[:PER_PAGE]
    next_after = researchers[-1].id if len(rows) > PER_PAGE else None
    institutions = researcher_institutions(session, [u.id for u in researchers])
    return QueuePage("researchers", [], researchers, institutions, next_after)


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(_waiting().subquery())) or 0


def users_by_id(session: Session, ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
