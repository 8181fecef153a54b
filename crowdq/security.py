"""Security headers on every response."""

from __future__ import annotations

from flask import abort, request

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
        # Pages for members must not be cached by shared proxies.
        if "Cache-Control" not in headers and response.mimetype == "text/html":
            headers["Cache-Control"] = "private, no-cache" if _has_session_cookie() else "no-cache"
        return response


def _has_session_cookie() -> bool:
    from flask import current_app, request

    return current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies
