"""Forms for claiming, adopting, releasing and answering questions (web only).

Field limits give inline messages; the rules live in the services
(claims, adoption, answers), which report every problem by field name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG, optional_int
from crowdq.research import adoption, answers, claims

# Room for the "doi:" and "https://doi.org/" prefixes people paste, and for new lines.
DOIS_FIELD_MAX = answers.DOIS_MAX * 340
LINKS_FIELD_MAX = answers.LINKS_MAX * (answers.LINK_MAX + 2)


class ClaimForm(FlaskForm):
    project = SelectField(_l("For project (optional)"), coerce=optional_int, validate_choice=True, **CHOICE_MESSAGES)
    note = StringField(
        _l("Note (optional)"),
        description=_l("What you are preparing, shown with the claim."),
        validators=[Length(max=claims.NOTE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": claims.NOTE_MAX},
    )


class AdoptForm(FlaskForm):
    project = SelectField(_l("Project"), coerce=optional_int, validate_choice=True, **CHOICE_MESSAGES)
    note = TextAreaField(
        _l("How your project will address this question"),
        description=_l("A short public note, shown on the question page. Markdown works."),
        validators=[Length(max=adoption.NOTE_MAX, message=TOO_LONG)],
        render_kw={"rows": 4, "maxlength": adoption.NOTE_MAX, "aria-required": "true"},
    )


class ReleaseForm(FlaskForm):
    reason = TextAreaField(
        _l("Why your project releases this question"),
        description=_l("Required and public: the question's askers, voters and followers hear of it."),
        validators=[Length(max=adoption.REASON_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": adoption.REASON_MAX, "aria-required": "true"},
    )


class AnswerForm(FlaskForm):
    summary_en = TextAreaField(
        _l("Summary in English"),
        description=_l("The answer in plain language, for everyone who asked. Markdown works."),
        validators=[Length(max=answers.SUMMARY_MAX, message=TOO_LONG)],
        render_kw={"rows": 8, "maxlength": answers.SUMMARY_MAX, "lang": "en"},
    )
    summary_nl = TextAreaField(
        _l("Summary in Dutch"),
        description=_l("The same answer in Dutch. One language is required, both is best."),
        validators=[Length(max=answers.SUMMARY_MAX, message=TOO_LONG)],
        render_kw={"rows": 8, "maxlength": answers.SUMMARY_MAX, "lang": "nl"},
    )
    dois = TextAreaField(
        _l("DOIs (optional)"),
        description=_l("One per line, like 10.1234/abcd or https://doi.org/10.1234/abcd. Shown as links."),
        validators=[Length(max=DOIS_FIELD_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "off"},
    )
    data_links = TextAreaField(
        _l("Data links (optional)"),
        description=_l("Addresses of the data, one per line, starting with https://."),
        validators=[Length(max=LINKS_FIELD_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "off"},
    )

    def service_fields(self) -> dict:
        return {
            "summary_en": self.summary_en.data,
            "summary_nl": self.summary_nl.data,
            "dois": self.dois.data,
            "data_links": self.data_links.data,
        }
