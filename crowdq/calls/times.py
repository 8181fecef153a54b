"""Moments typed in a form (`<input type="datetime-local">`) are meant in the
site's time zone (BABEL_DEFAULT_TIMEZONE, Europe/Amsterdam); the database keeps UTC.

Once a year the clocks skip an hour (02:00-03:00 on the last Sunday of
March does not exist in Amsterdam) and once a year they repeat one (02:00-03:00
on the last Sunday of October happens twice). A time in the gap is refused
with a clear message; a repeated time means its first occurrence (still summer
time, UTC+2), which is zoneinfo's `fold=0`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

from crowdq.errors import Invalid

DEFAULT_ZONE = "Europe/Amsterdam"
# What browsers send for datetime-local (seconds only with a step), and what people type without one.
FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def site_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def parse_local(value, field: str) -> datetime:
    """An aware UTC datetime from a local 'YYYY-MM-DDTHH:MM' string (or an
    aware datetime, passed through as UTC); Invalid({field: ...}) otherwise."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise Invalid({field: _("Enter a date and time.")})
        return value.astimezone(UTC)
    raw = (value or "").strip() if isinstance(value, str) else ""
    if not raw:
        raise Invalid({field: _("Enter a date and time.")})
    naive = None
    if len(raw) <= 19:
        for fmt in FORMATS:
            try:
                naive = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
    if naive is None:
        raise Invalid({field: _("Enter the date and time as YYYY-MM-DD HH:MM.")})
    zone = site_zone()
    # fold=0: in the autumn's repeated hour this is the first occurrence (summer time).
    local = naive.replace(tzinfo=zone, fold=0)
    try:
        moment = local.astimezone(UTC)
        round_trip = moment.astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):  # the very first or last moments Python can represent
        raise Invalid({field: _("Enter the date and time as YYYY-MM-DD HH:MM.")}) from None
    if round_trip != naive:
        # zoneinfo maps a time that does not exist (the spring gap) to another wall time.
        raise Invalid(
            {field: _("This time does not exist: the clocks go forward an hour that night. Choose another time.")}
        )
    return moment


def to_local_input(moment: datetime | None) -> str:
    """The value for a datetime-local input showing `moment` in the site's time zone."""
    if moment is None:
        return ""
    return moment.astimezone(site_zone()).strftime("%Y-%m-%dT%H:%M")
