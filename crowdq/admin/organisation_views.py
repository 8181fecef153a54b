"""Admin pages for organisations: the verification queue and one
organisation's details, where an admin verifies or rejects it with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.admin.views import bp
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.organisations import queries, services
from crowdq.organisations.forms import ROLE_LABELS, DecisionForm
from crowdq.web import apply_errors, write_limit


@bp.route("/admin/organisations")
@login_required
def organisation_list():
    policy.require(current_user, "organisation.verify")
    status, after = queries.parse_admin_args(request.args)
    return render_template(
        "admin/organisations.html",
        page=queries.admin_list(session, status, after),
        filters=queries.ADMIN_FILTERS,
        kind_labels=services.KIND_LABELS,
        status_labels=services.STATUS_LABELS,
        pending=queries.pending_count(session),
    )


@bp.route("/admin/organisations/<int(max=2147483647):organisation_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def organisation_show(organisation_id: int):
    policy.require(current_user, "organisation.verify")
    organisation = services.get_by_id(session, organisation_id)
    form = DecisionForm()
    conflict = False
    if form.validate_on_submit():
        try:
            done = services.decide(
                session, current_user, organisation, approve=form.decision.data == "approve", reason=form.reason.data
            )
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            if not done:
                flash(_("Nothing was changed."), "info")
            elif organisation.is_verified:
                flash(_("%(name)s is verified. We mailed the applicant.", name=organisation.name), "success")
            else:
                flash(_("%(name)s is not verified. We mailed the applicant.", name=organisation.name), "success")
            return redirect(url_for("admin.organisation_list"))
    history = services.decisions(session, organisation)
    people = queries.users_by_id(
        session,
        [organisation.created_by_id, *(e.actor_id for e in history), *(m.user_id for m in organisation.memberships)],
    )
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        form=form,
        history=history,
        people=people,
        kind_labels=services.KIND_LABELS,
        status_labels=services.STATUS_LABELS,
        role_labels=ROLE_LABELS,
    ), status
