"""Question rules: submit, vote, follow.

Counts on the question change in the same transaction as the rows they
count, with SQL increments (never read-modify-write), and the unique
(member, question) keys make a repeated vote a no-op even when two requests
race. Comments and edits are in questions.discussion and questions.editing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import events, policy, search, text
from crowdq.calls import budgets
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.moderation import prevention
from crowdq.questions import counts, settings, topics, trending
from crowdq.questions.models import LANGUAGES, Question, QuestionFollow, Tag, Vote
from crowdq.search import terms as search_terms

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MAX = 10_000
PLACE_MAX = 100
TAGS_MAX = 5
TAG_RE = re.compile(r"^[^\W_](?:(?:[^\W_]|-){0,38}[^\W_])?$")


# --- validation ----------------------------------------------------------------
def clean_title(value: str | None) -> str:
    title = text.normalise_line(value)
    if len(title) < TITLE_MIN:
        raise Invalid({"title": _("Write a title of at least %(n)d characters.", n=TITLE_MIN)})
    if len(title) > TITLE_MAX:
        raise Invalid({"title": _("Keep the title to at most %(n)d characters.", n=TITLE_MAX)})
    return title


def clean_body(value: str | None) -> str:
    body = text.normalise_text(value)
    if len(body) > BODY_MAX:
        raise Invalid({"body": _("Keep the explanation to at most %(n)d characters.", n=BODY_MAX)})
    return body


def clean_tags(value: str | list[str] | None) -> list[str]:
    raw = value if isinstance(value, list) else (value or "").split(",")
    tags: list[str] = []
    for item in raw:
        tag = text.normalise_line(item).lower().replace(" ", "-")
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise Invalid({"tags": _("Tags use letters, digits and hyphens, at most 40 characters each.")})
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise Invalid({"tags": _("Use at most %(n)d tags.", n=TAGS_MAX)})
    return tags


def clean_place(value: str | None) -> str | None:
    place = text.normalise_line(value)
    if len(place) > PLACE_MAX:
        raise Invalid({"place": _("Keep the place to at most %(n)d characters.", n=PLACE_MAX)})
    return place or None


def clean_language(value: str | None) -> str:
    if value not in LANGUAGES:
        raise Invalid({"language": _("Choose Dutch or English.")})
    return value


def tags_by_name(session: Session, names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
    result = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        result.append(tag)
    return result


def get_question(session: Session, question_id: int, actor=None) -> Question:
    question = session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
    if question is None or not policy.can(actor, "question.view", question):
        raise NotFound("question")
    return question


# --- submitting ------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """A question a facilitator enters for someone who does not use the site
    (built and checked by crowdq.facilitation): where it was collected, and
    the asker's name only with their consent."""

    source: str  # "session" or "import"
    session_id: int | None = None
    asker_name: str | None = None
    external_id: str | None = None


def submit(
    session: Session,
    actor,
    *,
    title: str,
    body: str,
    language: str,
    topic_id: int | None = None,
    tags: str | list[str] | None = None,
    place: str | None = None,
    organisation=None,
    entry: Entry | None = None,
) -> Question:
    """A confirmed member asks a question, with or without a topic (not an
    archived one, nor a call that is not open); authors follow it
    automatically.

    A member of a verified organisation may ask on its behalf
    (`organisation`; the member stays the author). A facilitator may enter
    it for someone else (`entry`). A new member's first question is held
    for review when the site setting says so. Published questions very like
    an existing one are proposed as a pair in the duplicates queue.
    """
    question = build_question(
        session,
        actor,
        title=title,
        body=body,
        language=language,
        topic_id=topic_id,
        tags=tags,
        place=place,
        organisation=organisation,
        entry=entry,
    )
    publish(session, actor, [question], count_words=False)
    # Close look-alikes go to the duplicates queue (imports skip this: they publish in batches).
    # A question held for review (publish held it) is not listed, so neither step counts it.
    from crowdq.merging import duplicates

    duplicates.detect(session, question)
    # Last: it locks the word-count totals until commit, which every submission updates.
    search_terms.add_questions(session, [question] if question.listed else [])
    return question


