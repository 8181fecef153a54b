"""Organisation rules: registering, editing, and the admins' verification.

A confirmed member registers an organisation and becomes its first owner.
It stays "pending" until an admin verifies or rejects it, always with a
reason that is recorded (an event) and mailed to the applicant in their
language. Only verified organisations act as organisations (ask on their
behalf, endorse, run calls; see crowdq.policy "organisation.act").

Decisions taken here:
- Unverified (pending or rejected) organisations are visible only to their
  members and admins; everyone else gets a 404 (`visible_to`).
- The address (slug) is chosen at registration and never changes, so links
  keep working. Once verified, the name is what admins checked: only an
  admin may change it.
- Editing a rejected organisation (by an owner) sends it back to the queue.
- Withdrawing verification (rejecting a verified organisation) withdraws its
  endorsements too, with the counts on the questions, in the same transaction.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.accounts.models import User
from crowdq.accounts.services import clean_email
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.mail import outbox
from crowdq.organisations.models import ORGANISATION_KINDS, Endorsement, Organisation, OrganisationMembership
from crowdq.questions.models import Question

NAME_MIN, NAME_MAX = 2, 120
SLUG_MIN, SLUG_MAX = 2, 80
DESCRIPTION_MAX = 500
WEBSITE_MAX = 300
REASON_MIN, REASON_MAX = 3, 500
# Registrations one member may have waiting in the queue at once.
PENDING_PER_MEMBER = 3
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# /organisations/new is the registration page.
RESERVED_SLUGS = frozenset({"new"})
_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")

KIND_LABELS = {
    "ngo": _l("NGO"),
    "community": _l("Community group"),
    "foundation": _l("Foundation"),
    "municipality": _l("Municipality"),
    "school": _l("School"),
    "other": _l("Other"),
}
STATUS_LABELS = {"pending": _l("Waiting for verification"), "verified": _l("Verified"), "rejected": _l("Not verified")}
assert set(KIND_LABELS) == set(ORGANISATION_KINDS)


# --- validation --------------------------------------------------------------------
def clean_name(value: str | None) -> str:
    name = text.normalise_line(value)
    if len(name) < NAME_MIN:
        raise Invalid({"name": _("Enter the organisation's name, at least %(n)d characters.", n=NAME_MIN)})
    if len(name) > NAME_MAX:
        raise Invalid({"name": _("Use at most %(n)d characters.", n=NAME_MAX)})
    return name


def clean_slug(value: str | None) -> str:
    slug = (value or "").strip()
    if not (SLUG_MIN <= len(slug) <= SLUG_MAX) or not SLUG_RE.match(slug):
        raise Invalid(
            {
                "slug": _(
                    "Use %(min)d to %(max)d lower-case letters, digits and single hyphens, like green-leiden.",
                    min=SLUG_MIN,
                    max=SLUG_MAX,
                )
            }
        )
    if slug in RESERVED_SLUGS:
        raise Invalid({"slug": _("This address is reserved. Choose another one.")})
    return slug


def clean_description(value: str | None) -> str:
    description = text.normalise_text(value)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid({"description": _("Use at most %(n)d characters.", n=DESCRIPTION_MAX)})
    return description


def clean_website(value: str | None) -> str | None:
    """Empty, or an http(s) address with a real host name (no user name, no spaces)."""
    website = (value or "").strip()
    if not website:
        return None
    problem = {"website": _("Enter the full address of the website, starting with https:// or http://.")}
    if len(website) > WEBSITE_MAX:
        raise Invalid({"website": _("Use at most %(n)d characters.", n=WEBSITE_MAX)})
    if any(ch.isspace() or not ch.isprintable() for ch in website):
        raise Invalid(problem)
    try:
        parts = urlsplit(website)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except (ValueError, UnicodeError):
        raise Invalid(problem) from None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc or not _HOST_RE.match(ascii_host):
        raise Invalid(problem)
    return website


def clean_contact_email(value: str | None) -> str:
    if not (value or "").strip():
        raise Invalid({"contact_email": _("Enter an email address where we can reach the organisation.")})
    return clean_email(value, "contact_email")


def clean_kind(value: str | None) -> str:
    if value not in ORGANISATION_KINDS:
        raise Invalid({"kind": _("Choose one of the options in the list.")})
    return value


def clean_reason(value: str | None) -> str:
    reason = text.normalise_text(value)
    if len(reason) < REASON_MIN:
        raise Invalid({"reason": _("Give a reason for this decision.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": _("Use at most %(n)d characters.", n=REASON_MAX)})
    return reason


def _clean_fields(name, description, website, contact_email, kind) -> dict:
    """Every field checked, all problems reported at once."""
    problems: dict[str, str] = {}
    fields: dict = {}
    for key, cleaner, value in (
        ("name", clean_name, name),
        ("description", clean_description, description),
        ("website", clean_website, website),
        ("contact_email", clean_contact_email, contact_email),
        ("kind", clean_kind, kind),
    ):
        try:
            fields[key] = cleaner(value)
        except Invalid as error:
            problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    return fields


# --- reading -------------------------------------------------------------------------
def visible_to(user, organisation: Organisation) -> bool:
    """Verified organisations are public; pending and rejected ones only to
    their members and admins (everyone else gets a 404)."""
    return policy.can(user, "organisation.view", organisation)


def get_by_id(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id) if 0 < organisation_id <= MAX_ID else None
    if organisation is None:
        raise NotFound("organisation")
    return organisation


def by_slug(session: Session, slug: str) -> Organisation | None:
    if not slug or len(slug) > SLUG_MAX:
        return None
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def _free_slug(session: Session, name: str) -> str:
    """An unused address made from the name: green-leiden, green-leiden-2, ..."""
    base = text.slugify(name, SLUG_MAX - 4)
    if len(base) < SLUG_MIN or base in RESERVED_SLUGS:
        raise Invalid({"slug": _("Choose an address for the organisation's page.")})
    taken = set(session.scalars(select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    for n in range(1, 1000):
        candidate = base if n == 1 else f"{base}-{n}"
        if candidate not in taken:
            return candidate
    raise Invalid({"slug": _("Choose an address for the organisation's page.")})


# --- registering and editing -------------------------------------------------------------
def register(
    session: Session,
    actor,
    *,
    name: str | None,
    slug: str | None,
    description: str | None,
    website: str | None,
    contact_email: str | None,
    kind: str | None,
) -> Organisation:
    """A confirmed member registers an organisation and becomes its owner;
    it waits for an admin's verification."""
    policy.require(actor, "organisation.register")
    if getattr(actor, "id", None) is None:
        raise NotAllowed("organisation.register")  # an organisation needs a member as its first owner
    problems: dict[str, str] = {}
    try:
        fields = _clean_fields(name, description, website, contact_email, kind)
    except Invalid as error:
        problems.update(error.fields)
        fields = {}
    try:
        slug = clean_slug(slug) if (slug or "").strip() else (_free_slug(session, fields["name"]) if fields else "")
    except Invalid as error:
        problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    waiting = session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(
            Organisation.created_by_id == actor.id,
            Organisation.verified_at.is_(None),
            Organisation.rejected_at.is_(None),
        )
    )
    if waiting >= PENDING_PER_MEMBER:
        raise Conflict(
            _(
                "You already have %(n)d organisations waiting for verification. Please wait for an admin's decision.",
                n=waiting,
            )
        )
    if by_slug(session, slug) is not None:
        raise Invalid({"slug": _("Another organisation already uses this address. Choose another one.")})
    organisation = Organisation(slug=slug, created_by_id=actor.id, created_at=utcnow(), **fields)
    try:
        with session.begin_nested():
            session.add(organisation)
            session.add(OrganisationMembership(organisation=organisation, user_id=actor.id, role="owner"))
    except IntegrityError:
        # Another registration took the address a moment ago.
        raise Invalid({"slug": _("Another organisation already uses this address. Choose another one.")}) from None
    events.record(
        session, "organisation.registered", actor, organisation, slug=slug, organisation_kind=organisation.kind
    )
    return organisation


