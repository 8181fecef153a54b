"""The admin dashboard: counts and site settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField

from crowdq import events, policy
from crowdq.accounts.models import User
from crowdq.db import session
from crowdq.questions import settings
from crowdq.questions.models import Comment, Question, Vote

bp = Blueprint("admin", __name__)


class SettingsForm(FlaskForm):
    hold_first_questions = BooleanField(_l("Hold a new member's first question for review"))


def _count(model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@bp.route("/admin", methods=["GET", "POST"])
@login_required
def index():
    policy.require(current_user, "admin.view")
    form = SettingsForm(data={"hold_first_questions": settings.hold_first_questions(session)})
    if form.validate_on_submit():
        policy.require(current_user, "settings.change")
        settings.set_hold_first_questions(session, form.hold_first_questions.data)
        events.record(
            session, "settings.changed", current_user, None, hold_first_questions=form.hold_first_questions.data
        )
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.index"))
    stats = {
        "members": _count(User),
        "questions": _count(Question),
        "votes": _count(Vote),
        "comments": _count(Comment),
    }
    return render_template("admin/index.html", form=form, stats=stats)
