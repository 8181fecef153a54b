"""Announcing, editing and listing neighbourhood sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crowdq.db import utcnow
from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.facilitation import queries, services
from crowdq.facilitation.models import CommunitySession
from crowdq.page_cache import CACHEABLE
from tests.conftest import login, post_form


def as_is(held: CommunitySession, **overrides) -> dict:
    """A session's own fields, as the edit form would post them."""
    data = {
        "title": held.title,
        "place": held.place,
        "description": held.description,
        "topic_id": held.topic_id,
        "organisation_id": held.organisation_id,
        **services.local_fields(held),
    }
    data.update(overrides)
    return data


def next_year_day(month: int, day: int) -> str:
    return f"{utcnow().year + 1}-{month:02d}-{day:02d}"


def fields(**overrides) -> dict:
    data = {
        "title": "Vragenavond in De Kooi",
        "place": "Buurthuis De Kooi, Kooilaan 1, Leiden",
        "description": "Coffee, tea and your questions.\nBring a neighbour.",
        "day": next_year_day(6, 2),
        "starts": "19:00",
        "ends": "21:00",
    }
    data.update(overrides)
    return data


# --- who may announce ------------------------------------------------------------------------
def test_a_researcher_announces_a_session_of_their_own(client, db, researcher):
    login(client, researcher)
    response = post_form(client, "/sessions/new", fields(organisation=""))
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.scalar(select(CommunitySession))
    assert response.headers["Location"] == f"/sessions/{created.id}"
    assert created.created_by_id == researcher.id and created.organisation_id is None
    assert created.description == "Coffee, tea and your questions.\nBring a neighbour."
    event = db.scalar(select(Event).where(Event.kind == "session.created"))
    assert event.subject_id == created.id and event.actor_id == researcher.id


def test_a_member_of_a_verified_organisation_announces_one_for_it(client, db, org_member):
    login(client, org_member)
    organisation = org_member.memberships[0].organisation
    page = client.get("/sessions/new").get_data(as_text=True)
    assert organisation.name in page and "Me, as a researcher" not in page
    response = post_form(client, "/sessions/new", fields(organisation=str(organisation.id)))
    assert response.status_code == 302
    assert db.scalar(select(CommunitySession.organisation_id)) == organisation.id


def test_a_member_must_name_the_organisation(db, org_member):
    with pytest.raises(Invalid) as error:
        services.create_session(db, org_member, **fields(organisation_id=None))
    assert "organisation" in error.value.fields


def test_a_researcher_cannot_announce_for_an_organisation_they_do_not_belong_to(db, researcher, make_organisation):
    other = make_organisation()
    with pytest.raises(Invalid) as error:
        services.create_session(db, researcher, **fields(organisation_id=other.id))
    assert "verified organisation you belong to" in error.value.fields["organisation"]


@pytest.mark.parametrize("who", ["citizen", "unverified member", "unconfirmed"])
def test_others_cannot_announce_sessions(client, db, make_user, make_organisation, who):
    actor = make_user(confirmed=who != "unconfirmed")
    if who == "unverified member":
        make_organisation(verified=False, members=[actor])
    login(client, actor)
    assert client.get("/sessions/new").status_code == 403
    with pytest.raises(NotAllowed):
        services.create_session(db, actor, **fields())
    assert db.scalar(select(func.count()).select_from(CommunitySession)) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/sessions/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- dates and times in Europe/Amsterdam -----------------------------------------------------------
def test_times_are_read_in_amsterdam_time_and_stored_in_utc(db, researcher):
    summer = services.create_session(db, researcher, **fields(day=next_year_day(6, 2), starts="19:00", ends="21:30"))
    winter = services.create_session(db, researcher, **fields(day=next_year_day(1, 15), starts="19:00", ends=""))
    year = utcnow().year + 1
    assert summer.starts_at == datetime(year, 6, 2, 17, 0, tzinfo=UTC)  # CEST, UTC+2
    assert summer.ends_at == datetime(year, 6, 2, 19, 30, tzinfo=UTC)
    assert winter.starts_at == datetime(year, 1, 15, 18, 0, tzinfo=UTC)  # CET, UTC+1
    assert winter.ends_at is None
    assert services.local_fields(summer) == {"day": f"{year}-06-02", "starts": "19:00", "ends": "21:30"}


