"""Invitations: an owner invites someone by email; the link joins them.

The mailed link is signed (crowdq.accounts.tokens) and carries the
invitation's id and nonce. It works once, until `expires_at`
(ORGANISATION_INVITATION_MAX_AGE, 7 days by default), and dies when revoked
or replaced by a newer invitation to the same address.

The invitee must be logged in, with a confirmed account whose address is
the one the invitation was sent to: the link is proof of that mailbox only.
A member logged in with another address is refused with a clear message
(log out, then log in with the invited address); the invitation stays
usable for the right person. Inviting someone who is already a member is
refused.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy
from crowdq.accounts import tokens
from crowdq.accounts.models import User
from crowdq.accounts.services import clean_email
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.mail import outbox
from crowdq.organisations.models import MEMBER_ROLES, Organisation, OrganisationInvitation, OrganisationMembership

ROLE_LABELS = {"owner": _l("Owner"), "member": _l("Member")}
# In a sentence: "join ... as a member".
ROLE_NAMES = {"owner": _l("an owner"), "member": _l("a member")}
PURPOSE = "organisation-invitation"
# Open invitations one organisation may have at once (a brake on mail sent in its name).
MAX_OPEN = 50


def max_age() -> int:
    return int(current_app.config["ORGANISATION_INVITATION_MAX_AGE"])


def clean_role(value: str | None) -> str:
    if value not in MEMBER_ROLES:
        raise Invalid({"role": _("Choose one of the options in the list.")})
    return value


def is_open(invitation: OrganisationInvitation, now=None) -> bool:
    now = now or utcnow()
    return invitation.accepted_at is None and invitation.revoked_at is None and invitation.expires_at > now


def open_invitations(session: Session, organisation: Organisation) -> list[OrganisationInvitation]:
    now = utcnow()
    return list(
        session.scalars(
            select(OrganisationInvitation)
            .where(
                OrganisationInvitation.organisation_id == organisation.id,
                OrganisationInvitation.accepted_at.is_(None),
                OrganisationInvitation.revoked_at.is_(None),
                OrganisationInvitation.expires_at > now,
            )
            .order_by(OrganisationInvitation.id.desc())
        )
    )


def token_for(invitation: OrganisationInvitation) -> str:
    return tokens.make(PURPOSE, {"i": invitation.id, "n": invitation.nonce})


# --- inviting ----------------------------------------------------------------------
def invite(
    session: Session, actor, organisation: Organisation, email: str | None, role: str | None, locale: str | None = None
) -> OrganisationInvitation:
    """An owner invites an address as owner or member and the link is mailed;
    an earlier open invitation to the same address is replaced."""
    policy.require(actor, "organisation.members.manage", organisation)
    problems: dict[str, str] = {}
    try:
        email = clean_email(email)
    except Invalid as error:
        problems.update(error.fields)
    try:
        role = clean_role(role)
    except Invalid as error:
        problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    account = session.scalar(select(User).where(User.email == email))
    if account is not None and session.get(OrganisationMembership, (organisation.id, account.id)) is not None:
        raise Invalid({"email": _("%(email)s is already a member of this organisation.", email=email)})
    now = utcnow()
    replaced = session.execute(
        update(OrganisationInvitation)
        .where(
            OrganisationInvitation.organisation_id == organisation.id,
            OrganisationInvitation.email == email,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    still_open = session.scalar(
        select(func.count())
        .select_from(OrganisationInvitation)
        .where(
            OrganisationInvitation.organisation_id == organisation.id,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
            OrganisationInvitation.expires_at > now,
        )
    )
    if still_open >= MAX_OPEN:
        raise Conflict(
            _("This organisation has %(n)d open invitations. Withdraw some before inviting more.", n=still_open)
        )
    invitation = OrganisationInvitation(
        organisation_id=organisation.id,
        email=email,
        role=role,
        nonce=secrets.token_hex(16),
        invited_by_id=getattr(actor, "id", None),
        created_at=now,
        expires_at=now + timedelta(seconds=max_age()),
    )
    session.add(invitation)
    session.flush()
    events.record(
        session,
        "organisation.invited",
        actor,
        organisation,
        invitation_id=invitation.id,
        email=email,
        role=role,
        replaced=replaced,
    )
    inviter = actor if isinstance(actor, User) else None
    outbox.queue(
        session,
        email,
        "organisation_invitation",
        account.locale if account is not None and account.locale else locale,
        organisation=organisation,
        inviter=inviter,
        role_label=ROLE_NAMES[role],
        token=token_for(invitation),
        days=max(1, max_age() // 86400),
        email=email,
    )
    return invitation


def revoke(session: Session, actor, organisation: Organisation, invitation_id: int) -> bool:
    """An owner withdraws an open invitation; False if it was used or withdrawn already."""
    policy.require(actor, "organisation.members.manage", organisation)
    invitation = session.get(OrganisationInvitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound("invitation")
    revoked = session.execute(
        update(OrganisationInvitation)
        .where(
            OrganisationInvitation.id == invitation.id,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(invitation)
    if not revoked:
        return False
    events.record(
        session,
        "organisation.invitation_revoked",
        actor,
        organisation,
        invitation_id=invitation.id,
        email=invitation.email,
    )
    return True


# --- opening the link ----------------------------------------------------------------
def _broken() -> str:
    return _("This invitation link does not work. Ask the organisation to invite you again.")


def find(session: Session, token: str) -> OrganisationInvitation:
    """The open invitation behind a link; Invalid with the reason when it is
    broken, used, withdrawn or expired."""
    payload = tokens.load(PURPOSE, token, max_age(), _broken())
    invitation_id, nonce = payload.get("i"), payload.get("n")
    if not isinstance(invitation_id, int) or not isinstance(nonce, str) or not 0 < invitation_id <= MAX_ID:
        raise Invalid({"token": _broken()})
    invitation = session.get(OrganisationInvitation, invitation_id)
    if invitation is None or not hmac.compare_digest(invitation.nonce.encode(), nonce.encode()):
        raise Invalid({"token": _broken()})
    name = invitation.organisation.name
    if invitation.accepted_at is not None:
        raise Invalid({"token": _("This invitation was used already. Each link works once.")})
    if invitation.revoked_at is not None:
        raise Invalid({"token": _("This invitation was withdrawn. Ask %(name)s to invite you again.", name=name)})
    if invitation.expires_at <= utcnow():
        raise Invalid({"token": _("This invitation has expired. Ask %(name)s to invite you again.", name=name)})
    return invitation


def problem_for(actor, invitation: OrganisationInvitation) -> str | None:
    """Why this logged-in member cannot accept the invitation, or None."""
    if not policy.is_member(actor):
        return _("Log in first, or create an account with %(email)s.", email=invitation.email)
    if actor.email != invitation.email:
        return _(
            "This invitation was sent to %(email)s, but you are logged in as %(current)s. "
            "Log out, then log in with %(email)s to accept it.",
            email=invitation.email,
            current=actor.email,
        )
    if not policy.is_citizen(actor):
        return _("Confirm your email address first, then open this link again.")
    if any(m.user_id == actor.id for m in invitation.organisation.memberships):
        return _("You are already a member of %(name)s.", name=invitation.organisation.name)
    return None


def accept(session: Session, actor, token: str) -> OrganisationMembership:
    """The invited member joins with the invitation's role; the link works once."""
    invitation = find(session, token)
    problem = problem_for(actor, invitation)
    if problem:
        if not policy.is_member(actor):
            raise NotAllowed("organisation.join")
        raise Conflict(problem)
    now = utcnow()
    # Used up first, by a conditional UPDATE: of two requests racing with
    # the same link only one changes the row.
    used = session.execute(
        update(OrganisationInvitation)
        .where(
            OrganisationInvitation.id == invitation.id,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
        )
        .values(accepted_at=now, accepted_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not used:
        raise Invalid({"token": _("This invitation was used already. Each link works once.")})
    membership = OrganisationMembership(
        organisation_id=invitation.organisation_id, user_id=actor.id, role=invitation.role, created_at=now
    )
    try:
        with session.begin_nested():
            session.add(membership)
    except IntegrityError:
        raise Conflict(_("You are already a member of %(name)s.", name=invitation.organisation.name)) from None
    events.record(
        session,
        "organisation.member_joined",
        actor,
        invitation.organisation,
        user_id=actor.id,
        role=invitation.role,
        invitation_id=invitation.id,
    )
    session.refresh(invitation)
    return membership
