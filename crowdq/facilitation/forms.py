"""Forms for sessions, entering a question for someone, and importing a file.

The rules live in crowdq.facilitation.services and .importer; these forms
only read the fields (and check lengths, choices and the CSRF token).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crowdq.errors import Invalid
from crowdq.facilitation import services
from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG, optional_int
from crowdq.questions.forms import QuestionForm


def _checked_by(parse):
    """A validator that runs a service's parser, so its message shows beside the field with the others."""

    def check(_form, field):
        if field.data:
            try:
                parse(field.data)
            except Invalid as error:
                raise ValidationError(next(iter(error.fields.values()))) from None

    return check


class SessionForm(FlaskForm):
    title = StringField(
        _l("Name of the session"),
        description=_l("For example: Question evening at the community centre."),
        validators=[
            DataRequired(_l("Write a name for the session.")),
            Length(max=services.TITLE_MAX, message=TOO_LONG),
        ],
        render_kw={"maxlength": services.TITLE_MAX},
    )
    place = StringField(
        _l("Place"),
        description=_l("The address or building, so people can find it."),
        validators=[
            DataRequired(_l("Write where the session takes place.")),
            Length(max=services.PLACE_MAX, message=TOO_LONG),
        ],
        render_kw={"maxlength": services.PLACE_MAX, "autocomplete": "off"},
    )
    day = StringField(
        _l("Date"),
        description=_l("Year-month-day, like 2026-06-01."),
        validators=[
            DataRequired(_l("Enter the date as year-month-day, like 2026-06-01.")),
            _checked_by(services.parse_date),
        ],
        render_kw={"type": "date"},
    )
    starts = StringField(
        _l("Starts at"),
        description=_l("Hours:minutes, Dutch time, like 19:30."),
        validators=[
            DataRequired(_l("Enter the time as hours:minutes, like 19:30.")),
            _checked_by(lambda value: services.parse_time(value, "starts")),
        ],
        render_kw={"type": "time"},
    )
    ends = StringField(
        _l("Ends at"),
        description=_l("Optional. Hours:minutes, on the same day."),
        validators=[Optional(), _checked_by(lambda value: services.parse_time(value, "ends"))],
        render_kw={"type": "time"},
    )
    description = TextAreaField(
        _l("What happens there?"),
        description=_l("Optional. Who it is for, what to bring, whether there is coffee."),
        validators=[Length(max=services.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 5, "maxlength": services.DESCRIPTION_MAX},
    )
    topic = SelectField(
        _l("Topic or call for questions"),
        description=_l("Optional. Questions entered for this session go there unless you choose otherwise."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    organisation = SelectField(
        _l("Organised by"),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )

    def service_fields(self) -> dict:
        return {
            "title": self.title.data,
            "place": self.place.data,
            "description": self.description.data,
            "day": self.day.data,
            "starts": self.starts.data,
            "ends": self.ends.data,
            "topic_id": self.topic.data,
            "organisation_id": self.organisation.data,
        }


class EntryForm(QuestionForm):
    """The question form of the site, plus where it was collected and who asked."""

    confirmed = None  # no look-alike step: the asker is not at the screen
    session = SelectField(
        _l("Collected at"),
        description=_l("The session where the question was asked, or none (on paper, in the street)."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    asker_consents = BooleanField(_l("The asker agrees to be named with the question"))
    asker_name = StringField(
        _l("Name to show"),
        description=_l("Only with the asker's consent. A first name is enough."),
        validators=[Optional(), Length(max=services.ASKER_NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": services.ASKER_NAME_MAX, "autocomplete": "off"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The facilitator types someone else's question.
        self.title.label.text = _l("The question")
        self.title.description = _l("As the asker said it, 10 to 200 characters.")
        self.body.label.text = _l("Why it matters to the asker")
        self.body.description = _l("Optional. What they noticed, in their words. Markdown works, like **bold**.")
        self.language.label.text = _l("Language of the question")
        self.place.description = _l("Optional. Only if the question is about a particular place.")

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.update(
            session_id=self.session.data,
            asker_consents=bool(self.asker_consents.data),
            asker_name=self.asker_name.data,
        )
        return fields


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        description=_l("CSV (UTF-8) or JSON Lines, at most 10 MB and 10,000 rows."),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={"accept": ".csv,.jsonl,.ndjson,.txt,text/csv,application/x-ndjson"},
    )
    topic = SelectField(
        _l("Topic for rows without one"),
        description=_l("Optional. Rows that name a topic keep theirs."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    session = SelectField(
        _l("Collected at"),
        description=_l("Optional. The session where these questions were asked."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