def test_the_edit_form_shows_the_local_time(client, db, researcher):
    created = services.create_session(db, researcher, **fields(starts="09:05", ends="11:00"))
    db.commit()
    login(client, researcher)
    page = client.get(f"/sessions/{created.id}/edit").get_data(as_text=True)
    assert 'value="09:05"' in page and 'value="11:00"' in page and f'value="{fields()["day"]}"' in page


def last_sunday(year: int, month: int) -> str:
    day = datetime(year, month, 31)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day.strftime("%Y-%m-%d")


def test_a_time_that_does_not_exist_is_refused_and_an_ambiguous_one_is_summer_time(db, researcher):
    year = utcnow().year + 1
    with pytest.raises(Invalid) as error:
        services.create_session(db, researcher, **fields(day=last_sunday(year, 3), starts="02:30", ends=""))
    assert "does not exist" in error.value.fields["starts"]
    autumn = services.create_session(db, researcher, **fields(day=last_sunday(year, 10), starts="02:30", ends=""))
    assert autumn.starts_at.hour == 0 and autumn.starts_at.minute == 30  # 02:30 CEST = 00:30 UTC


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"day": "2026-13-01"}, "day", "year-month-day"),
        ({"day": "1/6/2026"}, "day", "year-month-day"),
        ({"day": "２０２６-06-01"}, "day", "year-month-day"),
        ({"day": "2001-06-01"}, "day", "a year ago to two years ahead"),
        ({"starts": "25:00"}, "starts", "hours:minutes"),
        ({"starts": "7pm"}, "starts", "hours:minutes"),
        ({"starts": "19:0"}, "starts", "hours:minutes"),
        ({"ends": "18:00"}, "ends", "end after it starts"),
        ({"ends": "19:00"}, "ends", "end after it starts"),
        ({"title": "Hi"}, "title", "at least"),
        ({"place": ""}, "place", "where the session takes place"),
        ({"description": "x" * 2001}, "description", "at most"),
    ],
)
def test_bad_fields_are_explained(db, researcher, overrides, field, message):
    with pytest.raises(Invalid) as error:
        services.create_session(db, researcher, **fields(**overrides))
    assert message in error.value.fields[field]


