"""Research projects: creating and editing them, and their team.

- A verified researcher creates a project and becomes its lead at once.
  Team members (and admins) edit its details ("project.edit"); leads manage
  the team ("project.team.manage").
- A lead invites other verified researchers, found by name or exact email
  address: an invitation is a ProjectMember row without `accepted_at`, and a
  notification record tells the invitee. The invitee accepts (joins as a
  member) or declines (the row goes). A lead withdraws invitations, removes
  members, and makes members lead or leads members; a member may leave.
- A project always keeps a lead. Every change that could take one away first
  locks the project's lead rows (in a fixed order) and counts them in the same
  transaction, and checks the actor is still a lead, as
  crowdq.organisations.members does for owners: two leads demoting or removing
  each other at the same moment take turns, and the second finds they are no
  longer a lead. (SQLite serialises writers anyway; PostgreSQL needs the lock.)
- Summaries are stored as Markdown source and rendered (text.render) when shown.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.accounts.models import User
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed, NotFound
from crowdq.notifications import records
from crowdq.organisations.services import clean_website
from crowdq.research.models import PROJECT_ROLES, PROJECT_STATUSES, Project, ProjectMember

TITLE_MIN, TITLE_MAX = 5, 200
SUMMARY_MAX = 5000
INSTITUTION_MAX = 200
LINK_MAX = 300
# Members and open invitations of one project together (a brake on invitations).
MAX_TEAM = 50
LINK_FIELDS = ("website_url", "data_url", "preregistration_url")
FIELDS = ("title", "summary_en", "summary_nl", "institution", "status", "starts_on", "ends_on", *LINK_FIELDS)

STATUS_LABELS = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "completed": _l("Completed"),
    "stopped": _l("Stopped"),
}
ROLE_LABELS = {"lead": _l("Project lead"), "member": _l("Team member")}
assert set(STATUS_LABELS) == set(PROJECT_STATUSES) and set(ROLE_LABELS) == set(PROJECT_ROLES)


# --- validation --------------------------------------------------------------------------
def clean_title(value: str | None) -> str:
    title = text.normalise_line(value)
    if len(title) < TITLE_MIN:
        raise Invalid({"title": _("Give the project a title of at least %(n)d characters.", n=TITLE_MIN)})
    if len(title) > TITLE_MAX:
        raise Invalid({"title": _("Use at most %(n)d characters.", n=TITLE_MAX)})
    return title


def clean_summary(value: str | None, field: str) -> str:
    summary = text.normalise_text(value)
    if len(summary) > SUMMARY_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=SUMMARY_MAX)})
    return summary


def clean_institution(value: str | None) -> str:
    institution = text.normalise_line(value)
    if len(institution) > INSTITUTION_MAX:
        raise Invalid({"institution": _("Use at most %(n)d characters.", n=INSTITUTION_MAX)})
    return institution


def clean_status(value: str | None) -> str:
    if value not in PROJECT_STATUSES:
        raise Invalid({"status": _("Choose one of the options in the list.")})
    return value


def clean_date(value: str | date | None, field: str) -> date | None:
    """Empty, or a date written year-month-day (what a date input sends)."""
    if isinstance(value, date):
        return value
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid({field: _("Enter the date as year-month-day, like 2026-06-01.")}) from None


def clean_link(value: str | None, field: str) -> str | None:
    """Empty, or an http(s) address with a real host name (the organisations' website rule)."""
    link = (value or "").strip()
    if not link:
        return None
    if len(link) > LINK_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=LINK_MAX)})
    try:
        return clean_website(link)
    except Invalid:
        raise Invalid({field: _("Enter the full address, starting with https:// or http://.")}) from None


def clean_fields(**values) -> dict:
    """Every field of the project form checked, all problems reported at once."""
    problems: dict[str, str] = {}
    fields: dict = {}

    def check(name: str, cleaner, *args) -> None:
        try:
            fields[name] = cleaner(values.get(name), *args)
        except Invalid as error:
            problems.update(error.fields)

    check("title", clean_title)
    check("summary_en", clean_summary, "summary_en")
    check("summary_nl", clean_summary, "summary_nl")
    check("institution", clean_institution)
    check("status", clean_status)
    check("starts_on", clean_date, "starts_on")
    check("ends_on", clean_date, "ends_on")
    for name in LINK_FIELDS:
        check(name, clean_link, name)
    if not problems and not (fields["summary_en"] or fields["summary_nl"]):
        message = _("Write a plain-language summary in Dutch or English (or both).")
        problems.update({"summary_en": message, "summary_nl": message})
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        problems["ends_on"] = _("The end date cannot be before the start date.")
    if problems:
        raise Invalid(problems)
    return fields


