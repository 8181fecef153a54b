"""Site settings that admins change at run time.

Stored as rows of `site_settings`. What every page shows (the site name and
the welcome texts) is read through a small per-process cache, so a page
costs no extra query: a change clears this process's copy at once, and
other worker processes pick it up within DISPLAY_TTL seconds. Rules that
act on a setting (holding first questions) read the database each time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.admin.models import SiteSetting
from crowdq.errors import Invalid

SITE_NAME = "site_name"
WELCOME = {"en": "welcome_en", "nl": "welcome_nl"}
HOLD_FIRST_QUESTIONS = "hold_first_questions"
DEFAULT_SITE_NAME = "crowdq"
SITE_NAME_MAX = 60
WELCOME_MAX = 2000
DISPLAY_TTL = 10.0


@dataclass(frozen=True)
class Display:
    """What pages show: the site name and the welcome text per language (HTML)."""

    site_name: str
    welcome_html: dict[str, str]

    def welcome(self, locale: str) -> tuple[str, str] | None:
        """(language, html) of the welcome text in `locale`, else in the other language."""
        for code in (locale, *sorted(set(self.welcome_html) - {locale})):
            if self.welcome_html.get(code):
                return code, self.welcome_html[code]
        return None


class _DisplayCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._value: Display | None = None
        self._expires = 0.0

    def get(self, load) -> Display:
        with self._lock:
            if self._value is not None and time.monotonic() < self._expires:
                return self._value
        value = load()
        with self._lock:
            self._value, self._expires = value, time.monotonic() + DISPLAY_TTL
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None


def _cache() -> _DisplayCache:
    return current_app.extensions.setdefault("crowdq.display_settings", _DisplayCache())


def _values(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(select(SiteSetting))}


def display(session: Session) -> Display:
    def load() -> Display:
        values = _values(session)
        return Display(
            site_name=values.get(SITE_NAME) or DEFAULT_SITE_NAME,
            welcome_html={code: text.render(values.get(key, "")) for code, key in WELCOME.items()},
        )

    return _cache().get(load)


def current(session: Session) -> dict:
    """Every setting as the admin form shows it."""
    values = _values(session)
    return {
        "site_name": values.get(SITE_NAME) or DEFAULT_SITE_NAME,
        "welcome_en": values.get(WELCOME["en"], ""),
        "welcome_nl": values.get(WELCOME["nl"], ""),
        "hold_first_questions": hold_first_questions(session),
    }


def hold_first_questions(session: Session) -> bool:
    row = session.get(SiteSetting, HOLD_FIRST_QUESTIONS)
    if row is None:
        return bool(current_app.config.get("HOLD_FIRST_QUESTIONS"))
    return row.value == "1"


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def save(
    session: Session,
    actor,
    *,
    site_name: str | None,
    welcome_en: str | None,
    welcome_nl: str | None,
    hold_first_questions: bool,
) -> list[str]:
    """Admins change the site settings; returns the names that changed."""
    policy.require(actor, "settings.change")
    errors: dict[str, str] = {}
    name = text.normalise_line(site_name)
    if not name:
        errors["site_name"] = _("Enter a name.")
    elif len(name) > SITE_NAME_MAX:
        errors["site_name"] = _("Use at most %(n)d characters.", n=SITE_NAME_MAX)
    welcome = {"welcome_en": text.normalise_text(welcome_en), "welcome_nl": text.normalise_text(welcome_nl)}
    for field, value in welcome.items():
        if len(value) > WELCOME_MAX:
            errors[field] = _("Use at most %(n)d characters.", n=WELCOME_MAX)
    if errors:
        raise Invalid(errors)
    new = {"site_name": name, **welcome, "hold_first_questions": bool(hold_first_questions)}
    old = current(session)
    changed = [key for key, value in new.items() if old[key] != value]
    if not changed:
        return []
    _set(session, SITE_NAME, name)
    for code, key in WELCOME.items():
        _set(session, key, welcome[f"welcome_{code}"])
    _set(session, HOLD_FIRST_QUESTIONS, "1" if new["hold_first_questions"] else "0")
    events.record(session, "settings.changed", actor, None, changed=changed)
    # Clear now, and again once committed, so no request in between keeps
    # the old values for another DISPLAY_TTL.
    cache = _cache()
    cache.clear()
    sa_event.listen(session, "after_commit", lambda _session: cache.clear(), once=True)
    return changed


def set_hold_first_questions(session: Session, value: bool) -> None:
    """Only this one setting (tests and scripts; admins use `save`)."""
    _set(session, HOLD_FIRST_QUESTIONS, "1" if value else "0")
