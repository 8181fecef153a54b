"""Opening and changing calls for questions.

A call is a topic with an opening and a closing moment (UTC; typed and shown
in Europe/Amsterdam), an optional vote budget per member (1-100) and
usually a sponsor: a verified organisation, whose owners open and manage it
(admins may too, and may open a call without a sponsor). Its page is the
topic page, /topics/<slug>.

What may change when:

- upcoming: everything but the sponsor and the address;
- open: the titles and descriptions (typos), and the closing moment, but only
  later (people plan to vote until the announced end); the opening moment and
  the vote budget are fixed, because members have asked and spent votes;
- closed: nothing (the ranking is final).

Every field is checked before anything is written, and all problems are
reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdq import events, policy, text
from crowdq.calls.state import CLOSED, OPEN, call_state
from crowdq.calls.times import parse_local
from crowdq.db import MAX_ID, utcnow
from crowdq.errors import Conflict, Invalid, NotFound
from crowdq.organisations.models import Organisation, OrganisationMembership
from crowdq.questions import topics
from crowdq.questions.models import Topic

BUDGET_MIN, BUDGET_MAX = 1, 100
# A call runs at most about three months: long enough for a campaign, short
# enough that its page (a chart and table per day) stays light.
MAX_DAYS = 92
# How far ahead a call may be planned, and how far back its opening may lie
# when it is opened (a form filled in at 14:05 for "today 14:00").
MAX_LEAD = timedelta(days=366)
MAX_BACKDATE = timedelta(days=1)
KEEP = object()  # update_call: leave this field as it is


@dataclass
class CallFields:
    title_en: str
    title_nl: str
    description_en: str
    description_nl: str
    opens_at: datetime
    closes_at: datetime
    vote_budget: int | None


# --- validation ------------------------------------------------------------------------
def clean_budget(value) -> int | None:
    """None (no limit) or a whole number from 1 to 100."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        raw = value.strip()
        if len(raw) <= 3 and raw.isascii() and raw.isdigit():
            number = int(raw)
    if number is None or not BUDGET_MIN <= number <= BUDGET_MAX:
        raise Invalid(
            {
                "vote_budget": _(
                    "Use a whole number from %(min)d to %(max)d, or leave it empty for no limit.",
                    min=BUDGET_MIN,
                    max=BUDGET_MAX,
                )
            }
        )
    return number


def _clean_title(value, field: str) -> str:
    title = text.normalise_line(value if isinstance(value, str) else "")
    if len(title) > topics.NAME_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=topics.NAME_MAX)})
    return title


def _clean_description(value, field: str) -> str:
    description = text.normalise_line(value if isinstance(value, str) else "")
    if len(description) > topics.DESCRIPTION_MAX:
        raise Invalid({field: _("Use at most %(n)d characters.", n=topics.DESCRIPTION_MAX)})
    return description


def _check_dates(opens_at: datetime, closes_at: datetime, errors: dict) -> None:
    if closes_at <= opens_at:
        errors["closes_at"] = _("The closing moment must come after the opening moment.")
    elif closes_at - opens_at > timedelta(days=MAX_DAYS):
        errors["closes_at"] = _("A call runs for at most %(n)d days.", n=MAX_DAYS)