def update(
    session: Session,
    actor,
    organisation: Organisation,
    *,
    name: str | None,
    description: str | None,
    website: str | None,
    contact_email: str | None,
    kind: str | None,
) -> list[str]:
    """Owners (and admins) edit the details; returns the names of the fields
    that changed. A rejected organisation edited by an owner goes back to the queue."""
    policy.require(actor, "organisation.edit", organisation)
    fields = _clean_fields(name, description, website, contact_email, kind)
    is_admin = policy.can(actor, "organisation.verify", organisation)
    if organisation.is_verified and fields["name"] != organisation.name and not is_admin:
        raise Invalid({"name": _("The name was verified by an admin. Ask an admin to change it.")})
    changed = [key for key, value in fields.items() if getattr(organisation, key) != value]
    for key in changed:
        setattr(organisation, key, fields[key])
    if changed:
        events.record(session, "organisation.updated", actor, organisation, fields=changed)
    if organisation.status == "rejected" and not is_admin:
        organisation.rejected_at = None
        events.record(session, "organisation.resubmitted", actor, organisation)
        changed.append("status")
    return changed


# --- verification ------------------------------------------------------------------
def decide(session: Session, actor, organisation: Organisation, *, approve: bool, reason: str | None) -> bool:
    """An admin verifies or rejects an organisation, with a reason that is
    recorded and mailed to the applicant; False if it was in that state already.

    The organisation's row is locked, so two admins deciding at once take
    turns and the second sees the first one's decision.
    """
    policy.require(actor, "organisation.verify", organisation)
    reason = clean_reason(reason)
    organisation = session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    target = "verified" if approve else "rejected"
    if organisation.status == target:
        return False
    was_verified = organisation.is_verified
    now = utcnow()
    organisation.verified_at = now if approve else None
    organisation.rejected_at = None if approve else now
    organisation.decided_by_id = getattr(actor, "id", None)
    organisation.decision_reason = reason
    withdrawn = [] if approve or not was_verified else _withdraw_all_endorsements(session, organisation)
    events.record(
        session,
        "organisation.verified" if approve else "organisation.rejected",
        actor,
        organisation,
        reason=reason,
        withdrawn_endorsements=withdrawn,
    )
    _tell_applicant(session, organisation, approve=approve, reason=reason, was_verified=was_verified)
    return True


