"""Read side of projects: the list and the project page, each in a fixed number of queries.

Others may use:
- `project_page(session, project_id, locale, older_than)`: everything /projects/<id> shows.
- `projects_of(session, user_id)`: the projects a researcher is on, with their role (dashboards).
- `invitations_for(session, user_id)`: projects that invited the member and wait for an answer.
- `crowdq.research.updates.updates_for_question(session, question_id, limit)`: updates on a question page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from crowdq import text
from crowdq.db import MAX_ID
from crowdq.errors import Invalid, NotFound
from crowdq.moderation.targets import INVISIBLE
from crowdq.questions.models import Question
from crowdq.research.models import PROJECT_STATUSES, Adoption, Answer, Project, ProjectMember, ProjectUpdate
from crowdq.research.updates import updates_for_project

PER_PAGE = 20
# Adopted questions listed on a project page (live and released together).
ADOPTIONS_SHOWN = 200
ANSWER_EXCERPT = 300
SUMMARY_EXCERPT = 240


# --- query parameters ----------------------------------------------------------------------
def _id_parameter(args, name: str) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > 12 or not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise Invalid({name: _l("This page link is broken. Start again from the first page.")})
    return int(raw)


def parse_status(args) -> str | None:
    value = args.get("status") or None
    if value is not None and value not in PROJECT_STATUSES:
        raise Invalid({"status": _l("Unknown status.")})
    return value


def parse_after(args) -> int | None:
    return _id_parameter(args, "after")


def parse_older(args) -> int | None:
    return _id_parameter(args, "older")


# --- the list ------------------------------------------------------------------------------
@dataclass
class ProjectList:
    items: list[Project]
    adopted: dict[int, int]  # project id -> questions adopted and not released
    summaries: dict[int, tuple[str, str | None]]  # project id -> (plain excerpt, its language if not the reader's)
    next_after: int | None
    status: str | None


def project_list(session: Session, locale: str, status: str | None = None, after: int | None = None) -> ProjectList:
    """Newest projects first, PER_PAGE at a time (keyset on the id), in two queries."""
    stmt = select(Project)
    if status:
        stmt = stmt.where(Project.status == status)
    if after:
        stmt = stmt.where(Project.id < after)
    rows = list(session.scalars(stmt.order_by(Project.id.desc()).limit(PER_PAGE + 1)))
    items = rows[:PER_PAGE]
    adopted: dict[int, int] = {}
    if items:
        adopted = dict(
            session.execute(
                select(Adoption.project_id, func.count())
                .join(Question, Question.id == Adoption.question_id)
                .where(
                    Adoption.project_id.in_([p.id for p in items]),
                    Adoption.released_at.is_(None),
                    Question.status.not_in(("hidden", "merged")),
                    Question.held.is_(False),
                )
                .group_by(Adoption.project_id)
            ).all()
        )
    summaries = {}
    for project in items:
        source, lang = _in_locale(locale, project.summary_nl, project.summary_en)
        summaries[project.id] = (text.excerpt(source, SUMMARY_EXCERPT), lang)
    return ProjectList(items, adopted, summaries, items[-1].id if len(rows) > PER_PAGE else None, status)


# --- the project page ------------------------------------------------------------------------
@dataclass
class AdoptedQuestion:
    question: Question
    note_html: str
    adopted_at: datetime
    released_at: datetime | None
    answer_id: int | None = None
    answer_excerpt: str = ""
    answer_lang: str | None = None


@dataclass
class ProjectPage:
    project: Project
    summary_html: str
    summary_lang: str | None  # set when the summary is not in the reader's language
    team: list[ProjectMember]  # accepted members, leads first
    invited: list[ProjectMember]
    adopted: list[AdoptedQuestion]
    released: list[AdoptedQuestion]
    updates: list[ProjectUpdate]
    older_than: int | None  # the next page of updates
    lead_count: int = 0


def _in_locale(locale: str, nl: str, en: str) -> tuple[str, str | None]:
    """The text in the reader's language, else the other one with its language code."""
    first, second, other = (nl, en, "en") if locale == "nl" else (en, nl, "nl")
    return (first, None) if first else (second, other if second else None)


