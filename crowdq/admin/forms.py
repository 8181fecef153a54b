"""Admin forms: topics, roles and site settings. The rules are in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from crowdq.admin import settings
from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.questions import topics


class TopicForm(FlaskForm):
    name_en = StringField(
        _l("Name in English"),
        validators=[Length(max=topics.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.NAME_MAX, "lang": "en"},
    )
    name_nl = StringField(
        _l("Name in Dutch"),
        validators=[Length(max=topics.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.NAME_MAX, "lang": "nl"},
    )
    slug = StringField(
        _l("Address"),
        description=_l(
            "Lower-case letters, digits and hyphens; the topic's page is /topics/ followed by the address. "
            "Leave it empty to make it from the English name."
        ),
        validators=[Optional(), Length(max=topics.SLUG_MAX, message=TOO_LONG)],
        render_kw={"maxlength": topics.SLUG_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    description_en = TextAreaField(
        _l("Short description in English"),
        description=_l("Optional. One or two sentences, shown on the topic's page."),
        validators=[Length(max=topics.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": topics.DESCRIPTION_MAX, "lang": "en"},
    )
    description_nl = TextAreaField(
        _l("Short description in Dutch"),
        description=_l("Optional. One or two sentences, shown on the topic's page."),
        validators=[Length(max=topics.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": topics.DESCRIPTION_MAX, "lang": "nl"},
    )
    position = IntegerField(
        _l("Order"),
        description=_l("Lower numbers come first in lists. Leave it empty to put a new topic at the end."),
        validators=[
            Optional(),
            NumberRange(min=0, max=topics.POSITION_MAX, message=_l("Use a whole number from 0 to %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )

    # A call for questions may have a name in one language only (the view sets this).
    one_name_enough = False

    def _require_name(self, field, other) -> None:
        if not (field.data or "").strip() and not (self.one_name_enough and (other.data or "").strip()):
            raise ValidationError(_l("Enter a name."))

    def validate_name_en(self, field) -> None:
        self._require_name(field, self.name_nl)

    def validate_name_nl(self, field) -> None:
        self._require_name(field, self.name_en)

    def service_fields(self) -> dict:
        return {
            "slug": self.slug.data,
            "name_en": self.name_en.data,
            "name_nl": self.name_nl.data,
            "description_en": self.description_en.data,
            "description_nl": self.description_nl.data,
            "position": self.position.data,
        }


class RoleForm(FlaskForm):
    """One role change for one member; the choices depend on their roles now."""

    change = SelectField(_l("Change"), validate_choice=True, **CHOICE_MESSAGES)
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required. Recorded with the change and shown to other admins."),
        validators=[DataRequired(_l("Give a reason for this change.")), Length(max=500, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": 500},
    )


class SettingsForm(FlaskForm):
    site_name = StringField(
        _l("Site name"),
        description=_l("Shown in the header and in the title of every page."),
        validators=[DataRequired(_l("Enter a name.")), Length(max=settings.SITE_NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": settings.SITE_NAME_MAX},
    )
    welcome_en = TextAreaField(
        _l("Welcome text in English"),
        description=_l("Optional. Shown on the home page. You can use Markdown, like **bold** and links."),
        validators=[Length(max=settings.WELCOME_MAX, message=TOO_LONG)],
        render_kw={"rows": 4, "lang": "en"},
    )
    welcome_nl = TextAreaField(
        _l("Welcome text in Dutch"),
        description=_l("Optional. Shown on the home page. You can use Markdown, like **bold** and links."),
        validators=[Length(max=settings.WELCOME_MAX, message=TOO_LONG)],
        render_kw={"rows": 4, "lang": "nl"},
    )
    hold_first_questions = BooleanField(_l("Hold a new member's first question for review"))
