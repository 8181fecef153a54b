"""crowdq: crowdsourcing research questions."""

from __future__ import annotations

from flask import Flask, has_request_context

from config import Config, ProductionConfig, config_for
from crowdq.resources import resource_dir


class CrowdqFlask(Flask):
    """Flask whose absolute URLs come from BASE_URL: `url_for(..., _external=True)` (and url_for outside a
    request, which Flask makes absolute) never uses the request's Host header."""

    def url_for(self, /, endpoint: str, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        if _external is None:
            _external = _scheme is not None if has_request_context() else True
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, **values)
        if _scheme is not None or _method is not None:
            raise ValueError("absolute URLs come from BASE_URL: url_for takes no _scheme or _method for them")
        from crowdq.urls import external_url

        return external_url(endpoint, _anchor=_anchor, **values)


def create_app(config: str | type[Config] | dict | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI."""
    app = CrowdqFlask(
        __name__,
        template_folder=resource_dir("templates"),
        static_folder="static",
        instance_relative_config=False,
    )
    if isinstance(config, dict):
        app.config.from_object(config_for(None))
        app.config.update(config)
    else:
        app.config.from_object(config if isinstance(config, type) else config_for(config))
    app.config.update(overrides)
    if app.config.get("ENV_NAME") == "production":
        ProductionConfig.check(app.config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set")

    from crowdq import (
        db,
        errors_web,
        models,  # noqa: F401 - every table known before the first query
        page_cache,
        security,
        templating,
        unit_of_work,
        urls,
    )
    from crowdq.extensions import babel, csrf, limiter, login_manager
    from crowdq.i18n import select_locale

    urls.init_app(app)
    _init_hosts_and_proxies(app)
    db.init_app(app)
    page_cache.init_app(app)
    unit_of_work.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app, login_manager)
    _init_limiter(app, limiter)
    templating.init_app(app)
    security.init_app(app)
    errors_web.init_app(app)
    _register_blueprints(app)

    from crowdq.cli import cli

    app.cli.add_command(cli)
    return app


def _init_hosts_and_proxies(app: Flask) -> None:
    """TRUSTED_PROXIES: trust that many proxies' X-Forwarded-For/-Proto/-Host (ProxyFix), so rate limits see
    the client's address, not the proxy's. TRUSTED_HOSTS: Flask refuses other Host headers with a 400."""
    from werkzeug.exceptions import SecurityError
    from werkzeug.middleware.proxy_fix import ProxyFix

    raw = app.config.get("TRUSTED_PROXIES") or 0
    try:
        proxies = int(str(raw).strip())
    except ValueError:
        proxies = -1
    if proxies < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number >= 0 (proxies in front of the app), not {raw!r}")
    app.config["TRUSTED_PROXIES"] = proxies
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    app.config["TRUSTED_HOSTS"] = list(hosts) if hosts else None  # None: any host (development)

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # Raised before routing, so no URL can be built and the error page cannot render: a plain 400.
        return error.get_response()


def _init_login(app: Flask, login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    from crowdq.accounts.models import User
    from crowdq.db import get_session

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        user_part, _sep, version = user_id.partition(":")
        if not (user_part.isdigit() and version.isdigit()) or len(user_id) > 40:
            return None
        user = get_session().get(User, int(user_part))
        if user is None or user.session_version != int(version) or not user.is_active:
            return None
        return user


def _init_limiter(app: Flask, limiter) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "crowdq")
    if (
        app.config.get("ENV_NAME") == "production"
        and app.config.get("RATELIMIT_ENABLED", True)
        and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://")
    ):
        app.logger.warning(
            "REDIS_URL is not set: rate limits are counted per worker process, so with N workers a client "
            "gets up to N times each limit. Set REDIS_URL to share one count."
        )
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from crowdq import main_views
    from crowdq.accounts.views import bp as accounts_bp
    from crowdq.admin.views import bp as admin_bp
    from crowdq.api.views import bp as api_bp
    from crowdq.calls.views import bp as calls_bp
    from crowdq.facilitation.views import bp as facilitation_bp
    from crowdq.merging.views import bp as merging_bp
    from crowdq.moderation.admin_views import bp as moderation_admin_bp
    from crowdq.moderation.views import bp as moderation_bp
    from crowdq.organisations.views import bp as organisations_bp
    from crowdq.questions.views import bp as questions_bp
    from crowdq.research.views import bp as research_bp

    for bp in (
        main_views.bp,
        accounts_bp,
        questions_bp,
        organisations_bp,
        calls_bp,
        facilitation_bp,
        research_bp,
        merging_bp,
        moderation_bp,
        admin_bp,
        moderation_admin_bp,
    ):
        app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
