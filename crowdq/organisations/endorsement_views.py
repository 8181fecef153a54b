"""Endorsing a question for an organisation, and withdrawing it.

The question page carries a compact form; it posts here, and a mistake
(a statement that is too long) is shown on this page of its own, so it all
works without JavaScript.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdq.accounts.forms import EmptyForm
from crowdq.db import session
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.extensions import limiter
from crowdq.organisations import endorsements
from crowdq.organisations.forms import EndorseForm
from crowdq.organisations.views import bp, posting
from crowdq.questions import services as question_services
from crowdq.web import apply_errors, write_limit


def _question_url(question_id: int) -> str:
    return url_for("questions.show", question_id=question_id, _anchor="endorsements")


@bp.route("/questions/<int(max=2147483647):question_id>/endorse", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not posting())
def endorse(question_id: int):
    question = question_services.get_question(session, question_id, current_user)
    acting = endorsements.acting_organisations(session, current_user)
    if not acting:
        raise NotAllowed("organisation.act")
    form = EndorseForm()
    form.organisation.choices = [(o.id, o.name) for o in acting]
    conflict = False
    if form.validate_on_submit():
        organisation = next(o for o in acting if o.id == form.organisation.data)
        try:
            new = endorsements.endorse(session, current_user, organisation, question, form.statement.data)
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(
                _("%(name)s now endorses this question.", name=organisation.name)
                if new
                else _("%(name)s endorsed this question already; its statement is saved.", name=organisation.name),
                "success",
            )
            return redirect(_question_url(question.id))
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return render_template(
        "organisations/endorse.html", question=question, form=form, open=endorsements.endorsable(question)
    ), status


@bp.route(
    "/questions/<int(max=2147483647):question_id>/endorsements/<int(max=2147483647):organisation_id>/withdraw",
    methods=["POST"],
)
@login_required
@limiter.limit(write_limit)
def withdraw_endorsement(question_id: int, organisation_id: int):
    question = question_services.get_question(session, question_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    organisation = next(
        (o for o in endorsements.acting_organisations(session, current_user) if o.id == organisation_id), None
    )
    if organisation is None:
        raise NotAllowed("organisation.act")
    if endorsements.withdraw(session, current_user, organisation, question):
        flash(_("The endorsement of %(name)s is withdrawn.", name=organisation.name), "success")
    else:
        flash(_("%(name)s had not endorsed this question.", name=organisation.name), "info")
    return redirect(_question_url(question.id))
