"""Project updates: team members tell how the research goes.

- Accepted team members post updates ("project.post"); authors edit their own
  while they are on the team ("project.update.edit"). The Markdown source is
  kept and rendered once through text.render when it is saved.
- Posting notifies everyone who asked, voted for or follows a question the
  project has adopted and not released (one INSERT ... SELECT).
- The project page shows them newest first; every adopted question shows the
  newest few of each project working on it (`updates_for_question`).
"""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from crowdq import events, policy, text
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Invalid, NotFound
from crowdq.moderation import prevention
from crowdq.notifications import records
from crowdq.questions.models import Question
from crowdq.research.models import Adoption, Project, ProjectUpdate

BODY_MAX = 10_000
PAGE_SIZE = 20


class ProjectNews(NamedTuple):
    """An update with the project that posted it (ProjectUpdate has no `project` relationship)."""

    update: ProjectUpdate
    project: Project


def clean_body(value: str | None) -> str:
    body = text.normalise_text(value)
    if not body:
        raise Invalid({"body": _("Write the update first.")})
    if len(body) > BODY_MAX:
        raise Invalid({"body": _("Use at most %(n)d characters.", n=BODY_MAX)})
    return body


def _screened(session: Session, actor, body: str) -> str:
    """Blocked words refused, replaced ones asterisked; researchers are verified, so nothing is held.
    An update has no language of its own: every list of words applies."""
    return prevention.screen(session, actor, None, {"body": body}, checks=prevention.WORDS).texts["body"]


def live_question_ids(session: Session, project_id: int) -> list[int]:
    """The questions the project adopted and has not released, that the public sees (not hidden or
    held: their audiences hear nothing through them; merged ones reach theirs through the target)."""
    return list(
        session.scalars(
            select(Adoption.question_id)
            .join(Question, Question.id == Adoption.question_id)
            .where(
                Adoption.project_id == project_id,
                Adoption.released_at.is_(None),
                Question.status.not_in(("hidden", "merged")),
                Question.held.is_(False),
            )
        )
    )


def get_update(session: Session, project: Project, update_id: int) -> ProjectUpdate:
    found = session.get(ProjectUpdate, update_id) if 0 < update_id <= MAX_ID else None
    if found is None or found.project_id != project.id:
        raise NotFound("project update")
    return found


def post(session: Session, actor, project: Project, body: str | None) -> ProjectUpdate:
    """A team member posts an update; the askers, voters and followers of the
    project's adopted questions hear of it."""
    policy.require(actor, "project.post", project)
    body = _screened(session, actor, clean_body(body))
    posted = ProjectUpdate(
        project_id=project.id,
        author_id=getattr(actor, "id", None),
        body=body,
        body_html=text.render(body),
        created_at=utcnow(),
    )
    session.add(posted)
    session.flush()
    event = events.record(session, "project.update_posted", actor, project, update_id=posted.id)
    records.notify_question_audience(session, event, live_question_ids(session, project.id))
    return posted


def edit(session: Session, actor, project: Project, project_update: ProjectUpdate, body: str | None) -> bool:
    """The author corrects their update; False if the text did not change."""
    policy.require(actor, "project.update.edit", (project, project_update))
    body = _screened(session, actor, clean_body(body))
    if body == project_update.body:
        return False
    project_update.body = body
    project_update.body_html = text.render(body)
    project_update.edited_at = utcnow()
    events.record(session, "project.update_edited", actor, project, update_id=project_update.id)
    return True


# --- reading -------------------------------------------------------------------------------
def updates_for_project(
    session: Session, project_id: int, older_than: int | None = None, limit: int | None = None
) -> tuple[list[ProjectUpdate], int | None]:
    """A page of the project's updates (PAGE_SIZE), newest first, with their authors
    (two queries), and the id to pass as `older_than` for the next page (or None)."""
    limit = limit or PAGE_SIZE
    stmt = select(ProjectUpdate).where(ProjectUpdate.project_id == project_id)
    if older_than is not None:
        anchor = (
            select(ProjectUpdate.created_at)
            .where(ProjectUpdate.id == older_than, ProjectUpdate.project_id == project_id)
            .scalar_subquery()
        )
        stmt = stmt.where(
            or_(
                ProjectUpdate.created_at < anchor,
                and_(ProjectUpdate.created_at == anchor, ProjectUpdate.id < older_than),
            )
        )
    rows = list(
        session.scalars(
            stmt.order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
            .limit(limit + 1)
            .options(selectinload(ProjectUpdate.author))
        )
    )
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def updates_for_question(session: Session, question_id: int, limit: int = 5) -> list[ProjectNews]:
    """The newest updates of the projects that adopted this question and did not
    release it, each with its project and author loaded (two queries), for the
    question page."""
    stmt = (
        select(ProjectUpdate, Project)
        .join(Project, Project.id == ProjectUpdate.project_id)
        .join(
            Adoption,
            and_(
                Adoption.project_id == ProjectUpdate.project_id,
                Adoption.question_id == question_id,
                Adoption.released_at.is_(None),
            ),
        )
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc())
        .limit(limit)
        .options(selectinload(ProjectUpdate.author))
    )
    return [ProjectNews(update, project) for update, project in session.execute(stmt)]
