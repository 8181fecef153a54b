"""Claiming, adopting, releasing and answering questions (research blueprint).

The question page carries the small forms (claim, release a claim) and links
to the pages here (adopt, release an adoption, publish or correct an answer);
each page shows its own mistakes, so it all works without JavaScript. The
rules are in crowdq.research.claims, adoption and answers.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crowdq import policy, text
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.extensions import limiter
from crowdq.questions import services as question_services
from crowdq.research import adoption, answers, claims
from crowdq.research.models import Answer, Project
from crowdq.research.question_context import doi_href, research_context
from crowdq.research.question_forms import AdoptForm, AnswerForm, ClaimForm, ReleaseForm
from crowdq.research.views import bp
from crowdq.web import apply_errors, write_limit

ID = "int(max=2147483647)"


def _posting() -> bool:
    return request.method == "POST"


def _back(question_id: int, anchor: str = "research"):
    return redirect(url_for("questions.show", question_id=question_id, _anchor=anchor))


def _project(project_id: int) -> Project:
    project = session.scalar(select(Project).where(Project.id == project_id).options(selectinload(Project.members)))
    if project is None:
        raise NotFound("project")
    return project


def _form_status(form, conflict: bool = False) -> int:
    return 409 if conflict else 400 if form.errors or form.form_errors else 200


# --- claims -------------------------------------------------------------------------------
@bp.route(f"/questions/<{ID}:question_id>/claim", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def claim(question_id: int):
    question = question_services.get_question(session, question_id, current_user)
    policy.require(current_user, "question.claim", question)
    projects = adoption.member_projects(session, current_user)
    form = ClaimForm()
    form.project.choices = [("", _("No project yet"))] + [(p.id, p.title) for p in projects]
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        raise Invalid({name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()})
    project = next((p for p in projects if p.id == form.project.data), None)
    try:
        held, new = claims.claim(session, current_user, question, project=project, note=form.note.data)
    except Conflict as error:
        flash(error.message, "error")
        return _back(question.id)
    until = format_date(held.expires_at, "long")
    if new:
        flash(
            _("You claimed this question until %(date)s. Others see that a researcher is looking at it.", date=until),
            "success",
        )
    else:
        flash(_("You are looking at this question already, until %(date)s.", date=until), "info")
    return _back(question.id)


@bp.route(f"/questions/<{ID}:question_id>/claim/release", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def release_claim(question_id: int):
    question = question_services.get_question(session, question_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if claims.release(session, current_user, question):
        flash(_("You released your claim. Others may take the question up now."), "success")
    else:
        flash(_("You had no claim on this question (a claim ends by itself after 14 days)."), "info")
    return _back(question.id)


# --- adoptions ----------------------------------------------------------------------------
def _release_form(project_id: int, formdata=True) -> ReleaseForm:
    """One release form per adopting project on the page, each with its own field names and ids."""
    prefix = f"release-{project_id}"
    return ReleaseForm(prefix=prefix) if formdata else ReleaseForm(formdata=None, prefix=prefix)


def _adopt_page(question, research, adopt_form, posted: tuple[int, ReleaseForm] | None = None, status=200):
    """The member's projects and this question: adopt it into one, or release it from one
    (`posted`: the release form just sent, with its mistakes, by project id)."""
    release_forms = {a.project_id: _release_form(a.project_id, formdata=False) for a in research.my_adoptions}
    if posted is not None:
        release_forms[posted[0]] = posted[1]
    return (
        render_template(
            "research/adopt.html", question=question, research=research, form=adopt_form, release_forms=release_forms
        ),
        status,
    )


def _adopt_form(research, formdata=True) -> AdoptForm:
    """Choices: the member's projects that have not adopted the question (yet, or again)."""
    form = AdoptForm() if formdata else AdoptForm(formdata=None)
    adopted = {a.project_id for a in research.adoptions}
    form.project.choices = [(p.id, p.title) for p in research.my_projects if p.id not in adopted]
    return form


@bp.route(f"/questions/<{ID}:question_id>/adopt", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def adopt(question_id: int):
    question = question_services.get_question(session, question_id, current_user)
    policy.require(current_user, "question.claim", question)  # researchers only
    research = research_context(session, question, current_user)
    form = _adopt_form(research)
    conflict = False
    if form.validate_on_submit():
        project = next(p for p in research.my_projects if p.id == form.project.data)
        try:
            adoption.adopt(session, current_user, question, project, form.note.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(_("%(project)s adopted this question.", project=project.title), "success")
            return _back(question.id)
    return _adopt_page(question, research, form, status=_form_status(form, conflict))


@bp.route(f"/questions/<{ID}:question_id>/adoptions/<{ID}:project_id>/release", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def release_adoption(question_id: int, project_id: int):
    question = question_services.get_question(session, question_id, current_user)
    project = _project(project_id)
    policy.require(current_user, "project.post", project)
    form = _release_form(project.id)
    if form.validate_on_submit():
        try:
            released = adoption.release(session, current_user, question, project, form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            if released:
                flash(_("%(project)s released this question.", project=project.title), "success")
            else:
                flash(_("%(project)s had not adopted this question.", project=project.title), "info")
            return _back(question.id)
    elif form.errors.get("csrf_token"):
        abort(400)
    research = research_context(session, question, current_user)
    if all(a.project_id != project.id for a in research.my_adoptions):
        flash(_("%(project)s had not adopted this question.", project=project.title), "info")
        return _back(question.id)
    return _adopt_page(question, research, _adopt_form(research, formdata=False), (project.id, form), status=400)


# --- answers ------------------------------------------------------------------------------
@bp.route(f"/questions/<{ID}:question_id>/answer/<{ID}:project_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def answer(question_id: int, project_id: int):
    question = question_services.get_question(session, question_id, current_user)
    project = _project(project_id)
    policy.require(current_user, "project.post", project)
    existing = answers.get_answer(session, project.id, question.id)
    adopted = adoption.live_adoption(session, project.id, question.id) is not None
    if existing is not None:
        form = AnswerForm(
            data={
                "summary_en": existing.summary_en,
                "summary_nl": existing.summary_nl,
                "dois": "\n".join(existing.dois),
                "data_links": "\n".join(existing.data_links),
            }
        )
    else:
        form = AnswerForm()
    conflict = False
    if (existing is not None or adopted) and form.validate_on_submit():
        try:
            saved, outcome = answers.publish(session, current_user, question, project, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(
                {
                    "published": _("The answer is published. Everyone who asked, voted or follows hears of it."),
                    "corrected": _("The correction is saved; the earlier version is kept."),
                    "unchanged": _("Nothing was changed."),
                }[outcome],
                "success",
            )
            return _back(question.id, f"answer-{saved.id}")
    elif _posting() and existing is None and not adopted:
        conflict = True
    return render_template(
        "research/answer.html", question=question, project=project, form=form, answer=existing, adopted=adopted
    ), _form_status(form, conflict)


@bp.route(f"/questions/<{ID}:question_id>/answers/<{ID}:answer_id>/revisions")
def answer_revisions(question_id: int, answer_id: int):
    question = question_services.get_question(session, question_id, current_user)
    found = session.get(Answer, answer_id)
    if found is None or found.question_id != question.id:
        raise NotFound("answer")
    earlier = [(r, text.render(r.summary_en), text.render(r.summary_nl)) for r in answers.revisions(session, found.id)]
    return render_template(
        "research/answer_revisions.html", question=question, answer=found, revisions=earlier, doi_href=doi_href
    )