def build_question(
    session: Session,
    actor,
    *,
    title: str,
    body: str,
    language: str,
    topic_id: int | None = None,
    tags: str | list[str] | None = None,
    place: str | None = None,
    organisation=None,
    entry: Entry | None = None,
) -> Question:
    """Every rule of `submit` (permissions, validation, sanitising, watched
    words and spam checks, holding for review), without writing the
    question: `publish` does that, for one question or many at once (the
    facilitators' import builds every row of a file, then publishes them
    together) and holds the ones screening found reasons for. New tags are
    added to the session."""
    policy.require(actor, "question.create")
    if organisation is not None:
        policy.require(actor, "organisation.act", organisation)
    if entry is not None:
        policy.require(actor, "question.facilitate", organisation)
        if entry.source not in ("session", "import"):
            raise Invalid({"source": _("Unknown value.")})
    now = utcnow()
    title, body = clean_title(title), clean_body(body)
    topic = topics.topic_for_question(session, topic_id, now=now)
    language = clean_language(language)
    tag_names, place = clean_tags(tags), clean_place(place)
    # Questions entered for someone else skip the spam checks (the text is not the facilitator's).
    screening = prevention.screen(
        session,
        actor,
        language,
        {"title": title, "body": body},
        checks=prevention.ENTERED if entry is not None else prevention.POST,
    )
    title, body = screening.texts["title"], screening.texts["body"]
    if _should_hold(session, actor):
        screening.holds.append(prevention.Hold("held", _("The first question of a new member (site setting).")))
    question = Question(
        title=title,
        body=body,
        body_html=text.render(body),
        language=language,
        topic=topic,
        place=place,
        author_id=actor.id,
        organisation_id=organisation.id if organisation is not None else None,
        source=entry.source if entry else "online",
        entered_by_id=actor.id if entry else None,
        session_id=entry.session_id if entry else None,
        asker_name=entry.asker_name if entry else None,
        external_id=entry.external_id if entry else None,
        created_at=now,
        updated_at=now,
        held=screening.held,
        tags=tags_by_name(session, tag_names),
        follower_count=1,  # the author (publish adds the follow)
    )
    question.refresh_listed()
    prevention.defer(question, screening.holds)
    return question


def publish(session: Session, actor, new_questions: list[Question], count_words: bool = True) -> None:
    """Write questions made by `build_question`: insert them (one flush for
    all), index them for search at once, and record one event each. Each
    author follows their question: a new question has no follows yet, so
    that is a plain insert, counted in `follower_count` from the start."""
    session.add_all(new_questions)
    session.flush()
    for question in new_questions:
        # Held for review (moderation state, queue item) before anything below reads `held`/`listed`.
        prevention.apply_deferred(session, question)
        search.index_question(session, question)
        session.add(QuestionFollow(user_id=question.author_id, question_id=question.id))
        events.record(
            session,
            "question.submitted",
            actor,
            question,
            held=question.held,
            organisation_id=question.organisation_id,
            source=question.source,
        )
    if count_words:  # look-alike ranking (crowdq.search.terms); `submit` does it last
        search_terms.add_questions(session, [q for q in new_questions if q.listed])
    session.flush()


def _should_hold(session: Session, actor) -> bool:
    if not settings.hold_first_questions(session):
        return False
    if policy.is_moderator(actor) or policy.is_researcher(actor):
        return False
    released = session.scalar(
        select(func.count()).select_from(Question).where(Question.author_id == actor.id, Question.held.is_(False))
    )
    return not released


# --- voting ------------------------------------------------------------------------
def _require_open_for_votes(question: Question) -> None:
    if question.status == "merged":
        raise Conflict(_("This question was merged into another one. Vote there instead."))
    if question.status in ("closed", "hidden"):
        raise Conflict(_("This question is closed for voting."))
    if question.held:
        raise Conflict(_("This question is waiting for review; voting opens once it is published."))


def _lock_for_votes(session: Session, question: Question) -> None:
    """Lock the question's row (FOR NO KEY UPDATE on PostgreSQL; SQLite
    serialises writers already) and read its state fresh, before touching its
    votes: a merge holds the same lock (crowdq.merging), so a vote arriving
    during one lands after it, on the question as it is then."""
    session.refresh(question, with_for_update={"key_share": True})


def has_voted(session: Session, user_id: int | None, question_id: int) -> bool:
    if user_id is None:
        return False
    return session.get(Vote, (user_id, question_id)) is not None


