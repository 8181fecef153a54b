"""Opening and changing calls: validation with clear messages, permissions,
what may change in which state, nothing half-written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crowdq.calls import services
from crowdq.errors import Conflict, Invalid, NotAllowed
from crowdq.events import Event
from crowdq.questions.models import Topic
from tests.calls.conftest import T0
from tests.conftest import csrf_from, login, post_form

GOOD = {
    "title_en": "Clean water in our city",
    "title_nl": "Schoon water in onze stad",
    "description_en": "What do you want to know about the water?",
    "description_nl": "",
    "opens_at": "2026-03-20T09:00",  # winter time: 08:00 UTC
    "closes_at": "2026-04-20T09:00",  # summer time: 07:00 UTC
    "vote_budget": "3",
}


def counts(db) -> tuple[int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Topic)),
        db.scalar(select(func.count()).select_from(Event).where(Event.kind.like("call.%"))),
    )


@pytest.fixture
def owner_org(make_user, make_org):
    owner, member = make_user(), make_user()
    return owner, member, make_org(owners=[owner], members=[member])


# --- the service --------------------------------------------------------------------------
def test_an_owner_opens_a_call_with_amsterdam_times_stored_as_utc(db, clock, owner_org):
    owner, _member, org = owner_org
    call = services.open_call(db, owner, org, **GOOD)
    db.commit()
    assert call.is_call and call.organisation_id == org.id
    assert call.opens_at == datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2026, 4, 20, 7, 0, tzinfo=UTC)
    assert call.vote_budget == 3 and call.slug == "clean-water-in-our-city"
    event = db.scalar(select(Event).where(Event.kind == "call.opened"))
    assert event.actor_id == owner.id and event.subject_id == call.id and event.data["vote_budget"] == 3


def test_a_title_in_one_language_is_enough_and_shown_in_both(db, clock, owner_org, client):
    owner, _member, org = owner_org
    call = services.open_call(db, owner, org, **{**GOOD, "title_en": "", "opens_at": "2026-03-10T11:00"})
    db.commit()
    assert call.name_en == "" and call.name_nl == "Schoon water in onze stad"
    assert call.slug == "schoon-water-in-onze-stad"
    page = client.get(f"/topics/{call.slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Schoon water in onze stad</h1>" in page


def test_admins_open_calls_without_a_sponsor_but_not_for_an_unverified_one(db, clock, make_user, make_org):
    admin = make_user("admin")
    call = services.open_call(db, admin, None, **GOOD)
    assert call.organisation_id is None
    pending = make_org(verified=False, owners=[make_user()])
    with pytest.raises(Invalid) as error:
        services.open_call(db, admin, pending, **{**GOOD, "title_en": "Another call"})
    assert error.value.fields == {"organisation": "Only a verified organisation can sponsor a call."}


@pytest.mark.parametrize("who", ["member", "non-member", "unverified owner", "suspended owner"])
def test_only_owners_of_a_verified_organisation_and_admins_open_calls(db, clock, make_user, make_org, who):
    actor = make_user("suspended" if who == "suspended owner" else "citizen")
    if who == "member":
        org = make_org(members=[actor])
    elif who == "non-member":
        org = make_org(owners=[make_user()])
    else:
        org = make_org(verified=who != "unverified owner", owners=[actor])
    before = counts(db)
    with pytest.raises(NotAllowed):
        services.open_call(db, actor, org, **GOOD)
    with pytest.raises(NotAllowed):
        services.open_call(db, actor, None, **GOOD)
    db.rollback()
    assert counts(db) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_at": "2026-03-19T09:00"}, "closes_at", "The closing moment must come after the opening moment."),
        ({"closes_at": "2026-03-20T09:00"}, "closes_at", "The closing moment must come after the opening moment."),
        ({"closes_at": "2026-07-01T09:00"}, "closes_at", "A call runs for at most 92 days."),
        (
            {"opens_at": "2026-03-01T09:00", "closes_at": "2026-03-09T09:00"},
            "closes_at",
            "Choose a closing moment in the future.",
        ),
        (
            {"opens_at": "2027-04-01T09:00", "closes_at": "2027-04-20T09:00"},
            "opens_at",
            "Choose an opening moment within a year from now.",
        ),
        ({"opens_at": "2026-03-08T09:00"}, "opens_at", "Choose an opening moment no more than a day in the past."),
        ({"opens_at": ""}, "opens_at", "Enter a date and time."),
        ({"opens_at": "next tuesday"}, "opens_at", "Enter the date and time as YYYY-MM-DD HH:MM."),
        ({"opens_at": "2026-02-30T09:00"}, "opens_at", "Enter the date and time as YYYY-MM-DD HH:MM."),
        ({"opens_at": "0001-01-01T00:00"}, "opens_at", "Enter the date and time as YYYY-MM-DD HH:MM."),
        ({"vote_budget": "0"}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": "101"}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": "-3"}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": "2.5"}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": "٣"}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": True}, "vote_budget", "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"title_en": " ", "title_nl": "\u200b"}, "title_en", "Give the call a title in English, in Dutch, or both."),
        ({"title_nl": "x" * 121}, "title_nl", "Use at most 120 characters."),
        ({"description_en": "x" * 501}, "description_en", "Use at most 500 characters."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(db, clock, owner_org, changes, field, message):
    owner, _member, org = owner_org
    before = counts(db)
    with pytest.raises(Invalid) as error:
        services.open_call(db, owner, org, **{**GOOD, **changes})
    assert error.value.fields[field] == message
    db.rollback()
    assert counts(db) == before


def test_every_problem_is_reported_at_once(db, clock, owner_org):
    owner, _member, org = owner_org
    with pytest.raises(Invalid) as error:
        services.open_call(
            db, owner, org, **{**GOOD, "title_en": "", "title_nl": "", "opens_at": "x", "vote_budget": "0"}
        )
    assert set(error.value.fields) == {"title_en", "opens_at", "vote_budget"}


@pytest.mark.parametrize("budget", ["", None, " ", "1", "100", " 7 ", 50])
def test_budgets_from_1_to_100_or_none_are_accepted(db, clock, owner_org, budget):
    owner, _member, org = owner_org
    call = services.open_call(db, owner, org, **{**GOOD, "vote_budget": budget})
    assert call.vote_budget == (int(str(budget).strip()) if str(budget or "").strip() else None)


def test_a_time_in_the_spring_gap_is_refused(db, clock, owner_org):
    owner, _member, org = owner_org
    with pytest.raises(Invalid) as error:
        services.open_call(db, owner, org, **{**GOOD, "opens_at": "2026-03-29T02:30"})
    assert error.value.fields["opens_at"].startswith("This time does not exist")


def test_a_repeated_autumn_time_means_its_first_occurrence(db, clock, owner_org):
    owner, _member, org = owner_org
    clock.set(datetime(2026, 10, 20, 12, tzinfo=UTC))
    call = services.open_call(
        db, owner, org, **{**GOOD, "opens_at": "2026-10-21T09:00", "closes_at": "2026-10-25T02:30"}
    )
    assert call.closes_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 summer time (UTC+2)


def test_addresses_are_made_from_the_title_and_kept_unique(db, clock, owner_org, topic):
    owner, _member, org = owner_org
    first = services.open_call(db, owner, org, **GOOD)
    second = services.open_call(db, owner, org, **GOOD)
    assert (first.slug, second.slug) == ("clean-water-in-our-city", "clean-water-in-our-city-2")
    with pytest.raises(Invalid) as error:
        services.open_call(db, owner, org, slug="water", **GOOD)
    assert error.value.fields == {"slug": "Another topic already uses this address."}
    with pytest.raises(Invalid) as error:
        services.open_call(db, owner, org, slug="new", **GOOD)
    assert "slug" in error.value.fields
    assert services.open_call(db, owner, org, slug="Water-2026", **GOOD).slug == "water-2026"
    emoji = services.open_call(db, owner, org, **{**GOOD, "title_en": "💧", "title_nl": ""})
    assert emoji.slug == "call"


# --- changing -----------------------------------------------------------------------------
def test_an_upcoming_call_may_change_everything(db, clock, owner_org):
    owner, _member, org = owner_org
    call = services.open_call(db, owner, org, **GOOD)
    changed = services.update_call(
        db, owner, call, opens_at="2026-03-21T10:00", closes_at="2026-04-21T10:00", vote_budget="", title_nl="Water!"
    )
    assert set(changed) == {"opens_at", "closes_at", "vote_budget", "name_nl"}
    assert call.vote_budget is None and call.opens_at == datetime(2026, 3, 21, 9, tzinfo=UTC)
    assert db.scalar(select(Event).where(Event.kind == "call.updated")).data["fields"] == changed
    assert services.update_call(db, owner, call, title_nl="Water!") == []


def test_an_open_call_keeps_its_opening_and_budget_and_may_only_close_later(db, clock, owner_org, make_call):
    owner, _member, org = owner_org
    call = make_call(organisation=org, budget=3)
    opens, closes = call.opens_at, call.closes_at
    assert services.update_call(db, owner, call, title_en="Clean water", closes_at=closes + timedelta(days=1)) == [
        "name_en",
        "closes_at",
    ]
    db.commit()
    for changes, field in [
        ({"opens_at": opens + timedelta(hours=1)}, "opens_at"),
        ({"vote_budget": 4}, "vote_budget"),
        ({"vote_budget": None}, "vote_budget"),
        ({"closes_at": closes}, "closes_at"),
    ]:
        with pytest.raises(Invalid) as error:
            services.update_call(db, owner, call, **changes)
        assert field in error.value.fields
        db.rollback()
    db.refresh(call)
    assert (call.opens_at, call.vote_budget, call.closes_at) == (opens, 3, closes + timedelta(days=1))


def test_a_closed_call_cannot_change(db, clock, owner_org, make_call):
    owner, _member, org = owner_org
    call = make_call(organisation=org, opens_at=T0 - timedelta(days=3), closes_at=T0)
    with pytest.raises(Conflict):
        services.update_call(db, owner, call, title_en="Too late")


def test_members_and_outsiders_cannot_change_a_call_but_admins_can(db, clock, owner_org, make_call, make_user):
    _owner, member, org = owner_org
    call = make_call(organisation=org)
    for actor in (member, make_user()):
        with pytest.raises(NotAllowed):
            services.update_call(db, actor, call, title_en="Mine now")
    assert services.update_call(db, make_user("admin"), call, title_en="Checked by an admin") == ["name_en"]


# --- the pages ------------------------------------------------------------------------------
def test_the_new_call_page_is_for_owners_of_verified_organisations_and_admins(client, db, make_user, make_org):
    owner, member, stranger, pending_owner = make_user(), make_user(), make_user(), make_user()
    org = make_org(owners=[owner], members=[member], name="Stichting Waterpeil")
    make_org(verified=False, owners=[pending_owner])
    assert client.get("/calls/new").status_code == 302  # log in first
    for who in (member, stranger, pending_owner):
        login(client, who)
        assert client.get("/calls/new").status_code == 403
    login(client, owner)
    page = client.get("/calls/new").get_data(as_text=True)
    assert f'<option selected value="{org.id}">Stichting Waterpeil</option>' in page
    assert "No sponsor" not in page
    login(client, make_user("admin"))
    page = client.get(f"/calls/new?organisation={org.slug}").get_data(as_text=True)
    assert "No sponsor" in page and f'<option selected value="{org.id}">' in page


def test_opening_a_call_in_the_browser_form(client, db, clock, owner_org):
    owner, _member, org = owner_org
    login(client, owner)
    response = post_form(client, "/calls/new", {**GOOD, "organisation": str(org.id), "slug": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/topics/clean-water-in-our-city"
    page = client.get("/topics/clean-water-in-our-city").get_data(as_text=True)
    assert "Upcoming" in page and "Friday 20 March 2026, 09:00" in page
    assert "Ask a question" not in page.split("<main")[1]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2026-03-19T09:00"}, "The closing moment must come after the opening moment."),
        ({"vote_budget": "0"}, "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"vote_budget": "101"}, "Use a whole number from 1 to 100, or leave it empty for no limit."),
        ({"organisation": "999999"}, "Choose one of the options in the list."),
        ({"organisation": ""}, "Choose one of the options in the list."),
        ({"opens_at": "2026-03-20T09:00:00:00"}, "Enter the date and time as YYYY-MM-DD HH:MM."),
    ],
)
def test_the_form_shows_translated_messages_and_writes_nothing(client, db, clock, owner_org, changes, message):
    owner, _member, org = owner_org
    login(client, owner)
    before = counts(db)
    response = post_form(client, "/calls/new", {**GOOD, "organisation": str(org.id), **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(db) == before


def test_the_edit_page_offers_only_what_may_still_change(client, db, clock, owner_org, make_call):
    owner, member, org = owner_org
    upcoming = make_call(organisation=org, opens_at=T0 + timedelta(days=1), closes_at=T0 + timedelta(days=8))
    running = make_call(organisation=org, budget=3)
    closed = make_call(organisation=org, opens_at=T0 - timedelta(days=8), closes_at=T0 - timedelta(days=1))
    login(client, member)
    assert client.get(f"/topics/{running.slug}/call").status_code == 403
    login(client, owner)
    page = client.get(f"/topics/{upcoming.slug}/call").get_data(as_text=True)
    assert 'name="opens_at"' in page and 'name="vote_budget"' in page and 'value="2026-03-11T12:00"' in page
    page = client.get(f"/topics/{running.slug}/call").get_data(as_text=True)
    assert 'name="opens_at"' not in page and 'name="vote_budget"' not in page and 'name="closes_at"' in page
    # A crafted post cannot change what the form no longer offers.
    data = {**GOOD, "opens_at": "2026-03-11T09:00", "vote_budget": "50", "closes_at": "2026-03-16T12:00"}
    response = post_form(client, f"/topics/{running.slug}/call", data)
    assert response.status_code == 302
    db.refresh(running)
    assert running.vote_budget == 3 and running.opens_at == T0 - timedelta(days=2)
    assert running.closes_at == datetime(2026, 3, 16, 11, tzinfo=UTC)
    response = post_form(client, f"/topics/{running.slug}/call", {**data, "closes_at": "2026-03-12T12:00"})
    assert response.status_code == 400
    assert "While the call is open, its closing moment can only move later." in response.get_data(as_text=True)
    page = client.get(f"/topics/{closed.slug}/call")
    assert page.status_code == 200 and "This call is closed; it can no longer change." in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    response = client.post(f"/topics/{closed.slug}/call", data={**GOOD, "csrf_token": token})
    assert response.status_code == 409


def test_pages_of_topics_that_are_not_calls_answer_404(client, db, topic, make_user):
    login(client, make_user("admin"))
    for path in ("/topics/water/call", "/topics/water/results.csv", "/topics/water/results.json", "/topics/nope/call"):
        assert client.get(path).status_code == 404, path


def test_posts_without_a_csrf_token_are_refused_and_write_nothing(client, db, clock, owner_org, make_call):
    owner, _member, org = owner_org
    call = make_call(organisation=org)
    login(client, owner)
    before = counts(db)
    assert client.post("/calls/new", data={**GOOD, "organisation": str(org.id)}).status_code == 400
    assert client.post(f"/topics/{call.slug}/call", data={**GOOD, "title_en": "Changed"}).status_code == 400
    assert counts(db) == before
    db.refresh(call)
    assert call.name_en == "Clean water in our city"
