"""Organisation pages: the list, registering, the public page, editing and
opening an invitation. Members and endorsements have their own modules on
the same blueprint (imported at the bottom)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.organisations import invitations, queries, services
from crowdq.organisations.forms import ROLE_LABELS, OrganisationForm, RegisterOrganisationForm
from crowdq.organisations.models import Organisation
from crowdq.web import apply_errors, write_limit

bp = Blueprint("organisations", __name__)


def posting() -> bool:
    return request.method == "POST"


def organisation_or_404(slug: str) -> Organisation:
    """The organisation, if this reader may see it (unverified ones: members and admins only)."""
    organisation = queries.load(session, slug)
    if organisation is None or not services.visible_to(current_user, organisation):
        abort(404)
    return organisation


@bp.route("/organisations")
def index():
    memberships = queries.memberships_of(session, current_user.id) if current_user.is_authenticated else []
    return render_template(
        "organisations/index.html",
        organisations=queries.verified(session),
        memberships=memberships,
        kind_labels=services.KIND_LABELS,
        status_labels=services.STATUS_LABELS,
        role_labels=ROLE_LABELS,
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not posting())
def new():
    policy.require(current_user, "organisation.register")
    form = RegisterOrganisationForm()
    if not posting():
        form.contact_email.data = current_user.email
    conflict = False
    if form.validate_on_submit():
        try:
            organisation = services.register(session, current_user, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(
                _(
                    "Thank you! %(name)s is registered. An admin will verify it and we will tell you by mail.",
                    name=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("organisations.show", slug=organisation.slug))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template("organisations/form.html", form=form, organisation=None), status


@bp.route("/organisations/<slug>")
def show(slug: str):
    organisation = organisation_or_404(slug)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        page=queries.public_page(session, organisation),
        kind_labels=services.KIND_LABELS,
        role_labels=ROLE_LABELS,
        action_form=EmptyForm(formdata=None) if current_user.is_authenticated else None,
    )


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not posting())
def edit(slug: str):
    organisation = organisation_or_404(slug)
    policy.require(current_user, "organisation.edit", organisation)
    form = OrganisationForm(obj=organisation)
    name_locked = organisation.is_verified and not policy.can(current_user, "organisation.verify", organisation)
    if name_locked:
        form.name.render_kw = {**(form.name.render_kw or {}), "readonly": True}
        form.name.description = _("The name was verified by an admin. Ask an admin to change it.")
    if form.validate_on_submit():
        was_rejected = organisation.status == "rejected"
        try:
            changed = services.update(session, current_user, organisation, **form.service_fields())
        except Invalid as error:
            apply_errors(form, error)
        else:
            if was_rejected and organisation.status == "pending":
                flash(_("Saved. The organisation is back in the queue for verification."), "success")
            else:
                flash(_("The details are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("organisations.show", slug=organisation.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("organisations/form.html", form=form, organisation=organisation), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(write_limit, exempt_when=lambda: not posting())
def invitation(token: str):
    """Open an invitation link: log in (or register) first, then accept it."""
    try:
        found = invitations.find(session, token)
    except Invalid as error:
        return render_template("organisations/invitation_invalid.html", message=error.message), 400
    if posting():
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            membership = invitations.accept(session, current_user, token)
        except Invalid as error:
            return render_template("organisations/invitation_invalid.html", message=error.message), 400
        except Conflict as error:
            return _invitation_page(found, error.message, 409)
        flash(
            _("Welcome to %(name)s! You are now one of its members.", name=found.organisation.name)
            if membership.role == "member"
            else _("Welcome to %(name)s! You are now one of its owners.", name=found.organisation.name),
            "success",
        )
        return redirect(url_for("organisations.members", slug=found.organisation.slug))
    problem = invitations.problem_for(current_user, found) if current_user.is_authenticated else None
    return _invitation_page(found, problem, 200)


def _invitation_page(found, problem: str | None, status: int):
    return render_template(
        "organisations/invitation.html",
        invitation=found,
        problem=problem,
        role_names=invitations.ROLE_NAMES,
        form=EmptyForm(formdata=None),
    ), status


# Routes of the other organisation pages register on `bp` when imported.
from crowdq.organisations import endorsement_views, member_views  # noqa: E402,F401
