"""Fuzzing forms: no value in any form field makes the app answer 500.

Each test posts generated values (unicode, control characters, NUL bytes,
10,000-character strings, numbers, SQL and markup look-alikes) to one form,
with a valid CSRF token, and expects a redirect (accepted) or 400 (refused).
In the testing config an unhandled exception propagates out of
`client.post`, so a bug fails the test with its traceback.

All examples of a test share one database (the `app` fixture is
function-scoped); the forms must cope with repeats (the same email
registered twice, the same comment flagged twice...).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from crowdq.accounts import services
from crowdq.questions import discussion
from crowdq.text import normalise_line, normalise_text
from tests.conftest import PASSWORD, csrf_from, link_in, login, outbox
from tests.core.test_fuzz_urls import CHARS, NASTY, numbers, texts

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
# Forms that hash or verify a password (Argon2 takes tens of milliseconds).
SLOW = settings(FUZZ, max_examples=20)

# --- strategies ------------------------------------------------------------------------
MARKDOWN_NASTY = [
    "*" * 5000,
    "_" * 5000,
    "[" * 5000,
    "]" * 5000,
    "(" * 5000,
    "`" * 5000,
    "> " * 3000,
    "- " * 3000,
    "1. " * 2000,
    "<" * 5000,
    "&" * 5000,
    "&#0;&#x0;&#xD800;&#1114112;",
    "[a](javascript:alert(1)) [b](data:text/html,x) <http://x> www.example.org",
    "```\n" + "x\n" * 3000,
    "    indented\n" * 1000,
    "a\u0000b\u0085c\u2028d",
]
EMAILS = [
    "user@example.org",
    "USER@EXAMPLE.ORG",
    "  user@example.org  ",
    "İ@example.org",
    "ü@exämple.org",
    "a@xn--bcher-kva.example",
    "a@localhost",
    '"a b"@example.org',
    "a@[127.0.0.1]",
    "a@example.org\x00",
    "a\x00@example.org",
    "a%@example.org",
    "a_b@example.org",
    "'; DROP TABLE users; --@example.org",
    "x" * 64 + "@" + "y" * 63 + ".org",
    "x" * 250 + "@e.org",
    "a@" + "b" * 300 + ".org",
    "@",
    "a@",
    "@b",
]
BOOLEANS = ["y", "on", "1", "true", "True", "", "0", "false", "no", "off", "\x00", "😀"]


# Values the forms accept, with odd content (control characters, NUL, RTL
# marks, emoji...) that the services must clean before it reaches the database.
def _around(prefix: str, suffix: str, max_size: int):
    return st.builds(lambda s: f"{prefix}{s}{suffix}", st.text(CHARS, max_size=max_size))


good_emails = st.one_of(
    st.emails(),
    st.sampled_from(["ü@exämple.org", "İ@example.org", "USER@EXAMPLE.ORG", " x@example.org ", "a+b@example.org"]),
)
good_names = _around("Ann ", "", 50)
good_passwords = _around("Zq!7 ", " kwx pass", 200)
good_titles = _around("Why is ", " so green?", 170)
good_texts = st.one_of(st.text(CHARS, max_size=400), st.sampled_from(MARKDOWN_NASTY[-4:]))
good_tags = st.lists(st.from_regex(r"\A[^\W_]([\w-]{0,10}[^\W_])?\Z"), max_size=5).map(", ".join)
good_places = st.text(CHARS, max_size=90)

emails = st.one_of(st.sampled_from(EMAILS), good_emails, texts)
passwords = st.one_of(
    st.just(PASSWORD),
    good_passwords,
    st.text(CHARS, min_size=10, max_size=40),
    st.sampled_from(["x" * 256, "x" * 257, "é" * 256, "\x00" * 12, "a\x00b\x00c\x00d\x00e\x00", "password123"]),
    texts,
)
long_texts = st.one_of(texts, st.sampled_from(MARKDOWN_NASTY), st.text(CHARS, min_size=100, max_size=2000))
checkboxes = st.one_of(st.sampled_from(BOOLEANS), texts)

MISSING = object()


@st.composite
def payloads(draw, valid: dict, fuzz: dict):
    """A form payload: valid values for every field, then none, some or all
    fields replaced by fuzz or left out (so accepted and refused posts both
    get tried, and accepted ones carry odd but valid content)."""
    data = draw(st.fixed_dictionaries(valid))
    count = draw(st.sampled_from([0, 1, 1, 2, len(fuzz)]))
    for name in draw(st.permutations(sorted(fuzz)))[:count]:
        value = draw(st.one_of(st.just(MISSING), fuzz[name]))
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def token_for(client, page: str) -> str:
    return csrf_from(client.get(page).get_data(as_text=True))


def assert_answer(response, allowed=(302, 400)) -> None:
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code in allowed, response.status_code


def blank(data: dict, name: str) -> bool:
    return not (data.get(name) or "").strip()


# --- fixtures ----------------------------------------------------------------------------
@pytest.fixture
def anon(client):
    """An anonymous client with a CSRF token (tokens last as long as the session)."""
    return client, token_for(client, "/login")


@pytest.fixture
def member(client, make_user):
    user = make_user()
    login(client, user)
    return client, token_for(client, "/account"), user


@pytest.fixture
def known_user(make_user):
    return make_user(email="known@example.org")


@pytest.fixture
def question(make_question):
    return make_question()


# --- accounts ------------------------------------------------------------------------------
@SLOW
@given(
    data=payloads(
        {"email": good_emails, "display_name": good_names, "password": good_passwords, "accept_terms": st.just("y")},
        {"email": emails, "display_name": texts, "password": passwords, "accept_terms": checkboxes},
    )
)
@example(
    data={"email": "x" * 64 + "@" + "y" * 63 + ".org", "display_name": "Ann", "password": PASSWORD, "accept_terms": "y"}
)
def test_register_survives_any_input(anon, db, data):
    client, token = anon
    response = client.post("/register", data={"csrf_token": token, **data})
    assert_answer(response)
    if blank(data, "email") or data.get("accept_terms", "") in ("", "false"):
        assert response.status_code == 400
    if response.status_code == 302:
        # The confirmation link in the mail works for whatever address was accepted.
        mails = [m for m in outbox(db) if m.kind == "confirm"]
        if mails:
            path = link_in(mails[-1].body_text, "/confirm/")
            assert client.get(path).status_code == 302


@SLOW
@given(
    data=payloads(
        {"email": st.sampled_from(["known@example.org", " KNOWN@Example.org "]), "password": st.just(PASSWORD)},
        {"email": emails, "password": passwords, "remember": checkboxes},
    )
)
def test_login_survives_any_input(app, known_user, data):
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": token_for(client, "/login"), **data})
    assert_answer(response)
    if data.get("password") != PASSWORD:
        assert response.status_code == 400


@FUZZ
@given(data=payloads({"email": st.one_of(st.just("known@example.org"), good_emails)}, {"email": emails}))
def test_forgot_password_survives_any_input(anon, known_user, data):
    client, token = anon
    response = client.post("/password/forgot", data={"csrf_token": token, **data})
    assert_answer(response, (200, 400))
    if blank(data, "email"):
        assert response.status_code == 400


@SLOW
@given(data=payloads({"password": good_passwords}, {"password": passwords}))
def test_password_reset_with_valid_token_survives_any_password(anon, make_user, data):
    client, token = anon
    user = make_user()
    reset = services.reset_token(user)
    assert client.get(f"/password/reset/{reset}").status_code == 200
    response = client.post(f"/password/reset/{reset}", data={"csrf_token": token, **data})
    assert_answer(response)
    if len(data.get("password") or "") < 10:
        assert response.status_code == 400


@FUZZ
@given(
    data=payloads(
        {
            "profile-display_name": good_names,
            "profile-bio": st.text(CHARS, max_size=500),
            "profile-locale": st.sampled_from(["", "en", "nl"]),
        },
        {
            "profile-display_name": texts,
            "profile-bio": long_texts,
            "profile-locale": st.one_of(st.sampled_from(["fr", "EN", "en_US", " en"]), texts),
        },
    )
)
def test_profile_form_survives_any_input(member, data):
    client, token, _user = member
    response = client.post("/account", data={"csrf_token": token, **data})
    assert_answer(response)
    # A field left out keeps its current value.
    if data.get("profile-locale", "") not in ("", "en", "nl") or (
        "profile-display_name" in data and blank(data, "profile-display_name")
    ):
        assert response.status_code == 400


@SLOW
@given(
    data=payloads(
        {"password-current_password": st.just(PASSWORD), "password-new_password": good_passwords},
        {"password-current_password": passwords, "password-new_password": passwords},
    ),
)
def test_change_password_survives_any_input(member, make_user, data):
    client, token, _user = member
    login(client, make_user())  # a fresh account: an earlier example may have changed the password
    response = client.post("/account/password", data={"csrf_token": token, **data})
    assert_answer(response)
    if data.get("password-current_password") != PASSWORD:
        assert response.status_code == 400


@SLOW
@given(
    data=payloads(
        {"email-new_email": good_emails, "email-password": st.just(PASSWORD)},
        {"email-new_email": emails, "email-password": passwords},
    )
)
@example(data={"email-new_email": "İ" * 30 + "@example.org", "email-password": PASSWORD})
def test_change_email_survives_any_input(member, make_user, db, data):
    client, token, _user = member
    user = make_user()
    login(client, user)
    response = client.post("/account/email", data={"csrf_token": token, **data})
    assert_answer(response)
    if data.get("email-password") != PASSWORD:
        assert response.status_code == 400
    if response.status_code == 302:
        mails = [m for m in outbox(db) if m.kind == "change_email" and "/account/email/confirm/" in m.body_text]
        if mails:
            path = link_in(mails[-1].body_text, "/account/email/confirm/")
            assert client.get(path).status_code in (302, 400)


@SLOW
@given(
    data=payloads(
        {"password": st.just(PASSWORD), "confirm": st.sampled_from(["y", "on", "1", "true"])},
        {"password": passwords, "confirm": checkboxes},
    )
)
def test_delete_account_survives_any_input(member, make_user, data):
    client, token, _user = member
    login(client, make_user())
    response = client.post("/account/delete", data={"csrf_token": token, **data})
    assert_answer(response)
    if data.get("password") != PASSWORD or data.get("confirm", "") in ("", "false"):
        assert response.status_code == 400


# --- questions -------------------------------------------------------------------------------
QUESTION_FIELDS = payloads(
    {
        "title": good_titles,
        "body": good_texts,
        "topic": st.just("VALID"),
        "language": st.sampled_from(["en", "nl"]),
        "tags": good_tags,
        "place": good_places,
        # "1" skips the step that shows look-alike questions first.
        "confirmed": st.sampled_from(["1", "1", ""]),
    },
    {
        "title": st.one_of(st.sampled_from(["Why is the water in the canal so green?", "the and of"]), texts),
        "body": long_texts,
        "topic": st.one_of(st.just(""), numbers, texts),
        "language": st.one_of(st.sampled_from(["de", "EN", " en"]), texts),
        "tags": st.one_of(
            st.sampled_from(["a,b,c,d,e,f", "a-b, c_d", ",,,", "x" * 41, "ümlaut,日本語", "-a-", "a--b"]), texts
        ),
        "place": texts,
        "confirmed": texts,
    },
)


def _question_payload(data: dict, topic) -> dict:
    if data.get("topic") == "VALID":
        data["topic"] = str(topic.id)
    return data


def _topic_ok(value, topic) -> bool:
    """No topic (left out or empty) or the one topic there is, as the form reads it."""
    if value is None or value == "":
        return True
    try:
        return int(value) == topic.id
    except ValueError:
        return False


def _assert_question_answer(response, data: dict, topic) -> None:
    # 200: the form again, showing look-alike questions before publishing.
    assert_answer(response, (200, 302, 400))
    if data.get("language") not in ("en", "nl") or not _topic_ok(data.get("topic"), topic):
        assert response.status_code == 400


@FUZZ
@given(data=QUESTION_FIELDS)
def test_new_question_survives_any_input(member, topic, data):
    client, token, _user = member
    response = client.post("/questions/new", data={"csrf_token": token, **_question_payload(data, topic)})
    _assert_question_answer(response, data, topic)


@FUZZ
@given(data=QUESTION_FIELDS)
def test_question_edit_survives_any_input(member, topic, make_question, data):
    client, token, user = member
    question = make_question(author=user)
    assert client.get(f"/questions/{question.id}/edit").status_code == 200
    response = client.post(
        f"/questions/{question.id}/edit", data={"csrf_token": token, **_question_payload(data, topic)}
    )
    # A field left out keeps its current value, so the edit may be accepted at once.
    assert_answer(response)
    if data.get("language", "en") not in ("en", "nl"):
        assert response.status_code == 400
    if response.status_code == 302:
        assert client.get(f"/questions/{question.id}").status_code == 200
        assert client.get(f"/questions/{question.id}/revisions").status_code == 200


@FUZZ
@given(value=st.one_of(st.sampled_from(["0", "1"]), numbers, texts))
def test_closing_comments_survives_any_value(client, make_user, question, value):
    login(client, make_user("moderator"))
    token = token_for(client, "/account")
    response = client.post(f"/questions/{question.id}/comments/closed", data={"csrf_token": token, "closed": value})
    assert response.status_code == (302 if value in ("0", "1") else 400)


@pytest.fixture
def comments(db, make_user, make_question, question):
    """A comment and a reply on `question`, and a comment on another question."""
    other_author = make_user()
    first = discussion.add_comment(db, other_author, question, "First!")
    db.flush()
    reply = discussion.add_comment(db, other_author, question, "A reply.", first.id)
    elsewhere = discussion.add_comment(db, other_author, make_question(), "Elsewhere.")
    db.commit()
    return {"FIRST": first.id, "REPLY": reply.id, "ELSEWHERE": elsewhere.id}


@FUZZ
@given(
    data=payloads(
        {"body": good_texts.filter(lambda b: normalise_text(b)), "parent_id": st.sampled_from(["", "FIRST", "REPLY"])},
        {
            "body": long_texts,
            "parent_id": st.one_of(
                st.sampled_from(["ELSEWHERE", "²", "¹²³", "٣", "0", "-1", "1.0", "9" * 18, "9" * 19]), numbers, texts
            ),
        },
    )
)
@example(data={"body": "A reply.", "parent_id": "²"})
def test_comment_form_survives_any_input(member, question, comments, data):
    client, token, _user = member
    if data.get("parent_id") in comments:
        data["parent_id"] = str(comments[data["parent_id"]])
    response = client.post(f"/questions/{question.id}/comments", data={"csrf_token": token, **data})
    assert_answer(response)
    if blank(data, "body"):
        assert response.status_code == 400


@FUZZ
@given(
    value=st.one_of(st.sampled_from(["0", "1", "2", "-1", "01", "1 ", "true"]), numbers, texts),
    field=st.sampled_from(["vote", "follow"]),
)
def test_vote_and_follow_survive_any_value(member, question, value, field):
    client, token, _user = member
    response = client.post(f"/questions/{question.id}/{field}", data={"csrf_token": token, field: value})
    if value in ("0", "1"):
        assert response.status_code == 302
    else:
        assert response.status_code == 400


@FUZZ
@given(
    value=st.one_of(st.sampled_from(["0", "1"]), texts),
    next_=st.one_of(st.sampled_from(["/questions", "//[", "//evil.example", "/\r\nX: y"]), texts),
)
@example(value="1", next_="//[")
def test_vote_redirect_survives_any_next(member, question, value, next_):
    client, token, _user = member
    response = client.post(f"/questions/{question.id}/vote", data={"csrf_token": token, "vote": value, "next": next_})
    assert_answer(response)


@FUZZ
@given(data=payloads({"body": good_texts}, {"body": long_texts}))
def test_comment_edit_survives_any_input(member, db, question, data):
    client, token, user = member
    comment = discussion.add_comment(db, user, question, "My comment.")
    db.commit()
    assert client.get(f"/comments/{comment.id}/edit").status_code == 200
    response = client.post(f"/comments/{comment.id}/edit", data={"csrf_token": token, **data})
    assert_answer(response)
    if "body" in data and blank(data, "body"):  # a body left out keeps the current text
        assert response.status_code == 400


@FUZZ
@given(
    data=payloads(
        {
            "reason": st.sampled_from(["spam", "abusive", "personal_data", "off_topic", "other"]),
            "note": st.text(CHARS, max_size=500),
        },
        {"reason": st.one_of(st.sampled_from(["SPAM", "", " spam"]), texts), "note": long_texts},
    )
)
def test_flag_form_survives_any_input(member, comments, data):
    client, token, _user = member
    comment_id = comments["FIRST"]
    assert client.get(f"/report/comment/{comment_id}").status_code == 200
    response = client.post(f"/report/comment/{comment_id}", data={"csrf_token": token, **data})
    assert_answer(response)
    if data.get("reason") not in ("spam", "abusive", "personal_data", "off_topic", "other"):
        assert response.status_code == 400
    elif data["reason"] == "other" and not (data.get("note") or "").strip():
        assert response.status_code == 400


@FUZZ
@given(
    data=payloads(
        {
            "site_name": good_names,
            "welcome_en": good_texts,
            "welcome_nl": good_texts,
            "hold_first_questions": st.sampled_from(["y", ""]),
        },
        {"site_name": texts, "welcome_en": long_texts, "welcome_nl": long_texts, "hold_first_questions": checkboxes},
    )
)
def test_admin_settings_survive_any_input(client, make_user, data):
    login(client, make_user("admin"))
    token = token_for(client, "/admin")
    response = client.post("/admin", data={"csrf_token": token, **data})
    assert_answer(response)
    # A field left out keeps its current value.
    if any("\x00" in str(v) for v in data.values()) or ("site_name" in data and not normalise_line(data["site_name"])):
        assert response.status_code == 400
    if response.status_code == 302:
        assert client.get("/").status_code == 200


good_slugs = st.from_regex(r"\A[a-z0-9]{2,10}(-[a-z0-9]{1,8}){0,3}\Z").filter(lambda s: s not in ("none", "new"))


@FUZZ
@given(
    data=payloads(
        {
            "name_en": good_names,
            "name_nl": good_names,
            "slug": st.one_of(good_slugs, st.just("")),
            "description_en": st.text(CHARS, max_size=400),
            "description_nl": st.text(CHARS, max_size=400),
            "position": st.one_of(st.just(""), st.integers(0, 9999).map(str)),
        },
        {
            "name_en": texts,
            "name_nl": texts,
            "slug": st.one_of(st.sampled_from(["none", "new", "A-b", "a--b", "-a", "ü", "x" * 81, "water"]), texts),
            "description_en": long_texts,
            "description_nl": long_texts,
            "position": st.one_of(st.sampled_from(["-1", "10000", "1.5", "٣", "1e3", "99999999999999999999"]), numbers),
        },
    ),
    existing=st.booleans(),
)
def test_topic_forms_survive_any_input(client, make_user, topic, data, existing):
    login(client, make_user("admin"))
    url = f"/admin/topics/{topic.id}" if existing else "/admin/topics/new"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response)
    # Editing, a field left out keeps the topic's current value.
    if any(blank(data, name) and (name in data or not existing) for name in ("name_en", "name_nl")):
        assert response.status_code == 400
    if response.status_code == 302:
        assert client.get("/questions").status_code == 200
        assert client.get("/admin/topics").status_code == 200


@FUZZ
@given(
    data=payloads(
        {
            "change": st.sampled_from(["grant:moderator", "grant:researcher", "grant:admin"]),
            "reason": st.text(CHARS, min_size=3, max_size=400).filter(lambda r: len(normalise_text(r)) >= 3),
        },
        {
            "change": st.one_of(
                st.sampled_from(["", "grant", "grant:", ":admin", "revoke:admin", "grant:king", "grant:admin:x"]),
                texts,
            ),
            "reason": long_texts,
        },
    )
)
def test_role_form_survives_any_input(client, make_user, data):
    login(client, make_user("admin"))
    member = make_user()
    url = f"/admin/members/{member.id}"
    response = client.post(url, data={"csrf_token": token_for(client, url), **data})
    assert_answer(response, (302, 400, 409))
    if len(normalise_text(data.get("reason"))) < 3:
        assert response.status_code == 400
    assert client.get(url).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------------
POSTS = [
    ("/register", False),
    ("/login", False),
    ("/password/forgot", False),
    ("/password/reset/RESET", False),
    ("/logout", True),
    ("/confirm/resend", True),
    ("/account", True),
    ("/account/password", True),
    ("/account/email", True),
    ("/account/delete", True),
    ("/questions/new", True),
    ("/questions/QUESTION/comments", True),
    ("/questions/QUESTION/vote", True),
    ("/questions/QUESTION/follow", True),
    ("/questions/QUESTION/edit", True),
    ("/questions/QUESTION/comments/closed", True),
    ("/comments/COMMENT/edit", True),
    ("/report/comment/COMMENT", True),
    ("/comments/COMMENT/delete", True),
    ("/language/nl", True),
    ("/admin", True),
    ("/admin/topics/new", True),
    ("/admin/topics/TOPIC", True),
    ("/admin/topics/TOPIC/archived", True),
    ("/admin/members/USER", True),
]
bad_tokens = st.one_of(
    st.none(),
    st.sampled_from(NASTY),
    st.text(CHARS, max_size=200),
    st.from_regex(r"\A[A-Za-z0-9_\-.]{20,120}\Z"),
    # The right shape (itsdangerous timestamped signature), wrong signature.
    st.sampled_from(["ImFiYyI.aGVsbG8.d29ybGQ", "IjEyMzQ1Njc4OTBhYmNkZWYi.Zz9zZg.8kq7bYyFvCqV7cC9ZQ3bW8n1x2E"]),
)


@pytest.mark.parametrize("path, logged_in", POSTS)
@settings(FUZZ, max_examples=15)
@given(token=bad_tokens, field=st.sampled_from(["csrf_token", "profile-csrf_token", "x-csrf_token"]))
def test_posts_without_valid_csrf_token_are_refused(
    client, db, make_user, topic, question, path, logged_in, token, field
):
    user = make_user("admin")
    comment = discussion.add_comment(db, user, question, "Mine.")
    db.commit()
    reset = services.reset_token(user)
    url = path.replace("QUESTION", str(question.id)).replace("COMMENT", str(comment.id)).replace("RESET", reset)
    url = url.replace("TOPIC", str(topic.id)).replace("USER", str(user.id))
    if logged_in:
        login(client, user)
    data = {
        "email": user.email,
        "password": PASSWORD,
        "body": "Hello there",
        "vote": "1",
        "name_en": "Rivers",
        "name_nl": "Rivieren",
        "site_name": "Elsewhere",
        "change": "grant:moderator",
        "reason": "Forged.",
    }
    if token is not None:
        data[field] = token
    response = client.post(url, data=data)
    assert response.status_code == 400, (url, token, response.status_code)
