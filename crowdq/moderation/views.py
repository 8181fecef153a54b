"""The moderators' overview: held questions and open flags."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from crowdq import policy
from crowdq.db import session
from crowdq.moderation.models import Flag
from crowdq.questions.models import Comment, Question

bp = Blueprint("moderation", __name__)


@bp.route("/moderation")
@login_required
def index():
    policy.require(current_user, "moderation.view")
    held = session.scalars(select(Question).where(Question.held.is_(True)).order_by(Question.created_at)).all()
    flags = session.scalars(select(Flag).where(Flag.resolved_at.is_(None)).order_by(Flag.created_at).limit(100)).all()
    comment_ids = [f.target_id for f in flags if f.target_type == "comment"]
    comments = (
        {c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))} if comment_ids else {}
    )
    return render_template("moderation/index.html", held=held, flags=flags, comments=comments)
