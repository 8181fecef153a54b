"""Forms for merging, undoing and suggesting duplicates (web only); the rules
are in crowdq.merging.services and duplicates, which report problems by field."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from crowdq.db import MAX_ID
from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.merging.services import REASON_MAX

_REF = re.compile(r"^\s*(?:#?(\d{1,10})|(?:https?://[^/\s]+)?/questions/(\d{1,10})(?:[/?#]\S*)?)\s*$", re.ASCII)


def question_ref(raw: str | None) -> int | None:
    """A question's number ("42", "#42") or link (".../questions/42"), else None."""
    match = _REF.match(raw or "")
    if not match:
        return None
    value = int(match.group(1) or match.group(2))
    return value if 0 < value <= MAX_ID else None


def _reason(label):
    return TextAreaField(
        label,
        description=_l("Shown in the public merge log."),
        validators=[
            DataRequired(_l("Give a reason: it is shown in the merge log.")),
            Length(max=REASON_MAX, message=TOO_LONG),
        ],
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class MergeForm(FlaskForm):
    target = StringField(
        _l("Merge into question"),
        description=_l("The number or the link of the question that stays, for example 42."),
        validators=[DataRequired(_l("Say which question this one duplicates.")), Length(max=300, message=TOO_LONG)],
        render_kw={"maxlength": 300, "autocomplete": "off"},
    )
    reason = _reason(_l("Why they are the same question"))


class ClusterForm(FlaskForm):
    """Several selected questions into one of them, or into a new cluster question."""

    target = RadioField(_l("Merge them into"), validate_choice=True, **CHOICE_MESSAGES)
    title = StringField(
        _l("Title of the new cluster question"),
        description=_l("Only for a new cluster question: one clear question, 10 to 200 characters."),
        validators=[Length(max=200, message=TOO_LONG)],
        render_kw={"maxlength": 200},
    )
    body = TextAreaField(
        _l("Explanation"),
        description=_l("What the merged questions have in common. Markdown works."),
        validators=[Length(max=10_000, message=TOO_LONG)],
        render_kw={"rows": 4},
    )
    language = SelectField(
        _l("Language of the cluster question"),
        choices=[("nl", "Nederlands"), ("en", "English")],
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    reason = _reason(_l("Why they are the same question"))


class UndoForm(FlaskForm):
    reason = _reason(_l("Why the merge is undone"))


class CandidateMergeForm(FlaskForm):
    keep = SelectField(_l("Keep"), coerce=str, validate_choice=True, **CHOICE_MESSAGES)
    reason = _reason(_l("Why they are the same question"))


class SuggestDuplicateForm(FlaskForm):
    other = StringField(
        _l("It looks like a duplicate of"),
        description=_l("The number or the link of the other question, for example 42."),
        validators=[DataRequired(_l("Say which question it duplicates.")), Length(max=300, message=TOO_LONG)],
        render_kw={"maxlength": 300, "autocomplete": "off"},
    )