# --- reading -------------------------------------------------------------------------------
def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id) if 0 < project_id <= MAX_ID else None
    if project is None:
        raise NotFound("project")
    return project


def membership(project: Project, user_id: int | None) -> ProjectMember | None:
    """The member's row on the team (accepted or invited), or None."""
    return next((m for m in project.members if m.user_id == user_id), None)


# --- creating and editing -----------------------------------------------------------------
def create(session: Session, actor, **values) -> Project:
    """A verified researcher creates a project and becomes its lead."""
    policy.require(actor, "project.create")
    fields = clean_fields(**values)
    now = utcnow()
    project = Project(**fields, created_by_id=getattr(actor, "id", None), created_at=now)
    session.add(project)
    session.flush()
    if getattr(actor, "id", None) is not None:
        session.add(
            ProjectMember(project_id=project.id, user_id=actor.id, role="lead", accepted_at=now, created_at=now)
        )
        session.flush()
        session.expire(project, ["members"])
    events.record(session, "project.created", actor, project, title=project.title)
    return project


def edit(session: Session, actor, project: Project, **values) -> bool:
    """Team members and admins change the details; False if nothing changed."""
    policy.require(actor, "project.edit", project)
    fields = clean_fields(**values)
    changed = sorted(name for name, value in fields.items() if getattr(project, name) != value)
    if not changed:
        return False
    for name in changed:
        setattr(project, name, fields[name])
    project.updated_at = utcnow()
    events.record(session, "project.edited", actor, project, fields=changed)
    return True


# --- finding researchers to invite -------------------------------------------------------
SEARCH_MIN, SEARCH_MAX, SEARCH_RESULTS = 2, 254, 10


def find_researchers(session: Session, actor, project: Project, query: str | None) -> list[User]:
    """Verified researchers not yet on the team (nor invited) whose name contains
    `query`, or whose email address is exactly `query`: a lead can find a
    colleague, but nobody can list addresses."""
    policy.require(actor, "project.team.manage", project)
    query = text.normalise_line(query)[:SEARCH_MAX]
    if len(query) < SEARCH_MIN:
        return []
    stmt = select(User).where(
        User.researcher_verified_at.is_not(None),
        User.confirmed_at.is_not(None),
        User.status.in_(("active", "suspended")),
        User.id.not_in(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)),
    )
    if "@" in query:
        stmt = stmt.where(User.email == query.lower())
    else:
        stmt = stmt.where(func.lower(User.display_name).contains(query.lower(), autoescape=True))
    found = session.scalars(stmt.order_by(User.display_name, User.id).limit(SEARCH_RESULTS * 2))
    # is_researcher also weighs suspensions that ran out.
    return [user for user in found if policy.is_researcher(user)][:SEARCH_RESULTS]


# --- the team ------------------------------------------------------------------------------
def _lock_leads(session: Session, project: Project) -> set[int]:
    return set(
        session.scalars(
            select(ProjectMember.user_id)
            .where(
                ProjectMember.project_id == project.id,
                ProjectMember.role == "lead",
                ProjectMember.accepted_at.is_not(None),
            )
            .order_by(ProjectMember.user_id)
            .with_for_update()
        )
    )


def _still_lead(session: Session, actor, project: Project) -> set[int]:
    """Lock and return the leads; refuse an actor who stopped being one since
    the request's policy check (another lead removed or demoted them)."""
    leads = _lock_leads(session, project)
    if actor is not policy.COMMAND_LINE and getattr(actor, "id", None) not in leads:
        raise NotAllowed("project.team.manage")
    return leads


def _row(session: Session, project: Project, user_id: int) -> ProjectMember:
    row = session.get(ProjectMember, (project.id, user_id)) if 0 < user_id <= MAX_ID else None
    if row is None:
        raise NotFound("project member")
    session.refresh(row)
    return row


def _last_lead() -> Conflict:
    return Conflict(_("A project always keeps a lead. Make another team member lead first."))


def _delete(session: Session, project: Project, user_id: int, accepted: bool | None = None) -> bool:
    stmt = delete(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user_id)
    if accepted is True:
        stmt = stmt.where(ProjectMember.accepted_at.is_not(None))
    elif accepted is False:
        stmt = stmt.where(ProjectMember.accepted_at.is_(None))
    removed = session.execute(stmt.execution_options(synchronize_session=False)).rowcount
    session.expire(project, ["members"])
    return bool(removed)


