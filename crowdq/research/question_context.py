"""What the question page and the API show about research on a question.

`research_context` loads, in a fixed number of queries however many
projects, answers and updates there are: the answers with their projects
and how often each was corrected, the adoptions (live and released) with
their projects, the live claim with its researcher, the latest updates of
the adopting projects, and for a researcher their own projects.
`api_research` does the same for a page of questions (one query each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.orm import Session

from crowdq import policy, text
from crowdq.db import utcnow
from crowdq.moderation.targets import INVISIBLE
from crowdq.questions.models import Question
from crowdq.research import adoption as adoptions
from crowdq.research import answers as answer_service
from crowdq.research import claims
from crowdq.research.identifiers import doi_url
from crowdq.research.models import Adoption, Answer, Project, QuestionClaim
from crowdq.research.updates import ProjectNews, updates_for_question
from crowdq.urls import external_url

UPDATES_SHOWN = 5
UPDATE_EXCERPT = 200  # characters of each update on the question page; the project page has the rest
# Characters a DOI may hold that mean something else in a URL are escaped (doi.org's advice:
# "#", "?", "%", quotes, angle and curly brackets, spaces...); the usual ones stay readable.
_DOI_SAFE = "/:;()-._~!$&'*+,=@"


def doi_href(doi: str) -> str:
    """The https://doi.org link of a stored DOI, safe to put in an href."""
    return doi_url(quote(doi, safe=_DOI_SAFE))


@dataclass
class QuestionResearch:
    answers: list[Answer]
    revision_counts: dict[int, int]
    adoptions: list[Adoption]  # live, oldest first
    released: list[Adoption]
    claim: QuestionClaim | None
    updates: list[ProjectNews]  # the latest updates of the adopting projects
    takeable: bool
    user_id: int | None = None
    is_researcher: bool = False
    my_projects: list[Project] = field(default_factory=list)
    doi_href = staticmethod(doi_href)

    @staticmethod
    def excerpt(source: str) -> str:
        return text.excerpt(source, UPDATE_EXCERPT)

    @property
    def shown(self) -> bool:
        return bool(self.answers or self.adoptions or self.claim or self.is_researcher)

    @property
    def my_claim(self) -> QuestionClaim | None:
        if self.claim is not None and self.user_id is not None and self.claim.user_id == self.user_id:
            return self.claim
        return None

    @property
    def may_claim(self) -> bool:
        return self.is_researcher and self.takeable and self.claim is None

    @property
    def _my_ids(self) -> set[int]:
        return {p.id for p in self.my_projects}

    @property
    def my_adoptions(self) -> list[Adoption]:
        """Live adoptions by the reader's projects."""
        return [a for a in self.adoptions if a.project_id in self._my_ids]

    @property
    def answered_by(self) -> set[int]:
        return {a.project_id for a in self.answers}

    @property
    def adoptable_projects(self) -> list[Project]:
        """The reader's projects that may adopt it now (none while someone else's claim holds it)."""
        if not (self.is_researcher and self.takeable):
            return []
        if self.claim is not None and not self.my_claim:
            claimer = self.claim.user_id
            projects = [
                p
                for p in self.my_projects
                if self.claim.project_id == p.id
                or any(m.user_id == claimer and m.accepted_at is not None for m in p.members)
            ]
        else:
            projects = self.my_projects
        adopted = {a.project_id for a in self.adoptions}
        return [p for p in projects if p.id not in adopted]


def research_context(session: Session, question: Question, user, now: datetime | None = None) -> QuestionResearch:
    """Everything the research part of the question page shows (at most seven queries)."""
    now = now or utcnow()
    answers = answer_service.for_question(session, question.id)
    all_adoptions = adoptions.for_question(session, question.id)
    live = [a for a in all_adoptions if a.released_at is None]
    researcher = policy.is_researcher(user)
    return QuestionResearch(
        answers=answers,
        revision_counts=answer_service.revision_counts(session, [a.id for a in answers if a.updated_at]),
        adoptions=live,
        released=[a for a in all_adoptions if a.released_at is not None],
        claim=claims.live_claim(session, question.id, now),
        updates=updates_for_question(session, question.id, limit=UPDATES_SHOWN) if live else [],
        takeable=claims.takeable(question),
        user_id=user.id if researcher else None,
        is_researcher=researcher,
        my_projects=adoptions.member_projects(session, user) if researcher else [],
    )


# --- the API ------------------------------------------------------------------------------
def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def answer_json(answer: Answer) -> dict:
    return {
        "project": {"id": answer.project.id, "title": answer.project.title},
        "summary_en": answer.summary_en,
        "summary_nl": answer.summary_nl,
        "dois": [doi_href(d) for d in answer.dois],
        "data_links": list(answer.data_links),
        "published_at": _iso(answer.created_at),
        "corrected_at": _iso(answer.updated_at),
    }


def project_ref(project: Project) -> dict:
    return {"id": project.id, "title": project.title, "url": external_url("research.show", project_id=project.id)}


def api_research(session: Session, question_ids: list[int]) -> dict[int, dict]:
    """`adopted_by` and `answer` for each question (one query each, however many questions);
    answers hidden or held by the moderators are left out."""
    projects = adoptions.live_for_questions(session, question_ids)
    answers = answer_service.for_questions(session, question_ids)
    return {
        qid: {
            "adopted_by": [project_ref(p) for p in projects[qid]],
            "answer": [answer_json(a) for a in answers[qid] if a.moderation_state not in INVISIBLE] or None,
        }
        for qid in question_ids
    }
