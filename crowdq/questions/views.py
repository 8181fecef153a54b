"""Question pages: list, topic, search, ask, show, vote, follow, comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crowdq import policy
from crowdq import search as fulltext
from crowdq.accounts.forms import EmptyForm
from crowdq.db import MAX_ID, session
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.extensions import limiter
from crowdq.merging import similarity
from crowdq.merging.views import question_context as merge_context
from crowdq.organisations import endorsements as organisation_endorsements
from crowdq.questions import discussion, editing, queries, services, topics
from crowdq.questions.forms import AskForm, CommentForm, QuestionForm
from crowdq.questions.models import Question, QuestionRevision, Topic
from crowdq.questions.timeline import question_timeline
from crowdq.research.question_context import research_context
from crowdq.web import apply_errors, lookalike_limit, posted_flag, safe_next, small_int, write_limit

bp = Blueprint("questions", __name__)


def _vote_limit() -> str:
    from flask import current_app

    return current_app.config["RATELIMIT_VOTE"]


def _list_page(template: str, extra_filters: dict | None = None, **context):
    sort = queries.parse_sort(request.args.get("sort"))
    filters = queries.parse_filters(request.args)
    for key, value in (extra_filters or {}).items():
        setattr(filters, key, value)
    page = queries.list_questions(session, sort=sort, filters=filters, after=request.args.get("after") or None)
    return render_template(
        template, page=page, sorts=queries.SORTS, topics=topics.all_topics(session), no_topic=topics.NO_TOPIC, **context
    )


@bp.route("/questions")
def index():
    return _list_page("questions/index.html")


@bp.route("/topics/<slug>")
def topic(slug: str):
    topic = topics.by_slug(session, slug)
    if topic is None:
        abort(404)
    if topic.is_call:
        from crowdq.calls.views import call_page  # the call's page: state, budget, progress, ranking

        return call_page(topic)
    return _list_page("questions/topic.html", extra_filters={"topic": topic.slug}, topic=topic)


@bp.route("/tags/<name>")
def tag(name: str):
    return _list_page("questions/tag.html", extra_filters={"tag": name[:40].lower()}, tag_name=name[:40].lower())


def _topic_choices(current: Topic | None = None) -> list[tuple]:
    """No topic, then the open topics; a question's own archived topic stays choosable."""
    locale = str(get_locale())
    choices = [("", _("No topic"))]
    choices += [(t.id, t.name(locale)) for t in topics.open_topics(session)]
    if current is not None and current.is_archived:
        choices.append((current.id, _("%(name)s (archived)", name=current.name(locale))))
    return choices