def load_project(session: Session, project_id: int) -> Project:
    """The project with its team and their accounts (three queries)."""
    project = None
    if 0 < project_id <= MAX_ID:
        project = session.scalar(
            select(Project)
            .where(Project.id == project_id)
            .options(selectinload(Project.members).selectinload(ProjectMember.user))
        )
    if project is None:
        raise NotFound("project")
    return project


def project_page(session: Session, project_id: int, locale: str, older_than: int | None = None) -> ProjectPage:
    """Everything /projects/<id> shows, in seven queries however big the project:
    the project, its team and their accounts; its adopted questions (hidden,
    held and merged ones left out); their answers; a page of updates and their authors."""
    project = load_project(session, project_id)
    summary, summary_lang = _in_locale(locale, project.summary_nl, project.summary_en)
    members = sorted(project.members, key=lambda m: (m.role != "lead", (m.user.display_name or "").lower(), m.user_id))
    team = [m for m in members if m.accepted_at is not None]
    invited = [m for m in members if m.accepted_at is None]

    rows = session.execute(
        select(Adoption, Question)
        .join(Question, Question.id == Adoption.question_id)
        # A merged question lives at its target, which the project adopted with the merge.
        .where(
            Adoption.project_id == project.id, Question.status.not_in(("hidden", "merged")), Question.held.is_(False)
        )
        .order_by(Adoption.created_at.desc(), Adoption.question_id.desc())
        .limit(ADOPTIONS_SHOWN)
    ).all()
    adopted: list[AdoptedQuestion] = []
    released: list[AdoptedQuestion] = []
    for adoption, question in rows:
        item = AdoptedQuestion(question, text.render(adoption.note), adoption.created_at, adoption.released_at)
        (released if adoption.released_at else adopted).append(item)
    if adopted:
        answers = session.scalars(
            select(Answer).where(
                Answer.project_id == project.id, Answer.question_id.in_([a.question.id for a in adopted])
            )
        )
        by_question = {a.question_id: a for a in answers}
        for item in adopted:
            answer = by_question.get(item.question.id)
            # A hidden or held answer is not excerpted here (its author and the moderators see it, marked,
            # on the question page).
            if answer is not None and answer.moderation_state not in INVISIBLE:
                item.answer_id = answer.id
                source, item.answer_lang = _in_locale(locale, answer.summary_nl, answer.summary_en)
                item.answer_excerpt = text.excerpt(source, ANSWER_EXCERPT)

    updates, next_older = updates_for_project(session, project.id, older_than)
    return ProjectPage(
        project=project,
        summary_html=text.render(summary),
        summary_lang=summary_lang,
        team=team,
        invited=invited,
        adopted=adopted,
        released=released,
        updates=updates,
        older_than=next_older,
        lead_count=sum(1 for m in team if m.role == "lead"),
    )


# --- for dashboards ----------------------------------------------------------------------------
def projects_of(session: Session, user_id: int) -> list[tuple[Project, str]]:
    """The projects the member is on (accepted), newest first, with their role."""
    return [
        (project, role)
        for project, role in session.execute(
            select(Project, ProjectMember.role)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == user_id, ProjectMember.accepted_at.is_not(None))
            .order_by(Project.id.desc())
        )
    ]


def invitations_for(session: Session, user_id: int) -> list[Project]:
    """Projects that invited the member and wait for an answer, newest invitation first."""
    return list(
        session.scalars(
            select(Project)
            .join(ProjectMember, ProjectMember.project_id == Project.id)
            .where(ProjectMember.user_id == user_id, ProjectMember.accepted_at.is_(None))
            .order_by(ProjectMember.created_at.desc())
        )
    )
