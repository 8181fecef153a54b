"""Fuzzing the call forms and the call page's query parameters: any value in
any field gets a redirect (accepted) or a 400 with messages, never a 500, and
whatever is accepted is a valid call. All examples of a test share a database."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from crowdq.calls import services
from crowdq.questions.models import Topic
from tests.calls.conftest import T0
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, good_names, long_texts, payloads, token_for
from tests.core.test_fuzz_urls import CHARS, NASTY, NUMBERS, numbers, texts

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
ODD_MOMENTS = [
    "2026-03-29T02:30",  # the spring gap: does not exist
    "2026-10-25T02:30",  # the autumn repeat: the first occurrence
    "2026-02-29T10:00",
    "2026-13-01T10:00",
    "2026-03-20T24:00",
    "2026-03-20T09:00Z",
    "2026-03-20T09:00+01:00",
    "2026-03-20",
    "09:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2026-03-20T09:00:00.000001",
    "２０２６-03-20T09:00",
    "1773133200",
]


def local_moments(lo: timedelta, hi: timedelta):
    """Local 'YYYY-MM-DDTHH:MM' strings between T0+lo and T0+hi (Amsterdam is UTC+1 in March)."""
    return st.builds(
        lambda minutes, fmt: (T0.replace(tzinfo=None) + timedelta(hours=1, minutes=minutes)).strftime(fmt),
        st.integers(int(lo.total_seconds() // 60), int(hi.total_seconds() // 60)),
        st.sampled_from(LOCAL_FORMATS),
    )


moments = st.one_of(st.sampled_from(ODD_MOMENTS), local_moments(-timedelta(days=400), timedelta(days=400)), texts)
budgets = st.one_of(st.sampled_from(["0", "1", "100", "101", "-1", " 3 ", "3.0", "٣", "1e2", "+5"]), numbers, texts)
slugs = st.one_of(st.sampled_from(["", "none", "new", "water", "A-b", "a--b", "-a", "ü", "x" * 81]), texts)

VALID = {
    "title_en": good_names,
    "title_nl": st.one_of(st.just(""), good_names),
    "description_en": st.text(CHARS, max_size=300),
    "description_nl": st.text(CHARS, max_size=300),
    "opens_at": local_moments(timedelta(hours=1), timedelta(days=30)),
    "closes_at": local_moments(timedelta(days=31), timedelta(days=60)),
    "vote_budget": st.one_of(st.just(""), st.integers(1, 100).map(str)),
}
FUZZED = {
    "title_en": texts,
    "title_nl": texts,
    "description_en": long_texts,
    "description_nl": long_texts,
    "opens_at": moments,
    "closes_at": moments,
    "vote_budget": budgets,
}


def assert_valid_calls(db) -> None:
    db.expire_all()
    for call in db.scalars(select(Topic).where(Topic.opens_at.is_not(None))):
        assert call.opens_at < call.closes_at <= call.opens_at + timedelta(days=services.MAX_DAYS)
        assert call.vote_budget is None or 1 <= call.vote_budget <= 100
        assert call.name_en or call.name_nl


@FUZZ
@given(
    data=payloads(
        {**VALID, "slug": st.just(""), "organisation": st.just("ORG")},
        {**FUZZED, "slug": slugs, "organisation": st.one_of(st.sampled_from(["", "0", "-1", "ORG", "OTHER"]), texts)},
    ),
    as_admin=st.booleans(),
)
def test_the_new_call_form_survives_any_input(client, db, clock, make_user, make_org, data, as_admin):
    owner = make_user()
    org, other = make_org(owners=[owner]), make_org()
    ids = {"ORG": str(org.id), "OTHER": str(other.id)}
    data = {k: ids.get(v, v) if k == "organisation" else v for k, v in data.items()}
    login(client, make_user("admin") if as_admin else owner)
    response = client.post("/calls/new", data={"csrf_token": token_for(client, "/calls/new"), **data})
    assert_answer(response)
    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code == 200
    assert_valid_calls(db)


@FUZZ
@given(data=payloads(VALID, FUZZED), started=st.booleans())
def test_the_call_edit_form_survives_any_input(client, db, clock, make_user, make_org, make_call, data, started):
    owner = make_user()
    org = make_org(owners=[owner])
    opens = T0 - timedelta(hours=1) if started else T0 + timedelta(hours=2)
    call = make_call(organisation=org, opens_at=opens, closes_at=opens + timedelta(days=20), budget=5)
    login(client, owner)
    url = f"/topics/{call.slug}/call"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    db.refresh(call)
    if started:  # what members relied on stays
        assert call.opens_at == opens and call.vote_budget == 5 and call.closes_at >= opens + timedelta(days=20)
    assert client.get(f"/topics/{call.slug}").status_code == 200
    assert_valid_calls(db)


@FUZZ
@given(
    after=st.one_of(st.sampled_from(NASTY + NUMBERS), texts),
    organisation=st.one_of(st.sampled_from(NASTY), texts),
    state=st.sampled_from(["upcoming", "open", "closed"]),
)
def test_call_pages_survive_any_query_parameter(
    client, db, clock, make_user, make_org, make_call, ask, after, organisation, state
):
    owner = make_user()
    org = make_org(owners=[owner])
    opens = {"upcoming": T0 + timedelta(days=1), "open": T0 - timedelta(days=1), "closed": T0 - timedelta(days=9)}[
        state
    ]
    call = make_call(organisation=org, opens_at=opens, closes_at=opens + timedelta(days=3))
    if state == "open":
        ask(call)
    login(client, owner)
    response = client.get(f"/topics/{call.slug}", query_string={"after": after})
    assert response.status_code in (200, 400), response.status_code
    # NUL anywhere in a request is refused (400) before any view runs.
    ok = (400,) if "\x00" in organisation else (200,)
    assert client.get("/calls/new", query_string={"organisation": organisation}).status_code in ok
    ok = (400,) if "\x00" in after else (200,)
    for suffix in ("csv", "json"):
        assert client.get(f"/topics/{call.slug}/results.{suffix}", query_string={"after": after}).status_code in ok


def test_an_accepted_autumn_time_is_its_first_occurrence_and_a_gap_time_is_refused(
    client, db, clock, make_user, make_org
):
    owner = make_user()
    org = make_org(owners=[owner])
    login(client, owner)
    base = {
        "organisation": str(org.id),
        "title_en": "Autumn water",
        "title_nl": "",
        "description_en": "",
        "description_nl": "",
    }
    clock.set(datetime(2026, 10, 20, 12, tzinfo=T0.tzinfo))
    ok = client.post(
        "/calls/new",
        data={
            "csrf_token": token_for(client, "/calls/new"),
            **base,
            "opens_at": "2026-10-21T09:00",
            "closes_at": "2026-10-25T02:30",
        },
    )
    assert ok.status_code == 302
    refused = client.post(
        "/calls/new",
        data={
            "csrf_token": token_for(client, "/calls/new"),
            **base,
            "opens_at": "2027-03-28T02:15",
            "closes_at": "2027-04-25T09:00",
        },
    )
    assert refused.status_code == 400 and "This time does not exist" in refused.get_data(as_text=True)
