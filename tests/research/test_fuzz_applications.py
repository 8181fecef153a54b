"""Fuzzing researcher verification: no value in any form field or query
parameter makes the app answer 500, nothing invalid is stored, and posts
without a valid CSRF token change nothing.

Same approach as tests/core/test_fuzz_forms.py: generated values (unicode,
control characters, NUL bytes, long strings, numbers, markup) for every
field, with a valid CSRF token; the answer is a redirect (accepted), a 400
(refused), or a 409 where the state forbids it. All examples of a test
share one database.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.accounts.models import User
from crowdq.research.identifiers import normalise_orcid
from crowdq.research.models import ResearcherApplication
from crowdq.text import normalise_line, normalise_text
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, bad_tokens, blank, long_texts, payloads, token_for
from tests.core.test_fuzz_urls import CHARS, NUMBERS, huge_ints, numbers, texts
from tests.research.test_applications import make_application

PROFILE_URLS = [
    "https://www.universiteitleiden.nl/en/staffmembers/ada",
    "http://example.org/people/ada?lang=en#top",
    "https://bücher.example/ada",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/ada",
    "https://user:pw@example.org/",
    "https://[::1]/",
    "https://example.org:99999/",
    "https://exa mple.org/",
    "https://",
    "//example.org/ada",
    "https://" + "a" * 400 + ".org",
    "https://example.org/\x00",
    "https://\u202eevil.org",
]
ORCIDS = [
    "0000-0002-1825-0097",
    "https://orcid.org/0000-0001-5109-3700",
    "0000-0002-1694-233X",
    "0000-0002-1694-233x",
    "0000000218250097",
    "0000-0002-1825-0098",
    "0000-0002-1694-2330",
    "0000-0002-1825-009",
    "٠٠٠٠-٠٠٠٢-١٨٢٥-٠٠٩٧",
    "https://orcid.org/",
    "orcid.org/0000-0002-1825-0097\x00",
    "0000-0002-1825-0097" * 4,
]
good_lines = st.text(CHARS, min_size=2, max_size=100).filter(lambda s: len(normalise_line(s)) >= 2)
APPLICATION_VALID = {
    "institution": good_lines,
    "department": st.one_of(st.just(""), st.text(CHARS, max_size=150)),
    "position": good_lines,
    "profile_url": st.one_of(
        st.sampled_from(PROFILE_URLS[:3]), st.from_regex(r"\Ahttps://[a-z]{1,20}\.(nl|org)/[a-z0-9-]{0,30}\Z")
    ),
    "orcid": st.one_of(st.just(""), st.sampled_from(ORCIDS[:5])),
}
APPLICATION_FUZZ = {
    "institution": st.one_of(texts, long_texts),
    "department": st.one_of(texts, long_texts),
    "position": st.one_of(texts, long_texts),
    "profile_url": st.one_of(st.sampled_from(PROFILE_URLS), texts),
    "orcid": st.one_of(st.sampled_from(ORCIDS), texts, st.from_regex(r"\A[0-9X-]{15,20}\Z")),
}


# --- applying -----------------------------------------------------------------------------------
@FUZZ
@given(data=payloads(APPLICATION_VALID, APPLICATION_FUZZ))
@example(data={"institution": "日本語大学", "position": "准教授", "profile_url": "https://example.org/x"})
@example(data={**{k: "x" * 5000 for k in APPLICATION_FUZZ}})
def test_the_application_form_survives_any_input(client, db, make_user, data):
    member = make_user()  # a fresh member each time: one application waits at a time
    login(client, member)
    url = "/account/researcher"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    if any(blank(data, name) for name in ("institution", "position", "profile_url")):
        assert response.status_code == 400
    if any("\x00" in str(value) for value in data.values()):
        assert response.status_code == 400
    stored = db.scalar(select(ResearcherApplication).where(ResearcherApplication.user_id == member.id))
    if response.status_code == 302:
        assert stored is not None and stored.status == "pending"
        assert stored.profile_url.lower().startswith(("http://", "https://"))
        assert stored.orcid is None or normalise_orcid(stored.orcid) == stored.orcid
        assert stored.institution == normalise_line(stored.institution) and len(stored.institution) <= 200
        assert client.get(url).status_code == 200
    else:
        assert stored is None


@settings(FUZZ, max_examples=25)
@given(extra=st.fixed_dictionaries({}, optional={"anything": texts, "status": texts}))
def test_withdrawing_survives_any_extra_fields(client, db, make_user, extra):
    member = make_user()
    make_application(db, member)
    login(client, member)
    response = client.post("/account/researcher/withdraw", data={"csrf_token": token_for(client, "/account"), **extra})
    nul = any("\x00" in value for value in extra.values())  # refused before any view runs
    assert_answer(response, (400,) if nul else (302,))
    status = db.scalar(select(ResearcherApplication.status).where(ResearcherApplication.user_id == member.id))
    assert status == ("pending" if nul else "withdrawn")


# --- the admins' forms ---------------------------------------------------------------------------
good_reasons = st.text(CHARS, min_size=3, max_size=400).filter(lambda r: len(normalise_text(r)) >= 3)


@FUZZ
@given(
    data=payloads(
        {"decision": st.sampled_from(["approve", "reject"]), "reason": good_reasons},
        {
            "decision": st.one_of(st.sampled_from(["", "APPROVE", "verify", "approve ", "reject\x00"]), texts),
            "reason": long_texts,
        },
    )
)
def test_the_decision_form_survives_any_input(client, db, make_user, data):
    login(client, make_user("admin"))
    applicant = make_user()
    application = make_application(db, applicant)
    url = f"/admin/researchers/{application.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    reason = normalise_text(data.get("reason"))
    if data.get("decision") not in ("approve", "reject") or not (3 <= len(reason) <= 500):
        assert response.status_code == 400
    db.expire_all()
    decided = db.get(ResearcherApplication, application.id)
    if response.status_code == 302:
        assert decided.status == {"approve": "approved", "reject": "rejected"}[data["decision"]]
        assert decided.decision_reason == reason
        assert db.get(User, applicant.id).is_researcher == (decided.status == "approved")
    else:
        assert decided.status == "pending" and not db.get(User, applicant.id).is_researcher
    assert client.get(url).status_code == 200


@FUZZ
@given(data=payloads({"reason": good_reasons}, {"reason": long_texts}))
def test_the_revoke_form_survives_any_input(client, db, make_user, data):
    login(client, make_user("admin"))
    researcher = make_user("researcher")
    url = f"/admin/researchers/members/{researcher.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    reason = normalise_text(data.get("reason"))
    db.expire_all()
    if response.status_code == 302:
        assert 3 <= len(reason) <= 500 and not db.get(User, researcher.id).is_researcher
    else:
        assert db.get(User, researcher.id).is_researcher
    assert client.get(url).status_code == 200


# --- query parameters and addresses --------------------------------------------------------------
FILTERS = ["pending", "approved", "rejected", "withdrawn", "all", "researchers"]


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "status": st.one_of(st.sampled_from(FILTERS), texts),
            "after": st.one_of(st.sampled_from(NUMBERS), numbers, texts),
            "page": texts,
        },
    )
)
@example(params={"status": "\x00"})
@example(params={"status": "researchers", "after": "2147483647"})
@example(params={"after": "2147483648"})
@example(params={"after": "²"})
def test_the_queue_survives_any_query_parameters(client, db, make_user, params):
    login(client, make_user("admin"))
    response = client.get("/admin/researchers", query_string=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    if (params.get("status") or "pending") not in FILTERS:
        assert response.status_code == 400


@settings(FUZZ, max_examples=25)
@given(number=huge_ints)
@example(number=2**31)
def test_integer_addresses_answer_404_for_unknown_ids(client, db, make_user, number):
    login(client, make_user("admin"))
    # One application for all examples (they share the database): the only known ids.
    application = db.scalar(select(ResearcherApplication)) or make_application(db, make_user("researcher"))
    known_applications, known_members = {application.id}, {application.user_id}
    token = token_for(client, "/admin/researchers")
    for template, known, data in (
        ("/admin/researchers/{}", known_applications, {"decision": "reject", "reason": "Fuzz."}),
        ("/admin/researchers/members/{}", known_members, {"reason": "Fuzz."}),
    ):
        path = template.format(number)
        expected = (200,) if number in known else (404,)
        assert client.get(path).status_code in expected, path
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code in ((302,) if number in known else (404,)), path


# --- CSRF -----------------------------------------------------------------------------------------
POSTS = [
    "/account/researcher",
    "/account/researcher/withdraw",
    "/admin/researchers/APPLICATION",
    "/admin/researchers/members/RESEARCHER",
]


@pytest.mark.parametrize("path", POSTS)
@settings(FUZZ, max_examples=10)
@given(token=bad_tokens, field=st.sampled_from(["csrf_token", "x-csrf_token"]))
def test_researcher_posts_without_a_valid_csrf_token_are_refused(db, client, make_user, path, token, field):
    admin = make_user("admin")
    member = make_user()
    researcher = make_user("researcher")
    waiting = make_application(db, member)
    url = path.replace("APPLICATION", str(waiting.id)).replace("RESEARCHER", str(researcher.id))
    login(client, admin if path.startswith("/admin/") else member)
    if path == "/account/researcher":
        waiting.status = "withdrawn"  # so the member may apply: only the token stands in the way
        db.commit()
    data = {
        "institution": "Forged University",
        "position": "Forger",
        "profile_url": "https://forged.example.org/",
        "decision": "approve",
        "reason": "Forged.",
    }
    if token is not None:
        data[field] = token
    response = client.post(url, data=data)
    assert response.status_code == 400, (url, token, response.status_code)
    db.expire_all()
    mine = select(func.count()).select_from(ResearcherApplication).where(ResearcherApplication.user_id == member.id)
    assert db.scalar(mine) == 1
    assert db.get(ResearcherApplication, waiting.id).status == (
        "withdrawn" if path == "/account/researcher" else "pending"
    )
    assert db.get(User, researcher.id).is_researcher and not db.get(User, member.id).is_researcher
