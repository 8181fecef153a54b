"""The admin area: dashboard and site settings here; topics and members in
their own modules on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.admin import settings
from crowdq.admin.forms import SettingsForm
from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.questions.models import Comment, Question, Topic, Vote
from crowdq.web import apply_errors

bp = Blueprint("admin", __name__)


def _count(model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index():
    policy.require(current_user, "admin.view")
    form = SettingsForm(data=settings.current(session))
    if form.validate_on_submit():
        try:
            changed = settings.save(
                session,
                current_user,
                site_name=form.site_name.data,
                welcome_en=form.welcome_en.data,
                welcome_nl=form.welcome_nl.data,
                hold_first_questions=form.hold_first_questions.data,
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.index"))
    stats = {
        "members": _count(User),
        "questions": _count(Question),
        "votes": _count(Vote),
        "comments": _count(Comment),
        "topics": _count(Topic),
    }
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/index.html", form=form, stats=stats), status


# Routes of the other admin pages register on `bp` when imported.
from crowdq.admin import member_views, organisation_views, researcher_views, topic_views  # noqa: E402,F401
