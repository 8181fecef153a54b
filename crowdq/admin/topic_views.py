"""Admin pages for topics: list, create, edit, archive and reopen."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.admin.forms import TopicForm
from crowdq.admin.views import bp
from crowdq.db import session
from crowdq.errors import Invalid
from crowdq.extensions import limiter
from crowdq.questions import topics
from crowdq.web import apply_errors, posted_flag, write_limit


@bp.route("/admin/topics")
@login_required
def topic_list():
    policy.require(current_user, "topic.manage")
    return render_template(
        "admin/topics.html",
        topics=topics.all_topics(session),
        counts=topics.question_counts(session),
    )


@bp.route("/admin/topics/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def topic_new():
    policy.require(current_user, "topic.manage")
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = topics.create_topic(session, current_user, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The topic “%(name)s” is created.", name=topic.name(_locale())), "success")
            return redirect(url_for("admin.topic_list"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/topic_form.html", form=form, topic=None), status


@bp.route("/admin/topics/<int(max=2147483647):topic_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def topic_edit(topic_id: int):
    policy.require(current_user, "topic.manage")
    topic = topics.get_topic(session, topic_id)
    form = TopicForm(obj=topic)
    form.one_name_enough = topic.is_call
    if form.validate_on_submit():
        try:
            changed = topics.update_topic(session, current_user, topic, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The topic is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.topic_list"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/topic_form.html",
        form=form,
        topic=topic,
        question_count=topics.question_counts(session).get(topic.id, 0),
    ), status


@bp.route("/admin/topics/<int(max=2147483647):topic_id>/archived", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def topic_archive(topic_id: int):
    policy.require(current_user, "topic.manage")
    topic = topics.get_topic(session, topic_id)
    archived = posted_flag("archived")
    topics.set_archived(session, current_user, topic, archived)
    name = topic.name(_locale())
    flash(
        _("“%(name)s” is archived: it takes no new questions.", name=name)
        if archived
        else _("“%(name)s” takes new questions again.", name=name),
        "success",
    )
    return redirect(url_for("admin.topic_list"))


def _posting() -> bool:
    from flask import request

    return request.method == "POST"


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())
