"""Small helpers shared by the web views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from crowdq.db import MAX_ID
from crowdq.errors import Invalid


def apply_errors(form: FlaskForm, error: Invalid) -> None:
    """Show a service's Invalid messages next to the matching fields."""
    for name, message in error.fields.items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            errors = list(field.errors)
            errors.append(message)
            field.errors = errors
        else:
            form.form_errors.append(message)


def safe_next(target: str | None, default_endpoint: str = "main.home") -> str:
    """A local path to go back to; anything pointing off-site or odd is ignored."""
    if (
        target
        and len(target) < 2000
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ch.isprintable() and not ch.isspace() for ch in target)
    ):
        try:
            parts = urlsplit(target)
        except ValueError:
            return url_for(default_endpoint)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def small_int(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """A positive whole number written in ASCII digits, at most `maximum`; else None."""
    if not raw or len(raw) > 12 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= maximum else None


def current_path() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def write_limit() -> str:
    """The rate limit on writes (Flask-Limiter reads it per request); tighter for new members
    (trust level 0), who have not shown yet that they are not a script."""
    from flask_login import current_user

    from crowdq.moderation import trust

    if current_user and current_user.is_authenticated and trust.is_new(current_user):
        return current_app.config["RATELIMIT_WRITE_NEW"]
    return current_app.config["RATELIMIT_WRITE"]


def lookalike_limit() -> str:
    """The rate limit on look-alike look-ups (each ranks up to 50 questions)."""
    return current_app.config["RATELIMIT_LOOKALIKE"]


def posted_flag(name: str) -> bool:
    """The '0'/'1' field of a one-button form, after its CSRF check."""
    from crowdq.accounts.forms import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    value = request.form.get(name, "1")
    if value not in ("0", "1"):
        raise Invalid({name: _("Unknown value.")})
    return value == "1"
