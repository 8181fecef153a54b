"""The audit log: every moderator and admin action, append-only.

`log` is the one writer; nothing in the application updates or deletes a
row (and the database refuses to: crowdq.moderation.models). The public
report counts actions by month and kind, without names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from crowdq.db import MAX_ID, utcnow
from crowdq.moderation.models import ModerationAction
from crowdq.moderation.targets import Key

ACTION_LABELS = {
    "flags.hide": _l("Hidden after flags from the community"),
    "keep": _l("Kept (flags dismissed)"),
    "release": _l("Published after review"),
    "hide": _l("Hidden"),
    "remove": _l("Removed"),
    "restore": _l("Restored"),
    "edit": _l("Edited"),
    "close": _l("Question closed"),
    "reopen": _l("Question reopened"),
    "close_comments": _l("Comments closed"),
    "open_comments": _l("Comments opened"),
    "hold": _l("Held for review"),
    "warn": _l("Warning"),
    "silence": _l("Silenced"),
    "suspend": _l("Suspended"),
    "ban": _l("Banned"),
    "lift": _l("Sanction lifted"),
    "trust.set": _l("Trust level set"),
    "appeal.upheld": _l("Appeal decided: the action stands"),
    "appeal.overturned": _l("Appeal decided: the action was undone"),
    "bulk.remove": _l("Spam wave removed"),
    "watched.add": _l("Watched word added"),
    "watched.remove": _l("Watched word removed"),
    "settings.changed": _l("Moderation settings changed"),
}
PAGE_SIZE = 50


def log(
    session: Session,
    actor,
    action: str,
    key: Key | None = None,
    *,
    member_id: int | None = None,
    reason_code: str = "",
    reason_text: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ends_at: datetime | None = None,
) -> ModerationAction:
    entry = ModerationAction(
        actor_id=getattr(actor, "id", None),
        action=action,
        member_id=member_id,
        reason_code=reason_code,
        reason_text=reason_text,
        before=before,
        after=after,
        ends_at=ends_at,
        created_at=utcnow(),
        **(key.columns() if key is not None else {}),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class LogFilter:
    moderator_id: int | None = None
    member_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    before_id: int | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def entries(session: Session, f: LogFilter) -> tuple[list[ModerationAction], int | None]:
    """Newest first, PAGE_SIZE at a time; returns the rows and the id to continue before."""
    stmt = select(ModerationAction).order_by(ModerationAction.id.desc()).limit(PAGE_SIZE + 1)
    if f.moderator_id:
        stmt = stmt.where(ModerationAction.actor_id == f.moderator_id)
    if f.member_id:
        stmt = stmt.where(ModerationAction.member_id == f.member_id)
    if f.action:
        stmt = stmt.where(ModerationAction.action == f.action)
    if f.since:
        stmt = stmt.where(ModerationAction.created_at >= _day_start(f.since))
    if f.until:
        stmt = stmt.where(ModerationAction.created_at < _day_start(f.until) + timedelta(days=1))
    if f.before_id and 0 < f.before_id <= MAX_ID:
        stmt = stmt.where(ModerationAction.id < f.before_id)
    rows = session.scalars(
        stmt.options(selectinload(ModerationAction.actor), selectinload(ModerationAction.member))
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more else None)


# Actions the public report counts (admin settings and watched words are not moderation of content or people).
REPORTED = (
    "flags.hide",
    "keep",
    "release",
    "hide",
    "remove",
    "restore",
    "edit",
    "close",
    "close_comments",
    "hold",
    "warn",
    "silence",
    "suspend",
    "ban",
    "lift",
    "appeal.upheld",
    "appeal.overturned",
    "bulk.remove",
)


def monthly_report(session: Session, months: int = 12) -> list[tuple[str, dict[str, int]]]:
    """[(YYYY-MM, {action: count})] for the last `months` months, newest first: one
    grouped count per month on the created_at index, never the rows themselves."""
    now = utcnow()
    start = date(now.year, now.month, 1)
    result = []
    for _ in range(months):
        end = (start + timedelta(days=32)).replace(day=1)
        counts = dict(
            session.execute(
                select(ModerationAction.action, func.count())
                .where(
                    ModerationAction.created_at >= _day_start(start),
                    ModerationAction.created_at < _day_start(end),
                    ModerationAction.action.in_(REPORTED),
                )
                .group_by(ModerationAction.action)
            ).all()
        )
        result.append((start.strftime("%Y-%m"), counts))
        start = (start - timedelta(days=1)).replace(day=1)
    return result


def history(session: Session, member_id: int, limit: int = 10) -> list[ModerationAction]:
    """Earlier decisions about a member, for the review queue."""
    return session.scalars(
        select(ModerationAction)
        .where(ModerationAction.member_id == member_id, ModerationAction.action.in_(REPORTED))
        .order_by(ModerationAction.id.desc())
        .limit(limit)
    ).all()


def histories(session: Session, member_ids, limit: int = 5) -> dict[int, list[ModerationAction]]:
    """The last `limit` decisions about each of several members, in one query (the queue's page)."""
    ids = sorted({i for i in member_ids if i is not None})
    if not ids:
        return {}
    numbered = (
        select(
            ModerationAction.id,
            func.row_number()
            .over(partition_by=ModerationAction.member_id, order_by=ModerationAction.id.desc())
            .label("n"),
        )
        .where(ModerationAction.member_id.in_(ids), ModerationAction.action.in_(REPORTED))
        .subquery()
    )
    found: dict[int, list[ModerationAction]] = {}
    for entry in session.scalars(
        select(ModerationAction)
        .join(numbered, numbered.c.id == ModerationAction.id)
        .where(numbered.c.n <= limit)
        .order_by(ModerationAction.id.desc())
    ):
        found.setdefault(entry.member_id, []).append(entry)
    return found


def count_upheld(session: Session, member_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ModerationAction)
            .where(
                ModerationAction.member_id == member_id, ModerationAction.action.in_(("flags.hide", "hide", "remove"))
            )
        )
        or 0
    )
