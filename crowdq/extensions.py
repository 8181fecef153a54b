"""Extension objects, created here and initialised in create_app()."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def _limit_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


# Storage is chosen in create_app (Redis when REDIS_URL is set).
limiter = Limiter(key_func=_limit_key, default_limits=[], headers_enabled=True)
