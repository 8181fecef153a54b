"""Forms for researcher verification (web only). Field limits give inline
messages; the rules themselves live in crowdq.research.applications, which
checks every field and reports all problems at once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.research import applications as services


class ApplicationForm(FlaskForm):
    institution = StringField(
        _l("Institution"),
        description=_l(
            "The university, university of applied sciences or research institute you work at. "
            "Shown with your badge on your public profile."
        ),
        validators=[Length(max=services.INSTITUTION_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.INSTITUTION_MAX, "autocomplete": "organization", "aria-required": "true"},
    )
    department = StringField(
        _l("Department (optional)"),
        description=_l("Faculty, department or research group."),
        validators=[Optional(), Length(max=services.DEPARTMENT_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.DEPARTMENT_MAX},
    )
    position = StringField(
        _l("Position"),
        description=_l("For example PhD candidate, postdoc, lecturer or professor."),
        validators=[Length(max=services.POSITION_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.POSITION_MAX, "autocomplete": "organization-title", "aria-required": "true"},
    )
    profile_url = StringField(
        _l("Public profile page"),
        description=_l(
            "A page that shows you work there, such as your staff page on the institution's website, "
            "starting with https://. Admins use it to check your application; it is not shown publicly."
        ),
        validators=[Length(max=services.PROFILE_URL_MAX, message=TOO_LONG)],
        render_kw={
            "maxlength": services.PROFILE_URL_MAX,
            "inputmode": "url",
            "autocomplete": "url",
            "spellcheck": "false",
            "aria-required": "true",
        },
    )
    orcid = StringField(
        _l("ORCID iD (optional)"),
        description=_l("Like 0000-0002-1825-0097, or its link on orcid.org. Helps admins check your application."),
        validators=[Optional(), Length(max=services.ORCID_INPUT_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.ORCID_INPUT_MAX, "autocomplete": "off", "spellcheck": "false"},
    )

    def service_fields(self) -> dict:
        return {name: getattr(self, name).data for name in services.DETAILS}


class ApplicationDecisionForm(FlaskForm):
    """An admin's decision on a waiting application."""

    decision = SelectField(
        _l("Decision"),
        choices=[("", _l("Choose a decision")), ("approve", _l("Approve")), ("reject", _l("Reject"))],
        validate_choice=True,
        validators=[DataRequired(_l("Choose a decision."))],
        **CHOICE_MESSAGES,
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required. Recorded with the decision and mailed to the applicant."),
        validators=[
            DataRequired(_l("Give a reason for this decision.")),
            Length(max=services.REASON_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": services.REASON_MAX},
    )


class RevokeResearcherForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required. Recorded in the role history and mailed to the researcher."),
        validators=[
            DataRequired(_l("Give a reason for this change.")),
            Length(max=services.REASON_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": services.REASON_MAX},
    )