@bp.route("/questions/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def new():
    """Ask a question; before publishing, show look-alikes (a step that works without JS)."""
    policy.require(current_user, "question.create")
    form = AskForm()
    form.topic.choices = _topic_choices()
    acting = organisation_endorsements.acting_organisations(session, current_user)
    form.on_behalf.choices = [("", _("Only me"))] + [(o.id, o.name) for o in acting]
    if request.method == "GET":
        form.language.data = str(get_locale())
        # "Ask a question" on a topic page arrives with ?topic=<slug>.
        chosen = topics.by_slug(session, request.args.get("topic") or "")
        if chosen is not None and not chosen.is_archived:
            form.topic.data = chosen.id
    similar = []
    if form.validate_on_submit():
        if form.confirmed.data != "1":
            # The confirmation step: the title and the explanation, in the question's language.
            similar = [
                m.question
                for m in similarity.similar(
                    session, f"{form.title.data}\n{form.body.data or ''}", form.language.data, limit=5
                )
            ]
        if not similar:
            try:
                question = services.submit(
                    session,
                    current_user,
                    **form.service_fields(),
                    organisation=next((o for o in acting if o.id == form.on_behalf.data), None),
                )
            except Invalid as error:
                apply_errors(form, error)
            else:
                if question.held:
                    flash(_("Thank you! Your question is waiting for a moderator to review it."), "info")
                else:
                    flash(_("Thank you! Your question is published."), "success")
                return redirect(url_for("questions.show", question_id=question.id))
        form.confirmed.data = "1"
    status = 400 if form.errors or form.form_errors else 200
    return render_template("questions/new.html", form=form, similar=similar, vote_form=EmptyForm(formdata=None)), status


@bp.route("/questions/similar")
@limiter.limit(lookalike_limit)
def similar():
    """Look-alike questions for a title being typed (JSON for the form's script)."""
    title = (request.args.get("title") or "")[:200]
    language = request.args.get("lang")
    found = [m.question for m in similarity.similar(session, title, language if language in ("nl", "en") else None)]
    return jsonify(
        items=[
            {
                "id": q.id,
                "title": q.title,
                "url": url_for("questions.show", question_id=q.id),
                "vote_count": q.vote_count,
                "votes_label": ngettext("%(num)s vote", "%(num)s votes", q.vote_count),
            }
            for q in found
        ]
    )


@bp.route("/questions/<int(max=2147483647):question_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def edit(question_id: int):
    question = services.get_question(session, question_id, current_user)
    policy.require(current_user, "question.edit", question)
    form = QuestionForm(
        data={
            "title": question.title,
            "body": question.body,
            "topic": question.topic_id,
            "language": question.language,
            "tags": ", ".join(t.name for t in question.tags),
            "place": question.place or "",
        }
    )
    form.topic.choices = _topic_choices(question.topic)
    locked = editing.title_locked(session, question) and not policy.can(
        current_user, "question.edit_locked_title", question
    )
    if form.validate_on_submit():
        try:
            fields = form.service_fields()
            if locked:
                fields["title"] = question.title
            changed = editing.edit(session, current_user, question, **fields)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("questions.show", question_id=question.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("questions/edit.html", form=form, question=question, title_locked=locked), status


@bp.route("/questions/<int(max=2147483647):question_id>/comments/closed", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def close_comments(question_id: int):
    question = services.get_question(session, question_id, current_user)
    closed = posted_flag("closed")
    discussion.set_comments_closed(session, current_user, question, closed)
    flash(_("Comments are closed.") if closed else _("Comments are open again."), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.route("/questions/<int(max=2147483647):question_id>")
def show(question_id: int):
    try:
        question = services.get_question(session, question_id, current_user)
    except NotFound:
        # Hidden by moderators or after flags: readers see why, not what (410: it was here, it is gone).
        hidden = session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
        if hidden is None or hidden.moderation_state not in ("hidden", "flagged"):
            raise
        return render_template("questions/hidden.html", question=hidden), 410
    user_id = current_user.id if current_user.is_authenticated else None
    return render_template(
        "questions/show.html",
        question=question,
        thread=discussion.thread(session, question.id),
        voted=services.has_voted(session, user_id, question.id),
        following=services.is_following(session, user_id, question.id),
        revision_count=editing.revision_count(session, question.id),
        organisations=organisation_endorsements.question_context(session, question, current_user),
        research=research_context(session, question, current_user),
        timeline=question_timeline(session, question, current_user),
        merges=merge_context(question),
        comment_form=CommentForm(formdata=None) if current_user.is_authenticated else None,
        action_form=EmptyForm(formdata=None) if current_user.is_authenticated else None,
    )


def question_revisions(question_id: int) -> list[QuestionRevision]:
    return session.scalars(
        select(QuestionRevision).where(QuestionRevision.question_id == question_id).order_by(QuestionRevision.id.desc())
    ).all()


@bp.route("/questions/<int(max=2147483647):question_id>/vote", methods=["POST"])
@login_required
@limiter.limit(_vote_limit)
def vote(question_id: int):
    question = services.get_question(session, question_id, current_user)
    wanted = posted_flag("vote")
    try:
        if wanted:
            services.vote(session, current_user, question)
        else:
            services.unvote(session, current_user, question)
    except Conflict as error:
        if _wants_json():
            return jsonify(error={"status": 409, "message": error.message}), 409
        flash(error.message, "error")
        return redirect(url_for("questions.show", question_id=question.id))
    voted = wanted
    if _wants_json():
        following = services.is_following(session, current_user.id, question.id)
        return jsonify(
            voted=voted,
            vote_count=question.vote_count,
            vote_label=ngettext("vote", "votes", question.vote_count),
            following=following,
            follower_text=ngettext("%(num)s follower", "%(num)s followers", question.follower_count),
        )
    flash(_("Your vote is counted.") if voted else _("Your vote is withdrawn."), "success")
    return redirect(
        safe_next(request.form.get("next"), "questions.index")
        if request.form.get("next")
        else url_for("questions.show", question_id=question.id)
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/questions/<int(max=2147483647):question_id>/follow", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def follow(question_id: int):
    question = services.get_question(session, question_id, current_user)
    wanted = posted_flag("follow")
    try:
        services.set_following(session, current_user, question, wanted)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("questions.show", question_id=question.id))
    flash(_("You now follow this question.") if wanted else _("You no longer follow this question."), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.route("/questions/<int(max=2147483647):question_id>/comments", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def comment(question_id: int):
    question = services.get_question(session, question_id, current_user)
    form = CommentForm()
    if form.validate_on_submit():
        parent = small_int(form.parent_id.data) if form.parent_id.data else None
        if form.parent_id.data and parent is None:
            raise Invalid({"parent_id": _("The comment you reply to no longer exists.")})
        try:
            created = discussion.add_comment(session, current_user, question, form.body.data, parent)
        except Invalid as error:
            apply_errors(form, error)
        else:
            if created.moderation_state == "held":
                flash(_("Thank you! Your comment is waiting for a moderator to review it."), "info")
            else:
                flash(_("Your comment is posted."), "success")
            return redirect(url_for("questions.show", question_id=question.id, _anchor=f"comment-{created.id}"))
    return render_template("questions/comment_error.html", question=question, form=form), 400


@bp.route("/comments/<int(max=2147483647):comment_id>/reply")
@login_required
def reply(comment_id: int):
    """The reply form for a comment (a page of its own: light, and no JS needed)."""
    comment = discussion.get_comment(session, comment_id, current_user)
    question = services.get_question(session, comment.question_id, current_user)
    policy.require(current_user, "comment.create", question)
    if comment.deleted_at is not None or comment.moderation_state is not None:
        abort(404)  # moderated comments take no replies (crowdq.questions.discussion.add_comment)
    form = CommentForm(formdata=None)
    form.body.label.text = _("Your reply")
    return render_template("questions/reply.html", form=form, comment=comment, question=question)


@bp.route("/comments/<int(max=2147483647):comment_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def edit_comment(comment_id: int):
    comment = discussion.get_comment(session, comment_id, current_user)
    policy.require(current_user, "comment.edit", comment)
    form = CommentForm(data={"body": comment.body})
    if form.validate_on_submit():
        try:
            discussion.edit_comment(session, current_user, comment, form.body.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your comment is updated."), "success")
            return redirect(url_for("questions.show", question_id=comment.question_id, _anchor=f"comment-{comment.id}"))
    return render_template("questions/edit_comment.html", form=form, comment=comment), 400 if form.errors else 200


@bp.route("/comments/<int(max=2147483647):comment_id>/delete", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def delete_comment(comment_id: int):
    comment = discussion.get_comment(session, comment_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if discussion.delete_comment(session, current_user, comment):
        flash(_("The comment is deleted."), "success")
    else:
        flash(_("This comment was deleted already."), "info")
    return redirect(url_for("questions.show", question_id=comment.question_id))


@bp.route("/questions/<int(max=2147483647):question_id>/revisions")
def revisions(question_id: int):
    question = services.get_question(session, question_id, current_user)
    return render_template("questions/revisions.html", question=question, revisions=question_revisions(question.id))


@bp.route("/search")
def search():
    q = (request.args.get("q") or "").strip()
    if len(q) > 200:
        raise Invalid({"q": _("Search for at most 200 characters.")})
    results = fulltext.search_questions(session, q, limit=30) if q else []
    return render_template("questions/search.html", q=q, results=results)
