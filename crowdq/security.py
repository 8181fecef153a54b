"""Security headers on every response; caching of member responses; app cookies."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, make_response, request
from flask import session as cookie_session

from crowdq.i18n import LANG_COOKIE

LANG_COOKIE_MAX_AGE = 60 * 60 * 24 * 365

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _has_nul() -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in v for v in request.args.values()):
        return True
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in v for v in request.form.values())
    return False


def init_app(app) -> None:
    @app.before_request
    def _refuse_nul():
        # No text field takes NUL (PostgreSQL cannot even store it): refuse early.
        if _has_nul():
            abort(400)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Whatever a member gets (pages, JSON, files) is theirs alone: shared
        # proxies must not keep it. Views may say more (see `no_store`).
        if "Cache-Control" not in headers:
            if _is_personal():
                headers["Cache-Control"] = "private, no-cache"
            elif response.mimetype == "text/html":
                headers["Cache-Control"] = "no-cache"
        return response


def _is_personal() -> bool:
    """The request carries a session or remember cookie, or the response is about to set one."""
    config = current_app.config
    cookies = request.cookies
    return (
        config.get("SESSION_COOKIE_NAME", "session") in cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
        or cookie_session.modified
    )


def no_store(view):
    """Decorate a view whose response nobody may keep, not even the browser's cache (the data export)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def set_language_cookie(response, code: str) -> None:
    """Remember a language choice; `Secure` wherever session cookies are (production)."""
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=LANG_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
    )
