"""crowdq: crowdsourcing research questions."""

from __future__ import annotations

from flask import Flask

from config import Config, ProductionConfig, config_for
from crowdq.resources import resource_dir


def create_app(config: str | type[Config] | dict | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(
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

    from crowdq import db, errors_web, page_cache, security, templating, unit_of_work
    from crowdq.extensions import babel, csrf, limiter, login_manager
    from crowdq.i18n import select_locale

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
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from crowdq import main_views
    from crowdq.accounts.views import bp as accounts_bp
    from crowdq.admin.views import bp as admin_bp
    from crowdq.api.views import bp as api_bp
    from crowdq.moderation.views import bp as moderation_bp
    from crowdq.organisations.views import bp as organisations_bp
    from crowdq.questions.views import bp as questions_bp
    from crowdq.research.views import bp as research_bp

    for bp in (main_views.bp, accounts_bp, questions_bp, organisations_bp, research_bp, moderation_bp, admin_bp):
        app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
