"""Messages shared by the WTForms classes of every domain."""

from flask_babel import lazy_gettext as _l

TOO_LONG = _l("Use at most %(max)d characters.")
CHOICE_MESSAGES = {
    "invalid_choice_message": _l("Choose one of the options in the list."),
    "invalid_value_message": _l("Choose one of the options in the list."),
}


def optional_int(value):
    """Coerce a select's value: "" (or None) means no choice, else a whole number."""
    if value is None or value == "":
        return None
    return int(value)
