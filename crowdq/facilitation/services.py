"""Neighbourhood sessions and questions entered for people who do not use the site.

Organisations and researchers announce in-person sessions (place, date and
time, description, optionally the call they collect questions for). Times
are typed in the site's time zone (Europe/Amsterdam) and stored in UTC; a
local time that does not exist (the hour the clocks go forward) is refused,
an ambiguous one (the hour they go back) means the first, summer-time one.

Facilitators enter questions through questions.services.submit with an
Entry: the question records its source, the session and the facilitator
(its author and `entered_by`); the asker's name is kept only when they
agreed to be named. Imports from files are in crowdq.facilitation.importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Invalid, NotFound
from crowdq.facilitation.models import CommunitySession
from crowdq.organisations.models import Organisation
from crowdq.questions import services as questions
from crowdq.questions.models import Question, Topic
from crowdq.questions.services import Entry

TITLE_MIN, TITLE_MAX = 5, 200
PLACE_MIN, PLACE_MAX = 2, 200
DESCRIPTION_MAX = 2_000
ASKER_NAME_MAX = 60
# Sessions are announced ahead or recorded afterwards, within these bounds.
DAYS_BACK, DAYS_AHEAD = 366, 2 * 366
MAX_HOURS = 24


def site_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Europe/Amsterdam")


@dataclass
class SessionFields:
    title: str
    place: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    topic_id: int | None
    organisation_id: int | None


# --- validation -------------------------------------------------------------------
def _clean_title(value: str | None) -> str:
    title = text.normalise_line(value)
    if len(title) < TITLE_MIN:
        raise Invalid({"title": _("Write a title of at least %(n)d characters.", n=TITLE_MIN)})
    if len(title) > TITLE_MAX:
        raise Invalid({"title": _("Keep the title to at most %(n)d characters.", n=TITLE_MAX)})
    return title


def _clean_place(value: str | None) -> str:
    place = text.normalise_line(value)
    if len(place) < PLACE_MIN:
        raise Invalid({"place": _("Write where the session takes place.")})
    if len(place) > PLACE_MAX:
        raise Invalid({"place": _("Keep the place to at most %(n)d characters.", n=PLACE_MAX)})
    return place


def _clean_description(value: str | None) -> str:
    description = text.normalise_text(value)
    if len(description) > DESCRIPTION_MAX:
        raise Invalid({"description": _("Use at most %(n)d characters.", n=DESCRIPTION_MAX)})
    return description


def parse_date(value: str | None) -> date:
    raw = (value or "").strip()
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid({"day": _("Enter the date as year-month-day, like 2026-06-01.")}) from None


def parse_time(value: str | None, field: str) -> time:
    raw = (value or "").strip()
    try:
        if not (4 <= len(raw) <= 5) or not raw.isascii() or ":" not in raw:
            raise ValueError
        hours, minutes = raw.split(":")
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise Invalid({field: _("Enter the time as hours:minutes, like 19:30.")}) from None


def local_moment(day: date, moment: time, field: str) -> datetime:
    """The UTC instant of a local date and time in the site's time zone."""
    zone = site_zone()
    local = datetime.combine(day, moment, tzinfo=zone)  # fold=0: the first of two ambiguous times
    instant = local.astimezone(ZoneInfo("UTC"))
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid({field: _("This time does not exist on that day (the clocks go forward). Choose another time.")})
    return instant


def clean_when(
    day: str | None, starts: str | None, ends: str | None, now: datetime, current_day: date | None = None
) -> tuple[datetime, datetime | None]:
    """Local date, start and optional end time -> UTC start and end; all problems at once.

    The date lies from a year ago to two years ahead, unless it is the one
    the session already has (an old session can still be corrected)."""
    errors: dict[str, str] = {}
    parsed: dict = {}
    for name, check in (
        ("day", lambda: parse_date(day)),
        ("starts", lambda: parse_time(starts, "starts")),
        ("ends", lambda: parse_time(ends, "ends") if (ends or "").strip() else None),
    ):
        try:
            parsed[name] = check()
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    the_day = parsed["day"]
    today = now.astimezone(site_zone()).date()
    in_range = today - timedelta(days=DAYS_BACK) <= the_day <= today + timedelta(days=DAYS_AHEAD)
    if not in_range and the_day != current_day:
        raise Invalid({"day": _("Choose a date from a year ago to two years ahead.")})
    starts_at = local_moment(the_day, parsed["starts"], "starts")
    ends_at = local_moment(the_day, parsed["ends"], "ends") if parsed["ends"] is not None else None
    if ends_at is not None and ends_at <= starts_at:
        raise Invalid({"ends": _("The session must end after it starts (on the same day).")})
    if ends_at is not None and ends_at - starts_at > timedelta(hours=MAX_HOURS):
        raise Invalid({"ends": _("A session lasts at most %(n)d hours.", n=MAX_HOURS)})
    return starts_at, ends_at


def local_fields(community_session: CommunitySession) -> dict[str, str]:
    """The date and times of a session as a form shows them (site time zone)."""
    zone = site_zone()
    starts = community_session.starts_at.astimezone(zone)
    ends = community_session.ends_at.astimezone(zone) if community_session.ends_at else None
    return {
        "day": starts.strftime("%Y-%m-%d"),
        "starts": starts.strftime("%H:%M"),
        "ends": ends.strftime("%H:%M") if ends else "",
    }