def test_every_problem_is_reported_at_once_and_the_form_answers_400(client, db, researcher):
    login(client, researcher)
    response = post_form(client, "/sessions/new", fields(title="", place="", day="tomorrow", starts="", ends="x"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for text in ("Write a name for the session.", "Write where the session takes place.", "year-month-day"):
        assert text in html
    assert 'aria-invalid="true"' in html
    assert db.scalar(select(func.count()).select_from(CommunitySession)) == 0


def test_an_archived_topic_cannot_be_chosen(db, researcher, topic):
    topic.archived_at = utcnow()
    with pytest.raises(Invalid) as error:
        services.create_session(db, researcher, **fields(topic_id=topic.id))
    assert "archived" in error.value.fields["topic"]


# --- editing -------------------------------------------------------------------------------------
def test_colleagues_in_the_organisation_edit_and_others_cannot(client, db, make_user, make_organisation, make_session):
    creator, colleague, outsider = make_user(), make_user(), make_user("researcher")
    organisation = make_organisation(members=[creator, colleague])
    held = make_session(creator, organisation)
    login(client, colleague)
    response = post_form(
        client,
        f"/sessions/{held.id}/edit",
        fields(title="Vragenavond, nieuwe datum", organisation=str(organisation.id)),
    )
    assert response.status_code == 302
    db.refresh(held)
    assert held.title == "Vragenavond, nieuwe datum"
    assert db.scalar(select(Event.data).where(Event.kind == "session.updated"))["fields"][0] == "title"
    login(client, outsider)
    assert client.get(f"/sessions/{held.id}/edit").status_code == 403
    assert client.post(f"/sessions/{held.id}/edit", data=fields()).status_code in (400, 403)


def test_an_admin_edits_a_researchers_session_without_joining_anything(db, make_user, researcher, make_session):
    held = make_session(researcher)
    admin = make_user("admin")
    changed = services.update_session(db, admin, held, **as_is(held, title="Renamed by admin"))
    assert changed == ["title"] and held.organisation_id is None


def test_an_old_session_can_still_be_corrected(db, researcher, make_session):
    old = make_session(researcher, starts_in=-timedelta(days=800))
    changed = services.update_session(db, researcher, old, **as_is(old, place="Het andere buurthuis"))
    assert changed == ["place"]


def test_unknown_sessions_are_404(client, researcher):
    login(client, researcher)
    for path in ("/sessions/999", "/sessions/999/edit", "/sessions/0"):
        assert client.get(path).status_code == 404


# --- the public list ---------------------------------------------------------------------------
def test_the_list_shows_upcoming_and_past_sessions_with_their_counts(
    client, db, researcher, make_session, make_question, make_user
):
    soon = make_session(researcher, title="Soon in De Kooi", starts_in=timedelta(days=1))
    later = make_session(researcher, title="Later in Stevenshof", starts_in=timedelta(days=20))
    ongoing = make_session(researcher, title="Happening now", starts_in=-timedelta(hours=1), hours=3)
    past = make_session(researcher, title="Last month in Merenwijk", starts_in=-timedelta(days=30))
    make_question(session_id=past.id)
    make_question(session_id=past.id)
    make_question(session_id=past.id, held=True)  # not public: not counted
    make_question(session_id=past.id, status="hidden")
    make_question(session_id=soon.id)
    html = client.get("/sessions").get_data(as_text=True)
    upcoming_part, past_part = html.split('id="past-heading"')
    assert (
        upcoming_part.index("Happening now")
        < upcoming_part.index("Soon in De Kooi")
        < upcoming_part.index("Later in Stevenshof")
    )
    assert "Last month in Merenwijk" in past_part and "Soon in De Kooi" not in past_part
    assert "2 questions collected" in past_part
    assert "1 question collected" in upcoming_part
    assert queries.collected_counts(db, [past.id, soon.id, later.id, ongoing.id]) == {past.id: 2, soon.id: 1}


def test_the_session_page_shows_its_published_questions(client, researcher, make_session, make_question):
    held = make_session(researcher, title="Vragenavond Leiden Noord", description="Line one\nLine two")
    shown = make_question(session_id=held.id, title="Why do the swifts leave Leiden so early?")
    hidden = make_question(session_id=held.id, title="Is this a secret question of some kind?", held=True)
    html = client.get(f"/sessions/{held.id}").get_data(as_text=True)
    assert shown.title in html and hidden.title not in html
    assert "1 question collected" in html and "Line one\nLine two" in html
    assert "Edit this session" not in html  # anonymous


def test_an_empty_list_says_so(client):
    html = client.get("/sessions").get_data(as_text=True)
    assert "No sessions are planned at the moment." in html and "No sessions have taken place yet." in html


def test_the_footer_links_to_the_sessions(client):
    assert 'href="/sessions"' in client.get("/").get_data(as_text=True)


def test_session_pages_are_cacheable_for_anonymous_readers_without_parameters():
    assert CACHEABLE["facilitation.index"] == frozenset()
    assert CACHEABLE["facilitation.show"] == frozenset()


def test_times_show_in_the_readers_language(client, db, researcher):
    created = services.create_session(db, researcher, **fields(day=next_year_day(6, 2), starts="19:00", ends="21:00"))
    db.commit()
    english = client.get(f"/sessions/{created.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    dutch = client.get(f"/sessions/{created.id}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "June 2" in english and "7:00" in english
    assert "2 juni" in dutch and "19:00" in dutch and "21:00" in dutch
