"""Template globals and filters."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from werkzeug.local import LocalProxy

from crowdq import policy
from crowdq.admin import settings
from crowdq.i18n import LANGUAGE_NAMES
from crowdq.web import current_path

AREA_BLUEPRINTS = frozenset({"admin", "calls", "organisations", "facilitation", "research", "moderation", "merging"})


def init_app(app) -> None:
    @app.context_processor
    def _globals():
        return {
            "can": lambda action, target=None: policy.can(current_user, action, target),
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "current_path": current_path,
            "request_endpoint": request.endpoint if has_request_context() else None,
            # Pages of these blueprints (and topic pages, which may be calls) also load areas.css.
            "area_blueprints": AREA_BLUEPRINTS,
            # Looked up only when a template uses it (mails pass their own).
            "site": LocalProxy(_site_display),
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    # Imported macros see no template context (no current_locale), so names
    # in the reader's language come through a filter.
    app.jinja_env.filters["localized_name"] = lambda item: item.name(str(get_locale())) if item else ""
    # Moderation labels in the reader's language; globals, so imported macros and mails see them too.
    from crowdq.moderation.audit import ACTION_LABELS
    from crowdq.moderation.reasons import FLAG_REASON_LABELS, REASONS

    app.jinja_env.globals["action_label"] = lambda code: str(ACTION_LABELS.get(code, code))
    app.jinja_env.globals["moderation_reason"] = lambda code: str(REASONS[code]) if code in REASONS else (code or "")
    app.jinja_env.globals["flag_reason"] = lambda code: str(FLAG_REASON_LABELS.get(code, code))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _site_display() -> settings.Display:
    """The site name and welcome texts; defaults if the database cannot answer,
    so an error page still renders."""
    from sqlalchemy.exc import SQLAlchemyError

    from crowdq.db import get_session

    try:
        return settings.display(get_session())
    except SQLAlchemyError:
        current_app.logger.warning("site settings unavailable; showing defaults")
        return settings.Display(site_name=settings.DEFAULT_SITE_NAME, welcome_html={})
