"""The review queue: everything that waits for a moderator's decision.

One open item per (kind, target): flags add to it, a decision closes it.
The queue reads in urgency order (personal data first, then flag weight,
then age) from one index, a page at a time (keyset), so it stays fast
with a hundred thousand open items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from crowdq.db import MAX_ID, utcnow
from crowdq.moderation.models import REVIEW_KINDS, Flag, ReviewItem
from crowdq.moderation.targets import Key, adapter, load_many

PAGE_SIZE = 10  # each item carries its content, flags and a decision form: a page stays under 60 KB
FLAGS_SHOWN = 5  # per item in the queue; the item's own page lists them all


def _open_where(kind: str, key: Key):
    return (
        ReviewItem.kind == kind,
        ReviewItem.target_type == key.type,
        ReviewItem.target_id == key.id,
        ReviewItem.target_sub == key.sub,
        ReviewItem.status == "open",
    )


def open_item(session: Session, kind: str, key: Key, author_id: int | None, detail: str = "") -> ReviewItem:
    """The open item of this kind for the target, created if there is none (racing creators share one)."""
    item = session.scalars(select(ReviewItem).where(*_open_where(kind, key))).first()
    if item is not None:
        if detail and detail not in item.detail:
            item.detail = (item.detail + "\n" + detail).strip()
        return item
    try:
        with session.begin_nested():
            item = ReviewItem(
                kind=kind,
                author_id=author_id,
                detail=detail,
                opened_at=utcnow(),
                flag_weight=0,
                flag_count=0,
                personal_data=False,
                **key.columns(),
            )
            item.refresh_rank()
            session.add(item)
            session.flush()
        return item
    except IntegrityError:
        return session.scalars(select(ReviewItem).where(*_open_where(kind, key))).one()


def open_items_for(session: Session, key: Key) -> list[ReviewItem]:
    return session.scalars(
        select(ReviewItem).where(
            ReviewItem.target_type == key.type,
            ReviewItem.target_id == key.id,
            ReviewItem.target_sub == key.sub,
            ReviewItem.status == "open",
        )
    ).all()


def get_item(session: Session, item_id: int) -> ReviewItem | None:
    return session.get(ReviewItem, item_id) if 0 < item_id <= MAX_ID else None


@dataclass
class Entry:
    item: ReviewItem
    row: Any
    key: Key
    question: Any = None
    flags: list[Flag] = field(default_factory=list)


@dataclass
class QueuePage:
    entries: list[Entry]
    next_after: str | None
    kind: str | None


def parse_after(value: str | None) -> tuple[int, str, int] | None:
    """The keyset cursor "rank.opened_at_epoch_us.id" from a URL; None when malformed."""
    if not value or len(value) > 60:
        return None
    parts = value.split(".")
    if len(parts) != 3:
        return None
    try:
        rank, micros, item_id = (int(p) for p in parts)
    except ValueError:
        return None
    if not (-(2**31) < rank < 2**31 and 0 <= micros < 2**53 and 0 < item_id <= MAX_ID):
        return None
    from datetime import datetime

    return rank, datetime.fromtimestamp(micros / 1_000_000, tz=UTC), item_id


def _cursor(item: ReviewItem) -> str:
    return f"{item.rank}.{int(item.opened_at.timestamp() * 1_000_000)}.{item.id}"


def page(session: Session, kind: str | None = None, after=None) -> QueuePage:
    """One page of open items, most urgent first, with each item's content, context and flags."""
    stmt = select(ReviewItem).where(ReviewItem.status == "open")
    if kind in REVIEW_KINDS:
        stmt = stmt.where(ReviewItem.kind == kind)
    if after is not None:
        columns = (ReviewItem.rank, ReviewItem.opened_at, ReviewItem.id)
        # The cursor's values carry the columns' types (UTCDateTime), so PostgreSQL compares them
        # whatever the session's time zone.
        stmt = stmt.where(tuple_(*columns) > tuple_(*(literal(v, c.type) for c, v in zip(columns, after, strict=True))))
    items = session.scalars(
        stmt.order_by(ReviewItem.rank, ReviewItem.opened_at, ReviewItem.id)
        .limit(PAGE_SIZE + 1)
        .options(selectinload(ReviewItem.author))
    ).all()
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    ids = [i.id for i in items]
    flags_by_item: dict[int, list[Flag]] = {}
    if ids:
        # The newest FLAGS_SHOWN flags of each item (an item may carry hundreds), in one query.
        numbered = (
            select(Flag.id, func.row_number().over(partition_by=Flag.review_id, order_by=Flag.id.desc()).label("n"))
            .where(Flag.review_id.in_(ids))
            .subquery()
        )
        for f in session.scalars(
            select(Flag)
            .join(numbered, numbered.c.id == Flag.id)
            .where(numbered.c.n <= FLAGS_SHOWN)
            .order_by(Flag.id)
            .options(selectinload(Flag.reporter))
        ):
            flags_by_item.setdefault(f.review_id, []).append(f)
    keys = [Key(i.target_type, i.target_id, i.target_sub) for i in items]
    rows = load_many(session, [k for k, i in zip(keys, items, strict=True) if i.kind != "appeal"])
    appeals = {}
    appeal_ids = [i.appeal_id for i in items if i.kind == "appeal" and i.appeal_id]
    if appeal_ids:
        from crowdq.moderation.models import Appeal

        appeals = {a.id: a for a in session.scalars(select(Appeal).where(Appeal.id.in_(appeal_ids)))}
    question_ids = set()
    for key in keys:
        row = rows.get(key)
        if row is not None and key.type != "question":
            qid = adapter(key.type).question_id(row)
            if qid is not None:
                question_ids.add(qid)
    questions = {}
    if question_ids:
        from crowdq.questions.models import Question

        questions = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(question_ids)))}
    entries = []
    for item, key in zip(items, keys, strict=True):
        row = appeals.get(item.appeal_id) if item.kind == "appeal" else rows.get(key)
        entry = Entry(item=item, row=row, key=key, flags=flags_by_item.get(item.id, []))
        if row is not None and item.kind != "appeal" and key.type != "question":
            entry.question = questions.get(adapter(key.type).question_id(row))
        entries.append(entry)
    return QueuePage(entries=entries, next_after=_cursor(items[-1]) if more else None, kind=kind)


OPEN_COUNT_CAP = 1000


def open_count(session: Session) -> int:
    """Open items, counted up to OPEN_COUNT_CAP (the page says "1,000 or more"): a full count of a long queue
    costs more than the page itself."""
    capped = select(ReviewItem.id).where(ReviewItem.status == "open").limit(OPEN_COUNT_CAP).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0
