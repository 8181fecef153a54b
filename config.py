"""Settings per environment.

Everything secret or deployment-specific comes from the environment; the
classes only hold safe defaults. `CROWDQ_ENV` picks the class.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _instance_dir() -> Path:
    """Flask's instance folder for crowdq (the same as `app.instance_path`): `instance/` beside the code in a
    checkout or an editable install, `<prefix>/var/crowdq-instance` when installed into site-packages."""
    from flask.sansio.scaffold import find_package

    prefix, package_path = find_package("crowdq")
    return Path(package_path, "instance") if prefix is None else Path(prefix, "var", "crowdq-instance")


INSTANCE_DIR = _instance_dir()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'crowdq.db'}")
    REDIS_URL = os.environ.get("REDIS_URL")
    # Rate limits are per client address; Redis keeps them across workers.
    RATELIMIT_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_REGISTER = "5 per minute;20 per hour"
    RATELIMIT_WRITE = "30 per minute;300 per hour"
    RATELIMIT_VOTE = "60 per minute;600 per hour"

    LANGUAGES = ("en", "nl")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "crowdq" / "translations")

    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not the clock
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    # Token lifetimes in seconds.
    CONFIRM_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60 * 2
    EMAIL_CHANGE_TOKEN_MAX_AGE = 60 * 60 * 24

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")  # smtp | console
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "crowdq <noreply@crowdq.localhost>")
    MAIL_MAX_ATTEMPTS = 8
    # Public base URL for links in mails sent by the worker (outside a request).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Site settings default; admins override them in the database.
    HOLD_FIRST_QUESTIONS = _bool("HOLD_FIRST_QUESTIONS", False)
    # Anonymous readers get pages at most this old (0 turns the cache off).
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "30"))
    DEV_OUTBOX_PAGE = False


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    DEV_OUTBOX_PAGE = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    DATABASE_URL = os.environ.get("CROWDQ_TEST_DATABASE_URL", "sqlite://")
    MAIL_BACKEND = "smtp"
    DEV_OUTBOX_PAGE = False
    BASE_URL = "http://localhost"
    PAGE_CACHE_SECONDS = 0  # tests that need it switch it on


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls, app_config: dict) -> None:
        """Refuse unsafe production settings before serving anything."""
        if not app_config.get("SECRET_KEY") or len(app_config["SECRET_KEY"]) < 16:
            raise RuntimeError("SECRET_KEY must be set (16+ characters) in production")
        if app_config.get("DEBUG"):
            raise RuntimeError("DEBUG must be off in production")
        if os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes"}:
            raise RuntimeError("FLASK_DEBUG must be off in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or os.environ.get("CROWDQ_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"CROWDQ_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
