"""Topics: admins create, edit, order and archive them (the CLI too).

A topic has a slug (its address, /topics/<slug>), a name and a short
description in Dutch and English, and a position in lists. Archived topics
keep their questions and pages but take no new questions. A question needs
no topic at all, so a fresh site with none works from the first minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.calls.state import OPEN, call_state, require_open
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.questions.models import Question, Topic

SLUG_MIN, SLUG_MAX = 2, 80
NAME_MAX = 120
DESCRIPTION_MAX = 500
POSITION_MAX = 9999
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# "none" is the list filter for questions without a topic; "new" would read
# like a page of its own.
RESERVED_SLUGS = frozenset({"none", "new"})
NO_TOPIC = "none"


@dataclass
class TopicFields:
    slug: str
    name_en: str
    name_nl: str
    description_en: str
    description_nl: str
    position: int | None


# --- reading -------------------------------------------------------------------------
def ordered(stmt):
    return stmt.order_by(Topic.position, Topic.slug)


def all_topics(session: Session) -> list[Topic]:
    """Every topic, archived ones included (filters and admin lists)."""
    return list(session.scalars(ordered(select(Topic))))


def open_topics(session: Session, now: datetime | None = None) -> list[Topic]:
    """Topics that take new questions now (not archived; calls only while open), in the admins' order."""
    now = now or utcnow()
    topics = session.scalars(ordered(select(Topic).where(Topic.archived_at.is_(None))))
    return [t for t in topics if not t.is_call or call_state(t, now) == OPEN]


def get_topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id) if 0 < topic_id <= MAX_ID else None
    if topic is None:
        raise NotFound("topic")
    return topic


def by_slug(session: Session, slug: str) -> Topic | None:
    if not slug or len(slug) > SLUG_MAX:
        return None
    return session.scalar(select(Topic).where(Topic.slug == slug))


def question_counts(session: Session) -> dict[int | None, int]:
    """Listed questions per topic id (None: no topic), in one query."""
    rows = session.execute(
        select(Question.topic_id, func.count()).where(Question.listed.is_(True)).group_by(Question.topic_id)
    )
    return {topic_id: n for topic_id, n in rows}


def topic_for_question(
    session: Session,
    topic_id: int | None,
    current_topic_id: int | None = None,
    now: datetime | None = None,
    *,
    editing: bool = False,
) -> Topic | None:
    """The topic a question may be filed under: none, an open topic, or a
    call for questions while it is open.

    Editing, a question may stay in its own topic even if that was archived
    since; questions do not move into or out of a call (its votes and budgets
    belong to it).
    """
    current = session.get(Topic, current_topic_id) if current_topic_id else None
    if topic_id is None:
        if current is not None and current.is_call:
            raise Invalid({"topic": _("Questions in a call for questions stay in it.")})
        return None
    topic = session.get(Topic, topic_id) if isinstance(topic_id, int) and 0 < topic_id <= MAX_ID else None
    if topic is None:
        raise Invalid({"topic": _("Choose a topic from the list.")})
    if topic.id == current_topic_id:
        return topic
    if current is not None and current.is_call:
        raise Invalid({"topic": _("Questions in a call for questions stay in it.")})
    if topic.is_archived:
        raise Invalid({"topic": _("This topic is archived and takes no new questions. Choose another one.")})
    if topic.is_call:
        if editing:
            raise Invalid({"topic": _("Ask a new question in the call instead of moving this one into it.")})
        try:
            require_open(topic, now or utcnow())
        except Conflict as error:
            raise Invalid({"topic": error.message}) from None
    return topic


# --- validation ------------------------------------------------------------------------
def clean_slug(value: str | None) -> str:
    slug = (value or "").strip().lower()
    if len(slug) < SLUG_MIN or len(slug) > SLUG_MAX or not SLUG_RE.match(slug):
        raise Invalid(
            {
                "slug": _(
                    "Use %(min)d to %(max)d lower-case letters, digits and single hyphens, like water-and-soil.",
                    min=SLUG_MIN,
                    max=SLUG_MAX,
                )
            }
        )
    if slug in RESERVED_SLUGS:
        raise Invalid({"slug": _("This address is reserved. Choose another one.")})
    return slug


def _clean_name(value: str | None, field: str, optional: bool = False) -> str:
    name = text.normalise_line(value)
    if not name and not optional:
        raise Invalid({field: _("Enter a name.")})
    if len(name) > NAME_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=NAME_MAX)})
    return name


def _clean_description(value: str | None, field: str) -> str:
    description = text.normalise_line(value)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=DESCRIPTION_MAX)})
    return description


