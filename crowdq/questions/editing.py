"""Editing questions. Every edit keeps the old text as a public revision."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from crowdq import events, policy, search, text
from crowdq.calls.results import ensure_frozen
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.moderation import prevention
from crowdq.questions import services, topics
from crowdq.questions.models import Question, QuestionRevision, Vote


def revision_count(session: Session, question_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(QuestionRevision).where(QuestionRevision.question_id == question_id)
        )
        or 0
    )


def title_locked(session: Session, question: Question) -> bool:
    """True once someone other than the author has voted: voters must not
    find they supported a different question."""
    return bool(
        session.scalar(select(exists().where(Vote.question_id == question.id, Vote.user_id != question.author_id)))
    )


def edit(
    session: Session,
    actor,
    question: Question,
    *,
    title: str,
    body: str,
    topic_id: int | None,
    language: str,
    tags: str | list[str] | None,
    place: str | None,
) -> bool:
    """Apply an edit; returns False when nothing changed (no revision then)."""
    policy.require(actor, "question.edit", question)
    if question.topic is not None and question.topic.is_call:
        ensure_frozen(session, question.topic)  # a closed call's final ranking keeps the old text
    new_title, new_body = services.clean_title(title), services.clean_body(body)
    topic = topics.topic_for_question(session, topic_id, current_topic_id=question.topic_id, editing=True)
    new_language = services.clean_language(language)
    tag_names, new_place = services.clean_tags(tags), services.clean_place(place)
    if new_title != question.title and title_locked(session, question):
        if not policy.can(actor, "question.edit_locked_title", question):
            raise Invalid(
                {
                    "title": _(
                        "Others have voted for this question, so only a moderator or researcher can change its title."
                    )
                }
            )
    changed = (
        new_title != question.title
        or new_body != question.body
        or (topic.id if topic else None) != question.topic_id
        or new_language != question.language
        or new_place != question.place
        or tag_names != [t.name for t in question.tags]
    )
    if not changed:
        return False
    # Only the changed texts are screened: a word watched since the question was published does not
    # stop a change of its tags, nor hold again a question a moderator released.
    changed_texts = {}
    if new_title != question.title:
        changed_texts["title"] = new_title
    if new_body != question.body:
        changed_texts["body"] = new_body
    screening = prevention.screen(session, actor, new_language, changed_texts, checks=prevention.EDIT)
    new_title = screening.texts.get("title", new_title)
    new_body = screening.texts.get("body", new_body)
    if new_title != question.title or new_body != question.body:
        session.add(
            QuestionRevision(question_id=question.id, editor_id=actor.id, title=question.title, body=question.body)
        )
    question.title, question.body, question.body_html = new_title, new_body, text.render(new_body)
    question.topic, question.language, question.place = topic, new_language, new_place
    question.tags = services.tags_by_name(session, tag_names)
    question.updated_at = utcnow()
    session.flush()
    prevention.apply(session, question, screening)
    search.index_question(session, question)
    events.record(session, "question.edited", actor, question, by_author=actor.id == question.author_id)
    return True
