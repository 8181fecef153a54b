"""Call pages: opening a call, changing it, and its results as CSV and JSON.

The call page itself is the topic page (`questions.topic` hands calls to
`call_page` here): state and dates, the member's vote budget, progress per
day as an SVG chart and a table, and the ranking (frozen after closing).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crowdq import policy
from crowdq.calls import activity, budgets, export, results, services
from crowdq.calls.forms import CallEditForm, CallForm
from crowdq.calls.state import CLOSED, OPEN, UPCOMING, call_state
from crowdq.calls.times import to_local_input
from crowdq.db import session, utcnow
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.extensions import limiter
from crowdq.organisations.models import Organisation
from crowdq.questions.models import Vote
from crowdq.security import no_store
from crowdq.web import apply_errors, small_int, write_limit

bp = Blueprint("calls", __name__)

RANKING_PAGE = 20


def _posting() -> bool:
    return request.method == "POST"


def _locale() -> str:
    return str(get_locale())


# --- the call page (questions.topic for a call) ------------------------------------------
def _rank_cursor() -> int:
    raw = request.args.get("after")
    if not raw:
        return 0
    start = small_int(raw, maximum=1_000_000)
    if start is None:
        raise Invalid({"after": _("This page link is broken. Start again from the first page.")})
    return start


def call_page(topic):
    """The topic page of a call."""
    now = utcnow()
    start = _rank_cursor()
    state = results.prepare_read(session, topic, now)
    ranked = results.ranking(session, topic, state, start=start, limit=RANKING_PAGE + 1)
    more = len(ranked) > RANKING_PAGE
    ranked = ranked[:RANKING_PAGE]
    user_id = current_user.id if current_user.is_authenticated else None
    voted: set[int] = set()
    if state == OPEN and user_id is not None and ranked:
        voted = set(
            session.scalars(
                select(Vote.question_id).where(
                    Vote.user_id == user_id, Vote.question_id.in_([r.question_id for r in ranked])
                )
            )
        )
    progress = activity.per_day(session, topic, now)
    return render_template(
        "questions/topic.html",
        topic=topic,
        call={
            "state": state,
            "budget": budgets.status(session, topic, user_id) if state in (UPCOMING, OPEN) else None,
            "ranking": ranked,
            "start": start,
            "next_start": start + RANKING_PAGE if more else None,
            "voted": voted,
            "activity": progress,
            "chart": activity.chart(progress),
            "can_vote": state == OPEN and user_id is not None and policy.can(current_user, "question.vote"),
        },
    )


# --- opening and changing -----------------------------------------------------------------
def _sponsor_options(organisations: list[Organisation]) -> list[tuple]:
    options = [(o.id, o.name) for o in organisations]
    if policy.can(current_user, "call.create", None):
        options.insert(0, ("", _("No sponsor: a call by the site itself")))
    return options


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def new():
    """Open a call for questions (owners of a verified organisation, admins)."""
    sponsors = services.sponsor_choices(session, current_user)
    if not sponsors and not policy.can(current_user, "call.create", None):
        raise NotAllowed("call.create")
    form = CallForm()
    form.organisation.choices = _sponsor_options(sponsors)
    if not _posting():
        wanted = (request.args.get("organisation") or "")[:80]
        chosen = next((o for o in sponsors if o.slug == wanted), None)
        if chosen is not None or len(sponsors) == 1:
            form.organisation.data = (chosen or sponsors[0]).id
    if form.validate_on_submit():
        try:
            organisation = services.get_sponsor(session, form.organisation.data)
            topic = services.open_call(
                session, current_user, organisation, slug=form.slug.data, **form.service_fields()
            )
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The call “%(name)s” is ready.", name=topic.name(_locale())), "success")
            return redirect(url_for("questions.topic", slug=topic.slug))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("calls/form.html", form=form, topic=None, state=None), status


@bp.route("/topics/<slug>/call", methods=["GET", "POST"])
@login_required
@limiter.limit(write_limit, exempt_when=lambda: not _posting())
def edit(slug: str):
    """Change a call: everything while upcoming; titles, descriptions and a later close while open."""
    topic = services.get_call(session, slug)
    policy.require(current_user, "call.manage", topic)
    state = call_state(topic, utcnow())
    form = CallEditForm(
        data={
            "title_en": topic.name_en,
            "title_nl": topic.name_nl,
            "description_en": topic.description_en,
            "description_nl": topic.description_nl,
            "opens_at": to_local_input(topic.opens_at),
            "closes_at": to_local_input(topic.closes_at),
            "vote_budget": str(topic.vote_budget) if topic.vote_budget is not None else "",
        }
    )
    if state != CLOSED and form.validate_on_submit():
        fields = form.service_fields()
        if state == OPEN:
            # Not on the form once open: what members relied on stays.
            fields["opens_at"] = fields["vote_budget"] = services.KEEP
        try:
            changed = services.update_call(session, current_user, topic, **fields)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(_("The call is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("questions.topic", slug=topic.slug))
    elif state == CLOSED and _posting():
        raise Conflict(_("This call is closed; it can no longer change."))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("calls/form.html", form=form, topic=topic, state=state), status


# --- results ----------------------------------------------------------------------------------
def _results(slug: str):
    topic = services.get_call(session, slug)
    policy.require(current_user, "call.results", topic)
    state = results.prepare_read(session, topic)
    return topic, state, results.ranking(session, topic, state)


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/topics/<slug>/results.csv")
@no_store
def results_csv(slug: str):
    topic, _state, ranking = _results(slug)
    return _download(export.as_csv(ranking), "text/csv", f"{topic.slug}-results.csv")


@bp.route("/topics/<slug>/results.json")
@no_store
def results_json(slug: str):
    topic, state, ranking = _results(slug)
    body = json.dumps(export.as_json(topic, state, ranking), ensure_ascii=False, indent=1)
    return _download(body, "application/json", f"{topic.slug}-results.json")
