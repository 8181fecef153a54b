"""Question and comment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG, optional_int


class QuestionForm(FlaskForm):
    title = StringField(
        _l("Your question"),
        description=_l(
            "One clear question, 10 to 200 characters. For example: Why do the canals in Leiden smell in summer?"
        ),
        validators=[DataRequired(_l("Write your question.")), Length(max=200, message=TOO_LONG)],
        render_kw={"maxlength": 200, "autocomplete": "off"},
    )
    body = TextAreaField(
        _l("Why does it matter to you?"),
        description=_l(
            "What have you noticed? Why would you like to know? You can use Markdown, like **bold** and lists."
        ),
        validators=[Length(max=10_000, message=TOO_LONG)],
        render_kw={"rows": 8},
    )
    topic = SelectField(
        _l("Topic"),
        description=_l("Optional. Choose the topic that fits best, or none."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    language = SelectField(
        _l("Language of your question"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Optional. Up to five words, separated by commas."),
        validators=[Optional(), Length(max=250, message=TOO_LONG)],
    )
    place = StringField(
        _l("Place or neighbourhood"),
        description=_l("Optional. Only if your question is about a particular place."),
        validators=[Optional(), Length(max=100, message=TOO_LONG)],
    )
    confirmed = HiddenField()

    def service_fields(self) -> dict:
        """The keyword arguments that questions.services.submit and editing.edit take."""
        return {
            "title": self.title.data,
            "body": self.body.data,
            "topic_id": self.topic.data,
            "language": self.language.data,
            "tags": self.tags.data,
            "place": self.place.data,
        }


class AskForm(QuestionForm):
    """Asking adds the choice to ask on behalf of one of the member's verified organisations."""

    on_behalf = SelectField(
        _l("Ask on behalf of"),
        description=_l("Ask as yourself, or for an organisation you belong to. Your name is shown too."),
        coerce=optional_int,
        validate_choice=True,
        **CHOICE_MESSAGES,
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(_l("Write a comment first.")), Length(max=5_000, message=TOO_LONG)],
        render_kw={"rows": 4},
    )
    parent_id = HiddenField()
