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


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list (blanks dropped); unset or empty gives []."""
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'crowdq.db'}")
    REDIS_URL = os.environ.get("REDIS_URL")
    # Rate limits are per client address (log-in also per account); with REDIS_URL all worker processes share
    # one count, without it each process counts alone (see README, Security).
    RATELIMIT_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    # Failed log-ins per account (the email posted), from any address: slows guessing one member's password
    # from many addresses. The price: someone failing on purpose can keep the member out for up to an hour.
    RATELIMIT_LOGIN_ACCOUNT = "5 per minute;30 per hour"
    RATELIMIT_REGISTER = "5 per minute;20 per hour"
    RATELIMIT_WRITE = "30 per minute;300 per hour"
    # Writes by new members (trust level 0, crowdq.moderation.trust): a person posts a few things a minute;
    # a script at the ordinary limit could fill the review queue before a moderator wakes.
    RATELIMIT_WRITE_NEW = "10 per minute;60 per hour"
    RATELIMIT_VOTE = "60 per minute;600 per hour"
    # Look-alikes (as a title is typed, and the public API): each request ranks up to 50 questions.
    RATELIMIT_LOOKALIKE = "120 per minute;2000 per hour"

    LANGUAGES = ("en", "nl")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "crowdq" / "translations")

    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not the clock
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # The question import (web page and CLI) takes files up to this size; only its page accepts the larger
    # upload (crowdq/facilitation/views.py raises the request limit for that one view).
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    # Token lifetimes in seconds.
    CONFIRM_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60 * 2
    EMAIL_CHANGE_TOKEN_MAX_AGE = 60 * 60 * 24
    # How long an organisation's invitation link works (it also works only once).
    ORGANISATION_INVITATION_MAX_AGE = int(os.environ.get("ORGANISATION_INVITATION_MAX_AGE", str(60 * 60 * 24 * 7)))

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
    # The public address of the site: every absolute URL (links in mails, the API's `url`/`next` fields) is
    # built from it, never from the request's Host header (crowdq/urls.py). It may carry a path prefix
    # (https://example.org/crowdq). Production refuses to start without it.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Host names the site answers to (Flask's TRUSTED_HOSTS; ".example.org" also allows its subdomains);
    # other Host headers get a 400. Empty (the default) accepts any host.
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS") or None
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (Werkzeug's ProxyFix).
    # 0 (the default) ignores those headers: a client could forge them. Checked in create_app.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")

    # Site settings default; admins override them in the database.
    HOLD_FIRST_QUESTIONS = _bool("HOLD_FIRST_QUESTIONS", False)
    # Anonymous readers get pages at most this old (0 turns the cache off).
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "30"))
    # Bounds per worker process (and, with Redis, for the whole site).
    PAGE_CACHE_MAX_ENTRIES = int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "2000"))
    PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(32 * 1024 * 1024)))
    # Without Redis, worker processes on one machine share a generation through this file, so a write in
    # one clears the others' caches too; None = `page-cache-generation` in the instance folder.
    PAGE_CACHE_GENERATION_FILE = os.environ.get("PAGE_CACHE_GENERATION_FILE")
    PAGE_CACHE_REDIS_PREFIX = "crowdq:page:"
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
    # No default: links in mails must point at the real site, so it has to be configured.
    BASE_URL = os.environ.get("BASE_URL")

    @classmethod
    def check(cls, app_config: dict) -> None:
        """Refuse unsafe production settings before serving anything."""
        if not app_config.get("SECRET_KEY") or len(app_config["SECRET_KEY"]) < 16:
            raise RuntimeError("SECRET_KEY must be set (16+ characters) in production")
        if app_config.get("DEBUG"):
            raise RuntimeError("DEBUG must be off in production")
        if os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes"}:
            raise RuntimeError("FLASK_DEBUG must be off in production")
        if not app_config.get("BASE_URL"):
            raise RuntimeError(
                "BASE_URL must be set in production: the public address of the site, e.g. https://crowdq.example.org"
            )


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
