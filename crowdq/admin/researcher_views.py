"""Admin pages for researcher verification: the queue of applications (and
the list of verified researchers), one application where an admin approves
or rejects it with a reason, and one researcher's page where an admin
revokes the role with a reason. Both detail pages show the member's
applications and researcher role history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.models import User
from crowdq.admin.views import bp
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.research import application_queries as queries
from crowdq.research import applications as services
from crowdq.research.forms_applications import ApplicationDecisionForm, RevokeResearcherForm
from crowdq.web import apply_errors, write_limit


@bp.route("/admin/researchers")
@login_required
def researcher_list():
    policy.require(current_user, "researcher.verify")
    status, after = queries.parse_args(request.args)
    return render_template(
        "admin/researchers.html",
        page=queries.queue(session, status, after),
        filters=queries.FILTERS,
        status_labels=services.STATUS_LABELS,
        pending=queries.pending_count(session),
    )


@bp.route("/admin/researchers/<int(max=2147483647):application_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def researcher_application(application_id: int):
    policy.require(current_user, "researcher.verify")
    application = services.get(session, application_id)
    applicant = application.user
    form = ApplicationDecisionForm()
    conflict = False
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            done = services.decide(session, current_user, application, approve=approve, reason=form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            if not done:
                flash(_("Nothing was changed."), "info")
            elif approve:
                flash(_("%(name)s is a verified researcher now. We told them.", name=applicant.public_name), "success")
            else:
                flash(
                    _("The application of %(name)s is not approved. We told them.", name=applicant.public_name),
                    "success",
                )
            return redirect(url_for("admin.researcher_list"))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/researcher_application.html", application=application, form=form, **_history(applicant)
    ), status


@bp.route("/admin/researchers/members/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def researcher_member(user_id: int):
    """A member's researcher verification: their applications, the role's
    history, and revoking the role with a reason."""
    policy.require(current_user, "researcher.verify")
    member = session.get(User, user_id)
    if member is None:
        abort(404)
    history = _history(member)
    if not (member.is_researcher or history["applications"] or history["role_events"]):
        abort(404)  # nothing to do with researcher verification: the members page is the place
    form = RevokeResearcherForm()
    conflict = False
    if form.validate_on_submit():
        try:
            done = services.revoke(session, current_user, member, form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            if done:
                flash(
                    _("%(name)s is no longer a verified researcher. We told them.", name=member.public_name), "success"
                )
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("admin.researcher_member", user_id=member.id))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/researcher_member.html",
        member=member,
        form=form,
        institution=services.researcher_institutions(session, [member.id]).get(member.id, ""),
        **history,
    ), status


def _history(member: User) -> dict:
    """The member's applications and researcher role changes, with the people who decided."""
    applications = services.applications_of(session, member.id)
    role_events = services.role_history(session, member)
    people = queries.users_by_id(
        session, [member.id, *(a.decided_by_id for a in applications), *(e.actor_id for e in role_events)]
    )
    return {
        "applicant": member,
        "applications": applications,
        "role_events": role_events,
        "people": people,
        "status_labels": services.STATUS_LABELS,
    }
