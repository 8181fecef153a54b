"""Comments on questions: one level of replies, edit, delete (flags: crowdq.moderation.flags)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from crowdq import events, policy, text
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.moderation import prevention
from crowdq.questions.models import Comment, Question

COMMENT_MAX = 5_000


def clean_comment(value: str | None) -> str:
    body = text.normalise_text(value)
    if not body:
        raise Invalid({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX:
        raise Invalid({"body": _("Keep your comment to at most %(n)d characters.", n=COMMENT_MAX)})
    return body


def get_comment(session: Session, comment_id: int, actor=None) -> Comment:
    """The comment, if the actor may see the question it belongs to: a
    comment on a hidden or held question is as hidden as the question."""
    comment = session.get(Comment, comment_id) if 0 < comment_id <= MAX_ID else None
    if comment is None:
        raise NotFound("comment")
    question = session.get(Question, comment.question_id)
    if question is None or not policy.can(actor, "question.view", question):
        raise NotFound("comment")
    return comment


def add_comment(session: Session, actor, question: Question, body: str, parent_id: int | None = None) -> Comment:
    """Comment on a question, or reply to a comment (replies stay one level deep)."""
    policy.require(actor, "comment.create", question)
    if question.comments_closed:
        raise Conflict(_("Comments are closed on this question."))
    if question.status in ("merged", "hidden") or question.held:
        raise Conflict(_("This question does not take comments."))
    body = clean_comment(body)
    parent = None
    if parent_id is not None:
        parent = session.get(Comment, parent_id) if isinstance(parent_id, int) and 0 < parent_id <= MAX_ID else None
        if parent is None or parent.question_id != question.id:
            raise Invalid({"parent_id": _("The comment you reply to no longer exists.")})
        if parent.parent_id is not None:
            parent = session.get(Comment, parent.parent_id)
        # A moderated comment takes no replies: a reply would quote or prolong what was hidden.
        if parent.moderation_state is not None or parent.deleted_at is not None:
            raise Conflict(_("This comment is no longer open for replies."))
    screening = prevention.screen(session, actor, question.language, {"body": body})
    body = screening.texts["body"]
    comment = Comment(
        question_id=question.id,
        author_id=actor.id,
        parent_id=parent.id if parent else None,
        body=body,
        body_html=text.render(body),
        created_at=utcnow(),
    )
    session.add(comment)
    session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(comment_count=Question.comment_count + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    # Held for review: the comment adapter takes it out of comment_count again, in this transaction.
    prevention.apply(session, comment, screening)
    events.record(session, "comment.created", actor, question, comment_id=comment.id, reply=parent is not None)
    return comment


def edit_comment(session: Session, actor, comment: Comment, body: str) -> None:
    policy.require(actor, "comment.edit", comment)
    body = clean_comment(body)
    if body == comment.body:
        return
    question = session.get(Question, comment.question_id)
    screening = prevention.screen(
        session, actor, question.language if question else None, {"body": body}, checks=prevention.EDIT
    )
    body = screening.texts["body"]
    comment.body = body
    comment.body_html = text.render(body)
    comment.edited_at = utcnow()
    session.flush()
    prevention.apply(session, comment, screening)
    events.record(session, "comment.edited", actor, comment)


def delete_comment(session: Session, actor, comment: Comment) -> bool:
    """Soft delete: the thread keeps its shape, the text is gone.

    Returns False when the comment was deleted already. The count changes
    only if this request's own UPDATE deleted the row, so twenty racing
    deletes of one comment lower it once.
    """
    policy.require(actor, "comment.delete", comment)
    deleted = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow(), body="", body_html="")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(comment)
    if not deleted:
        return False
    session.execute(
        update(Question)
        .where(Question.id == comment.question_id)
        .values(comment_count=Question.comment_count - 1)
        .execution_options(synchronize_session=False)
    )
    events.record(session, "comment.deleted", actor, comment, by_moderator=actor.id != comment.author_id)
    return True


def set_comments_closed(session: Session, actor, question: Question, closed: bool) -> None:
    policy.require(actor, "comments.close", question)
    question.comments_closed = closed
    events.record(session, "question.comments_closed" if closed else "question.comments_opened", actor, question)


def thread(session: Session, question_id: int) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments, oldest first, each with its replies."""
    comments = session.scalars(
        select(Comment)
        .where(Comment.question_id == question_id)
        .order_by(Comment.created_at, Comment.id)
        .options(selectinload(Comment.author))
    ).all()
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in comments if c.parent_id is None]
