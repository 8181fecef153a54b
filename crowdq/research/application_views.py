"""Applying to be a verified researcher: the member's page at
/account/researcher (apply, see the state and past decisions, withdraw),
and the template helpers that show the badge with the institution."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.research import applications as services
from crowdq.research.forms_applications import ApplicationForm
from crowdq.research.models import ResearcherApplication
from crowdq.research.views import bp
from crowdq.web import apply_errors, write_limit


@bp.route("/account/researcher", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def apply():
    history = services.applications_of(session, current_user.id)
    latest = history[0] if history else None
    # Applying again (after a rejection, a withdrawal or a revoked role) starts from the last details.
    # (Only on GET: a posted form must not fall back to old values for fields it left out.)
    again = request.method == "GET" and latest is not None and latest.status != "pending"
    form = ApplicationForm(data={name: getattr(latest, name) or "" for name in services.DETAILS} if again else None)
    conflict = False
    if request.method == "POST":
        policy.require(current_user, "researcher.apply")
        if form.validate_on_submit():
            try:
                services.apply(session, current_user, **form.service_fields())
            except Invalid as error:
                apply_errors(form, error)
            except Conflict as error:
                form.form_errors.append(error.message)
                conflict = True
            else:
                flash(_("Thank you! An admin will check your application and we will tell you by mail."), "success")
                return redirect(url_for("research.apply"))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "research/apply.html",
        form=form,
        latest=latest,
        history=history,
        status_labels=services.STATUS_LABELS,
        withdraw_form=EmptyForm(),
    ), status


@bp.route("/account/researcher/withdraw", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def withdraw_application():
    if not EmptyForm().validate_on_submit():
        abort(400)
    latest = services.latest_application(session, current_user.id)
    if latest is None or latest.status not in ("pending", "withdrawn"):
        abort(404)
    if services.withdraw(session, current_user, latest):
        flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("research.apply"))


# --- template helpers (the badge, the account page) ------------------------------------------
@bp.app_template_global("researcher_institution")
def researcher_institution(user) -> str:
    """The institution shown with a verified researcher's badge ("" if none);
    looked up once per member per request. Lists showing many researchers
    should call applications.researcher_institutions(session, ids) once."""
    if user is None or not getattr(user, "is_researcher", False) or getattr(user, "is_deleted", True):
        return ""
    cache = g.setdefault("researcher_institutions", {})
    if user.id not in cache:
        cache[user.id] = services.researcher_institutions(session, [user.id]).get(user.id, "")
    return cache[user.id]


@bp.app_template_global("latest_researcher_application")
def latest_researcher_application(user) -> ResearcherApplication | None:
    """The member's most recent application, for the account page."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return services.latest_application(session, user.id)
