"""Template globals and filters."""

from __future__ import annotations

from flask import request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from crowdq import policy
from crowdq.i18n import LANGUAGE_NAMES
from crowdq.web import current_path


def init_app(app) -> None:
    @app.context_processor
    def _globals():
        return {
            "can": lambda action, target=None: policy.can(current_user, action, target),
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "current_path": current_path,
            "request_endpoint": request.endpoint,
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
