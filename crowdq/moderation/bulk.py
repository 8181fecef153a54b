"""Spam waves: remove every question and comment by one author, or with one
exact text, and suspend the author(s), in one step and one transaction."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.errors import Conflict, Invalid
from crowdq.moderation import decisions, reasons, sanctions
from crowdq.moderation.targets import Key, adapter, load
from crowdq.questions.models import Comment, Question

MAX_ITEMS = 500  # one step; a larger wave is taken in several


def select_items(session: Session, key: Key, by: str) -> list[Key]:
    """The questions and comments a bulk removal would take, still public or held."""
    row = load(session, key)
    if row is None or key.type not in ("question", "comment"):
        raise Invalid({"item": _("Bulk removal starts from a question or a comment.")})
    if by == "author":
        author_id = adapter(key.type).author_id(row)
        q_where = [Question.author_id == author_id]
        c_where = [Comment.author_id == author_id]
    elif by == "text":
        body = row.body if key.type == "comment" else None
        title = row.title if key.type == "question" else None
        q_where = [Question.title == (title or row.body)]
        c_where = [Comment.body == (body or row.title)]
    else:
        raise Invalid({"by": _("Choose one of the options in the list.")})
    questions = session.scalars(
        select(Question.id)
        .where(*q_where, Question.status != "merged")
        .where((Question.moderation_state.is_(None)) | (Question.moderation_state.in_(("held", "flagged", "hidden"))))
        .order_by(Question.id)
        .limit(MAX_ITEMS)
    ).all()
    comments = session.scalars(
        select(Comment.id)
        .where(*c_where, Comment.deleted_at.is_(None))
        .where((Comment.moderation_state.is_(None)) | (Comment.moderation_state.in_(("held", "flagged", "hidden"))))
        .order_by(Comment.id)
        .limit(MAX_ITEMS)
    ).all()
    return [Key("question", i) for i in questions] + [Key("comment", i) for i in comments]


def remove_wave(
    session: Session, actor, key: Key, by: str, reason_code: str, reason_text: str, sanction: str | None
) -> tuple[int, int]:
    """Remove the selected items and sanction their authors; returns (items removed, authors sanctioned)."""
    policy.require(actor, "content.moderate")
    reason_code, reason_text = reasons.clean(reason_code, reason_text)
    keys = select_items(session, key, by)
    if not keys:
        raise Conflict(_("Nothing left to remove."))
    authors: set[int] = set()
    for k in keys:
        row = load(session, k)
        authors.add(adapter(k.type).author_id(row))
        decisions.act(session, actor, k, "remove", reason_code, reason_text)
    sanctioned = 0
    if sanction:
        for author_id in sorted(a for a in authors if a is not None):
            member = session.get(User, author_id)
            if member is None or not policy.can(actor, "members.moderate", member):
                continue
            if member.status == "banned" or (sanction == "suspend" and member.is_suspended):
                continue
            sanctions.impose(session, actor, member, sanction, reason_code, reason_text)
            sanctioned += 1
    return len(keys), sanctioned
