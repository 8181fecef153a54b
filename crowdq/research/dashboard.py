"""Read side of the researcher dashboard (/research): fixed queries, capped lists.

"Their topics" are the topics of the questions their projects adopted (now
or before) and of the questions they claimed: where their work already is.
Someone without any gets every topic; the topic filter picks one topic, no
topic, or all of them. Questions are those that can still be taken up
(open or adopted) unless a status is chosen, sorted by votes or by recent
momentum (the trending score, a decayed vote count), most first, capped at
QUESTIONS_SHOWN: the full lists page on through /questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, union
from sqlalchemy.orm import Session

from crowdq.errors import Invalid
from crowdq.questions.models import LANGUAGES, Question, Topic
from crowdq.questions.queries import CARD_OPTIONS
from crowdq.questions.topics import NO_TOPIC
from crowdq.research import adoption as adoptions
from crowdq.research import claims
from crowdq.research.models import Adoption, Answer, Project, ProjectMember, QuestionClaim

QUESTIONS_SHOWN = 30
LIST_MAX = 50
MY_TOPICS, ALL_TOPICS = "", "all"
SORTS = {"votes": _l("Most votes"), "trending": _l("Trending")}
STATUSES = {"open": _l("Open"), "adopted": _l("Adopted by research"), "answered": _l("Answered")}
DEFAULT_STATUSES = ("open", "adopted")
ARGS = frozenset({"topic", "language", "status", "sort"})


@dataclass
class DashboardFilters:
    topic: str = MY_TOPICS
    language: str | None = None
    status: str | None = None
    sort: str = "votes"

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v and not (k == "sort" and v == "votes")}


def parse_filters(args) -> DashboardFilters:
    """The dashboard's query string; unknown values are refused (400)."""

    def one(name: str, limit: int = 80) -> str:
        value = (args.get(name) or "").strip()
        if len(value) > limit or any(not ch.isprintable() for ch in value):
            raise Invalid({name: _l("This filter value cannot be used.")})
        return value

    filters = DashboardFilters(
        topic=one("topic"), language=one("language") or None, status=one("status") or None, sort=one("sort") or "votes"
    )
    if filters.language and filters.language not in LANGUAGES:
        raise Invalid({"language": _l("Unknown language.")})
    if filters.status and filters.status not in STATUSES:
        raise Invalid({"status": _l("Unknown status.")})
    if filters.sort not in SORTS:
        raise Invalid({"sort": _l("Unknown sort order.")})
    return filters


@dataclass
class Dashboard:
    filters: DashboardFilters
    projects: list[Project]
    questions: list[Question]
    claims_by_question: dict[int, QuestionClaim]
    adopters: dict[int, list[Project]]
    my_claims: list[tuple[QuestionClaim, Question]]
    unanswered: list[tuple[Question, Project]]
    topics: list[Topic]
    my_topic_ids: set[int] = field(default_factory=set)
    all_topics_shown: bool = False  # "my topics" asked for, but there are none yet


def _my_project_ids(user_id: int):
    return select(ProjectMember.project_id).where(
        ProjectMember.user_id == user_id, ProjectMember.accepted_at.is_not(None)
    )


def my_topic_ids(session: Session, user_id: int) -> set[int]:
    """Topics of questions the member's projects adopted and of questions they claimed (one query)."""
    adopted = (
        select(Question.topic_id)
        .join(Adoption, Adoption.question_id == Question.id)
        .where(Adoption.project_id.in_(_my_project_ids(user_id)), Question.topic_id.is_not(None))
    )
    claimed = (
        select(Question.topic_id)
        .join(QuestionClaim, QuestionClaim.question_id == Question.id)
        .where(QuestionClaim.user_id == user_id, Question.topic_id.is_not(None))
    )
    return set(session.scalars(union(adopted, claimed)))


def questions_for(session: Session, filters: DashboardFilters, topic_ids: set[int]) -> tuple[list[Question], bool]:
    """The questions to show and whether every topic is shown because the member has none of their own."""
    stmt = select(Question).where(Question.listed.is_(True))
    if filters.status:
        stmt = stmt.where(Question.status == filters.status)
    else:
        stmt = stmt.where(Question.status.in_(DEFAULT_STATUSES))
    everything = False
    if filters.topic == MY_TOPICS:
        if topic_ids:
            stmt = stmt.where(Question.topic_id.in_(sorted(topic_ids)))
        else:
            everything = True
    elif filters.topic == NO_TOPIC:
        stmt = stmt.where(Question.topic_id.is_(None))
    elif filters.topic != ALL_TOPICS:
        stmt = stmt.where(Question.topic_id == select(Topic.id).where(Topic.slug == filters.topic).scalar_subquery())
    if filters.language:
        stmt = stmt.where(Question.language == filters.language)
    key = Question.trending_score if filters.sort == "trending" else Question.vote_count
    stmt = stmt.order_by(key.desc(), Question.id.desc()).limit(QUESTIONS_SHOWN).options(*CARD_OPTIONS)
    return list(session.scalars(stmt)), everything


def my_live_claims(session: Session, user_id: int, now: datetime) -> list[tuple[QuestionClaim, Question]]:
    rows = session.execute(
        select(QuestionClaim, Question)
        .join(Question, Question.id == QuestionClaim.question_id)
        .where(QuestionClaim.user_id == user_id, QuestionClaim.ended_at.is_(None), QuestionClaim.expires_at > now)
        # A question hidden or held by the moderators since is not shown (the claim cannot lead anywhere now).
        .where(Question.status != "hidden", Question.held.is_(False))
        .order_by(QuestionClaim.expires_at, QuestionClaim.id)
        .limit(LIST_MAX)
    )
    return [(c, q) for c, q in rows]


def unanswered(session: Session, user_id: int) -> list[tuple[Question, Project]]:
    """Questions the member's projects adopted (live) and have not answered yet, oldest adoption first."""
    rows = session.execute(
        select(Question, Project)
        .join(Adoption, Adoption.question_id == Question.id)
        .join(Project, Project.id == Adoption.project_id)
        .outerjoin(Answer, and_(Answer.question_id == Adoption.question_id, Answer.project_id == Adoption.project_id))
        .where(
            Adoption.project_id.in_(_my_project_ids(user_id)),
            Adoption.released_at.is_(None),
            Answer.id.is_(None),
            Question.status.not_in(("hidden", "merged")),
        )
        .order_by(Adoption.created_at, Adoption.question_id, Adoption.project_id)
        .limit(LIST_MAX)
    )
    return [(q, p) for q, p in rows]


def load(session: Session, user, filters: DashboardFilters, now: datetime) -> Dashboard:
    """Everything on the dashboard, in a fixed number of queries."""
    from crowdq.questions import topics as topic_queries

    topic_ids = my_topic_ids(session, user.id)
    questions, everything = questions_for(session, filters, topic_ids)
    ids = [q.id for q in questions]
    return Dashboard(
        filters=filters,
        projects=adoptions.member_projects(session, user),
        questions=questions,
        claims_by_question=claims.live_claims_for(session, ids, now),
        adopters=adoptions.live_for_questions(session, ids),
        my_claims=my_live_claims(session, user.id, now),
        unanswered=unanswered(session, user.id),
        topics=topic_queries.all_topics(session),
        my_topic_ids=topic_ids,
        all_topics_shown=everything,
    )
