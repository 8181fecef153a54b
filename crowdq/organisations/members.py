"""Membership changes: roles, removing, leaving, being shown publicly.

An organisation always keeps at least one owner. Every change that could
take away an owner first locks the organisation's owner rows (in a fixed
order) and counts them in the same transaction, and checks the actor is
still an owner: two owners demoting or removing each other at the same
moment take turns, and the second finds they are no longer an owner.
(SQLite serialises writers anyway; PostgreSQL needs the lock.)
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crowdq import events, policy
from crowdq.db import MAX_ID
from crowdq.errors import Conflict, NotAllowed, NotFound
from crowdq.organisations.invitations import clean_role
from crowdq.organisations.models import Organisation, OrganisationMembership


def _lock_owners(session: Session, organisation: Organisation) -> set[int]:
    return set(
        session.scalars(
            select(OrganisationMembership.user_id)
            .where(OrganisationMembership.organisation_id == organisation.id, OrganisationMembership.role == "owner")
            .order_by(OrganisationMembership.user_id)
            .with_for_update()
        )
    )


def _still_owner(session: Session, actor, organisation: Organisation) -> set[int]:
    """Lock and return the owners; refuse an actor who stopped being one
    since the request's policy check (another owner demoted them)."""
    owners = _lock_owners(session, organisation)
    if actor is not policy.COMMAND_LINE and getattr(actor, "id", None) not in owners:
        raise NotAllowed("organisation.members.manage")
    return owners


def _membership(session: Session, organisation: Organisation, user_id: int) -> OrganisationMembership:
    row = session.get(OrganisationMembership, (organisation.id, user_id)) if 0 < user_id <= MAX_ID else None
    if row is None:
        raise NotFound("membership")
    return row


def _last_owner() -> Conflict:
    return Conflict(_("An organisation always keeps at least one owner. Make someone else an owner first."))


def set_role(session: Session, actor, organisation: Organisation, user_id: int, role: str | None) -> bool:
    """An owner makes a member an owner or a member; False if nothing changed."""
    policy.require(actor, "organisation.members.manage", organisation)
    role = clean_role(role)
    owners = _still_owner(session, actor, organisation)
    membership = _membership(session, organisation, user_id)
    session.refresh(membership)
    previous = membership.role
    if previous == role:
        return False
    if previous == "owner" and owners <= {user_id}:
        raise _last_owner()
    changed = session.execute(
        update(OrganisationMembership)
        .where(
            OrganisationMembership.organisation_id == organisation.id,
            OrganisationMembership.user_id == user_id,
            OrganisationMembership.role == previous,
        )
        .values(role=role)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(membership)
    if not changed:
        return False
    events.record(
        session, "organisation.role_changed", actor, organisation, user_id=user_id, role=role, previous=previous
    )
    return True


def remove(session: Session, actor, organisation: Organisation, user_id: int) -> bool:
    """An owner removes someone (themselves too, unless they are the last owner)."""
    policy.require(actor, "organisation.members.manage", organisation)
    owners = _still_owner(session, actor, organisation)
    _membership(session, organisation, user_id)
    if user_id in owners and len(owners) <= 1:
        raise _last_owner()
    if not _delete(session, organisation, user_id):
        return False
    events.record(session, "organisation.member_removed", actor, organisation, user_id=user_id)
    return True


def leave(session: Session, actor, organisation: Organisation) -> bool:
    """A member leaves; the last owner cannot (they hand over first)."""
    policy.require(actor, "organisation.leave", organisation)
    owners = _lock_owners(session, organisation)
    if actor.id in owners and len(owners) <= 1:
        raise Conflict(_("You are the last owner. Make another member an owner first, then you can leave."))
    if not _delete(session, organisation, actor.id):
        return False
    events.record(session, "organisation.member_left", actor, organisation, user_id=actor.id)
    return True


def _delete(session: Session, organisation: Organisation, user_id: int) -> bool:
    removed = session.execute(
        delete(OrganisationMembership)
        .where(OrganisationMembership.organisation_id == organisation.id, OrganisationMembership.user_id == user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(organisation, ["memberships"])
    return bool(removed)


def set_shown(session: Session, actor, organisation: Organisation, shown: bool) -> bool:
    """A member chooses whether the public page lists them; False if unchanged."""
    policy.require(actor, "organisation.leave", organisation)
    changed = session.execute(
        update(OrganisationMembership)
        .where(
            OrganisationMembership.organisation_id == organisation.id,
            OrganisationMembership.user_id == actor.id,
            OrganisationMembership.show_publicly.is_not(shown),
        )
        .values(show_publicly=shown)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(organisation, ["memberships"])
    if not changed:
        return False
    events.record(session, "organisation.member_shown" if shown else "organisation.member_hidden", actor, organisation)
    return True
