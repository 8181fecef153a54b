"""Read side of neighbourhood sessions: the public lists with their counts,
a session's questions, and the sessions and organisations a facilitator may
choose in forms. Each list loads what it shows in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from crowdq import policy
from crowdq.db import utcnow
from crowdq.facilitation.models import CommunitySession
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions.models import Question

PAST_SHOWN = 50
UPCOMING_SHOWN = 100
CHOICES_SHOWN = 50
QUESTIONS_SHOWN = 100

LOAD_OPTIONS = (
    selectinload(CommunitySession.organisation),
    selectinload(CommunitySession.topic),
    selectinload(CommunitySession.created_by),
)


def acting_organisations(actor) -> list[Organisation]:
    """The verified organisations the actor belongs to, by name (form choices)."""
    if not policy.is_citizen(actor):
        return []
    found = [
        m.organisation
        for m in actor.memberships
        if m.organisation is not None and policy.can(actor, "organisation.act", m.organisation)
    ]
    return sorted(found, key=lambda o: o.name.lower())


def _not_over(now: datetime):
    return or_(
        CommunitySession.ends_at >= now,
        (CommunitySession.ends_at.is_(None)) & (CommunitySession.starts_at >= now),
    )


def upcoming_sessions(session: Session, now: datetime | None = None) -> list[CommunitySession]:
    """Sessions not over yet, soonest first."""
    stmt = (
        select(CommunitySession)
        .where(_not_over(now or utcnow()))
        .order_by(CommunitySession.starts_at, CommunitySession.id)
        .limit(UPCOMING_SHOWN)
        .options(*LOAD_OPTIONS)
    )
    return list(session.scalars(stmt))


def past_sessions(session: Session, now: datetime | None = None) -> list[CommunitySession]:
    """The most recent sessions that are over, latest first."""
    stmt = (
        select(CommunitySession)
        .where(~_not_over(now or utcnow()))
        .order_by(CommunitySession.starts_at.desc(), CommunitySession.id.desc())
        .limit(PAST_SHOWN)
        .options(*LOAD_OPTIONS)
    )
    return list(session.scalars(stmt))


def _public(stmt):
    """Questions anyone may see (held and hidden ones are not counted or shown)."""
    return stmt.where(Question.held.is_(False), Question.status != "hidden")


def collected_counts(session: Session, session_ids: list[int]) -> dict[int, int]:
    """Questions collected per session, in one query."""
    if not session_ids:
        return {}
    rows = session.execute(
        _public(select(Question.session_id, func.count()).where(Question.session_id.in_(session_ids))).group_by(
            Question.session_id
        )
    )
    return {session_id: n for session_id, n in rows}


def collected_questions(session: Session, session_id: int) -> list[Question]:
    from crowdq.questions.queries import CARD_OPTIONS

    stmt = (
        select(Question)
        .where(Question.session_id == session_id, Question.listed.is_(True))
        .order_by(Question.vote_count.desc(), Question.id.desc())
        .limit(QUESTIONS_SHOWN)
        .options(*CARD_OPTIONS)
    )
    return list(session.scalars(stmt))


def manageable_sessions(session: Session, actor) -> list[CommunitySession]:
    """Sessions the actor may enter questions for, latest first (form choices)."""
    if not policy.can(actor, "question.facilitate"):
        return []
    stmt = select(CommunitySession).order_by(CommunitySession.starts_at.desc(), CommunitySession.id.desc())
    if not policy.is_admin(actor):
        organisations = (
            select(OrganisationMembership.organisation_id)
            .join(Organisation, Organisation.id == OrganisationMembership.organisation_id)
            .where(OrganisationMembership.user_id == actor.id, Organisation.verified_at.is_not(None))
        )
        stmt = stmt.where(
            or_(CommunitySession.created_by_id == actor.id, CommunitySession.organisation_id.in_(organisations))
        )
    found = session.scalars(stmt.limit(CHOICES_SHOWN * 2).options(selectinload(CommunitySession.organisation)))
    return [s for s in found if policy.can(actor, "session.manage", s)][:CHOICES_SHOWN]
