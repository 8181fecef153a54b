"""Researcher verification: members apply, admins decide with a reason.

A confirmed member in good standing who is not a researcher applies with
their institution, department (optional), position, a public profile page
(an http(s) address where admins can check who they are) and optionally an
ORCID iD (format and ISO 7064 MOD 11-2 check character; stored bare). Admins
approve or reject with a reason that is recorded (an event), mailed to the
applicant in their language and put in their notifications.
`User.researcher_verified_at` is the role.

Decisions taken here:
- One application waits at a time: another one is refused until the first
  is decided or withdrawn. The member's row is locked while checking, so two
  applications sent at once cannot both wait.
- A rejected applicant may apply again straight away, but not with exactly
  the details that were rejected: they change what the admin's reason asked
  for (a better profile page, an ORCID iD...). A withdrawn application may
  be sent again unchanged.
- Approving goes through `crowdq.accounts.roles.grant`: the same
  `role.granted` event with the reason, the same role history on
  /admin/members/<id>, the same mail ("You are now a verified researcher").
  If the member became a researcher another way meanwhile, grant changes
  and mails nothing, so the `researcher_decision` mail tells them instead.
  Rejecting mails `researcher_decision`. Each applicant hears once.
- Revoking is `roles.revoke` (reason, `role.revoked` event, mail). The
  applications stay as they were, as history; a member whose role was
  revoked may apply again.
- The badge shows the institution of the member's latest approved
  application (none for researchers made on the members page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.accounts import roles
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.mail import outbox
from crowdq.notifications.records import notify_users
from crowdq.organisations.services import clean_website
from crowdq.research.identifiers import normalise_orcid
from crowdq.research.models import ResearcherApplication

INSTITUTION_MIN, INSTITUTION_MAX = 2, 200
DEPARTMENT_MAX = 200
POSITION_MIN, POSITION_MAX = 2, 120
PROFILE_URL_MAX = 300
# The longest way to write an ORCID iD people paste: https://orcid.org/0000-0002-1825-0097 (37).
ORCID_INPUT_MAX = 60
REASON_MIN, REASON_MAX = roles.REASON_MIN, roles.REASON_MAX
DETAILS = ("institution", "department", "position", "profile_url", "orcid")
# Looks like an ORCID iD (so a refusal is about the check character, not the format).
_ORCID_SHAPE = re.compile(r"^(?:https?://)?(?:orcid\.org/)?\d{4}-?\d{4}-?\d{4}-?\d{3}[\dX]$", re.IGNORECASE | re.ASCII)

STATUS_LABELS = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "withdrawn": _l("Withdrawn"),
}


# --- validation --------------------------------------------------------------------
def clean_institution(value: str | None) -> str:
    institution = text.normalise_line(value)
    if len(institution) < INSTITUTION_MIN:
        raise Invalid({"institution": _("Enter the university or research institute you work at.")})
    if len(institution) > INSTITUTION_MAX:
        raise Invalid({"institution": _("Use at most %(n)d characters.", n=INSTITUTION_MAX)})
    return institution


def clean_department(value: str | None) -> str:
    department = text.normalise_line(value)
    if len(department) > DEPARTMENT_MAX:
        raise Invalid({"department": _("Use at most %(n)d characters.", n=DEPARTMENT_MAX)})
    return department


def clean_position(value: str | None) -> str:
    position = text.normalise_line(value)
    if len(position) < POSITION_MIN:
        raise Invalid({"position": _("Enter your position, for example PhD candidate, lecturer or professor.")})
    if len(position) > POSITION_MAX:
        raise Invalid({"position": _("Use at most %(n)d characters.", n=POSITION_MAX)})
    return position


def clean_profile_url(value: str | None) -> str:
    """Required; an http(s) address with a real host name (the organisations' website rule)."""
    problem = _("Enter the full address of a public page about you, starting with https:// or http://.")
    if not (value or "").strip():
        raise Invalid({"profile_url": problem})
    if len(value.strip()) > PROFILE_URL_MAX:
        raise Invalid({"profile_url": _("Use at most %(n)d characters.", n=PROFILE_URL_MAX)})
    try:
        return clean_website(value)
    except Invalid:
        raise Invalid({"profile_url": problem}) from None


def clean_orcid(value: str | None) -> str | None:
    """Empty, or an ORCID iD stored as 0000-0000-0000-000X."""
    raw = (value or "").strip()
    if not raw:
        return None
    orcid = normalise_orcid(raw) if len(raw) <= ORCID_INPUT_MAX else None
    if orcid is not None:
        return orcid
    if _ORCID_SHAPE.match(raw):
        raise Invalid(
            {"orcid": _("This ORCID iD does not exist: its last character does not match. Check for a typing error.")}
        )
    raise Invalid({"orcid": _("Enter an ORCID iD like 0000-0002-1825-0097, or leave this empty.")})


def clean_reason(value: str | None) -> str:
    reason = text.normalise_text(value)
    if len(reason) < REASON_MIN:
        raise Invalid({"reason": _("Give a reason for this decision.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": _("Use at most %(n)d characters.", n=REASON_MAX)})
    return reason


def clean_details(**values: str | None) -> dict:
    """Every field checked, all problems reported at once."""
    cleaners = {
        "institution": clean_institution,
        "department": clean_department,
        "position": clean_position,
        "profile_url": clean_profile_url,
        "orcid": clean_orcid,
    }
    problems: dict[str, str] = {}
    fields: dict = {}
    for key, cleaner in cleaners.items():
        try:
            fields[key] = cleaner(values.get(key))
        except Invalid as error:
            problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    return fields


# --- reading -----------------------------------------------------------------------
def get(session: Session, application_id: int) -> ResearcherApplication:
    application = session.get(ResearcherApplication, application_id) if 0 < application_id <= MAX_ID else None
    if application is None:
        raise NotFound("researcher application")
    return application


def applications_of(session: Session, user_id: int) -> list[ResearcherApplication]:
    """A member's applications, newest first."""
    return list(
        session.scalars(
            select(ResearcherApplication)
            .where(ResearcherApplication.user_id == user_id)
            .order_by(ResearcherApplication.id.desc())
        )
    )


def latest_application(session: Session, user_id: int) -> ResearcherApplication | None:
    return session.scalar(
        select(ResearcherApplication)
        .where(ResearcherApplication.user_id == user_id)
        .order_by(ResearcherApplication.id.desc())
        .limit(1)
    )


def researcher_institutions(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """{user id: institution} for the verified researchers among `user_ids`,
    from their latest approved application, in one query. Researchers made
    on the members page without an application are left out."""
    ids = sorted({i for i in user_ids if i})
    if not ids:
        return {}
    rows = session.execute(
        select(ResearcherApplication.user_id, ResearcherApplication.institution)
        .join(User, User.id == ResearcherApplication.user_id)
        .where(
            ResearcherApplication.user_id.in_(ids),
            ResearcherApplication.status == "approved",
            User.researcher_verified_at.is_not(None),
            User.status != "deleted",
        )
        .order_by(ResearcherApplication.id)
    )
    return {user_id: institution for user_id, institution in rows}  # the latest wins


def role_history(session: Session, member: User) -> list[events.Event]:
    """The member's researcher role granted and revoked, newest first."""
    return [e for e in roles.history(session, member, limit=200) if e.data.get("role") == "researcher"]


# --- applying ----------------------------------------------------------------------
def apply(
    session: Session,
    actor,
    *,
    institution: str | None,
    department: str | None,
    position: str | None,
    profile_url: str | None,
    orcid: str | None,
) -> ResearcherApplication:
    """A confirmed member in good standing who is not a researcher applies;
    one application waits at a time, and a rejected one is not sent again unchanged."""
    policy.require(actor, "researcher.apply")
    if getattr(actor, "id", None) is None:
        raise NotAllowed("researcher.apply")  # an application belongs to a member
    fields = clean_details(
        institution=institution, department=department, position=position, profile_url=profile_url, orcid=orcid
    )
    # Lock the member's row: a second application sent at the same moment waits here, then sees the first.
    session.scalar(select(User.id).where(User.id == actor.id).with_for_update())
    latest = latest_application(session, actor.id)
    if latest is not None and latest.status == "pending":
        raise Conflict(
            _("Your application is waiting for an admin's decision. Withdraw it first if you want to change it.")
        )
    last_rejected = session.scalar(
        select(ResearcherApplication)
        .where(ResearcherApplication.user_id == actor.id, ResearcherApplication.status == "rejected")
        .order_by(ResearcherApplication.id.desc())
        .limit(1)
    )
    if last_rejected is not None and all(getattr(last_rejected, key) == fields[key] for key in DETAILS):
        raise Conflict(
            _(
                "These are the details of the application that was not approved. "
                "Change what the admin's reason mentions before you apply again."
            )
        )
    application = ResearcherApplication(user_id=actor.id, status="pending", created_at=utcnow(), **fields)
    session.add(application)
    events.record(session, "researcher.applied", actor, application)
    return application


def withdraw(session: Session, actor, application: ResearcherApplication) -> bool:
    """The applicant takes back their waiting application; False if it was withdrawn already."""
    policy.require(actor, "researcher.withdraw", application)
    if getattr(actor, "id", None) is None:
        raise NotAllowed("researcher.withdraw")  # only the applicant, never the command line
    application = _locked(session, application)
    if application.status == "withdrawn":
        return False
    if application.status != "pending":
        raise Conflict(_("An admin has already decided on this application."))
    application.status = "withdrawn"
    application.decided_at = utcnow()
    application.decided_by_id = actor.id
    events.record(session, "researcher.withdrawn", actor, application)
    return True


# --- deciding ----------------------------------------------------------------------
def decide(session: Session, actor, application: ResearcherApplication, *, approve: bool, reason: str | None) -> bool:
    """An admin approves or rejects a waiting application with a reason that is
    recorded, mailed to the applicant and put in their notifications; False if
    it was decided that way already.

    The application's row is locked, so two admins deciding at once take
    turns and the second sees the first one's decision.
    """
    policy.require(actor, "researcher.verify", application)
    reason = clean_reason(reason)
    application = _locked(session, application)
    target = "approved" if approve else "rejected"
    if application.status == target:
        return False
    if application.status == "withdrawn":
        raise Conflict(_("The applicant withdrew this application."))
    if application.status != "pending":
        raise Conflict(
            _(
                "This application was decided already. To take the researcher role away, revoke it on the researcher's page."
            )
        )
    applicant = session.get(User, application.user_id)
    if applicant is None or applicant.is_deleted:
        raise Conflict(_("This account was deleted."))
    mailed = roles.grant(session, actor, applicant, "researcher", reason) if approve else False
    application.status = target
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    application.decision_reason = reason
    event = events.record(
        session,
        "researcher.approved" if approve else "researcher.rejected",
        actor,
        application,
        reason=reason,
        applicant_id=applicant.id,
    )
    notify_users(session, event, [applicant.id], "applicant")
    if not mailed:
        outbox.queue(
            session,
            applicant.email,
            "researcher_decision",
            applicant.locale,
            user=applicant,
            application=application,
            approved=approve,
            reason=reason,
        )
    return True


def revoke(session: Session, actor, member: User, reason: str | None) -> bool:
    """An admin takes the researcher role away, with a reason (recorded and
    mailed by roles.revoke); False if the member was not a researcher."""
    policy.require(actor, "researcher.verify", member)
    return roles.revoke(session, actor, member, "researcher", reason)


# --- the member's data (for crowdq.accounts.gdpr) -------------------------------------------------
def export_for(session: Session, user: User) -> list[dict]:
    """The member's applications as JSON-ready data, oldest first (for the data export)."""
    return [
        {
            "institution": a.institution,
            "department": a.department,
            "position": a.position,
            "profile_url": a.profile_url,
            "orcid": a.orcid,
            "status": a.status,
            "created_at": a.created_at.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            "decision_reason": a.decision_reason,
        }
        for a in reversed(applications_of(session, user.id))
    ]


def erase_for(session: Session, user: User) -> None:
    """Delete the member's applications (their institution, position, links
    and ORCID iD are personal data) when they delete their account; the
    decision events stay, without those details."""
    session.execute(delete(ResearcherApplication).where(ResearcherApplication.user_id == user.id))


def _locked(session: Session, application: ResearcherApplication) -> ResearcherApplication:
    return session.scalar(
        select(ResearcherApplication)
        .where(ResearcherApplication.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
