"""The researcher dashboard: questions in their topics, their claims and projects,
and the adopted questions still waiting for their answer. Personal, so never cached."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.db import session, utcnow
from crowdq.questions.topics import NO_TOPIC
from crowdq.research import dashboard
from crowdq.research.views import bp


@bp.route("/research", endpoint="dashboard")
@login_required
def dashboard_page():
    policy.require(current_user, "question.claim")  # verified researchers
    filters = dashboard.parse_filters(request.args)
    data = dashboard.load(session, current_user, filters, utcnow())
    return render_template(
        "research/dashboard.html",
        data=data,
        sorts=dashboard.SORTS,
        statuses=dashboard.STATUSES,
        no_topic=NO_TOPIC,
        all_topics=dashboard.ALL_TOPICS,
    )
