"""Admin pages for members: find them, see their standing and activity,
grant and revoke roles with a reason."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crowdq import policy
from crowdq.accounts import roles
from crowdq.accounts.models import User
from crowdq.admin import queries
from crowdq.admin.forms import RoleForm
from crowdq.admin.views import bp
from crowdq.db import session
from crowdq.errors import Conflict, Invalid
from crowdq.extensions import limiter
from crowdq.web import apply_errors, write_limit

CHANGE_LABELS = {
    ("grant", "moderator"): lambda: _("Make moderator"),
    ("revoke", "moderator"): lambda: _("Remove the moderator role"),
    ("grant", "admin"): lambda: _("Make admin"),
    ("revoke", "admin"): lambda: _("Remove the admin role"),
    ("grant", "researcher"): lambda: _("Mark as verified researcher"),
    ("revoke", "researcher"): lambda: _("Remove the researcher role"),
}


@bp.route("/admin/members")
@login_required
def member_list():
    policy.require(current_user, "members.view")
    query, role, after = queries.parse_member_args(request.args)
    page = queries.find_members(session, query, role, after)
    return render_template("admin/members.html", page=page, filters=queries.MEMBER_FILTERS)


def _role_form(member: User, formdata=None) -> RoleForm:
    form = RoleForm(formdata=formdata) if formdata is not None else RoleForm()
    form.change.choices = [("", _("Choose a change"))] + [
        (f"{action}:{role}", CHANGE_LABELS[(action, role)]()) for action, role in roles.possible_changes(member)
    ]
    return form


@bp.route("/admin/members/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: request.method != "POST")
def member_show(user_id: int):
    policy.require(current_user, "members.view")
    member = session.get(User, user_id)
    if member is None:
        abort(404)
    form = _role_form(member)
    conflict = False
    if form.validate_on_submit():
        action, _sep, role = (form.change.data or "").partition(":")
        change = roles.grant if action == "grant" else roles.revoke
        try:
            if not action:
                raise Invalid({"change": _("Choose a change.")})
            done = change(session, current_user, member, role, form.reason.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            if done:
                flash(_("The change is saved and recorded with your reason."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("admin.member_show", user_id=member.id))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    history = roles.history(session, member)
    return render_template(
        "admin/member.html",
        member=member,
        form=form,
        activity=queries.activity(session, [member.id])[member.id],
        history=history,
        actors=_actors(history),
        role_labels=roles.ROLE_LABELS,
    ), status


def _actors(entries) -> dict[int, User]:
    """Who made each change, in one query."""
    ids = {e.actor_id for e in entries if e.actor_id}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
