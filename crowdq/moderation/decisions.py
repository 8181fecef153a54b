"""Moderators' decisions on content: keep, release, hide, remove, restore,
edit, close a question, close its comments.

Every decision is one transaction: the item's state, the counts the public
sees, the flags' outcome, the audit log entry and the author's notice. A
decision taken from the queue claims the queue item first with a
conditional UPDATE, so of two moderators deciding at once the second is
told it was decided already and nothing is applied twice.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.db import utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.moderation import audit, flags, notices, queue, reasons, sanctions
from crowdq.moderation.models import ModerationAction, ReviewItem
from crowdq.moderation.targets import INVISIBLE, Key, adapter, load

CONTENT_ACTIONS = (
    "keep",
    "release",
    "hide",
    "remove",
    "restore",
    "edit",
    "close",
    "reopen",
    "close_comments",
    "open_comments",
)
# Which actions fit which state of an item (None: visible).
_FITS = {
    "keep": lambda state: state in (None, "flagged"),
    "release": lambda state: state in ("held", "flagged"),
    "hide": lambda state: state != "hidden",
    "remove": lambda state: state != "removed",
    "restore": lambda state: state in ("flagged", "hidden", "removed"),
    "edit": lambda state: state != "removed",
}
QUESTION_ONLY = ("close", "reopen", "close_comments", "open_comments")
TEXT_MAX = {"title": 200, "display_name": 60}


def available(key: Key, row) -> list[str]:
    """The actions that make sense for this item now (the queue shows these)."""
    a = adapter(key.type)
    state = a.state(row)
    found = [name for name, fits in _FITS.items() if fits(state)]
    if key.type == "question":
        found.append("reopen" if row.status == "closed" else "close")
        found.append("open_comments" if row.comments_closed else "close_comments")
    return found


def decide(
    session: Session,
    actor,
    item_id: int,
    action: str,
    reason_code: str,
    reason_text: str = "",
    *,
    texts: dict[str, str] | None = None,
    sanction: str | None = None,
    days: int | None = None,
) -> ModerationAction:
    """Decide a queue item; optionally sanction the content's author in the same step."""
    policy.require(actor, "content.moderate")
    item = queue.get_item(session, item_id)
    if item is None or item.kind == "appeal":
        raise NotFound("review item")
    if action not in CONTENT_ACTIONS:
        raise Invalid({"action": _("Choose an action from the list.")})
    reason_code, reason_text = reasons.clean(reason_code, reason_text)
    claimed = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == "open")
        .values(status="decided", decided_at=utcnow(), decided_by_id=actor.id, decision=action)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(item)
    if not claimed:
        who = item.decided_by.public_name if item.decided_by else _("another moderator")
        raise Conflict(_("%(name)s decided this already.", name=who))
    key = Key(item.target_type, item.target_id, item.target_sub)
    return act(session, actor, key, action, reason_code, reason_text, texts=texts, sanction=sanction, days=days)