def clean_fields(
    *,
    title_en=None,
    title_nl=None,
    description_en=None,
    description_nl=None,
    opens_at=None,
    closes_at=None,
    vote_budget=None,
) -> CallFields:
    """Check every field, reporting all problems at once (dates are local
    'YYYY-MM-DDTHH:MM' strings or aware datetimes)."""
    errors: dict[str, str] = {}
    values: dict = {}
    checks = {
        "title_en": lambda: _clean_title(title_en, "title_en"),
        "title_nl": lambda: _clean_title(title_nl, "title_nl"),
        "description_en": lambda: _clean_description(description_en, "description_en"),
        "description_nl": lambda: _clean_description(description_nl, "description_nl"),
        "opens_at": lambda: parse_local(opens_at, "opens_at"),
        "closes_at": lambda: parse_local(closes_at, "closes_at"),
        "vote_budget": lambda: clean_budget(vote_budget),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except Invalid as error:
            errors.update(error.fields)
    if "title_en" in values and "title_nl" in values and not values["title_en"] and not values["title_nl"]:
        errors["title_en"] = _("Give the call a title in English, in Dutch, or both.")
    if "opens_at" in values and "closes_at" in values:
        _check_dates(values["opens_at"], values["closes_at"], errors)
    if errors:
        raise Invalid(errors)
    return CallFields(**values)


def _check_schedule(fields: CallFields, now: datetime, errors: dict, *, opening_fixed: bool) -> None:
    if "closes_at" not in errors and fields.closes_at <= now:
        errors["closes_at"] = _("Choose a closing moment in the future.")
    if not opening_fixed:
        if fields.opens_at > now + MAX_LEAD:
            errors["opens_at"] = _("Choose an opening moment within a year from now.")
        elif fields.opens_at < now - MAX_BACKDATE:
            errors["opens_at"] = _("Choose an opening moment no more than a day in the past.")


def _free_slug(session: Session, base: str) -> str:
    slug, n = base, 1
    while session.scalar(select(Topic.id).where(Topic.slug == slug)) is not None:
        n += 1
        suffix = f"-{n}"
        slug = base[: topics.SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return slug


def _clean_call_slug(session: Session, slug, fields: CallFields | None, errors: dict) -> str | None:
    given = (slug or "").strip() if isinstance(slug, str) else ""
    try:
        if given:
            cleaned = topics.clean_slug(given)
            if session.scalar(select(Topic.id).where(Topic.slug == cleaned)) is not None:
                raise Invalid({"slug": _("Another topic already uses this address.")})
            return cleaned
        if fields is None:
            return None
        base = text.slugify(fields.title_en or fields.title_nl)
        if len(base) < topics.SLUG_MIN or base in topics.RESERVED_SLUGS:
            base = "call" if len(base) < topics.SLUG_MIN else f"{base}-call"
        return _free_slug(session, topics.clean_slug(base))
    except Invalid as error:
        errors.update(error.fields)
        return None


# --- reading ---------------------------------------------------------------------------
def get_call(session: Session, slug: str) -> Topic:
    """The call at /topics/<slug>; NotFound for a topic that is not a call."""
    topic = topics.by_slug(session, slug)
    if topic is None or not topic.is_call:
        raise NotFound("call")
    return topic


def sponsor_choices(session: Session, actor) -> list[Organisation]:
    """The organisations the actor may open a call for (admins: every verified one)."""
    stmt = select(Organisation).where(Organisation.verified_at.is_not(None)).order_by(Organisation.name)
    if not policy.is_admin(actor):
        if not policy.is_citizen(actor):
            return []
        stmt = stmt.join(OrganisationMembership).where(
            OrganisationMembership.user_id == actor.id, OrganisationMembership.role == "owner"
        )
    return [o for o in session.scalars(stmt) if policy.can(actor, "call.create", o)]


def may_open_calls(session: Session, actor) -> bool:
    return policy.can(actor, "call.create", None) or bool(sponsor_choices(session, actor))


def get_sponsor(session: Session, organisation_id) -> Organisation | None:
    if organisation_id in (None, ""):
        return None
    if not isinstance(organisation_id, int) or not 0 < organisation_id <= MAX_ID:
        raise Invalid({"organisation": _("Choose one of the options in the list.")})
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise Invalid({"organisation": _("Choose one of the options in the list.")})
    return organisation


# --- changing --------------------------------------------------------------------------
def open_call(session: Session, actor, organisation: Organisation | None, *, slug=None, **fields) -> Topic:
    """An owner of a verified organisation (or an admin; admins also without a
    sponsor) opens a call: a new topic with dates and an optional budget."""
    policy.require(actor, "call.create", organisation)
    errors: dict[str, str] = {}
    if organisation is not None and not organisation.is_verified:
        errors["organisation"] = _("Only a verified organisation can sponsor a call.")
    now = utcnow()
    clean = None
    try:
        clean = clean_fields(**fields)
    except Invalid as error:
        errors.update(error.fields)
    if clean is not None:
        _check_schedule(clean, now, errors, opening_fixed=False)
    cleaned_slug = _clean_call_slug(session, slug, clean, errors)
    if errors:
        raise Invalid(errors)
    topic = Topic(
        slug=cleaned_slug,
        name_en=clean.title_en,
        name_nl=clean.title_nl,  # NOT NULL: "" when the call has a title in one language only
        description_en=clean.description_en,
        description_nl=clean.description_nl,
        position=topics._next_position(session),
        organisation_id=organisation.id if organisation is not None else None,
        opens_at=clean.opens_at,
        closes_at=clean.closes_at,
        vote_budget=clean.vote_budget,
        created_at=now,
    )
    session.add(topic)
    session.flush()
    events.record(
        session,
        "call.opened",
        actor,
        topic,
        slug=topic.slug,
        organisation_id=topic.organisation_id,
        opens_at=topic.opens_at.isoformat(),
        closes_at=topic.closes_at.isoformat(),
        vote_budget=topic.vote_budget,
    )
    return topic


def update_call(
    session: Session,
    actor,
    topic: Topic,
    *,
    title_en=KEEP,
    title_nl=KEEP,
    description_en=KEEP,
    description_nl=KEEP,
    opens_at=KEEP,
    closes_at=KEEP,
    vote_budget=KEEP,
) -> list[str]:
    """Change a call as its state allows (see the module docstring); returns
    the names of the fields that changed. Fields given as KEEP stay."""
    policy.require(actor, "call.manage", topic)
    if not topic.is_call:
        raise NotFound("call")
    # Lock the row (votes share-lock it), so the state read here holds until commit.
    session.scalars(
        select(Topic).where(Topic.id == topic.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    now = utcnow()
    state = call_state(topic, now)
    if state == CLOSED:
        raise Conflict(_("This call is closed; it can no longer change."))
    given = {
        "title_en": title_en,
        "title_nl": title_nl,
        "description_en": description_en,
        "description_nl": description_nl,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "vote_budget": vote_budget,
    }
    current = {
        "title_en": topic.name_en,
        "title_nl": topic.name_nl,
        "description_en": topic.description_en,
        "description_nl": topic.description_nl,
        "opens_at": topic.opens_at,
        "closes_at": topic.closes_at,
        "vote_budget": topic.vote_budget,
    }
    clean = clean_fields(**{k: current[k] if v is KEEP else v for k, v in given.items()})
    errors: dict[str, str] = {}
    if state == OPEN:
        fixed = _("This can no longer change: the call is open.")
        if clean.opens_at != topic.opens_at:
            errors["opens_at"] = fixed
        if clean.vote_budget != topic.vote_budget:
            errors["vote_budget"] = fixed
        if clean.closes_at < topic.closes_at:
            errors["closes_at"] = _("While the call is open, its closing moment can only move later.")
    _check_schedule(clean, now, errors, opening_fixed=state == OPEN or clean.opens_at == topic.opens_at)
    if errors:
        raise Invalid(errors)
    new = {
        "name_en": clean.title_en,
        "name_nl": clean.title_nl,
        "description_en": clean.description_en,
        "description_nl": clean.description_nl,
        "opens_at": clean.opens_at,
        "closes_at": clean.closes_at,
        "vote_budget": clean.vote_budget,
    }
    changed = [name for name, value in new.items() if getattr(topic, name) != value]
    if changed:
        for name in changed:
            setattr(topic, name, new[name])
        topic.updated_at = now
        session.flush()
        events.record(
            session,
            "call.updated",
            actor,
            topic,
            fields=changed,
            state=state,
            opens_at=topic.opens_at.isoformat(),
            closes_at=topic.closes_at.isoformat(),
            vote_budget=topic.vote_budget,
        )
    return changed