def _withdraw_all_endorsements(session: Session, organisation: Organisation) -> list[int]:
    """Delete the organisation's endorsements; each question's count drops
    once for each row this statement deleted (a racing withdrawal deletes
    its row itself, or finds it gone)."""
    question_ids = list(
        session.scalars(
            delete(Endorsement)
            .where(Endorsement.organisation_id == organisation.id)
            .returning(Endorsement.question_id)
            .execution_options(synchronize_session=False)
        )
    )
    if question_ids:
        session.execute(
            sql_update(Question)
            .where(Question.id.in_(question_ids))
            .values(endorsement_count=Question.endorsement_count - 1)
            .execution_options(synchronize_session=False)
        )
    return sorted(question_ids)


def _tell_applicant(session: Session, organisation: Organisation, *, approve: bool, reason: str, was_verified: bool):
    """Mail the member who registered it (else the contact address), in their language."""
    applicant = session.get(User, organisation.created_by_id) if organisation.created_by_id else None
    if applicant is not None and not applicant.is_deleted:
        address, locale, name = applicant.email, applicant.locale, applicant.public_name
    elif organisation.contact_email:
        address, locale, name = organisation.contact_email, None, None
    else:
        return
    outbox.queue(
        session,
        address,
        "organisation_decision",
        locale,
        name=name,
        organisation=organisation,
        approved=approve,
        was_verified=was_verified,
        reason=reason,
    )


def decisions(session: Session, organisation: Organisation, limit: int = 50) -> list[events.Event]:
    """The organisation's registration, verification history and edits, newest first."""
    return list(
        session.scalars(
            select(events.Event)
            .where(
                events.Event.subject_type == Organisation.__tablename__,
                events.Event.subject_id == organisation.id,
                events.Event.kind.in_(
                    (
                        "organisation.registered",
                        "organisation.verified",
                        "organisation.rejected",
                        "organisation.resubmitted",
                        "organisation.updated",
                    )
                ),
            )
            .order_by(events.Event.id.desc())
            .limit(limit)
        )
    )
