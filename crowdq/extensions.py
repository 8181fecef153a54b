"""Extension objects, created here and initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


class SafeLoginManager(LoginManager):
    """Flask-Login 0.6 compares remember cookies with hmac.compare_digest,
    which raises on non-ASCII text; such a cookie is simply not valid."""

    def _load_user_from_remember_cookie(self, cookie):
        if not cookie.isascii():
            return None
        return super()._load_user_from_remember_cookie(cookie)


csrf = CSRFProtect()
login_manager = SafeLoginManager()
babel = Babel()


def _limit_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


# Storage is chosen in create_app (Redis when REDIS_URL is set).
limiter = Limiter(key_func=_limit_key, default_limits=[], headers_enabled=True)
