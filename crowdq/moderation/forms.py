"""Forms of the moderation pages (the services check every value again)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.moderation.reasons import FLAG_REASON_LABELS, REASON_TEXT_MAX, REASONS

ACTION_CHOICES = [
    ("keep", _l("Keep it (dismiss the flags)")),
    ("release", _l("Publish it")),
    ("hide", _l("Hide it (the public sees the reason)")),
    ("remove", _l("Remove it (kept for the audit only)")),
    ("restore", _l("Restore it")),
    ("edit", _l("Edit it")),
    ("close", _l("Close the question")),
    ("reopen", _l("Reopen the question")),
    ("close_comments", _l("Close its comments")),
    ("open_comments", _l("Open its comments")),
]
SANCTION_CHOICES = [
    ("", _l("No sanction")),
    ("warn", _l("Warn the author")),
    ("silence", _l("Silence the author (reads, cannot write)")),
    ("suspend", _l("Suspend the author (cannot log in)")),
    ("ban", _l("Ban the author")),
]


def reason_fields():
    return (
        SelectField(
            _l("Reason"),
            choices=[("", _l("Choose a reason"))] + list(REASONS.items()),
            validators=[InputRequired(_l("Choose a reason from the list."))],
            **CHOICE_MESSAGES,
        ),
        TextAreaField(
            _l("Explanation for the member (required for another reason)"),
            validators=[Optional(), Length(max=REASON_TEXT_MAX, message=TOO_LONG)],
            render_kw={"rows": 3},
        ),
    )


class DecisionForm(FlaskForm):
    action = SelectField(_l("Decision"), choices=ACTION_CHOICES, **CHOICE_MESSAGES)
    reason, reason_text = reason_fields()
    sanction = SelectField(_l("And the author"), choices=SANCTION_CHOICES, **CHOICE_MESSAGES)
    days = IntegerField(
        _l("For how many days (silence and suspension; empty: until lifted)"),
        validators=[Optional(), NumberRange(min=1, max=3650, message=_l("Enter a number of days from 1 to 3650."))],
    )


class EditForm(FlaskForm):
    """Fields are added per item (crowdq.moderation.targets adapters' fields)."""

    reason, reason_text = reason_fields()


class SanctionForm(FlaskForm):
    sanction = SelectField(_l("Sanction"), choices=SANCTION_CHOICES[1:], **CHOICE_MESSAGES)
    reason, reason_text = reason_fields()
    days = IntegerField(
        _l("For how many days (silence and suspension; empty: until lifted)"),
        validators=[Optional(), NumberRange(min=1, max=3650, message=_l("Enter a number of days from 1 to 3650."))],
    )


class LiftForm(FlaskForm):
    reason_text = TextAreaField(
        _l("Why the sanction ends early"),
        validators=[InputRequired(_l("Write the reason.")), Length(max=REASON_TEXT_MAX, message=TOO_LONG)],
        render_kw={"rows": 2},
    )


class TrustForm(FlaskForm):
    level = SelectField(
        _l("Trust level"),
        choices=[("0", _l("0: new")), ("1", _l("1: basic")), ("2", _l("2: member")), ("3", _l("3: trusted"))],
        **CHOICE_MESSAGES,
    )
    reason_text = TextAreaField(
        _l("Why"),
        validators=[InputRequired(_l("Write the reason.")), Length(max=REASON_TEXT_MAX, message=TOO_LONG)],
        render_kw={"rows": 2},
    )


class FlagForm(FlaskForm):
    reason = SelectField(
        _l("What is wrong with it?"),
        choices=[("", _l("Choose a reason"))] + list(FLAG_REASON_LABELS.items()),
        validators=[InputRequired(_l("Choose a reason from the list."))],
        **CHOICE_MESSAGES,
    )
    duplicate_of = StringField(
        _l("The number or address of the question it repeats (for a duplicate)"),
        validators=[Optional(), Length(max=300, message=TOO_LONG)],
    )
    note = TextAreaField(
        _l("Anything the moderators should know? (required for something else)"),
        validators=[Optional(), Length(max=500, message=TOO_LONG)],
        render_kw={"rows": 3},
    )


class AppealForm(FlaskForm):
    text = TextAreaField(
        _l("Why should the decision change?"),
        validators=[InputRequired(_l("Say why the decision should change.")), Length(max=2000, message=TOO_LONG)],
        render_kw={"rows": 5},
    )


class AppealDecisionForm(FlaskForm):
    outcome = SelectField(
        _l("Decision"),
        choices=[("upheld", _l("The action stands")), ("overturned", _l("Undo the action"))],
        **CHOICE_MESSAGES,
    )
    decision_text = TextAreaField(
        _l("Explanation for the member"),
        validators=[InputRequired(_l("Explain the decision to the member.")), Length(max=2000, message=TOO_LONG)],
        render_kw={"rows": 3},
    )


class BulkForm(FlaskForm):
    by = SelectField(
        _l("Select"),
        choices=[("author", _l("Everything by this author")), ("text", _l("Everything with this exact text"))],
        **CHOICE_MESSAGES,
    )
    item = HiddenField()
    reason, reason_text = reason_fields()
    suspend_author = SelectField(
        _l("And the author"),
        choices=[("suspend", _l("Suspend the author")), ("ban", _l("Ban the author")), ("", _l("No sanction"))],
        **CHOICE_MESSAGES,
    )
