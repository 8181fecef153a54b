"""Public accountability in numbers (the /impact page) and the anonymous
two-question survey behind it.

Figures, over the listed questions only (not held, hidden or merged):

- asked: questions; voted: questions with at least one vote; votes: their votes;
- adopted: questions a project holds now (an adoption not released) or answered;
  answered: questions with at least one answer;
- the median days from asking to the first adoption (over the adopted
  questions) and to the first answer (over the answered ones),
  overall, per topic and per organisation (questions asked on a verified
  organisation's behalf; a sponsor's calls are topics, so they have rows there);
- per month over the last 12 months (site time zone): questions asked, and
  questions first adopted and first answered that month.

Cost: two GROUP BY scans of the questions table (per topic; per
organisation, through its index) and one bounded read of the adopted and
answered questions (as many rows as there are adoptions and answers, which
research capacity keeps small), medians in Python; the months are one
indexed range scan. The figures are kept per process for
IMPACT_CACHE_SECONDS (default 300), so at most one reader in that time pays.

Survey: answered or declined once per member (`User.survey_seen_at`, set
with a conditional UPDATE; the answer is stored only when that UPDATE
changed the row). A response has no member id and only the day; results
are shares with the number of answers, hidden below MIN_ANSWERS.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select, union, update
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.calls.times import site_zone
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.organisations.models import Organisation
from crowdq.questions.models import Question, Topic, Vote
from crowdq.research.models import Adoption, Answer, SurveyResponse

MONTHS = 12
MAX_ORGANISATIONS = 50  # rows in the organisations table: the ones with most questions
MAX_TOPICS = 100
MIN_ANSWERS = 10  # fewer survey answers than this: no shares (anonymity)
CACHE_SECONDS = 300
CACHE_MAX_ENTRIES = 500
DAY = 86400.0

FIRST_TIME = (("yes", _l("Yes")), ("no", _l("No")), ("unsure", _l("Not sure")))
TRUST = (("more", _l("More trust")), ("same", _l("No change")), ("less", _l("Less trust")), ("unsure", _l("Not sure")))


# --- figures -------------------------------------------------------------------------
@dataclass
class Measures:
    asked: int = 0
    voted: int = 0
    votes: int = 0
    adopted: int = 0
    answered: int = 0
    days_to_adoption: float | None = None
    days_to_answer: float | None = None


@dataclass
class Group:
    """A topic (slug and names), "no topic" (slug "none"), or an organisation (id and name)."""

    key: Any
    names: tuple[str, str]  # (en, nl)
    measures: Measures = field(default_factory=Measures)
    _adoption_days: list[float] = field(default_factory=list, repr=False)
    _answer_days: list[float] = field(default_factory=list, repr=False)

    def name(self, locale: str) -> str:
        en, nl = self.names
        return (nl or en) if locale == "nl" else (en or nl)


@dataclass(frozen=True)
class Adopted:
    """An adopted or answered question: when it was asked, first adopted, first answered."""

    question_id: int
    asked_at: datetime
    topic_id: int | None
    organisation_id: int | None
    first_adoption: datetime | None
    first_answer: datetime | None


@dataclass
class Figures:
    overall: Measures
    topics: list[Group]
    organisations: list[Group]
    more_organisations: bool
    adopted: list[Adopted]
    computed_at: datetime


def _days(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / DAY)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def adopted_questions(session: Session) -> list[Adopted]:
    """Listed questions with a live adoption or an answer (bounded by the number of adoptions and answers)."""
    adoptions = (
        select(
            Adoption.question_id,
            func.min(Adoption.created_at).label("first"),
            func.max(case((Adoption.released_at.is_(None), 1), else_=0)).label("live"),
        )
        .group_by(Adoption.question_id)
        .subquery()
    )
    answers = (
        select(Answer.question_id, func.min(Answer.created_at).label("first")).group_by(Answer.question_id).subquery()
    )
    ids = union(select(Adoption.question_id), select(Answer.question_id)).subquery()
    rows = session.execute(
        select(
            Question.id,
            Question.created_at,
            Question.topic_id,
            Question.organisation_id,
            adoptions.c.first,
            adoptions.c.live,
            answers.c.first,
        )
        .join(ids, ids.c.question_id == Question.id)
        .outerjoin(adoptions, adoptions.c.question_id == Question.id)
        .outerjoin(answers, answers.c.question_id == Question.id)
        .where(Question.listed.is_(True))
    ).all()
    return [
        Adopted(qid, asked, topic_id, organisation_id, first_adoption, first_answer)
        for qid, asked, topic_id, organisation_id, first_adoption, live, first_answer in rows
        if live or first_answer is not None
    ]


def _add_adopted(group: Group, item: Adopted) -> None:
    group.measures.adopted += 1
    if item.first_adoption is not None:
        group._adoption_days.append(_days(item.asked_at, item.first_adoption))
    if item.first_answer is not None:
        group.measures.answered += 1
        group._answer_days.append(_days(item.asked_at, item.first_answer))


def _finish(group: Group) -> Group:
    group.measures.days_to_adoption = _median(group._adoption_days)
    group.measures.days_to_answer = _median(group._answer_days)
    group._adoption_days, group._answer_days = [], []
    return group


def compute(session: Session) -> Figures:
    """Every figure of the page but the months (see `months`) and the survey (see `survey_results`)."""
    listed = Question.listed.is_(True)
    counts = (
        func.count(),
        func.coalesce(func.sum(case((Question.vote_count > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(Question.vote_count), 0),
    )
    per_topic = session.execute(select(Question.topic_id, *counts).where(listed).group_by(Question.topic_id)).all()
    topic_rows = {
        t.id: t
        for t in session.execute(
            select(Topic.id, Topic.slug, Topic.name_en, Topic.name_nl).where(
                Topic.id.in_([r[0] for r in per_topic if r[0] is not None])
            )
        )
    }
    overall = Group(key=None, names=("", ""))
    topics: dict[int | None, Group] = {}
    for topic_id, asked, voted, votes in per_topic:
        if topic_id is None:
            group = Group(key="none", names=("", ""))  # the template says "No topic" in the reader's language
        else:
            row = topic_rows[topic_id]
            group = Group(key=row.slug, names=(row.name_en, row.name_nl))
        group.measures = Measures(asked=asked, voted=voted, votes=votes)
        topics[topic_id] = group
        overall.measures.asked += asked
        overall.measures.voted += voted
        overall.measures.votes += votes
    per_organisation = session.execute(
        select(Organisation.id, Organisation.name, *counts)
        .join(Question, Question.organisation_id == Organisation.id)
        .where(listed, Organisation.verified_at.is_not(None))
        .group_by(Organisation.id, Organisation.name)
    ).all()
    organisations = {
        org_id: Group(key=org_id, names=(name, name), measures=Measures(asked=asked, voted=voted, votes=votes))
        for org_id, name, asked, voted, votes in per_organisation
    }
    adopted = adopted_questions(session)
    for item in adopted:
        _add_adopted(overall, item)
        if item.topic_id in topics:
            _add_adopted(topics[item.topic_id], item)
        if item.organisation_id in organisations:
            _add_adopted(organisations[item.organisation_id], item)

    def order(groups):
        return sorted(groups, key=lambda g: (-g.measures.asked, g.key == "none", g.names[0].casefold(), str(g.key)))

    ranked_organisations = order(organisations.values())
    return Figures(
        overall=_finish(overall).measures,
        topics=[_finish(g) for g in order(topics.values())[:MAX_TOPICS]],
        organisations=[_finish(g) for g in ranked_organisations[:MAX_ORGANISATIONS]],
        more_organisations=len(ranked_organisations) > MAX_ORGANISATIONS,
        adopted=adopted,
        computed_at=utcnow(),
    )


# --- per month ------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """Whose months the chart shows: everything, one topic (None: no topic) or one organisation."""

    kind: str = "all"  # "all", "topic", "organisation"
    id: int | None = None

    def includes(self, item: Adopted) -> bool:
        if self.kind == "topic":
            return item.topic_id == self.id
        if self.kind == "organisation":
            return item.organisation_id == self.id
        return True


@dataclass(frozen=True)
class Month:
    start: date
    asked: int
    adopted: int
    answered: int


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The first moments (UTC) of the last `count` months in the site's time zone, and of the next month."""
    zone = site_zone()
    local = now.astimezone(zone)
    year, month = local.year, local.month
    firsts = []
    for back in range(count - 1, -2, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        firsts.append(datetime(y, m + 1, 1, tzinfo=zone))
    return [f.astimezone(now.tzinfo) for f in firsts]


def months(session: Session, adopted: list[Adopted], scope: Scope, now: datetime) -> list[Month]:
    """Questions asked per month (one indexed range scan with a sum per month, so month
    boundaries follow the site's time zone on both databases), and questions first
    adopted and first answered per month (from the adopted questions)."""
    bounds = month_starts(now)
    stmt = select(
        *(
            func.coalesce(func.sum(case((and_(Question.created_at >= a, Question.created_at < b), 1), else_=0)), 0)
            for a, b in zip(bounds, bounds[1:], strict=False)
        )
    ).where(Question.listed.is_(True), Question.created_at >= bounds[0], Question.created_at < bounds[-1])
    if scope.kind == "topic":
        stmt = stmt.where(Question.topic_id == scope.id if scope.id is not None else Question.topic_id.is_(None))
    elif scope.kind == "organisation":
        stmt = stmt.where(Question.organisation_id == scope.id)
    asked = list(session.execute(stmt).one())

    def bucket(moment: datetime | None) -> int | None:
        if moment is None or moment < bounds[0] or moment >= bounds[-1]:
            return None
        return next(i for i in range(MONTHS) if moment < bounds[i + 1])

    first_adopted, first_answered = [0] * MONTHS, [0] * MONTHS
    for item in adopted:
        if not scope.includes(item):
            continue
        if (i := bucket(item.first_adoption)) is not None:
            first_adopted[i] += 1
        if (i := bucket(item.first_answer)) is not None:
            first_answered[i] += 1
    zone = site_zone()
    return [
        Month(bounds[i].astimezone(zone).date(), asked[i], first_adopted[i], first_answered[i]) for i in range(MONTHS)
    ]


# --- the survey's results ---------------------------------------------------------------
@dataclass(frozen=True)
class Share:
    value: str
    label: Any  # a lazy string: said in the reader's language when shown, also from the cache
    share: float  # 0..1


@dataclass(frozen=True)
class SurveyQuestion:
    key: str
    answers: int
    shares: list[Share] | None  # None: fewer than MIN_ANSWERS answers


def survey_results(session: Session) -> list[SurveyQuestion]:
    rows = session.execute(
        select(SurveyResponse.first_time, SurveyResponse.trust, func.count()).group_by(
            SurveyResponse.first_time, SurveyResponse.trust
        )
    ).all()
    results = []
    for key, index, options in (("first_time", 0, FIRST_TIME), ("trust", 1, TRUST)):
        counts: dict[str, int] = {}
        for row in rows:
            if row[index] is not None:
                counts[row[index]] = counts.get(row[index], 0) + row[2]
        total = sum(counts.values())
        shares = (
            [Share(value, label, counts.get(value, 0) / total) for value, label in options]
            if total >= MIN_ANSWERS
            else None
        )
        results.append(SurveyQuestion(key, total, shares))
    return results


# --- a small per-process cache ------------------------------------------------------------
_lock = threading.Lock()


def cached(key: tuple, compute_value):
    """`compute_value()`, kept per app and process for IMPACT_CACHE_SECONDS (0: always fresh).
    One lock: readers arriving while the figures are computed wait for them instead of
    computing them again."""
    seconds = current_app.config.get("IMPACT_CACHE_SECONDS", CACHE_SECONDS)
    if not seconds:
        return compute_value()
    store = current_app.extensions.setdefault("crowdq.impact_cache", {})
    with _lock:
        hit = store.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        value = compute_value()
        if len(store) >= CACHE_MAX_ENTRIES:
            store.clear()
        store[key] = (time.monotonic() + seconds, value)
        return value


# --- answering the survey -------------------------------------------------------------------
def survey_due(session: Session, user) -> bool:
    """Whether to offer the survey: a member allowed to answer who has not seen it
    and has voted or asked a question of their own (one query, only while unseen)."""
    if getattr(user, "survey_seen_at", True) is not None or not policy.can(user, "survey.answer"):
        return False
    voted = exists().where(Vote.user_id == user.id)
    asked = exists().where(Question.author_id == user.id, Question.entered_by_id.is_(None))
    return bool(session.scalar(select(voted | asked)))


def _mark_seen(session: Session, user) -> bool:
    """Set survey_seen_at if it is not set; True only for the request whose UPDATE did it."""
    return bool(
        session.execute(
            update(User)
            .where(User.id == user.id, User.survey_seen_at.is_(None))
            .values(survey_seen_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def answer_survey(session: Session, actor, *, first_time: str | None, trust: str | None, today: date) -> bool:
    """Store one anonymous response (no member id, the day only) if the member had
    not answered or declined yet; False otherwise (a racing second answer too)."""
    policy.require(actor, "survey.answer")
    first_time, trust = first_time or None, trust or None
    errors = {}
    if first_time is not None and first_time not in dict(FIRST_TIME):
        errors["first_time"] = _("Unknown value.")
    if trust is not None and trust not in dict(TRUST):
        errors["trust"] = _("Unknown value.")
    if not errors and first_time is None and trust is None:
        errors[""] = _("Choose an answer to at least one question, or choose “No thanks”.")
    if errors:
        raise Invalid(errors)
    if not _mark_seen(session, actor):
        return False
    session.add(SurveyResponse(first_time=first_time, trust=trust, answered_on=today))
    session.flush()
    return True


def decline_survey(session: Session, actor) -> bool:
    """The member does not want to answer: remember only that they were asked."""
    policy.require(actor, "survey.answer")
    return _mark_seen(session, actor)
