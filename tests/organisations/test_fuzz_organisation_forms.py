"""Fuzzing the organisation forms, query parameters and links: no value makes
the app answer 500, and nothing is half-written.

Same approach as tests/core/test_fuzz_forms.py: generated values (unicode,
control characters, NUL bytes, long strings, numbers, markup) for every
field, with a valid CSRF token; the answer is a redirect (accepted), a 400
(refused), or a 409 where the state forbids it. All examples of a test
share one database, so the forms must cope with repeats.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crowdq.organisations import endorsements, invitations
from crowdq.questions import counts
from crowdq.text import normalise_line, normalise_text
from tests.conftest import login
from tests.core.test_fuzz_forms import (
    EMAILS,
    FUZZ,
    MARKDOWN_NASTY,
    assert_answer,
    bad_tokens,
    blank,
    checkboxes,
    emails,
    good_emails,
    good_names,
    good_texts,
    long_texts,
    payloads,
    token_for,
)
from tests.core.test_fuzz_urls import CHARS, NASTY, NUMBERS, numbers, texts, token_like

KINDS = ["ngo", "community", "foundation", "municipality", "school", "other"]
WEBSITES = [
    "https://example.org",
    "http://www.example.org/path?q=1#x",
    "https://bücher.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org",
    "https://user:pw@example.org",
    "https://[::1]/",
    "https://example.org:99999",
    "https://exa mple.org",
    "https://",
    "//example.org",
    "https://" + "a" * 400 + ".org",
    "https://example.org/\x00",
    "https://\u202eevil.org",
]
good_slugs = st.from_regex(r"\A[a-z0-9]{2,10}(-[a-z0-9]{1,8}){0,3}\Z").filter(lambda s: s != "new")
good_websites = st.one_of(
    st.just(""), st.sampled_from(WEBSITES[:3]), st.from_regex(r"\Ahttps://[a-z]{1,20}\.org/[a-z]{0,10}\Z")
)

ORGANISATION_VALID = {
    "name": good_names,
    "kind": st.sampled_from(KINDS),
    "description": st.text(CHARS, max_size=400),
    "website": good_websites,
    "contact_email": good_emails,
}
ORGANISATION_FUZZ = {
    "name": texts,
    "kind": st.one_of(st.sampled_from(["NGO", "company", "", " ngo"]), texts),
    "description": long_texts,
    "website": st.one_of(st.sampled_from(WEBSITES), texts),
    "contact_email": emails,
}


def _assert_no_nul_accepted(response, data: dict) -> None:
    if any(
        "\x00" in str(value) for name, value in data.items() if name in ("website", "contact_email", "slug", "kind")
    ):
        assert response.status_code in (400, 409)


@pytest.fixture
def owner_org(db, make_org):
    return make_org(members=1)


# --- registering and editing ---------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {**ORGANISATION_VALID, "slug": st.one_of(good_slugs, st.just(""))},
        {**ORGANISATION_FUZZ, "slug": st.one_of(st.sampled_from(["new", "A-b", "a--b", "-a", "ü", "x" * 81]), texts)},
    )
)
@example(data={"name": "日本語", "kind": "ngo", "contact_email": "a@example.org", "slug": ""})
@example(data={"name": "Ab", "kind": "ngo", "contact_email": "a@example.org", "slug": "", "website": WEBSITES[3]})
def test_registration_survives_any_input(client, make_user, data):
    login(client, make_user())  # a fresh member each time: at most three registrations wait per member
    response = client.post("/organisations/new", data={"csrf_token": token_for(client, "/organisations/new"), **data})
    assert_answer(response, (302, 400, 409))
    if blank(data, "name") or data.get("kind") not in KINDS or blank(data, "contact_email"):
        assert response.status_code == 400
    _assert_no_nul_accepted(response, data)
    if response.status_code == 302:
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        if data.get("website", "").strip():
            assert data["website"].strip().lower().startswith(("http://", "https://"))


@FUZZ
@given(data=payloads(ORGANISATION_VALID, ORGANISATION_FUZZ), admin=st.booleans())
def test_editing_survives_any_input(client, make_user, owner_org, data, admin):
    login(client, make_user("admin") if admin else owner_org.owner)
    url = f"/organisations/{owner_org.slug}/edit"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    _assert_no_nul_accepted(response, data)
    assert client.get(f"/organisations/{owner_org.slug}").status_code == 200


# --- members ----------------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {"email": good_emails, "role": st.sampled_from(["member", "owner"])},
        {
            "email": st.one_of(st.sampled_from(EMAILS), emails),
            "role": st.one_of(st.sampled_from(["Owner", "admin", "", " member"]), texts),
        },
    )
)
def test_invitation_form_survives_any_input(client, db, owner_org, data):
    login(client, owner_org.owner)
    url = f"/organisations/{owner_org.slug}/members"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response, (302, 400, 409))
    if data.get("role") not in ("member", "owner") or blank(data, "email"):
        assert response.status_code == 400
    if response.status_code == 302:
        # The mailed link opens (for whoever it was sent to, a page asking to log in with that address).
        from tests.conftest import link_in, outbox

        path = link_in([m for m in outbox(db) if m.kind == "organisation_invitation"][-1].body_text, "/invitations/")
        assert client.get(path).status_code == 200


@FUZZ
@given(
    role=st.one_of(st.sampled_from(["member", "owner", "Owner", "", "admin"]), texts),
    target=st.sampled_from(["owner", "member", "nobody"]),
)
def test_role_change_survives_any_value(client, make_user, owner_org, role, target):
    login(client, owner_org.owner)
    user_id = {"owner": owner_org.owner.id, "member": owner_org.members[0].id, "nobody": 2147483647}[target]
    token = token_for(client, "/account")
    response = client.post(
        f"/organisations/{owner_org.slug}/members/{user_id}/role", data={"csrf_token": token, "role": role}
    )
    assert_answer(response, (302, 400, 404))
    if role not in ("member", "owner"):
        assert response.status_code == 400
    # Whatever happened, someone still owns it.
    page = client.get(f"/organisations/{owner_org.slug}/members").text
    assert "Owner" in page


@FUZZ
@given(value=st.one_of(st.sampled_from(["0", "1", "2", "", "true"]), checkboxes, numbers))
def test_shown_flag_survives_any_value(client, owner_org, value):
    login(client, owner_org.members[0])
    token = token_for(client, "/account")
    response = client.post(f"/organisations/{owner_org.slug}/shown", data={"csrf_token": token, "shown": value})
    assert response.status_code == (302 if value in ("0", "1") else 400)


# --- endorsing -----------------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {"organisation": st.just("VALID"), "statement": good_texts},
        {
            "organisation": st.one_of(st.sampled_from(["0", "-1", "²", "1.0", "9" * 30, ""]), numbers, texts),
            "statement": st.one_of(long_texts, st.sampled_from(MARKDOWN_NASTY)),
        },
    )
)
def test_endorse_form_survives_any_input(app, client, db, owner_org, make_question, data):
    question = make_question()
    login(client, owner_org.members[0])
    if data.get("organisation") == "VALID":
        data["organisation"] = str(owner_org.id)
    url = f"/questions/{question.id}/endorse"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    if data.get("organisation") != str(owner_org.id) or len(normalise_text(data.get("statement"))) > 500:
        assert response.status_code == 400
    if response.status_code == 302:
        page = client.get(f"/questions/{question.id}")
        assert page.status_code == 200 and "<script" not in page.text.split("</main>")[0].split("<main")[1]
    assert counts.wrong_counts(db) == []


# --- admin ------------------------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {
            "decision": st.sampled_from(["approve", "reject"]),
            "reason": st.text(CHARS, min_size=3, max_size=400).filter(lambda r: len(normalise_text(r)) >= 3),
        },
        {
            "decision": st.one_of(st.sampled_from(["", "APPROVE", "verify", "approve "]), texts),
            "reason": long_texts,
        },
    )
)
def test_decision_form_survives_any_input(client, db, make_user, make_org, data):
    login(client, make_user("admin"))
    org = make_org(verified=False)
    url = f"/admin/organisations/{org.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    if data.get("decision") not in ("approve", "reject") or len(normalise_text(data.get("reason"))) < 3:
        assert response.status_code == 400
    assert client.get(url).status_code == 200


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "status": st.one_of(st.sampled_from(["pending", "verified", "rejected", "all"]), texts),
            "after": st.one_of(st.sampled_from(NUMBERS), numbers, texts),
        },
    )
)
@example(params={"status": "\x00"})
@example(params={"after": "2147483648"})
@example(params={"after": "²"})
def test_admin_queue_survives_any_query_parameters(client, make_user, make_org, params):
    login(client, make_user("admin"))
    response = client.get("/admin/organisations", query_string=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    if (params.get("status") or "pending") not in ("pending", "verified", "rejected", "all"):
        assert response.status_code == 400


# --- the ask form's new field ----------------------------------------------------------------------
@FUZZ
@given(on_behalf=st.one_of(st.sampled_from(["", "VALID", "OTHER", "0", "-1", "²"]), numbers, texts))
def test_ask_on_behalf_survives_any_value(client, db, owner_org, make_org, on_behalf):
    other = make_org()  # verified, but not theirs
    login(client, owner_org.members[0])
    value = {"VALID": str(owner_org.id), "OTHER": str(other.id)}.get(on_behalf, on_behalf)
    data = {
        "title": "Why do lime trees drip in summer?",
        "body": "",
        "language": "en",
        "confirmed": "1",
        "on_behalf": value,
    }
    response = client.post("/questions/new", data={"csrf_token": token_for(client, "/questions/new"), **data})
    assert_answer(response)
    if value not in ("", str(owner_org.id)):
        assert response.status_code == 400


# --- links and addresses ----------------------------------------------------------------------------
@FUZZ
@given(token=token_like, logged_in=st.booleans())
@example(token="\x00", logged_in=False)
@example(token="a" * 700, logged_in=True)
def test_invitation_links_survive_any_token(client, make_user, token, logged_in):
    if logged_in:
        login(client, make_user())
    response = client.get("/invitations/" + quote(token, safe=""))
    assert response.status_code in (400, 404, 308), response.status_code


@FUZZ
@given(token=bad_tokens, logged_in=st.booleans())
def test_forged_invitation_posts_are_refused(client, db, make_user, owner_org, token, logged_in):
    invitation = invitations.invite(db, owner_org.owner, owner_org.organisation, "inv@example.org", "member")
    db.commit()
    link = invitations.token_for(invitation)
    if logged_in:
        login(client, make_user())
    data = {} if token is None else {"csrf_token": token}
    response = client.post(f"/invitations/{link}", data=data)
    assert response.status_code in (302, 400)  # anonymous: to the log-in page; otherwise a bad CSRF token


@pytest.mark.parametrize("suffix", ["", "/members", "/edit"])
@settings(FUZZ, max_examples=20)
@given(slug=st.one_of(st.sampled_from(NASTY), st.text(CHARS, min_size=1, max_size=100)))
@example(slug="a\x00b")
def test_organisation_addresses_survive_any_slug(client, make_user, suffix, slug):
    login(client, make_user("admin"))
    response = client.get("/organisations/" + quote(slug, safe="") + suffix)
    if slug == "new" and not suffix:
        assert response.status_code == 200
        return
    assert response.status_code in (400, 404, 308), (slug, response.status_code)


# --- CSRF --------------------------------------------------------------------------------------------
POSTS = [
    "/organisations/new",
    "/organisations/ORG/edit",
    "/organisations/ORG/members",
    "/organisations/ORG/members/MEMBER/role",
    "/organisations/ORG/members/MEMBER/remove",
    "/organisations/ORG/leave",
    "/organisations/ORG/shown",
    "/organisations/ORG/invitations/INVITATION/revoke",
    "/invitations/TOKEN",
    "/questions/QUESTION/endorse",
    "/questions/QUESTION/endorsements/ORGID/withdraw",
    "/admin/organisations/ORGID",
]


@pytest.mark.parametrize("path", POSTS)
@settings(FUZZ, max_examples=10)
@given(token=bad_tokens, field=st.sampled_from(["csrf_token", "x-csrf_token"]))
def test_organisation_posts_without_a_valid_csrf_token_are_refused(
    client, db, make_user, make_org, make_question, path, token, field
):
    admin = make_user("admin")
    org = make_org(members=1, owner=admin)
    question = make_question()
    endorsements.endorse(db, admin, org.organisation, question, "")
    invitee = make_user()
    invitation = invitations.invite(db, admin, org.organisation, invitee.email, "member")
    db.commit()
    url = (
        path.replace("ORGID", str(org.id))
        .replace("ORG", org.slug)
        .replace("MEMBER", str(org.members[0].id))
        .replace("INVITATION", str(invitation.id))
        .replace("TOKEN", invitations.token_for(invitation))
        .replace("QUESTION", str(question.id))
    )
    login(client, invitee if path.startswith("/invitations/") else admin)
    data = {
        "name": "Forged",
        "kind": "ngo",
        "contact_email": "f@example.org",
        "email": "f@example.org",
        "role": "owner",
        "shown": "1",
        "organisation": str(org.id),
        "statement": "Forged.",
        "decision": "reject",
        "reason": "Forged.",
    }
    if token is not None:
        data[field] = token
    response = client.post(url, data=data)
    assert response.status_code == 400, (url, token, response.status_code)
    db.expire_all()
    assert org.organisation.is_verified and len(org.organisation.memberships) == 2
    assert question.endorsement_count == 1 and normalise_line(org.organisation.name) != "Forged"
