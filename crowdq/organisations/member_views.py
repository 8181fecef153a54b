"""The members page of an organisation: its members see who belongs; owners
invite by email, change roles, remove members and withdraw invitations;
every member chooses whether the public page shows them, and can leave."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq import policy
from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.organisations import invitations, members, services
from crowdq.organisations.forms import ROLE_LABELS, InviteForm, role_choices
from crowdq.organisations.views import bp, organisation_or_404, posting
from crowdq.web import apply_errors, posted_flag, write_limit


def _members_url(organisation) -> str:
    return url_for("organisations.members", slug=organisation.slug)


@bp.route("/organisations/<slug>/members", methods=["GET", "POST"], endpoint="members")
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not posting())
def members_page(slug: str):
    organisation = organisation_or_404(slug)
    policy.require(current_user, "organisation.members.view", organisation)
    form = InviteForm()
    conflict = False
    if posting():
        policy.require(current_user, "organisation.members.manage", organisation)
        if form.validate_on_submit():
            try:
                invitation = invitations.invite(
                    session, current_user, organisation, form.email.data, form.role.data, locale=str(get_locale())
                )
            except Invalid as error:
                apply_errors(form, error)
            except Conflict as error:
                form.form_errors.append(error.message)
                conflict = True
            else:
                flash(_("We mailed an invitation to %(email)s.", email=invitation.email), "success")
                return redirect(_members_url(organisation))
    manage = policy.can(current_user, "organisation.members.manage", organisation)
    rows = sorted(
        organisation.memberships, key=lambda m: (m.role != "owner", (m.user.display_name or "").lower(), m.user_id)
    )
    mine = next((m for m in rows if m.user_id == current_user.id), None)
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        memberships=rows,
        mine=mine,
        manage=manage,
        form=form,
        open_invitations=invitations.open_invitations(session, organisation) if manage else [],
        role_labels=ROLE_LABELS,
        role_choices=role_choices(),
        owner_count=sum(1 for m in rows if m.role == "owner"),
        status_labels=services.STATUS_LABELS,
    ), status


def _checked() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _conflict_to_flash(action):
    """Run a change; a clash with the current state (the last owner...) becomes a message."""
    try:
        return action()
    except Conflict as error:
        flash(error.message, "error")
        return None


@bp.route("/organisations/<slug>/members/<int(max=2147483647):user_id>/role", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def member_role(slug: str, user_id: int):
    organisation = organisation_or_404(slug)
    _checked()
    role = request.form.get("role")
    changed = _conflict_to_flash(lambda: members.set_role(session, current_user, organisation, user_id, role))
    if changed:
        flash(_("The role is changed."), "success")
    elif changed is False:
        flash(_("Nothing was changed."), "info")
    return redirect(_members_url(organisation))


@bp.route("/organisations/<slug>/members/<int(max=2147483647):user_id>/remove", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def member_remove(slug: str, user_id: int):
    organisation = organisation_or_404(slug)
    _checked()
    removed = _conflict_to_flash(lambda: members.remove(session, current_user, organisation, user_id))
    if removed:
        flash(_("The member is removed from the organisation."), "success")
    if removed and user_id == current_user.id:
        return redirect(url_for("organisations.index"))
    return redirect(_members_url(organisation))


@bp.route("/organisations/<slug>/leave", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def leave(slug: str):
    organisation = organisation_or_404(slug)
    _checked()
    left = _conflict_to_flash(lambda: members.leave(session, current_user, organisation))
    if left is None:
        return redirect(_members_url(organisation))
    flash(_("You left %(name)s.", name=organisation.name), "success")
    return redirect(url_for("organisations.index"))


@bp.route("/organisations/<slug>/shown", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def shown(slug: str):
    organisation = organisation_or_404(slug)
    show = posted_flag("shown")
    members.set_shown(session, current_user, organisation, show)
    flash(
        _("The public page now lists you as a member.") if show else _("The public page no longer lists you."),
        "success",
    )
    return redirect(_members_url(organisation))


@bp.route("/organisations/<slug>/invitations/<int(max=2147483647):invitation_id>/revoke", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def revoke_invitation(slug: str, invitation_id: int):
    organisation = organisation_or_404(slug)
    _checked()
    if invitations.revoke(session, current_user, organisation, invitation_id):
        flash(_("The invitation is withdrawn; its link no longer works."), "success")
    else:
        flash(_("This invitation was used or withdrawn already."), "info")
    return redirect(_members_url(organisation))