def vote(session: Session, actor, question: Question) -> bool:
    """Add the actor's vote; returns False if it was already there. In a call
    for questions only while it is open, within the member's vote budget."""
    policy.require(actor, "question.vote", question)
    _lock_for_votes(session, question)
    _require_open_for_votes(question)
    now = utcnow()
    # In a call: only while it is open, and within the member's vote budget (crowdq.calls.budgets).
    call = budgets.lock_open_call(session, question, now)
    try:
        with session.begin_nested():
            session.add(Vote(user_id=actor.id, question_id=question.id, created_at=now))
            if call is not None and call.vote_budget is not None:
                session.flush()  # a duplicate fails here, before spending
                budgets.spend(session, call, actor.id)  # none left: Conflict, and the savepoint drops the vote
    except IntegrityError:
        return False  # voted already (maybe by a racing request): nothing to do
    session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(
            vote_count=Question.vote_count + 1,
            # Added in SQL to the current value, so racing votes both count.
            trending_score=trending.with_vote(Question.trending_score, trending.vote_term(now)),
            last_vote_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    _follow(session, actor.id, question.id, automatic=True)
    events.record(session, "question.voted", actor, question)
    session.refresh(question)
    return True


def unvote(session: Session, actor, question: Question) -> bool:
    """Withdraw the actor's vote; returns False if there was none. In a call
    only while it is open, and the vote goes back into the member's budget."""
    policy.require(actor, "question.vote", question)
    _lock_for_votes(session, question)
    _require_open_for_votes(question)
    call = budgets.lock_open_call(session, question, utcnow())  # after a call closed, votes stay
    removed = session.execute(
        delete(Vote)
        .where(Vote.user_id == actor.id, Vote.question_id == question.id)
        .returning(Vote.created_at)
        .execution_options(synchronize_session=False)
    ).first()
    if removed is None:
        return False
    if call is not None:
        budgets.refund(session, call, actor.id)  # this request deleted the vote: give it back
    # Lock the question row (PostgreSQL; SQLite writers are serialised
    # already) so the score read here stays current until commit: a racing
    # vote waits and then adds itself to the new score, never lost or twice.
    score = session.scalar(
        select(Question.trending_score).where(Question.id == question.id).with_for_update(key_share=True)
    )
    # Subtract in log space when the vote is a small share of the score;
    # otherwise (the last vote too: EMPTY) recompute from the remaining votes.
    new_score = trending.after_withdrawal(score, trending.vote_term(removed.created_at))
    if new_score is None:
        new_score = counts.exact_trending_score(session, question.id)
    session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(vote_count=Question.vote_count - 1, trending_score=new_score)
        .execution_options(synchronize_session=False)
    )
    events.record(session, "question.unvoted", actor, question)
    session.refresh(question)
    return True


# --- following ---------------------------------------------------------------------
def _follow(session: Session, user_id: int, question_id: int, automatic: bool) -> bool:
    """Start following; an automatic follow respects an earlier 'stop following'.

    The count goes up only when this request's own insert or UPDATE made the
    follow active, so racing requests count once.
    """
    row = session.get(QuestionFollow, (user_id, question_id))
    if row is not None:
        if automatic:
            return False
        reactivated = session.execute(
            update(QuestionFollow)
            .where(
                QuestionFollow.user_id == user_id,
                QuestionFollow.question_id == question_id,
                QuestionFollow.active.is_(False),
            )
            .values(active=True, merge_id=None)  # the member's own choice now: an undo keeps it
            .execution_options(synchronize_session=False)
        ).rowcount
        session.refresh(row)
        if not reactivated:
            return False
    else:
        try:
            with session.begin_nested():
                session.add(QuestionFollow(user_id=user_id, question_id=question_id))
        except IntegrityError:
            return False
    session.execute(
        update(Question)
        .where(Question.id == question_id)
        .values(follower_count=Question.follower_count + 1)
        .execution_options(synchronize_session=False)
    )
    return True


def set_following(session: Session, actor, question: Question, follow: bool) -> bool:
    policy.require(actor, "question.follow", question)
    if question.status == "merged":
        raise Conflict(_("This question was merged into another one. Follow that one instead."))
    if follow:
        changed = _follow(session, actor.id, question.id, automatic=False)
    else:
        changed = bool(
            session.execute(
                update(QuestionFollow)
                .where(
                    QuestionFollow.user_id == actor.id,
                    QuestionFollow.question_id == question.id,
                    QuestionFollow.active.is_(True),
                )
                .values(active=False, merge_id=None)  # kept by an undo too
                .execution_options(synchronize_session=False)
            ).rowcount
        )
        if changed:
            session.execute(
                update(Question)
                .where(Question.id == question.id)
                .values(follower_count=Question.follower_count - 1)
                .execution_options(synchronize_session=False)
            )
    if changed:
        events.record(session, "question.followed" if follow else "question.unfollowed", actor, question)
        session.refresh(question)
    return changed


def is_following(session: Session, user_id: int | None, question_id: int) -> bool:
    if user_id is None:
        return False
    row = session.get(QuestionFollow, (user_id, question_id))
    return bool(row and row.active)
