"""Prevention: every write of user text passes `screen` before it is stored.

`screen` refuses (Invalid, saying why) a blocked word or link domain and
more than NEW_MEMBER_LINKS_MAX links from a new member; puts asterisks over
replaced words; and returns reasons to hold the post for review: a watched
word or domain, the spam checks (the same text again and again, a burst of
posts, a new member's post that is mostly links) and a new member's first
posts (site setting). A held post is stored and waits in the review queue,
visible to its author and the moderators: nothing is silently dropped.

The caller writes the row, then calls `apply` (or `defer` before the row
exists and `apply_deferred` after, as questions.services.publish does).

Which checks run depends on what is written (`checks`):
  POST     a new question or comment: everything.
  EDIT     an edit, an endorsement statement: watched words and the link
           limit (an edit is not a new post; organisations repeat their
           statement on many questions, honestly).
  ENTERED  a question a facilitator enters for someone else: watched words
           only (the text is not the facilitator's, and imports come in bulk).
  WORDS    research texts and profiles: block and replace only (researchers
           are verified; a profile has no place in the queue yet).
Blocked and replaced words apply to everyone; moderators, admins and
researchers are never held and have no link limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdq import policy, text
from crowdq.db import utcnow
from crowdq.errors import Invalid
from crowdq.moderation import settings, trust, watched
from crowdq.questions.models import Comment, Question

POST, EDIT, ENTERED, WORDS = "post", "edit", "entered", "words"
CHECKS = (POST, EDIT, ENTERED, WORDS)

# The rule: a new member links to at most two places per post; a third is refused, not held,
# so they can fix it at once.
NEW_MEMBER_LINKS_MAX = 2
# The same text by the same member: held when it equals their last post, or when it was posted this many
# times before within REPEAT_WINDOW (catches a member alternating two texts across questions).
REPEATS_BEFORE_HOLD = 2
REPEAT_WINDOW = timedelta(hours=24)
# How many of the member's recent questions and comments (each) are compared; a spammer trips the other
# checks long before this many.
RECENT_SCAN = 50
# A burst: this many posts within BURST_WINDOW already. Nobody writes six thoughtful questions or
# comments in ten minutes; a script does.
BURST_POSTS = 5
BURST_WINDOW = timedelta(minutes=10)
# Link-heavy: a new member's post with this many links and fewer than LINK_HEAVY_WORDS other words
# ("great question! https://a https://b") is the typical spam shape; a real post explains its links.
LINK_HEAVY_LINKS = 2
LINK_HEAVY_WORDS = 10
# One queue item per post: the most telling reason gives its kind, the others are listed in its detail.
KIND_ORDER = ("spam", "watched", "held")

_LINKISH = re.compile(r"(?i)^\W*(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)")


@dataclass(frozen=True)
class Hold:
    kind: str  # 'watched', 'spam' or 'held' (crowdq.moderation.models.REVIEW_KINDS)
    detail: str  # for the moderator


@dataclass
class Screening:
    texts: dict[str, str]  # as they are to be stored (replaced words asterisked)
    holds: list[Hold] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return bool(self.holds)

    @property
    def kind(self) -> str | None:
        kinds = {h.kind for h in self.holds}
        return next((k for k in KIND_ORDER if k in kinds), None)

    @property
    def detail(self) -> str:
        return "\n".join(dict.fromkeys(h.detail for h in self.holds))


def _staff(actor) -> bool:
    return policy.is_moderator(actor) or policy.is_researcher(actor)


def _is_new(session: Session, actor) -> bool:
    """Trust level 0 (and not staff), after promoting the member if their activity earned it."""
    if actor is None or not trust.is_new(actor):
        return False
    return trust.refresh(session, actor) == 0


def screen(
    session: Session,
    actor,
    language: str | None,
    texts: dict[str, str],
    *,
    checks: str = POST,
    languages: dict[str, str] | None = None,
) -> Screening:
    """Check the texts of one write (field name -> text, already cleaned) against
    the watched words and the prevention rules; see the module's docstring.

    `language` is the texts' language (None: unknown, every word list applies);
    `languages` overrides it per field (an answer's English and Dutch summaries).
    """
    if checks not in CHECKS:
        raise ValueError(checks)
    languages = languages or {}
    # Staff are not held: a moderator's text would wait for a moderator, and a researcher's merged
    # question (crowdq.merging) must not vanish from under the questions merged into it.
    may_hold = checks != WORDS and not _staff(actor)
    counts_links = checks != ENTERED and not _staff(actor)
    lists: dict[str | None, list] = {}
    errors: dict[str, str] = {}
    holds: list[Hold] = []
    result: dict[str, str] = {}
    link_counts: dict[str, int] = {}
    for name, value in texts.items():
        value = value or ""
        lang = languages.get(name, language)
        if lang not in lists:
            lists[lang] = watched.for_language(session, lang)
        words = [w for w in lists[lang] if w.kind == "word"]
        domains = [w for w in lists[lang] if w.kind == "domain"]
        by_action = {a: [w.phrase for w in words if w.action == a] for a in ("block", "hold", "replace")}
        blocked = watched.find(value, by_action["block"])
        if blocked:
            first = blocked[0]
            errors[name] = _(
                "This contains “%(word)s”, which is not allowed here.", word=value[first.start : first.end]
            )
            continue
        # Rendering to find links costs; only the domains and a member's link checks need them.
        found_links = watched.links(value) if domains or counts_links else []
        link_counts[name] = len(found_links)
        hosts = watched.hosts(value, found_links) if domains else set()
        for domain in domains:
            host = next((h for h in sorted(hosts) if watched.domain_matches(h, domain.phrase)), None)
            if host is None:
                continue
            if domain.action == "block":
                errors[name] = _("Links to %(domain)s are not allowed here.", domain=host)
                break
            if may_hold:
                holds.append(Hold("watched", _("Links to the watched domain %(domain)s.", domain=domain.phrase)))
        if may_hold:
            for m in watched.find(value, by_action["hold"]):
                holds.append(Hold("watched", _("Contains the watched word “%(word)s”.", word=m.phrase)))
        replaced = watched.find(value, by_action["replace"])
        result[name] = watched.asterisk(value, replaced) if replaced else value
    if errors:
        raise Invalid(errors)

    new_member = checks != ENTERED and _is_new(session, actor)
    total_links = sum(link_counts.values())
    if new_member and total_links > NEW_MEMBER_LINKS_MAX:
        busiest = max(link_counts, key=link_counts.get)
        raise Invalid(
            {
                busiest: _(
                    "New members may post at most %(n)d links at a time. Remove some; the limit goes once you "
                    "have been here a little longer.",
                    n=NEW_MEMBER_LINKS_MAX,
                )
            }
        )
    if checks == POST and actor is not None and not _staff(actor):
        holds.extend(_spam_holds(session, actor, result, new_member, total_links))
        if new_member:
            holds.extend(_first_post_holds(session, actor))
    return Screening(result, holds)


# --- spam checks ------------------------------------------------------------------------------
def _words_beside_links(texts: dict[str, str]) -> int:
    words = text.plain("\n\n".join(texts.values())).split()
    return sum(1 for w in words if not _LINKISH.match(w) and not watched.hosts(w, []) and any(ch.isalpha() for ch in w))


def _spam_holds(session: Session, actor, texts: dict[str, str], new_member: bool, links: int) -> list[Hold]:
    holds = []
    now = utcnow()
    since = now - REPEAT_WINDOW
    recent_questions = session.execute(
        select(Question.title, Question.body, Question.created_at)
        .where(Question.author_id == actor.id, Question.created_at >= since)
        .order_by(Question.created_at.desc(), Question.id.desc())
        .limit(RECENT_SCAN)
    ).all()
    recent_comments = session.execute(
        select(Comment.body, Comment.created_at)
        .where(Comment.author_id == actor.id, Comment.created_at >= since, Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(RECENT_SCAN)
    ).all()
    # (when, folded text) of each recent post; a question's text is its title and details together.
    posts = [(q.created_at, watched.fold(f"{q.title} {q.body}")) for q in recent_questions]
    posts += [(c.created_at, watched.fold(c.body)) for c in recent_comments]
    if not posts:
        posts = _last_posts(session, actor.id)
    mine = watched.fold(" ".join(texts.values()))
    if mine and posts:
        posts.sort(key=lambda p: p[0], reverse=True)
        same_recently = sum(1 for when, folded in posts if folded == mine and when >= since)
        if posts[0][1] == mine or same_recently >= REPEATS_BEFORE_HOLD:
            holds.append(Hold("spam", _("The same text as earlier posts by this member.")))
    burst = sum(1 for when, _text in posts if when >= now - BURST_WINDOW)
    if burst >= BURST_POSTS:
        minutes = int(BURST_WINDOW.total_seconds() // 60)
        holds.append(Hold("spam", _("%(n)d posts within %(minutes)d minutes.", n=burst + 1, minutes=minutes)))
    if new_member and links >= LINK_HEAVY_LINKS and _words_beside_links(texts) < LINK_HEAVY_WORDS:
        holds.append(Hold("spam", _("Mostly links, from a new member.")))
    return holds


def _last_posts(session: Session, author_id: int) -> list[tuple]:
    """The member's latest question and latest comment, whenever they were written."""
    found = []
    question = session.execute(
        select(Question.title, Question.body, Question.created_at)
        .where(Question.author_id == author_id)
        .order_by(Question.created_at.desc(), Question.id.desc())
        .limit(1)
    ).first()
    if question is not None:
        found.append((question.created_at, watched.fold(f"{question.title} {question.body}")))
    comment = session.execute(
        select(Comment.body, Comment.created_at)
        .where(Comment.author_id == author_id, Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(1)
    ).first()
    if comment is not None:
        found.append((comment.created_at, watched.fold(comment.body)))
    return found


def _first_post_holds(session: Session, actor) -> list[Hold]:
    limit = settings.hold_first_posts(session)
    if limit <= 0:
        return []
    # Every earlier post counts, held ones too: the N+1th post goes out even while the first wait.
    earlier = (
        session.scalar(select(func.count()).select_from(Question).where(Question.author_id == actor.id)) or 0
    ) + (session.scalar(select(func.count()).select_from(Comment).where(Comment.author_id == actor.id)) or 0)
    if earlier >= limit:
        return []
    return [Hold("held", _("One of the first %(n)d posts of a new member.", n=limit))]


# --- holding what was written -------------------------------------------------------------------
def apply(session: Session, row, screening: Screening | list[Hold]) -> bool:
    """Hold the freshly written row for review when the screening found reasons; True if held."""
    if not isinstance(screening, Screening):
        screening = Screening({}, list(screening))
    if not screening.held:
        return False
    from crowdq.moderation import decisions
    from crowdq.moderation.targets import key_of

    decisions.hold(session, key_of(row), row, screening.kind, screening.detail)
    return True


_PENDING = "_crowdq_pending_holds"


def defer(row, holds: list[Hold]) -> None:
    """Remember hold reasons on a row not written yet (questions are built, then published in batches)."""
    setattr(row, _PENDING, list(holds))


def apply_deferred(session: Session, row) -> bool:
    holds = getattr(row, _PENDING, None)
    if not holds:
        return False
    setattr(row, _PENDING, [])
    return apply(session, row, holds)
