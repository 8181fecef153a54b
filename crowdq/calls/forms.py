"""The form for opening and changing a call. The rules are in calls.services:
dates and the budget arrive as text and are checked there, with translated
messages, so the command line and an API would get the same checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from crowdq.calls import services
from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.questions import topics

DATE_HINT = _l("Date and time in Amsterdam.")
LONGEST_INPUT = 19  # YYYY-MM-DDTHH:MM:SS


def _sponsor_value(value):
    """ "" is no sponsor; anything but a small whole number is no valid choice (-1)."""
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return value
    raw = str(value)
    return int(raw) if len(raw) <= 10 and raw.isascii() and raw.isdigit() else -1


class CallForm(FlaskForm):
    organisation = SelectField(_l("Sponsor"), coerce=_sponsor_value, validate_choice=True, **CHOICE_MESSAGES)
    title_en = StringField(
        _l("Title in English"),
        validators=[Length(max=topics.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.NAME_MAX, "lang": "en"},
    )
    title_nl = StringField(
        _l("Title in Dutch"),
        description=_l("Give at least one title; the page shows the other language's when one is missing."),
        validators=[Length(max=topics.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.NAME_MAX, "lang": "nl"},
    )
    description_en = TextAreaField(
        _l("Description in English"),
        description=_l("Optional. What the call is about and what you will do with the questions."),
        validators=[Length(max=topics.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": topics.DESCRIPTION_MAX, "lang": "en"},
    )
    description_nl = TextAreaField(
        _l("Description in Dutch"),
        description=_l("Optional. What the call is about and what you will do with the questions."),
        validators=[Length(max=topics.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": topics.DESCRIPTION_MAX, "lang": "nl"},
    )
    slug = StringField(
        _l("Address"),
        description=_l(
            "Lower-case letters, digits and hyphens, like clean-water: the call's page is then /topics/clean-water. "
            "Leave it empty to make it from the title."
        ),
        validators=[Optional(), Length(max=topics.SLUG_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.SLUG_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    opens_at = StringField(
        _l("Opens"),
        description=DATE_HINT,
        validators=[Length(max=LONGEST_INPUT, message=_l("Enter the date and time as YYYY-MM-DD HH:MM."))],
        render_kw={"type": "datetime-local"},
    )
    closes_at = StringField(
        _l("Closes"),
        description=_l("Date and time in Amsterdam. Asking and voting stop at this moment."),
        validators=[Length(max=LONGEST_INPUT, message=_l("Enter the date and time as YYYY-MM-DD HH:MM."))],
        render_kw={"type": "datetime-local"},
    )
    vote_budget = StringField(
        _l("Votes per member"),
        description=_l(
            "Optional: how many questions each member may vote for in this call (%(min)d to %(max)d). "
            "Leave it empty for no limit.",
            min=services.BUDGET_MIN,
            max=services.BUDGET_MAX,
        ),
        validators=[Length(max=10, message=TOO_LONG)],
        render_kw={"inputmode": "numeric", "type": "number", "min": services.BUDGET_MIN, "max": services.BUDGET_MAX},
    )

    def service_fields(self) -> dict:
        return {
            "title_en": self.title_en.data,
            "title_nl": self.title_nl.data,
            "description_en": self.description_en.data,
            "description_nl": self.description_nl.data,
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "vote_budget": self.vote_budget.data,
        }


class CallEditForm(CallForm):
    """Changing a call: the sponsor and the address stay as they were."""

    organisation = None
    slug = None
