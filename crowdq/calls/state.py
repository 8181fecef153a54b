"""Where a call for questions stands at a moment: upcoming, open or closed.

A call is open from `opens_at` (inclusive) until `closes_at` (exclusive):
at the closing second itself asking and voting are already refused.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from crowdq.errors import Conflict

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"
# As the call page writes its dates (Amsterdam time, to the minute).
MOMENT = "EEEE d MMMM y, HH:mm"


def call_state(topic, now: datetime) -> str | None:
    """None for a topic that is not a call."""
    if topic is None or not topic.is_call:
        return None
    if now < topic.opens_at:
        return UPCOMING
    if now < topic.closes_at:
        return OPEN
    return CLOSED


def require_open(topic, now: datetime) -> None:
    """Refuse asking or voting in a call that is not open (a topic that is not a call is always open)."""
    state = call_state(topic, now)
    if state == UPCOMING:
        raise Conflict(
            _("This call for questions opens on %(moment)s.", moment=format_datetime(topic.opens_at, MOMENT))
        )
    if state == CLOSED:
        raise Conflict(
            _(
                "This call for questions closed on %(moment)s; its ranking is final.",
                moment=format_datetime(topic.closes_at, MOMENT),
            )
        )
