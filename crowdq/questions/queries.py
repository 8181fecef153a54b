"""Read side: question lists with filters, sorts and keyset pagination.

Every sort orders by (key, id) and pages with a cursor "key~id" naming the
last row shown, so page 10,000 costs the same as page 1 (an OFFSET would
scan every row before it). Each sort has an index leading with `listed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Invalid
from crowdq.organisations.models import Organisation
from crowdq.questions.models import LANGUAGES, Question, Tag, Topic, question_tags
from crowdq.questions.topics import NO_TOPIC

SORTS = {
    "trending": _l("Trending"),
    "votes": _l("Most votes"),
    "newest": _l("Newest"),
    "discussed": _l("Most discussed"),
    "needs_votes": _l("Needs votes"),
}
PUBLIC_STATUSES = ("open", "adopted", "answered", "closed", "merged")
NEEDS_VOTES_DAYS = 30
NEEDS_VOTES_MAX = 5
MAX_PER_PAGE = 100
# What a question card shows besides the row itself (one query each, not one per card).
CARD_OPTIONS = (selectinload(Question.topic), selectinload(Question.tags))


@dataclass
class Filters:
    topic: str | None = None
    status: str | None = None
    language: str | None = None
    organisation: str | None = None
    tag: str | None = None
    place: str | None = None

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class Page:
    items: list[Question]
    next_cursor: str | None
    sort: str
    filters: Filters = field(default_factory=Filters)


def parse_filters(args) -> Filters:
    """Filters from a query string; unknown values are refused (400)."""

    def one(name: str, limit: int = 100) -> str | None:
        value = (args.get(name) or "").strip()
        if len(value) > limit:
            raise Invalid({name: _l("This filter value is too long.")})
        if any(not ch.isprintable() for ch in value):
            raise Invalid({name: _l("This filter value contains characters that cannot be used.")})
        return value or None

    filters = Filters(
        topic=one("topic"),
        status=one("status"),
        language=one("language"),
        organisation=one("organisation"),
        tag=one("tag", 40),
        place=one("place"),
    )
    if filters.status and filters.status not in PUBLIC_STATUSES:
        raise Invalid({"status": _l("Unknown status.")})
    if filters.language and filters.language not in LANGUAGES:
        raise Invalid({"language": _l("Unknown language.")})
    return filters


def parse_sort(value: str | None) -> str:
    if not value:
        return "trending"
    if value not in SORTS:
        raise Invalid({"sort": _l("Unknown sort order.")})
    return value


def _sort_key(sort: str):
    return {
        "trending": Question.trending_score,
        "votes": Question.vote_count,
        "newest": Question.created_at,
        "discussed": Question.comment_count,
        "needs_votes": Question.vote_count,
    }[sort]


def _encode(sort: str, q: Question) -> str:
    value = getattr(q, _sort_key(sort).key)
    if isinstance(value, datetime):
        value = value.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    elif isinstance(value, float):
        value = repr(value)
    return f"{value}~{q.id}"


def _decode(sort: str, cursor: str):
    error = Invalid({"after": _l("This page link is broken. Start again from the first page.")})
    if len(cursor) > 80 or cursor.count("~") != 1:
        raise error
    raw, raw_id = cursor.split("~")
    try:
        last_id = int(raw_id)
        if sort == "newest":
            value = datetime.strptime(raw, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
        elif sort == "trending":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        else:
            value = int(raw)
    except (ValueError, OverflowError):
        raise error from None
    if not (0 < last_id <= MAX_ID) or (isinstance(value, int) and not (0 <= value <= MAX_ID)):
        raise error
    return value, last_id


def _filtered(stmt, filters: Filters):
    if filters.status == "merged":
        stmt = stmt.where(Question.status == "merged", Question.held.is_(False))
    else:
        stmt = stmt.where(Question.listed.is_(True))
        if filters.status:
            stmt = stmt.where(Question.status == filters.status)
    if filters.topic == NO_TOPIC:
        stmt = stmt.where(Question.topic_id.is_(None))
    elif filters.topic:
        stmt = stmt.where(Question.topic_id == select(Topic.id).where(Topic.slug == filters.topic).scalar_subquery())
    if filters.language:
        stmt = stmt.where(Question.language == filters.language)
    if filters.organisation:
        org_id = select(Organisation.id).where(Organisation.slug == filters.organisation).scalar_subquery()
        stmt = stmt.where(Question.organisation_id == org_id)
    if filters.tag:
        tag_id = select(Tag.id).where(Tag.name == filters.tag.lower()).scalar_subquery()
        stmt = stmt.where(Question.id.in_(select(question_tags.c.question_id).where(question_tags.c.tag_id == tag_id)))
    if filters.place:
        stmt = stmt.where(Question.place == filters.place)
    return stmt


def list_questions(
    session: Session,
    sort: str = "trending",
    filters: Filters | None = None,
    after: str | None = None,
    per_page: int = 20,
) -> Page:
    filters = filters or Filters()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    key = _sort_key(sort)
    stmt = _filtered(select(Question), filters)
    ascending = sort == "needs_votes"
    if sort == "needs_votes":
        stmt = stmt.where(
            Question.created_at >= utcnow() - timedelta(days=NEEDS_VOTES_DAYS),
            Question.vote_count < NEEDS_VOTES_MAX,
            Question.status == "open",
        )
    if after:
        value, last_id = _decode(sort, after)
        if ascending:
            # Mixed directions (key up, id down): bound the key so the index
            # scan starts near the cursor.
            stmt = stmt.where(key >= value, or_(key > value, Question.id < last_id))
        else:
            # A row comparison lets both databases start the index scan
            # exactly at the cursor, however many rows share its key.
            stmt = stmt.where(tuple_(key, Question.id) < tuple_(value, last_id))
    order = (key.asc() if ascending else key.desc(), Question.id.desc())
    stmt = stmt.order_by(*order).limit(per_page + 1).options(*CARD_OPTIONS)
    rows = list(session.scalars(stmt))
    next_cursor = _encode(sort, rows[per_page - 1]) if len(rows) > per_page else None
    return Page(items=rows[:per_page], next_cursor=next_cursor, sort=sort, filters=filters)


def topics_with_counts(session: Session) -> list[tuple[Topic, int]]:
    """Open topics in the admins' order, each with its number of listed questions."""
    counts = (
        select(Question.topic_id, func.count().label("n"))
        .where(Question.listed.is_(True), Question.topic_id.is_not(None))
        .group_by(Question.topic_id)
        .subquery()
    )
    rows = session.execute(
        select(Topic, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.topic_id == Topic.id)
        .where(Topic.archived_at.is_(None))
        .order_by(Topic.position, Topic.slug)
    )
    return [(topic, n) for topic, n in rows]
