"""Research project pages: the list, starting and editing a project, its team
(invitations, roles, leaving) and its updates. The rules live in
crowdq.research.projects and .updates; the reading in .project_queries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.extensions import limiter
from crowdq.research import project_queries, projects, updates
from crowdq.research.project_forms import ProjectForm, UpdateForm
from crowdq.research.views import bp
from crowdq.web import apply_errors, small_int, write_limit

PROJECT_ID = "<int(max=2147483647):project_id>"


def _posting() -> bool:
    return request.method == "POST"


def _labels() -> dict:
    return {"status_labels": projects.STATUS_LABELS, "role_labels": projects.ROLE_LABELS}


def _project_url(project_id: int, anchor: str | None = None) -> str:
    return url_for("research.show", project_id=project_id, _anchor=anchor)


def _checked() -> None:
    """The CSRF check of a one-button form."""
    if not EmptyForm().validate_on_submit():
        abort(400)


def _conflict_to_flash(action):
    """Run a change; a clash with the current state (the last lead, someone
    removed in another tab...) becomes a message."""
    try:
        return action()
    except Conflict as error:
        flash(error.message, "error")
    except NotFound:
        flash(_("This researcher is not on the team (any more)."), "info")
    return None


# --- the list and the page -----------------------------------------------------------------
@bp.route("/projects")
def index():
    page = project_queries.project_list(
        session,
        str(get_locale()),
        project_queries.parse_status(request.args),
        project_queries.parse_after(request.args),
    )
    return render_template("research/index.html", page=page, **_labels())


@bp.route(f"/projects/{PROJECT_ID}")
def show(project_id: int):
    return _show_page(project_id, None, 200)


def _show_page(project_id: int, update_form: UpdateForm | None, status: int):
    page = project_queries.project_page(
        session, project_id, str(get_locale()), project_queries.parse_older(request.args)
    )
    member = current_user.is_authenticated
    if update_form is None and policy.can(current_user, "project.post", page.project):
        update_form = UpdateForm(formdata=None)
    mine = projects.membership(page.project, current_user.id) if member else None
    return render_template(
        "research/show.html",
        page=page,
        project=page.project,
        mine=mine,
        update_form=update_form,
        **_labels(),
    ), status


# --- starting and editing ------------------------------------------------------------------------
@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def new():
    policy.require(current_user, "project.create")
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = projects.create(session, current_user, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your project is started. Invite your colleagues from its team page."), "success")
            return redirect(_project_url(project.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("research/project_form.html", form=form, project=None), status


@bp.route(f"/projects/{PROJECT_ID}/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def edit(project_id: int):
    project = project_queries.load_project(session, project_id)
    policy.require(current_user, "project.edit", project)
    form = ProjectForm()
    if not _posting():
        form.fill_from(project)
    if form.validate_on_submit():
        try:
            changed = projects.edit(session, current_user, project, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The details are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(_project_url(project.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("research/project_form.html", form=form, project=project), status


# --- the team ------------------------------------------------------------------------------------
@bp.route(f"/projects/{PROJECT_ID}/team", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def team(project_id: int):
    """Leads find and invite researchers, withdraw invitations, remove members and change roles."""
    project = project_queries.load_project(session, project_id)
    policy.require(current_user, "project.team.manage", project)
    if _posting():
        return _change_team(project)
    query = request.args.get("q") or ""
    if len(query) > 300 or "\x00" in query:
        raise Invalid({"q": _("This search is too long.")})
    found = projects.find_researchers(session, current_user, project, query)
    members = sorted(project.members, key=lambda m: (m.role != "lead", (m.user.display_name or "").lower(), m.user_id))
    return render_template(
        "research/project_team.html",
        project=project,
        team=[m for m in members if m.accepted_at is not None],
        invited=[m for m in members if m.accepted_at is None],
        lead_count=sum(1 for m in members if m.role == "lead" and m.accepted_at is not None),
        query=query,
        searched=len(query.strip()) >= projects.SEARCH_MIN,
        found=found,
        **_labels(),
    )


def _change_team(project):
    _checked()
    action = request.form.get("action")
    user_id = small_int(request.form.get("user_id"))
    if action not in ("invite", "remove", "role") or user_id is None:
        raise Invalid({"action": _("Unknown value.")})
    if action == "invite":
        row = _conflict_to_flash(lambda: projects.invite(session, current_user, project, user_id))
        if row is not None:
            flash(_("%(name)s is invited. They can accept on the project page.", name=row.user.public_name), "success")
    elif action == "remove":
        removed = _conflict_to_flash(lambda: projects.remove(session, current_user, project, user_id))
        if removed:
            flash(_("You left the project.") if user_id == current_user.id else _("The team is changed."), "success")
    else:
        role = request.form.get("role")
        changed = _conflict_to_flash(lambda: projects.set_role(session, current_user, project, user_id, role))
        if changed:
            flash(_("The role is changed."), "success")
        elif changed is False:
            flash(_("Nothing was changed."), "info")
    if not policy.can(current_user, "project.team.manage", project):
        return redirect(_project_url(project.id))  # they removed or demoted themselves
    return redirect(url_for("research.team", project_id=project.id))


@bp.route(f"/projects/{PROJECT_ID}/team/<any(accept, decline, leave):answer>", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def team_answer(project_id: int, answer: str):
    """The invitee accepts or declines; a team member leaves."""
    project = project_queries.load_project(session, project_id)
    _checked()
    if answer == "accept":
        if projects.accept(session, current_user, project):
            flash(_("Welcome to the team of %(title)s!", title=project.title), "success")
    elif answer == "decline":
        if projects.decline(session, current_user, project):
            flash(_("You declined the invitation."), "success")
    elif _conflict_to_flash(lambda: projects.leave(session, current_user, project)):
        flash(_("You left the project."), "success")
    return redirect(_project_url(project.id))


# --- updates ---------------------------------------------------------------------------------------
@bp.route(f"/projects/{PROJECT_ID}/updates", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def post_update(project_id: int):
    project = project_queries.load_project(session, project_id)
    policy.require(current_user, "project.post", project)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            posted = updates.post(session, current_user, project, form.body.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your update is posted."), "success")
            return redirect(_project_url(project.id, f"update-{posted.id}"))
    return _show_page(project.id, form, 400)


@bp.route(f"/projects/{PROJECT_ID}/updates/<int(max=2147483647):update_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def edit_update(project_id: int, update_id: int):
    project = project_queries.load_project(session, project_id)
    found = updates.get_update(session, project, update_id)
    policy.require(current_user, "project.update.edit", (project, found))
    form = UpdateForm(data={"body": found.body})
    if form.validate_on_submit():
        try:
            changed = updates.edit(session, current_user, project, found, form.body.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("Your update is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(_project_url(project.id, f"update-{found.id}"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("research/project_update_edit.html", form=form, project=project, found=found), status
