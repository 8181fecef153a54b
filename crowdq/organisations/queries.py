"""Read side of the organisation pages: the admins' queue, the public page,
a member's own organisations. Each page loads in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from crowdq.accounts.models import User
from crowdq.db import MAX_ID
from crowdq.errors import Invalid
from crowdq.organisations.models import Endorsement, Organisation, OrganisationMembership
from crowdq.questions import queries as question_queries
from crowdq.questions.models import Question, Topic

ADMIN_FILTERS = {
    "pending": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "rejected": _l("Not verified"),
    "all": _l("All organisations"),
}
PER_PAGE = 50
PUBLIC_LIST_MAX = 20


# --- the admins' queue ------------------------------------------------------------------
@dataclass
class AdminPage:
    organisations: list[Organisation]
    member_counts: dict[int, int]
    next_after: int | None
    status: str


def parse_admin_args(args) -> tuple[str, int | None]:
    """(status filter, cursor) from a query string; bad values are refused (400)."""
    status = args.get("status") or "pending"
    if status not in ADMIN_FILTERS:
        raise Invalid({"status": _l("Unknown filter.")})
    raw_after = args.get("after") or ""
    after = None
    if raw_after:
        if not (raw_after.isascii() and raw_after.isdigit() and len(raw_after) <= 10 and 0 < int(raw_after) <= MAX_ID):
            raise Invalid({"after": _l("This page link is broken. Start again from the first page.")})
        after = int(raw_after)
    return status, after


def admin_list(session: Session, status: str = "pending", after: int | None = None) -> AdminPage:
    """Organisations by status: the queue oldest first (first come, first
    served), the others newest first; keyset pages by id."""
    stmt = select(Organisation)
    if status == "pending":
        stmt = stmt.where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
    elif status == "verified":
        stmt = stmt.where(Organisation.verified_at.is_not(None))
    elif status == "rejected":
        stmt = stmt.where(Organisation.rejected_at.is_not(None), Organisation.verified_at.is_(None))
    oldest_first = status == "pending"
    if after is not None:
        stmt = stmt.where(Organisation.id > after if oldest_first else Organisation.id < after)
    order = Organisation.id.asc() if oldest_first else Organisation.id.desc()
    rows = list(session.scalars(stmt.order_by(order).limit(PER_PAGE + 1)))
    organisations = rows[:PER_PAGE]
    next_after = organisations[-1].id if len(rows) > PER_PAGE else None
    return AdminPage(organisations, member_counts(session, [o.id for o in organisations]), next_after, status)


def member_counts(session: Session, organisation_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(organisation_ids, 0)
    if organisation_ids:
        rows = session.execute(
            select(OrganisationMembership.organisation_id, func.count())
            .where(OrganisationMembership.organisation_id.in_(organisation_ids))
            .group_by(OrganisationMembership.organisation_id)
        )
        counts.update({organisation_id: n for organisation_id, n in rows})
    return counts


def pending_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.verified_at.is_(None), Organisation.rejected_at.is_(None))
        )
        or 0
    )


def users_by_id(session: Session, ids) -> dict[int, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


# --- pages -----------------------------------------------------------------------------
def load(session: Session, slug: str) -> Organisation | None:
    """The organisation with its memberships (for the policy checks) and their members."""
    if not slug or len(slug) > 80:
        return None
    return session.scalar(
        select(Organisation)
        .where(Organisation.slug == slug)
        .options(selectinload(Organisation.memberships).selectinload(OrganisationMembership.user))
    )


def verified(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.verified_at.is_not(None))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def memberships_of(session: Session, user_id: int) -> list[OrganisationMembership]:
    """A member's organisations, any status, with their role."""
    return list(
        session.scalars(
            select(OrganisationMembership)
            .join(Organisation, Organisation.id == OrganisationMembership.organisation_id)
            .where(OrganisationMembership.user_id == user_id)
            .order_by(Organisation.name, Organisation.id)
            .options(selectinload(OrganisationMembership.organisation))
        )
    )


@dataclass
class PublicPage:
    organisation: Organisation
    calls: list[Topic]
    endorsed: list[Question]
    endorsed_total: int
    asked: question_queries.Page
    shown_members: list[OrganisationMembership]


def public_page(session: Session, organisation: Organisation) -> PublicPage:
    """Everything the public page shows: sponsored calls, endorsed questions
    (newest endorsement first), questions asked on its behalf (most votes
    first; the full list is /questions?organisation=<slug>), and the members
    who chose to be shown."""
    calls = list(
        session.scalars(
            select(Topic)
            .where(Topic.organisation_id == organisation.id, Topic.opens_at.is_not(None), Topic.closes_at.is_not(None))
            .order_by(Topic.opens_at.desc(), Topic.id.desc())
        )
    )
    endorsed_filter = (
        Endorsement.organisation_id == organisation.id,
        Question.listed.is_(True),
    )
    endorsed = list(
        session.scalars(
            select(Question)
            .join(Endorsement, Endorsement.question_id == Question.id)
            .where(*endorsed_filter)
            .order_by(Endorsement.created_at.desc(), Question.id.desc())
            .limit(PUBLIC_LIST_MAX)
            .options(*question_queries.CARD_OPTIONS)
        )
    )
    endorsed_total = (
        len(endorsed)
        if len(endorsed) < PUBLIC_LIST_MAX
        else session.scalar(
            select(func.count())
            .select_from(Endorsement)
            .join(Question, Question.id == Endorsement.question_id)
            .where(*endorsed_filter)
        )
    )
    asked = question_queries.list_questions(
        session, sort="votes", filters=question_queries.Filters(organisation=organisation.slug)
    )
    shown = [m for m in organisation.memberships if m.show_publicly and not m.user.is_deleted]
    shown.sort(key=lambda m: (m.role != "owner", (m.user.display_name or "").lower(), m.user_id))
    return PublicPage(organisation, calls, endorsed, endorsed_total, asked, shown)
