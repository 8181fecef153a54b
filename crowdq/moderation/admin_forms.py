"""Admin forms for prevention: watched words and the moderation settings. The rules are in
crowdq.moderation.watched and crowdq.moderation.settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from crowdq.forms_common import CHOICE_MESSAGES, TOO_LONG
from crowdq.moderation import settings, watched

# What an admin may type: folding can shorten it (runs of spaces) or lengthen it ("ß" -> "ss");
# the service checks the folded phrase against watched.PHRASE_MAX.
PHRASE_INPUT_MAX = 2 * watched.PHRASE_MAX


class WatchedWordForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=list(watched.KIND_LABELS.items()),
        default="word",
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    phrase = StringField(
        _l("Word, phrase or domain"),
        description=_l(
            "Whole words only, in any case and with or without accents: “cafe” also finds “Café”, and “ass” does "
            "not find “class”. A domain such as example.com also blocks its subdomains."
        ),
        validators=[
            DataRequired(_l("Enter a word, phrase or domain.")),
            Length(max=PHRASE_INPUT_MAX, message=TOO_LONG),
        ],
        render_kw={"maxlength": PHRASE_INPUT_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    language = SelectField(
        _l("Language"),
        description=_l("Texts in this language only; domains apply to every language."),
        choices=list(watched.LANGUAGE_LABELS.items()),
        default="any",
        validate_choice=True,
        **CHOICE_MESSAGES,
    )
    action = SelectField(
        _l("What happens"),
        description=_l("Domains can be blocked or held, not replaced."),
        choices=list(watched.ACTION_LABELS.items()),
        default="block",
        validate_choice=True,
        **CHOICE_MESSAGES,
    )


def _limits(key: str) -> tuple[int, int]:
    return settings.LIMITS[key]


class ModerationSettingsForm(FlaskForm):
    flag_threshold = IntegerField(
        _l("Flags that hide an item until a moderator looks"),
        description=_l("Flags from ordinary members, 1 to 50. Trusted members' flags weigh more, new members' less."),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(*_limits(settings.FLAG_THRESHOLD), message=_l("Enter a number from %(min)d to %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    hold_first_posts = IntegerField(
        _l("First posts of a new member held for review"),
        description=_l("Questions and comments, 0 to 20; 0 holds none."),
        validators=[
            InputRequired(_l("Enter a whole number.")),
            NumberRange(*_limits(settings.HOLD_FIRST_POSTS), message=_l("Enter a number from %(min)d to %(max)d.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
