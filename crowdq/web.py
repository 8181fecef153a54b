"""Small helpers shared by the web views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from flask_wtf import FlaskForm

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
    """A local path to go back to; anything pointing off-site is ignored."""
    if target and len(target) < 2000 and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(default_endpoint)


def current_path() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def page_arg(name: str = "page", default: int = 1, maximum: int = 100_000) -> int:
    """A positive page number from the query string; bad values fall back."""
    raw = request.args.get(name, "")
    if not raw.isdigit() or len(raw) > 7:
        return default
    return max(1, min(int(raw), maximum))
