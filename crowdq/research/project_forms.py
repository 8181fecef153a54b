"""Project and update forms (web only). They read the fields and check lengths;
crowdq.research.projects and .updates hold the rules and report every problem."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.research import projects, updates
from crowdq.research.models import PROJECT_STATUSES

_LINK_HINT = _l("Optional. The full address, like https://example.org.")
_DATE_HINT = _l("Optional. Year-month-day, like 2026-06-01.")
_SUMMARY_HINT = _l(
    "In plain language, for everyone: what you study and why. Write it in Dutch, in English or in both. Markdown works."
)


def status_choices() -> list[tuple[str, str]]:
    return [(status, projects.STATUS_LABELS[status]) for status in PROJECT_STATUSES]


def _link(label):
    return StringField(
        label,
        description=_LINK_HINT,
        validators=[Length(max=projects.LINK_MAX, message=TOO_LONG)],
        render_kw={"maxlength": projects.LINK_MAX, "inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )


def _summary(label):
    return TextAreaField(
        label,
        description=_SUMMARY_HINT,
        validators=[Length(max=projects.SUMMARY_MAX, message=TOO_LONG)],
        render_kw={"rows": 6, "maxlength": projects.SUMMARY_MAX},
    )


def _day(label):
    return StringField(
        label,
        description=_DATE_HINT,
        validators=[Length(max=10, message=TOO_LONG)],
        render_kw={"type": "date", "maxlength": 10},
    )


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Title of the project"),
        validators=[Length(max=projects.TITLE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": projects.TITLE_MAX, "aria-required": "true"},
    )
    summary_nl = _summary(_l("Summary in Dutch"))
    summary_en = _summary(_l("Summary in English"))
    institution = StringField(
        _l("Institution"),
        description=_l("Optional. The university or institute that runs the project."),
        validators=[Length(max=projects.INSTITUTION_MAX, message=TOO_LONG)],
        render_kw={"maxlength": projects.INSTITUTION_MAX, "autocomplete": "organization"},
    )
    status = SelectField(_l("Status"), choices=status_choices, validate_choice=False, **CHOICE_MESSAGES)
    starts_on = _day(_l("Start date"))
    ends_on = _day(_l("End date"))
    website_url = _link(_l("Project website"))
    data_url = _link(_l("Data"))
    preregistration_url = _link(_l("Preregistration"))

    def service_fields(self) -> dict:
        return {name: getattr(self, name).data for name in projects.FIELDS}

    def fill_from(self, project) -> None:
        """Show a project's current values (dates as year-month-day)."""
        for name in projects.FIELDS:
            value = getattr(project, name)
            if name in ("starts_on", "ends_on"):
                value = value.isoformat() if value else ""
            getattr(self, name).data = value or ""


class UpdateForm(FlaskForm):
    body = TextAreaField(
        _l("Your update"),
        description=_l(
            "How is the research going? Everyone can read it, and people who asked, voted for or follow "
            "the project's questions are told. Markdown works."
        ),
        validators=[Length(max=updates.BODY_MAX, message=TOO_LONG)],
        render_kw={"rows": 5, "maxlength": updates.BODY_MAX},
    )
