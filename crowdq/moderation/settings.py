"""Moderation settings that admins change at run time (rows of site_settings)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from crowdq import events, policy
from crowdq.admin.models import SiteSetting
from crowdq.errors import Invalid

FLAG_THRESHOLD = "flag_threshold"  # in flags from ordinary members
HOLD_FIRST_POSTS = "hold_first_posts"  # posts (questions, comments) of a new member held for review
DEFAULTS = {FLAG_THRESHOLD: 3, HOLD_FIRST_POSTS: 0}
LIMITS = {FLAG_THRESHOLD: (1, 50), HOLD_FIRST_POSTS: (0, 20)}
POINTS_PER_FLAG = 10  # an ordinary member's flag weighs 10 points


def _int(session: Session, key: str) -> int:
    row = session.get(SiteSetting, key)
    try:
        return int(row.value) if row is not None else DEFAULTS[key]
    except ValueError:
        return DEFAULTS[key]


def flag_threshold(session: Session) -> int:
    """Flags from ordinary members that hide an item pending review."""
    return _int(session, FLAG_THRESHOLD)


def threshold_points(session: Session) -> int:
    return flag_threshold(session) * POINTS_PER_FLAG


def hold_first_posts(session: Session) -> int:
    return _int(session, HOLD_FIRST_POSTS)


def current(session: Session) -> dict[str, int]:
    return {FLAG_THRESHOLD: flag_threshold(session), HOLD_FIRST_POSTS: hold_first_posts(session)}


def save(session: Session, actor, values: dict[str, object]) -> list[str]:
    """Admins set the flag threshold and the number of held first posts; returns what changed."""
    policy.require(actor, "settings.change")
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key, (low, high) in LIMITS.items():
        raw = values.get(key)
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[key] = _("Enter a whole number.")
            continue
        if not low <= number <= high:
            errors[key] = _("Enter a number from %(low)d to %(high)d.", low=low, high=high)
            continue
        clean[key] = number
    if errors:
        raise Invalid(errors)
    old = current(session)
    changed = [key for key, value in clean.items() if old[key] != value]
    for key in changed:
        row = session.get(SiteSetting, key)
        if row is None:
            session.add(SiteSetting(key=key, value=str(clean[key])))
        else:
            row.value = str(clean[key])
    if changed:
        from crowdq.moderation import audit

        audit.log(
            session,
            actor,
            "settings.changed",
            before={k: old[k] for k in changed},
            after={k: clean[k] for k in changed},
        )
        events.record(session, "settings.changed", actor, None, changed=changed)
    return changed