def _clean_id(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValueError
    return value


def _session_topic(session: Session, topic_id, current_id: int | None) -> int | None:
    try:
        topic_id = _clean_id(topic_id)
    except ValueError:
        topic_id = -1
    if topic_id is None:
        return None
    topic = session.get(Topic, topic_id) if topic_id > 0 else None
    if topic is None:
        raise Invalid({"topic": _("Choose a topic from the list.")})
    if topic.is_archived and topic.id != current_id:
        raise Invalid({"topic": _("This topic is archived and takes no new questions. Choose another one.")})
    return topic.id


def _session_organisation(
    session: Session, actor, organisation_id, current: CommunitySession | None
) -> Organisation | None:
    current_id = current.organisation_id if current is not None else None
    try:
        organisation_id = _clean_id(organisation_id)
    except ValueError:
        organisation_id = -1
    if organisation_id is None:
        # Researchers may run a session on their own; so may a session that had no organisation.
        if not policy.is_researcher(actor) and not (current is not None and current_id is None):
            raise Invalid({"organisation": _("Choose the organisation that runs this session.")})
        return None
    organisation = session.get(Organisation, organisation_id) if organisation_id > 0 else None
    if organisation is None:
        raise Invalid({"organisation": _("Choose one of the options in the list.")})
    # Keeping the current organisation needs no membership (an admin editing);
    # choosing one means acting for it.
    if organisation.id != current_id and not policy.can(actor, "organisation.act", organisation):
        raise Invalid({"organisation": _("You can only choose a verified organisation you belong to.")})
    return organisation


def clean_fields(
    session: Session,
    actor,
    *,
    title=None,
    place=None,
    description="",
    day=None,
    starts=None,
    ends=None,
    topic_id=None,
    organisation_id=None,
    current: CommunitySession | None = None,
) -> SessionFields:
    """Check every field of a session, reporting all problems at once."""
    errors: dict[str, str] = {}
    values: dict = {}
    checks = {
        "title": lambda: _clean_title(title),
        "place": lambda: _clean_place(place),
        "description": lambda: _clean_description(description),
        "when": lambda: clean_when(
            day, starts, ends, utcnow(), current.starts_at.astimezone(site_zone()).date() if current else None
        ),
        "topic_id": lambda: _session_topic(session, topic_id, current.topic_id if current else None),
        "organisation": lambda: _session_organisation(session, actor, organisation_id, current),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    starts_at, ends_at = values.pop("when")
    organisation = values.pop("organisation")
    return SessionFields(
        starts_at=starts_at,
        ends_at=ends_at,
        organisation_id=organisation.id if organisation is not None else None,
        **values,
    )


# --- sessions --------------------------------------------------------------------
def get_community_session(session: Session, session_id: int) -> CommunitySession:
    found = session.get(CommunitySession, session_id) if 0 < session_id <= MAX_ID else None
    if found is None:
        raise NotFound("session")
    return found


def create_session(session: Session, actor, **fields) -> CommunitySession:
    """Organisation members (for their verified organisation) and researchers
    announce a session; members of an organisation must name it."""
    policy.require(actor, "session.create")
    clean = clean_fields(session, actor, **fields)
    organisation = session.get(Organisation, clean.organisation_id) if clean.organisation_id else None
    policy.require(actor, "session.create", organisation)
    created = CommunitySession(**clean.__dict__, created_by_id=actor.id, created_at=utcnow())
    session.add(created)
    session.flush()
    events.record(session, "session.created", actor, created, organisation_id=created.organisation_id)
    return created


def update_session(session: Session, actor, community_session: CommunitySession, **fields) -> list[str]:
    """Its creator, the organisation's members and admins change a session;
    returns the names of the fields that changed."""
    policy.require(actor, "session.manage", community_session)
    clean = clean_fields(session, actor, current=community_session, **fields)
    changed = [name for name, value in clean.__dict__.items() if getattr(community_session, name) != value]
    for name in changed:
        setattr(community_session, name, getattr(clean, name))
    if changed:
        session.flush()
        session.refresh(community_session)  # relationships follow the changed ids
        events.record(session, "session.updated", actor, community_session, fields=changed)
    return changed


def session_for_entry(
    session: Session, actor, session_id: int | None, field: str = "session"
) -> CommunitySession | None:
    """The session questions are entered for: one the actor may manage."""
    if session_id is None:
        return None
    found = session.get(CommunitySession, session_id) if 0 < session_id <= MAX_ID else None
    if found is None:
        raise Invalid({field: _("There is no session with this number.")})
    if not policy.can(actor, "session.manage", found):
        raise Invalid({field: _("You cannot enter questions for this session.")})
    return found


# --- entering a question for someone ----------------------------------------------------
def clean_asker_name(consent: bool, name: str | None) -> str | None:
    """The asker's name, kept only when they agreed to be named."""
    name = text.normalise_line(name)
    if not consent:
        if name:
            raise Invalid({"asker_name": _("Leave the name empty unless the asker agrees to be named.")})
        return None
    if not name:
        raise Invalid({"asker_name": _("Write the name the asker wants to be shown, or untick the box.")})
    if len(name) > ASKER_NAME_MAX:
        raise Invalid({"asker_name": _("Use at most %(n)d characters.", n=ASKER_NAME_MAX)})
    return name


def enter_question(
    session: Session,
    actor,
    *,
    title: str,
    body: str,
    language: str,
    topic_id: int | None = None,
    tags: str | list[str] | None = None,
    place: str | None = None,
    session_id: int | None = None,
    asker_consents: bool = False,
    asker_name: str | None = None,
) -> Question:
    """A facilitator enters a question someone asked in person (at a session,
    or on paper): the facilitator is its author and `entered_by`; the
    question goes through the same rules as one asked online."""
    policy.require(actor, "question.facilitate")
    community_session = session_for_entry(session, actor, session_id)
    name = clean_asker_name(asker_consents, asker_name)
    return questions.submit(
        session,
        actor,
        title=title,
        body=body,
        language=language,
        topic_id=topic_id,
        tags=tags,
        place=place,
        entry=Entry(source="session", session_id=community_session.id if community_session else None, asker_name=name),
    )
