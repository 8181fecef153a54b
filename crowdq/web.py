"""Small helpers shared by the web views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from flask_wtf import FlaskForm

from crowdq.errors import Invalid

# Ids are 32-bit integers on PostgreSQL; anything larger cannot exist.
MAX_ID = 2**31 - 1


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
