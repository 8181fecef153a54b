"""The public impact page (/impact) and the two-question survey (/survey).

The survey is offered by templates/research/_survey_prompt.html on every
page (base.html) through `survey_offer()`: nothing for anonymous readers,
no query for members who answered or declined (`survey_seen_at` is on the
row Flask-Login loaded), one small query per page until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, g, redirect, render_template, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, RadioField

from crowdq.calls.times import site_zone
from crowdq.db import session, utcnow
from crowdq.errors import Invalid
from crowdq.extensions import limiter
from crowdq.organisations.models import Organisation
from crowdq.questions import topics
from crowdq.research import impact
from crowdq.research.views import bp
from crowdq.web import safe_next, small_int, write_limit

SURVEY_OPTIONS = {"first_time": impact.FIRST_TIME, "trust": impact.TRUST}


class SurveyForm(FlaskForm):
    # Checked by the service (an empty answer is allowed per question, not both).
    first_time = RadioField(choices=[(v, label) for v, label in impact.FIRST_TIME], validate_choice=False)
    trust = RadioField(choices=[(v, label) for v, label in impact.TRUST], validate_choice=False)
    next = HiddenField()


def survey_offer() -> bool:
    """Whether this page shows the survey prompt (worked out once per request)."""
    if "survey_offer" not in g:
        g.survey_offer = (
            request.method == "GET" and current_user.is_authenticated and impact.survey_due(session, current_user)
        )
    return g.survey_offer


@bp.app_context_processor
def _survey_context() -> dict:
    return {"survey_offer": survey_offer, "survey_options": SURVEY_OPTIONS}


@bp.route("/survey", methods=["POST"])
@login_required
@limiter.limit(write_limit)
def survey():
    """The prompt's "Answer" or "No thanks". Without an answer, or with an unknown one,
    back to the page with a message: the prompt is still there (nothing was stored)."""
    form = SurveyForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(form.next.data, "research.impact")
    if request.form.get("choice") == "decline":
        impact.decline_survey(session, current_user)
        flash(_("We will not ask you again."), "info")
        return redirect(back)
    try:
        answered = impact.answer_survey(
            session,
            current_user,
            first_time=form.first_time.data,
            trust=form.trust.data,
            today=utcnow().astimezone(site_zone()).date(),
        )
    except Invalid as error:
        flash(" ".join(error.fields.values()), "error")
        return redirect(back)
    if answered:
        flash(_("Thank you for answering. The results are on the impact page."), "success")
    else:
        flash(_("You have already answered or declined the survey."), "info")
    return redirect(back)


def _scope() -> tuple[impact.Scope, str | None]:
    """The chart's scope from ?topic=<slug>|none or ?organisation=<id> (404 for unknown ones)."""
    slug, organisation = request.args.get("topic"), request.args.get("organisation")
    if slug and organisation:
        abort(404)
    if slug == "none":
        return impact.Scope("topic", None), _("No topic")
    if slug:
        topic = topics.by_slug(session, slug[:80])
        if topic is None:
            abort(404)
        return impact.Scope("topic", topic.id), topic.name(str(get_locale()))
    if organisation:
        org_id = small_int(organisation)
        row = (
            session.execute(
                select(Organisation.id, Organisation.name).where(
                    Organisation.id == org_id, Organisation.verified_at.is_not(None)
                )
            ).first()
            if org_id
            else None
        )
        if row is None:
            abort(404)
        return impact.Scope("organisation", row.id), row.name
    return impact.Scope(), None


# --- the chart (the approach of crowdq.calls.activity: same sizes, colours and dashes) ---------
WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 32
SERIES = (
    # key, label, colour (AA on white), dash pattern: told apart without colour too
    ("asked", _l("Questions asked"), "#0b4f8a", ""),
    ("adopted", _l("Adopted"), "#146c2e", "8 5"),
    ("answered", _l("Answered"), "#8a4b00", "2 4"),
)


@dataclass(frozen=True)
class Line:
    key: str
    label: Any
    colour: str
    dash: str
    points: str
    values: str


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    y_ticks: list[tuple[int, int]]  # (value, y)
    x_labels: list[tuple[date, int, str]]  # (first day of the month, x, text-anchor)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def _nice_max(value: int) -> int:
    """A round, even top for the y axis, at least 4 (so the middle tick is a whole number)."""
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(value)) - 1)
    return next(m * magnitude for m in (1, 2, 4, 5, 6, 8, 10) if m * magnitude >= value and m * magnitude % 2 == 0)


def chart(per_month: list[impact.Month]) -> Chart:
    top = _nice_max(max(max(m.asked, m.adopted, m.answered) for m in per_month))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(per_month) - 1)

    def x(i: int) -> int:
        return round(LEFT + i * step)

    def y(v: int) -> int:
        return round(TOP + inner_h - inner_h * v / top)

    lines = []
    for key, label, colour, dash in SERIES:
        values = [getattr(m, key) for m in per_month]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        lines.append(Line(key, label, colour, dash, points, " ".join(map(str, values))))
    last, middle = len(per_month) - 1, len(per_month) // 2
    return Chart(
        lines=lines,
        y_ticks=[(v, y(v)) for v in (0, top // 2, top)],
        x_labels=[
            (per_month[0].start, x(0), "start"),
            (per_month[middle].start, x(middle), "middle"),
            (per_month[last].start, x(last), "end"),
        ],
    )


@bp.route("/impact", endpoint="impact")
def impact_page():
    scope, scope_name = _scope()
    figures = impact.cached(("figures",), lambda: impact.compute(session))
    per_month = impact.cached(("months", scope), lambda: impact.months(session, figures.adopted, scope, utcnow()))
    survey_results = impact.cached(("survey",), lambda: impact.survey_results(session))
    return render_template(
        "research/impact.html",
        figures=figures,
        months=per_month,
        chart=chart(per_month),
        scope=scope,
        scope_name=scope_name,
        survey=survey_results,
        min_answers=impact.MIN_ANSWERS,
        days=lambda value: "" if value is None else format_decimal(value, format="#,##0.#"),
        percent=lambda share: format_percent(share),
    )