def act(
    session: Session,
    actor,
    key: Key,
    action: str,
    reason_code: str,
    reason_text: str = "",
    *,
    texts: dict[str, str] | None = None,
    sanction: str | None = None,
    days: int | None = None,
) -> ModerationAction:
    """Apply one action to one item (from the queue, or from the item's own page); optionally
    sanction its author in the same step."""
    policy.require(actor, "content.moderate")
    if action not in CONTENT_ACTIONS:
        raise Invalid({"action": _("Choose an action from the list.")})
    reason_code, reason_text = reasons.clean(reason_code, reason_text)
    row = load(session, key)
    if row is None:
        raise NotFound("item")
    a = adapter(key.type)
    session.refresh(row, with_for_update=True)  # PostgreSQL: one decision at a time; SQLite writers are serial
    if a.is_gone(row):
        raise Conflict(_("Its author deleted it already."))
    if action in QUESTION_ONLY and key.type != "question":
        raise Invalid({"action": _("Only questions can be closed.")})
    state = a.state(row)
    if action in _FITS and not _FITS[action](state):
        raise Conflict(_("This action does not fit the item as it is now; reload the page."))
    # Any other open queue item about it is settled by this decision (appeals have their own items).
    for other in queue.open_items_for(session, key):
        if other.kind != "appeal":
            other.status, other.decided_at, other.decided_by_id, other.decision = "decided", utcnow(), actor.id, action
    before = {"state": state}
    after = {"state": state}
    if action == "keep":
        if state == "flagged":
            a.set_state(session, row, None, None)
        flags.judge_open_flags(session, key, helpful=False)
        after = {"state": None}
    elif action == "release":
        a.set_state(session, row, None, None)
        flags.judge_open_flags(session, key, helpful=False)
        after = {"state": None}
        if key.type == "question":
            events.record(session, "question.approved", actor, row)
            _published(session, row)
    elif action in ("hide", "remove"):
        new_state = "hidden" if action == "hide" else "removed"
        a.set_state(session, row, new_state, reason_code)
        flags.judge_open_flags(session, key, helpful=True)
        after = {"state": new_state}
        if key.type == "question":
            events.record(session, "question.hidden", actor, row, removed=action == "remove")
    elif action == "restore":
        a.set_state(session, row, None, None)
        flags.judge_open_flags(session, key, helpful=False)
        after = {"state": None}
        if key.type == "question":
            events.record(session, "question.unhidden", actor, row)
    elif action == "edit":
        before, after = _edit(session, actor, key, row, texts or {})
        if state == "flagged":
            a.set_state(session, row, None, None)
        flags.judge_open_flags(session, key, helpful=True)
    elif action in ("close", "reopen"):
        before, after = _close(session, actor, row, action, reason_code)
    else:  # close_comments / open_comments
        closed = action == "close_comments"
        if row.comments_closed == closed:
            raise Conflict(_("This action does not fit the item as it is now; reload the page."))
        row.comments_closed = closed
        events.record(session, "question.comments_closed" if closed else "question.comments_opened", actor, row)
        before, after = {"comments_closed": not closed}, {"comments_closed": closed}
    entry = audit.log(
        session,
        actor,
        action,
        key,
        member_id=a.author_id(row),
        reason_code=reason_code,
        reason_text=reason_text,
        before=before,
        after=after,
    )
    if entry.member_id is not None and entry.member_id != getattr(actor, "id", None) and action != "keep":
        notices.tell(session, entry)
    if sanction:
        if entry.member_id is None:
            raise Conflict(_("This content has no author to sanction."))
        from crowdq.accounts.models import User

        sanctions.impose(
            session, actor, session.get(User, entry.member_id), sanction, reason_code, reason_text, days=days
        )
    return entry


def _published(session: Session, question) -> None:
    """A held question goes public: what `submit` skipped for it happens now (look-alike word counts,
    duplicate detection)."""
    if not question.listed:
        return
    from crowdq.merging import duplicates
    from crowdq.search import terms

    terms.add_questions(session, [question])
    duplicates.detect(session, question)


def _edit(session: Session, actor, key: Key, row, texts: dict[str, str]) -> tuple[dict, dict]:
    a = adapter(key.type)
    old = a.texts(row)
    new = {}
    errors = {}
    for name in a.fields:
        value = texts.get(name, old[name])
        value = text.normalise_line(value) if name in TEXT_MAX else text.normalise_text(value)
        limit = TEXT_MAX.get(name, 20_000)
        if len(value) > limit:
            errors[name] = _("Use at most %(n)d characters.", n=limit)
        elif not value and name in ("title", "body") and key.type in ("comment", "project_update", "question"):
            if not (key.type == "question" and name == "body"):
                errors[name] = _("This cannot be empty.")
        new[name] = value
    if errors:
        raise Invalid(errors)
    changed = {k: v for k, v in new.items() if v != old[k]}
    if not changed:
        raise Invalid({"": _("Nothing was changed.")})
    a.set_texts(session, row, changed, actor)
    return {k: old[k] for k in changed}, changed


def _close(session: Session, actor, question, action: str, reason_code: str) -> tuple[dict, dict]:
    if action == "close":
        if question.status in ("closed", "merged", "hidden"):
            raise Conflict(_("This action does not fit the item as it is now; reload the page."))
        if reason_code not in reasons.CLOSE_REASONS:
            raise Invalid({"reason": _("Close a question as off-topic, not a research question, or a duplicate.")})
        if reason_code == "duplicate":
            raise Conflict(_("Merge a duplicate into the question it repeats instead; its votes move with it."))
        before = {"status": question.status}
        question.status = "closed"
        events.record(session, "question.closed", actor, question, public_reason=reasons.label(reason_code))
        return before, {"status": "closed"}
    if question.status != "closed":
        raise Conflict(_("This action does not fit the item as it is now; reload the page."))
    question.status = "open"
    events.record(session, "question.reopened", actor, question)
    return {"status": "closed"}, {"status": "open"}


def hold(session: Session, key: Key, row, kind: str, detail: str) -> None:
    """Hold a new item for review (first posts, watched words, spam checks): the
    author and moderators see it, nobody else, until a moderator releases it."""
    a = adapter(key.type)
    if a.state(row) not in INVISIBLE:
        a.set_state(session, row, "held", None)
    queue.open_item(session, kind, key, a.author_id(row), detail=detail)
    audit.log(session, None, "hold", key, member_id=a.author_id(row), reason_code=kind, reason_text=detail)