def invite(session: Session, actor, project: Project, user_id: int) -> ProjectMember:
    """A lead invites a verified researcher, who hears of it (a notification record)."""
    policy.require(actor, "project.team.manage", project)
    invitee = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if invitee is None or not policy.is_researcher(invitee):
        raise Invalid({"user_id": _("Only verified researchers can join a project team.")})
    if membership(project, invitee.id) is not None:
        raise Conflict(_("%(name)s is on the team or invited already.", name=invitee.public_name))
    size = session.scalar(select(func.count()).select_from(ProjectMember).where(ProjectMember.project_id == project.id))
    if size >= MAX_TEAM:
        raise Conflict(_("A project team has at most %(n)d members and invitations.", n=MAX_TEAM))
    now = utcnow()
    row = ProjectMember(
        project_id=project.id,
        user_id=invitee.id,
        role="member",
        invited_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict(_("%(name)s is on the team or invited already.", name=invitee.public_name)) from None
    session.expire(project, ["members"])
    event = events.record(session, "project.invited", actor, project, user_id=invitee.id)
    records.notify_users(session, event, [invitee.id], "team")
    return row


def accept(session: Session, actor, project: Project) -> bool:
    """The invitee joins the team; False if there was no open invitation."""
    policy.require(actor, "project.join", project)
    row = membership(project, actor.id)
    invited_by = row.invited_by_id if row is not None else None
    joined = session.execute(
        update(ProjectMember)
        .where(
            ProjectMember.project_id == project.id,
            ProjectMember.user_id == actor.id,
            ProjectMember.accepted_at.is_(None),
        )
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(project, ["members"])
    if not joined:
        return False
    event = events.record(session, "project.member_joined", actor, project, user_id=actor.id)
    leads = {m.user_id for m in project.members if m.role == "lead" and m.accepted_at is not None}
    records.notify_users(session, event, leads | {invited_by}, "team")
    return True


def decline(session: Session, actor, project: Project) -> bool:
    """The invitee says no; the invitation goes. False if there was none."""
    policy.require(actor, "project.leave", project)
    row = membership(project, actor.id)
    if row is None or row.accepted_at is not None:
        return False
    invited_by = row.invited_by_id
    if not _delete(session, project, actor.id, accepted=False):
        return False
    event = events.record(session, "project.invitation_declined", actor, project, user_id=actor.id)
    records.notify_users(session, event, [invited_by], "team")
    return True


def remove(session: Session, actor, project: Project, user_id: int) -> bool:
    """A lead removes a member or withdraws an invitation (themselves too,
    unless they are the last lead); False if it was gone already."""
    policy.require(actor, "project.team.manage", project)
    leads = _still_lead(session, actor, project)
    row = _row(session, project, user_id)
    if user_id in leads and len(leads) <= 1:
        raise _last_lead()
    was_member = row.accepted_at is not None
    if not _delete(session, project, user_id):
        return False
    if was_member:
        event = events.record(session, "project.member_removed", actor, project, user_id=user_id)
        records.notify_users(session, event, [user_id], "team")
    else:
        events.record(session, "project.invitation_withdrawn", actor, project, user_id=user_id)
    return True


def set_role(session: Session, actor, project: Project, user_id: int, role: str | None) -> bool:
    """A lead makes a team member lead, or a lead a member; False if unchanged."""
    policy.require(actor, "project.team.manage", project)
    if role not in PROJECT_ROLES:
        raise Invalid({"role": _("Choose one of the options in the list.")})
    leads = _still_lead(session, actor, project)
    row = _row(session, project, user_id)
    previous = row.role
    if previous == role:
        return False
    if row.accepted_at is None:
        raise Conflict(_("Only someone who accepted the invitation can lead the project."))
    if previous == "lead" and leads <= {user_id}:
        raise _last_lead()
    changed = session.execute(
        update(ProjectMember)
        .where(
            ProjectMember.project_id == project.id,
            ProjectMember.user_id == user_id,
            ProjectMember.role == previous,
        )
        .values(role=role)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(row)
    session.expire(project, ["members"])
    if not changed:
        return False
    event = events.record(
        session, "project.role_changed", actor, project, user_id=user_id, role=role, previous=previous
    )
    records.notify_users(session, event, [user_id], "team")
    return True


def leave(session: Session, actor, project: Project) -> bool:
    """A team member leaves; the last lead cannot (they hand over first)."""
    policy.require(actor, "project.leave", project)
    leads = _lock_leads(session, project)
    if actor.id in leads and len(leads) <= 1:
        raise Conflict(_("You are the project's only lead. Make another team member lead first, then you can leave."))
    if not _delete(session, project, actor.id, accepted=True):
        return False
    events.record(session, "project.member_left", actor, project, user_id=actor.id)
    return True
