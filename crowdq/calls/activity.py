"""A call's progress per day (in the site's time zone): new questions, votes
cast and participants (members who asked or voted that day), and the
geometry of the server-rendered SVG chart that shows the same numbers.

Counted from the rows of the call's public questions (not held, not hidden)
from the opening until now or the closing moment. A call runs for at most
`calls.services.MAX_DAYS` days, so the table stays short and the page light.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq.calls.times import site_zone
from crowdq.questions.models import Question, Topic, Vote


@dataclass(frozen=True)
class Day:
    day: date
    questions: int
    votes: int
    participants: int


@dataclass
class Activity:
    days: list[Day]
    total_questions: int = 0
    total_votes: int = 0
    total_participants: int = 0

    @property
    def empty(self) -> bool:
        return not self.days


def _visible(stmt, topic: Topic):
    return stmt.where(Question.topic_id == topic.id, Question.held.is_(False), Question.status != "hidden")


def per_day(session: Session, topic: Topic, now: datetime) -> Activity:
    if topic is None or not topic.is_call or now < topic.opens_at:
        return Activity(days=[])
    zone = site_zone()
    questions = session.execute(
        _visible(select(Question.created_at, Question.author_id), topic).where(
            Question.created_at >= topic.opens_at, Question.created_at < topic.closes_at, Question.created_at <= now
        )
    ).all()
    votes = session.execute(
        _visible(select(Vote.created_at, Vote.user_id).join(Question, Question.id == Vote.question_id), topic).where(
            Vote.created_at >= topic.opens_at, Vote.created_at < topic.closes_at, Vote.created_at <= now
        )
    ).all()
    asked: dict[date, int] = defaultdict(int)
    voted: dict[date, int] = defaultdict(int)
    people: dict[date, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for moment, user_id in questions:
        day = moment.astimezone(zone).date()
        asked[day] += 1
        people[day].add(user_id)
        everyone.add(user_id)
    for moment, user_id in votes:
        day = moment.astimezone(zone).date()
        voted[day] += 1
        people[day].add(user_id)
        everyone.add(user_id)
    first = topic.opens_at.astimezone(zone).date()
    last = min(now, topic.closes_at - timedelta(microseconds=1)).astimezone(zone).date()
    days = [
        Day(d, asked.get(d, 0), voted.get(d, 0), len(people.get(d, ())))
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    ]
    return Activity(days, len(questions), len(votes), len(everyone))


# --- the chart --------------------------------------------------------------------------
# Small user units, so the labels stay readable when a phone shrinks the picture to ~330 px.
WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 32
# Dots on every day while they stay apart; a longer call is drawn as plain lines.
MAX_DOTTED_DAYS = 31
SERIES = (
    # key, label, colour (AA on white), dash pattern: told apart without colour too
    ("questions", _l("New questions"), "#0b4f8a", ""),
    ("votes", _l("Votes"), "#146c2e", "8 5"),
    ("participants", _l("Participants"), "#8a4b00", "2 4"),
)


@dataclass
class Line:
    key: str
    label: str
    colour: str
    dash: str
    points: str
    values: str


@dataclass
class Chart:
    lines: list[Line]
    y_ticks: list[tuple[int, int]]  # (value, y)
    x_labels: list[tuple[date, int, str]]  # (day, x, text-anchor)
    dots: bool = True
    width: int = WIDTH
    height: int = HEIGHT
    plot: dict = field(default_factory=dict)


def _nice_max(value: int) -> int:
    """A round, even top for the y axis, at least 4 (so the middle tick is a whole number)."""
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(value)) - 1)
    for m in (1, 2, 4, 5, 6, 8, 10):
        top = m * magnitude
        if top >= value and top % 2 == 0:
            return top
    return 10 * magnitude


def chart(activity: Activity) -> Chart | None:
    if activity.empty:
        return None
    days = activity.days
    top = _nice_max(max(max(d.questions, d.votes, d.participants) for d in days))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(days) - 1) if len(days) > 1 else 0

    # Whole pixels in a 640-wide picture: exact enough, and a third shorter than decimals.
    def x(i: int) -> int:
        return round(LEFT + (i * step if len(days) > 1 else inner_w / 2))

    def y(v: int) -> int:
        return round(TOP + inner_h - inner_h * v / top)

    lines = []
    for key, label, colour, dash in SERIES:
        values = [getattr(d, key) for d in days]
        coords = [f"{x(i)},{y(v)}" for i, v in enumerate(values)]
        if len(coords) == 1:
            coords *= 2  # a one-point polyline draws nothing; its markers still show the day
        lines.append(Line(key, str(label), colour, dash, " ".join(coords), " ".join(map(str, values))))
    y_ticks = [(v, y(v)) for v in (0, top // 2, top)]
    if len(days) == 1:
        x_labels = [(days[0].day, x(0), "middle")]
    else:
        x_labels = [(days[0].day, x(0), "start"), (days[-1].day, x(len(days) - 1), "end")]
        if len(days) >= 5:
            middle = len(days) // 2
            x_labels.insert(1, (days[middle].day, x(middle), "middle"))
    return Chart(
        lines=lines,
        y_ticks=y_ticks,
        x_labels=x_labels,
        dots=len(days) <= MAX_DOTTED_DAYS,
        plot={"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
    )
