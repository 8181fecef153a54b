"""Messages shared by the WTForms classes of every domain."""

from flask_babel import lazy_gettext as _l

TOO_LONG = _l("Use at most %(max)d characters.")
CHOICE_MESSAGES = {
    "invalid_choice_message": _l("Choose one of the options in the list."),
    "invalid_value_message": _l("Choose one of the options in the list."),
}
