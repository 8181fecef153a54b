"""Home, static pages, the language switch, health check, dev outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import select, text

from crowdq.accounts import services as account_services
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.mail.models import OutboxMessage
from crowdq.questions import queries
from crowdq.security import set_language_cookie
from crowdq.web import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template(
        "home.html",
        popular=queries.list_questions(session, sort="votes", per_page=6).items,
        recent=queries.list_questions(session, sort="newest", per_page=6).items,
        topics=queries.topics_with_counts(session),
    )


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/code-of-conduct")
def code_of_conduct():
    return render_template("pages/code_of_conduct.html")


@bp.route("/language/<code>", methods=["GET", "POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    target = safe_next(request.values.get("next"))
    if request.method == "POST":
        # Members keep the choice in their profile (CSRF-protected form).
        if not current_user.is_authenticated or not EmptyForm().validate_on_submit():
            abort(400)
        account_services.set_locale(session, current_user, code)
    response = redirect(target)
    set_language_cookie(response, code)
    return response


@bp.route("/healthz")
def healthz():
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        current_app.logger.error("health check failed: %s", exc)
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/dev/outbox")
def dev_outbox():
    if not current_app.config.get("DEV_OUTBOX_PAGE"):
        abort(404)
    messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)).all()
    return render_template("dev/outbox.html", messages=messages)
