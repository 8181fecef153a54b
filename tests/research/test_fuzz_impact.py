"""Fuzzing the survey form and the impact page's query parameters: no value
makes the app answer 500, a member never has more than one response, and
the page answers 200, or 404 (400 for bytes the site refuses everywhere, like NUL)."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.questions import services
from crowdq.research.models import SurveyResponse
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, payloads, token_for
from tests.core.test_fuzz_urls import NASTY, NUMBERS, texts
from tests.research.test_timeline import make_org

FIRST_TIME = ["yes", "no", "unsure", ""]
TRUST = ["more", "same", "less", "unsure", ""]
values = st.one_of(st.sampled_from(NASTY), texts)


@pytest.fixture
def voters(client, db, make_user, make_question):
    """Members who voted, taken in turn (and again: a second answer changes nothing)."""
    question = make_question()
    pool = []
    for _ in range(20):
        user = make_user()
        services.vote(db, user, question)
        pool.append(user)
    db.commit()
    return itertools.cycle(pool)


@FUZZ
@given(
    data=payloads(
        valid={
            "first_time": st.sampled_from(FIRST_TIME),
            "trust": st.sampled_from(TRUST),
            "choice": st.sampled_from(["answer", "decline"]),
            "next": st.sampled_from(["/", "/questions?sort=newest", "/impact"]),
        },
        fuzz={"first_time": values, "trust": values, "choice": values, "next": values},
    ),
    twice=st.booleans(),
)
def test_survey_form(client, db, voters, data, twice):
    login(client, next(voters))
    token = token_for(client, "/account")
    before = db.scalar(select(func.count()).select_from(SurveyResponse))
    response = client.post("/survey", data={"csrf_token": token, **data})
    assert_answer(response)  # 302 back to the page, or 400 for what the site refuses everywhere (NUL)
    if response.status_code == 302:
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//")
    if twice:
        assert_answer(client.post("/survey", data={"csrf_token": token, **data}))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(SurveyResponse)) - before <= 1
    stored = db.scalars(select(SurveyResponse).order_by(SurveyResponse.id.desc())).first()
    if stored is not None:
        assert stored.first_time in (None, "yes", "no", "unsure")
        assert stored.trust in (None, "more", "same", "less", "unsure")


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["topic", "organisation", "unknown"]),
        st.one_of(st.sampled_from(NASTY), st.sampled_from(NUMBERS), st.sampled_from(["water", "none"]), texts),
        max_size=3,
    ),
    repeat=st.sampled_from([None, "topic", "organisation"]),
)
def test_impact_query_parameters(client, db, topic, params, repeat):
    query = urlencode(params)
    if repeat:
        query += "&" + urlencode({repeat: "water" if repeat == "topic" else "1"})
    response = client.get(f"/impact?{query}")
    assert response.status_code in (200, 400, 404), (query, response.status_code)


def test_a_verified_organisation_id_and_every_topic_form_work(client, db, make_user, topic):
    org = make_org(db, make_user())
    for query in (f"organisation={org.id}", "topic=water", "topic=none", "", f"organisation=+{org.id}"):
        assert client.get(f"/impact?{query}").status_code in (200, 404), query
    assert client.get(f"/impact?organisation={org.id}").status_code == 200
    assert client.get(f"/impact?organisation=%20{org.id}").status_code == 404