def _clean_position(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise Invalid({"position": _("Use a whole number from 0 to %(max)d.", max=POSITION_MAX)})
    return value


def clean_fields(
    *,
    slug: str | None = None,
    name_en: str | None = None,
    name_nl: str | None = None,
    description_en: str | None = "",
    description_nl: str | None = "",
    position=None,
    one_name_enough: bool = False,
) -> TopicFields:
    """Check every field, reporting all problems at once.

    A topic needs both names; a call for questions one of them (its page
    shows the other language's where one is missing).
    """
    errors: dict[str, str] = {}
    values: dict = {}
    has_one = bool(text.normalise_line(name_en) or text.normalise_line(name_nl))
    optional = one_name_enough and has_one
    checks = {
        "name_en": lambda: _clean_name(name_en, "name_en", optional),
        "name_nl": lambda: _clean_name(name_nl, "name_nl", optional),
        # An empty slug is made from the English name (or the Dutch one).
        "slug": lambda: clean_slug(
            slug if (slug or "").strip() else text.slugify(name_en or "") or text.slugify(name_nl or "")
        ),
        "description_en": lambda: _clean_description(description_en, "description_en"),
        "description_nl": lambda: _clean_description(description_nl, "description_nl"),
        "position": lambda: _clean_position(position),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    return TopicFields(**values)


# --- changing ----------------------------------------------------------------------------
def _slug_taken(session: Session, slug: str, topic_id: int | None) -> bool:
    stmt = select(Topic.id).where(Topic.slug == slug)
    if topic_id is not None:
        stmt = stmt.where(Topic.id != topic_id)
    return session.scalar(stmt) is not None


def _has_questions(session: Session, topic: Topic) -> bool:
    return session.scalar(select(Question.id).where(Question.topic_id == topic.id).limit(1)) is not None


def _next_position(session: Session) -> int:
    highest = session.scalar(select(func.max(Topic.position)))
    return min((highest or 0) + 1, POSITION_MAX) if highest is not None else 1


def create_topic(session: Session, actor, **fields) -> Topic:
    """Admins add a topic; it goes at the end of the list unless a position is given."""
    policy.require(actor, "topic.manage")
    clean = clean_fields(**fields)
    if _slug_taken(session, clean.slug, None):
        raise Invalid({"slug": _("Another topic already uses this address.")})
    topic = Topic(
        slug=clean.slug,
        name_en=clean.name_en,
        name_nl=clean.name_nl,
        description_en=clean.description_en,
        description_nl=clean.description_nl,
        position=clean.position if clean.position is not None else _next_position(session),
        created_at=utcnow(),
    )
    session.add(topic)
    session.flush()
    events.record(session, "topic.created", actor, topic, slug=topic.slug)
    return topic


def update_topic(session: Session, actor, topic: Topic, **fields) -> list[str]:
    """Change a topic; returns the names of the fields that changed.

    The address may change only while no question is filed under the topic,
    so links people shared keep working.
    """
    policy.require(actor, "topic.manage", topic)
    clean = clean_fields(**fields, one_name_enough=topic.is_call)
    if clean.slug != topic.slug:
        if _has_questions(session, topic):
            raise Invalid({"slug": _("This topic has questions, so its address can no longer change.")})
        if _slug_taken(session, clean.slug, topic.id):
            raise Invalid({"slug": _("Another topic already uses this address.")})
    new = {
        "slug": clean.slug,
        "name_en": clean.name_en,
        "name_nl": clean.name_nl,
        "description_en": clean.description_en,
        "description_nl": clean.description_nl,
        "position": clean.position if clean.position is not None else topic.position,
    }
    changed = [name for name, value in new.items() if getattr(topic, name) != value]
    if changed:
        for name in changed:
            setattr(topic, name, new[name])
        topic.updated_at = utcnow()
        events.record(session, "topic.updated", actor, topic, fields=changed)
    return changed


def set_archived(session: Session, actor, topic: Topic, archived: bool) -> bool:
    """Archive a topic (no new questions; its pages stay) or open it again."""
    policy.require(actor, "topic.manage", topic)
    if topic.is_archived == archived:
        return False
    topic.archived_at = utcnow() if archived else None
    topic.updated_at = utcnow()
    events.record(session, "topic.archived" if archived else "topic.reopened", actor, topic)
    return True


def upsert_topic(session: Session, actor, slug: str, **fields) -> tuple[Topic, str]:
    """Create the topic with this slug, or bring it up to date (the CLI twin).

    Fields given as None keep their current value. Returns the topic and
    "created", "updated" or "unchanged".
    """
    existing = by_slug(session, clean_slug(slug))
    if existing is None:
        topic = create_topic(session, actor, slug=slug, **fields)
        return topic, "created"
    current = {
        "name_en": existing.name_en,
        "name_nl": existing.name_nl,
        "description_en": existing.description_en,
        "description_nl": existing.description_nl,
        "position": existing.position,
    }
    current.update({k: v for k, v in fields.items() if v is not None})
    changed = update_topic(session, actor, existing, slug=existing.slug, **current)
    return existing, "updated" if changed else "unchanged"
