"""The reasons moderators choose from; each can be completed with written words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crowdq import text
from crowdq.errors import Invalid

REASONS = {
    "spam": _l("Spam or advertising"),
    "abusive": _l("Abusive or disrespectful"),
    "personal_data": _l("Someone else's personal data"),
    "off_topic": _l("Off-topic"),
    "not_research": _l("Not a research question"),
    "duplicate": _l("Duplicate of another question"),
    "rules": _l("Breaks the house rules"),
    "other": _l("Other reason (written)"),
}
FLAG_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "abusive": _l("Abusive or disrespectful"),
    "personal_data": _l("Someone else's personal data"),
    "off_topic": _l("Off-topic"),
    "duplicate": _l("Duplicate of another question"),
    "other": _l("Something else"),
}
CLOSE_REASONS = ("off_topic", "not_research", "duplicate")
REASON_TEXT_MAX = 1000


def clean(code: str | None, written: str | None, *, allowed=REASONS) -> tuple[str, str]:
    """(code, written words): a code from the list, and words when the code is 'other'."""
    code = (code or "").strip()
    written = text.normalise_text(written)
    errors = {}
    if code not in allowed:
        errors["reason"] = _("Choose a reason from the list.")
    if len(written) > REASON_TEXT_MAX:
        errors["reason_text"] = _("Keep the explanation to at most %(n)d characters.", n=REASON_TEXT_MAX)
    elif code == "other" and not written:
        errors["reason_text"] = _("Write the reason.")
    if errors:
        raise Invalid(errors)
    return code, written


def label(code: str | None) -> str:
    return str(REASONS.get(code or "", REASONS["other"]))
