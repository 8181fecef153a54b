"""Merging pages: merge a question into another, merge several selected ones
(into one of them or a new cluster question), the merge log with undo, the
duplicate candidates queue, and members' "looks like a duplicate of ...".
Every page works without JavaScript and shows its own mistakes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.merging import duplicates, services, similarity
from crowdq.merging.forms import (
    CandidateMergeForm,
    ClusterForm,
    MergeForm,
    SuggestDuplicateForm,
    UndoForm,
    question_ref,
)
from crowdq.merging.models import QuestionMerge
from crowdq.questions import services as questions
from crowdq.questions.models import Question
from crowdq.web import apply_errors, small_int, write_limit

bp = Blueprint("merging", __name__)
ID = "int(max=2147483647)"
LOG_PAGE = 30


def _status(form, conflict: bool = False) -> int:
    return 409 if conflict else 400 if form.errors or form.form_errors else 200


def _look_alikes(question: Question) -> list[similarity.Match]:
    """The questions most like this one, to pick from."""
    return similarity.similar(
        session, f"{question.title}\n{question.body}", question.language, limit=5, exclude_id=question.id
    )


def _referenced(form_field, message: str) -> Question | None:
    """The question a number or link in the field points at, or a message on the field."""
    question_id = question_ref(form_field.data)
    question = None
    if question_id is not None:
        question = session.get(Question, question_id)
        if question is not None and not policy.can(current_user, "question.view", question):
            question = None
    if question is None:
        form_field.errors = [*form_field.errors, message]
    return question


# --- one question into another --------------------------------------------------------------
@bp.route(f"/questions/<{ID}:question_id>/merge", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, methods=["POST"])
def merge_one(question_id: int):
    question = questions.get_question(session, question_id, current_user)
    policy.require(current_user, "question.merge", question)
    form = MergeForm()
    conflict = False
    if form.validate_on_submit():
        target = _referenced(form.target, _("There is no question with that number or link."))
        if target is not None:
            try:
                record = services.merge(session, current_user, [question], target, form.reason.data)
            except Invalid as error:
                apply_errors(form, error)
            except Conflict as error:
                form.form_errors.append(error.message)
                conflict = True
            else:
                flash(_("Merged. Its votes and followers now count here."), "success")
                return redirect(url_for("questions.show", question_id=record.target_id))
    elif request.method == "GET" and request.args.get("into"):
        form.target.data = request.args["into"][:300]
    look_alikes = _look_alikes(question)
    return render_template("merging/merge.html", question=question, form=form, look_alikes=look_alikes), _status(
        form, conflict
    )


# --- several selected questions -------------------------------------------------------------------
def _selected() -> list[Question]:
    raw = request.values.getlist("ids")[: services.MAX_SOURCES + 1]
    ids = sorted({i for i in (small_int(v) for v in raw) if i is not None})
    if len(raw) > services.MAX_SOURCES or len(ids) < 2:
        return []
    found = session.scalars(select(Question).where(Question.id.in_(ids)).order_by(Question.id)).all()
    return [q for q in found if policy.can(current_user, "question.view", q)]


@bp.route("/questions/merge", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, methods=["POST"])
def merge_selected():
    policy.require(current_user, "question.merge")
    selected = _selected()
    if not selected:
        flash(
            _(
                "Select between 2 and %(n)d questions to merge, with the boxes in a list or search.",
                n=services.MAX_SOURCES,
            ),
            "error",
        )
        return redirect(url_for("questions.index")), 303
    form = ClusterForm()
    form.target.choices = [("new", _("A new cluster question"))] + [(str(q.id), q.title) for q in selected]
    if request.method == "GET":
        form.target.data = "new"
        form.language.data = selected[0].language
    conflict = False
    if form.validate_on_submit():
        try:
            if form.target.data == "new":
                record = services.merge(
                    session,
                    current_user,
                    selected,
                    None,
                    form.reason.data,
                    new_title=form.title.data,
                    new_body=form.body.data,
                    new_language=form.language.data,
                )
            else:
                target = next(q for q in selected if str(q.id) == form.target.data)
                sources = [q for q in selected if q.id != target.id]
                record = services.merge(session, current_user, sources, target, form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(_("Merged. Their votes and followers now count here."), "success")
            return redirect(url_for("questions.show", question_id=record.target_id))
    return render_template("merging/merge_selected.html", selected=selected, form=form), _status(form, conflict)


# --- the merge log and undo ----------------------------------------------------------------------------
@bp.route("/moderation/merges")
@login_required
def log():
    policy.require(current_user, "question.merge")
    page = small_int(request.args.get("page"), 10_000) or 1
    rows = session.scalars(
        select(QuestionMerge)
        .options(
            selectinload(QuestionMerge.members),
            selectinload(QuestionMerge.created_by),
            selectinload(QuestionMerge.undone_by),
        )
        .order_by(QuestionMerge.id.desc())
        .offset((page - 1) * LOG_PAGE)
        .limit(LOG_PAGE + 1)
    ).all()
    ids = {r.target_id for r in rows} | {m.question_id for r in rows for m in r.members}
    # Researchers read the log too: a question hidden or held since shows as its number only.
    found = session.scalars(select(Question).where(Question.id.in_(ids))).all() if ids else []
    titles = {q.id: q.title for q in found if policy.can(current_user, "question.view", q)}
    return render_template(
        "merging/log.html", merges=rows[:LOG_PAGE], titles=titles, page=page, more=len(rows) > LOG_PAGE
    )


@bp.route(f"/moderation/merges/<{ID}:merge_id>/undo", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, methods=["POST"])
def undo(merge_id: int):
    record = services.get_merge(session, merge_id)
    policy.require(current_user, "question.unmerge")
    form = UndoForm()
    conflict = False
    if record.undone_at is None and form.validate_on_submit():
        try:
            services.undo(session, current_user, record, form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(_("The merge is undone: the questions are back as they were."), "success")
            return redirect(url_for("merging.log"))
    target = session.get(Question, record.target_id)
    sources = [session.get(Question, m.question_id) for m in record.members]
    return render_template("merging/undo.html", merge=record, target=target, sources=sources, form=form), _status(
        form, conflict
    )


# --- duplicate candidates ------------------------------------------------------------------------------
@bp.route("/moderation/duplicates")
@login_required
def candidates():
    policy.require(current_user, "question.merge")
    page = small_int(request.args.get("page"), 10_000) or 1
    rows, more = duplicates.queue(session, page)
    forms = {}
    for candidate, first, second in rows:
        form = CandidateMergeForm(formdata=None, prefix=f"c{candidate.id}")
        form.keep.choices = _keep_choices(first, second)
        forms[candidate.id] = form
    return render_template("merging/candidates.html", rows=rows, forms=forms, page=page, more=more)


def _keep_choices(first: Question, second: Question) -> list[tuple[str, str]]:
    return [(str(first.id), _("Keep #%(id)d", id=first.id)), (str(second.id), _("Keep #%(id)d", id=second.id))]


@bp.route(f"/moderation/duplicates/<{ID}:candidate_id>/merge", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def merge_candidate(candidate_id: int):
    policy.require(current_user, "question.merge")
    candidate = duplicates.get_candidate(session, candidate_id)
    first, second = session.get(Question, candidate.first_id), session.get(Question, candidate.second_id)
    form = CandidateMergeForm(prefix=f"c{candidate.id}")
    form.keep.choices = _keep_choices(first, second)
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        for messages in form.errors.values():
            flash(" ".join(str(m) for m in messages), "error")
        return redirect(url_for("merging.candidates", _anchor=f"candidate-{candidate.id}")), 303
    target, source = (first, second) if form.keep.data == str(first.id) else (second, first)
    try:
        record = services.merge(session, current_user, [source], target, form.reason.data)
    except (Invalid, Conflict) as error:
        flash(error.message, "error")
        return redirect(url_for("merging.candidates")), 303
    flash(_("Merged. Its votes and followers now count here."), "success")
    return redirect(url_for("questions.show", question_id=record.target_id))


@bp.route(f"/moderation/duplicates/<{ID}:candidate_id>/dismiss", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def dismiss(candidate_id: int):
    policy.require(current_user, "question.merge")
    candidate = duplicates.get_candidate(session, candidate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    duplicates.dismiss(session, current_user, candidate)
    flash(_("Marked as not a duplicate; this pair will not be proposed again."), "success")
    return redirect(url_for("merging.candidates")), 303


# --- members: "this looks like a duplicate of ..." -------------------------------------------------------
@bp.route(f"/questions/<{ID}:question_id>/duplicate", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, methods=["POST"])
def suggest(question_id: int):
    question = questions.get_question(session, question_id, current_user)
    policy.require(current_user, "question.suggest_duplicate", question)
    form = SuggestDuplicateForm()
    conflict = False
    if form.validate_on_submit():
        other = _referenced(form.other, _("There is no question with that number or link."))
        if other is not None:
            try:
                duplicates.suggest(session, current_user, question, other)
            except Conflict as error:
                form.other.errors = [*form.other.errors, error.message]
                conflict = True
            else:
                flash(_("Thank you. Researchers and moderators will look at both questions."), "success")
                return redirect(url_for("questions.show", question_id=question.id))
    look_alikes = _look_alikes(question)
    return render_template("merging/suggest.html", question=question, form=form, look_alikes=look_alikes), _status(
        form, conflict
    )


def question_context(question: Question) -> dict:
    """What the question page shows about merges: where a merged question lives
    now and the merge that sent it there; the questions merged into this one."""
    context: dict = {"sources": [], "merge": None, "target": None, "target_hidden": False}
    if question.status == "merged" and question.merged_into_id is not None:
        target = session.get(Question, question.merged_into_id)
        # A target hidden or held since is named to its author and the moderators only.
        context["target_hidden"] = target is not None and not policy.can(current_user, "question.view", target)
        context["target"] = target
        context["merge"] = services.live_merge_of(session, question.id)
    else:
        context["sources"] = services.merged_sources(session, question.id)
    return context
