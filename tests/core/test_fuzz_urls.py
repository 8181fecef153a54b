"""Fuzzing URLs: no path segment or query parameter makes the app answer 500.

In the testing config an unhandled exception propagates out of
`client.get`, so a bug shows up as an error in the test, with its traceback.
Bad input must get a 4xx answer; odd-but-harmless input may get 200.

Every test reuses one database for all of Hypothesis' examples (the `app`
fixture is function-scoped), which is fine: these requests only read, or
write things that may repeat.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crowdq.accounts import tokens
from tests.conftest import PASSWORD, csrf_from, login

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50, deadline=None)
FEW = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25, deadline=None)

# --- strategies ---------------------------------------------------------------------
CHARS = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be encoded

NASTY = [
    "",
    " ",
    "'",
    '"',
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    "%",
    "%%",
    "_",
    "%_%",
    "\\",
    "\\%",
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u202e\u202d",  # RTL / LTR overrides
    "\u200f\u200e",  # RTL / LTR marks
    "\ufeff",
    "\u0085\u2028\u2029",
    "😀",
    "👩‍👩‍👧‍👦",
    "İ",
    "ß",
    "ﬃ",
    "¹²³",  # str.isdigit() is True, int() fails
    "²",
    "٣٤",  # Arabic-Indic digits: int() accepts them
    "<script>alert(1)</script>",
    "{{7*7}}",
    "%(name)s",
    "../../etc/passwd",
    "//evil.example",
    "//[",
    "/\\evil.example",
    "javascript:alert(1)",
    "x" * 10_000,
    "é" * 10_000,
    "\x00" * 10_000,
]

NUMBERS = [
    "0",
    "-0",
    "1",
    "-1",
    "007",
    "1_000",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "4611686018427387903",
    "4611686018427387904",
    "99999999999999999999999",
    "9" * 5000,  # beyond Python's int-string digit limit
    "1e308",
    "-1e308",
    "1e309",
    "5e-324",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "1.5",
    "  12  ",
]

CURSORS = [
    "~",
    "~~",
    "5~12",
    "5~",
    "~12",
    "1e308~1",
    "-1e308~1",
    "nan~1",
    "inf~1",
    "5e-324~1",
    "-0.0~1",
    "20250101000000000000~3",
    "20250101000000000000~1",
    "20250101000000~1",
    "20250101000000123456~1",
    "00010101000000000000~1",
    "99991231235959999999~1",
    "0~1",
    "0~0",
    "1~-1",
    "-1~1",
    "1~99999999999999999999999",
    "99999999999999999999999~1",
    "4611686018427387903~4611686018427387903",
    "4611686018427387904~1",
    "2147483648~2147483648",
    "²~1",
    "1~²",
    "٣~٣",
    "1_0~1",
    "\x00~1",
    "1~\x00",
    "x" * 79 + "~",
]

numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.integers(min_value=2**31 - 3, max_value=2**130).map(str),
    st.floats().map(repr),
    st.floats().map(str),
)
texts = st.one_of(st.sampled_from(NASTY), st.text(CHARS, max_size=120), numbers)
cursors = st.one_of(
    st.sampled_from(CURSORS),
    st.builds(lambda a, b: f"{a}~{b}", numbers, numbers),
    st.builds(lambda a, b: f"{a}~{b}", texts, texts),
    texts,
)

SORTS = ["trending", "votes", "newest", "discussed", "needs_votes"]
STATUSES = ["open", "adopted", "answered", "closed", "merged"]


def one_of_known(known: list[str]):
    """Known-good values half the time, so the query runs past validation."""
    return st.one_of(st.sampled_from(known), texts)


LIST_PARAMS = {
    "sort": one_of_known(SORTS),
    "after": cursors,
    "topic": one_of_known(["water", "nowhere", "none"]),
    "status": one_of_known(STATUSES),
    "language": one_of_known(["en", "nl"]),
    "organisation": texts,
    "tag": one_of_known(["groen"]),
    "place": one_of_known(["Leiden"]),
}
list_params = st.fixed_dictionaries({}, optional=LIST_PARAMS)
api_params = st.fixed_dictionaries(
    {},
    optional={
        **LIST_PARAMS,
        "per_page": st.one_of(
            st.sampled_from(["1", "2", "100", "999", "1000", "0", "-1", "²", "¹²", "٣"]), numbers, texts
        ),
    },
)

huge_ints = st.one_of(
    st.integers(min_value=0, max_value=2**80),
    st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**62 - 1, 2**62, 2**63 - 1, 2**63, 2**64, 99999999999999999999999]),
)
segments = st.one_of(st.sampled_from(NASTY + NUMBERS), st.text(CHARS, min_size=1, max_size=120))
token_like = st.one_of(
    segments,
    st.from_regex(r"\A[A-Za-z0-9_\-.]{1,700}\Z"),
    st.sampled_from(
        [
            "eyJ1IjoxfQ.Zz9zZg.abc",
            "eyJ1IjoxfQ",
            "...",
            "a.b.c.d",
            "InRleHQi.Zz9zZg.x",
            "W10.Zz9zZg.x",
        ]
    ),
)


def _is_bad(value: str | None, known: list[str]) -> bool:
    stripped = (value or "").strip()
    return bool(stripped) and stripped not in known


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(p, safe="") for p in parts)


def _assert_refused(response, segment: str, refusals=(404,)) -> None:
    """A refusal; or, for a segment with a "/" at either end or "//" inside,
    Werkzeug's local redirect that merges the repeated slashes. NUL anywhere
    in a request is refused up front with 400."""
    if "\x00" in segment:
        assert response.status_code == 400, (segment, response.status_code)
        return
    if response.status_code == 308 and ("//" in segment or segment.startswith("/") or segment.endswith("/")):
        assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
        return
    assert response.status_code in refusals, (segment, response.status_code)


NEXT_VALUES = [
    "/",
    "/questions?sort=votes",
    "//[",
    "//[::1",
    "http://[",
    "https://[x",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\x00",
    "/\r\nSet-Cookie: a=b",
    "/%0d%0aSet-Cookie:%20a=b",
    "/\u2028",
    "/é?ü=ß#😀",
    "/" + "a" * 1999,
    "/" + "a" * 5000,
]
next_values = st.one_of(st.sampled_from(NEXT_VALUES), st.text(CHARS, max_size=60).map(lambda s: "/" + s), texts)


# --- fixtures -------------------------------------------------------------------------
@pytest.fixture
def content(db, make_question, make_user):
    """A few questions (so pages paginate with per_page=1), a tag, a place."""
    author = make_user()
    questions = [make_question(author=author, tags="groen", place="Leiden") for _ in range(3)]
    return author, questions


# --- lists and search ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/questions", "/topics/water", "/tags/groen"])
@FUZZ
@given(params=list_params)
# Known troublemakers, always tried: NUL bytes (PostgreSQL refuses them in
# text) and cursor ids/keys beyond a 32-bit INTEGER column.
@example(params={"topic": "\x00"})
@example(params={"organisation": "a\x00b"})
@example(params={"tag": "\x00"})
@example(params={"place": "\x00"})
@example(params={"after": "0~2147483648"})
@example(params={"sort": "votes", "after": "2147483648~1"})
def test_question_lists_survive_any_query_parameters(client, content, path, params):
    response = client.get(path, query_string=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    if _is_bad(params.get("sort"), SORTS) or _is_bad(params.get("status"), STATUSES):
        assert response.status_code == 400


@FUZZ
@given(params=api_params)
@example(params={"per_page": "²"})
@example(params={"tag": "\x00"})
@example(params={"sort": "newest", "after": "20250101000000000000~2147483648"})
def test_api_question_list_survives_any_query_parameters(client, content, params):
    response = client.get("/api/v1/questions", query_string=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    body = response.get_json()
    assert body is not None, "the API must answer JSON"
    if response.status_code == 400:
        assert body["error"]["status"] == 400
    if _is_bad(params.get("sort"), SORTS) or _is_bad(params.get("language"), ["en", "nl"]):
        assert response.status_code == 400


@pytest.mark.parametrize("sort", SORTS)
@FEW
@given(after=cursors, per_page=st.sampled_from(["1", "2"]))
def test_api_cursor_of_every_sort_is_parsed_safely(client, content, sort, after, per_page):
    response = client.get("/api/v1/questions", query_string={"sort": sort, "after": after, "per_page": per_page})
    assert response.status_code in (200, 400), (sort, after, response.status_code)


@pytest.mark.parametrize("sort", SORTS)
def test_api_next_links_lead_through_every_page(client, content, sort):
    url, seen = f"/api/v1/questions?sort={sort}&per_page=1", []
    while url:
        body = client.get(url).get_json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert len(seen) == len(set(seen))


SEARCH_NASTY = [
    "green water",
    "canal",
    '"green',
    "green OR water",
    "NOT green",
    "green*",
    "-green",
    "title:green",
    "green & water | !x <-> y:*",
    "NEAR(green water)",
    "^green",
    "'",
    "''",
    "a'b",
    "\\'",
    ":*",
    "& | ! ( )",
]


@FUZZ
@given(q=st.one_of(st.sampled_from(SEARCH_NASTY), texts))
def test_search_survives_any_query(client, content, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code in (200, 400)
    if len(q.strip()) > 200:
        assert response.status_code == 400


@FUZZ
@given(title=st.one_of(st.sampled_from(["Why is the water in canal so green", "green & | ! <-> :* 'x'"]), texts))
def test_similar_questions_survive_any_title(client, content, title):
    response = client.get("/questions/similar", query_string={"title": title})
    if "\x00" in title:
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert isinstance(response.get_json()["items"], list)


@FUZZ
@given(email=texts)
def test_check_email_page_survives_any_address(client, email):
    response = client.get("/register/check-email", query_string={"email": email})
    assert response.status_code == (400 if "\x00" in email else 200)


# --- path parameters --------------------------------------------------------------------
@pytest.mark.parametrize(
    "template",
    [
        "/questions/{}",
        "/questions/{}/revisions",
        "/api/v1/questions/{}",
        "/users/{}",
        "/projects/{}",
    ],
)
@FUZZ
@given(number=huge_ints)
@example(number=2**31)  # beyond PostgreSQL's INTEGER
@example(number=2**63)  # beyond SQLite's INTEGER
def test_integer_paths_answer_404_for_unknown_ids(client, content, template, number):
    response = client.get(template.format(number))
    author, questions = content
    known = {q.id for q in questions} | {author.id}
    assert response.status_code in ((200, 404) if number in known else (404,)), (number, response.status_code)


@pytest.mark.parametrize(
    "template",
    ["/questions/{}", "/users/{}", "/projects/{}", "/api/v1/questions/{}", "/organisations/{}", "/topics/{}"],
)
@FEW
@given(segment=segments)
def test_weird_path_segments_are_not_found(client, content, template, segment):
    response = client.get(template.format(quote(segment, safe="")))
    if segment == "water" and template == "/topics/{}":
        return
    # Unicode digits match Werkzeug's int converter (\d+); such an id may exist.
    if response.status_code == 200:
        assert segment.strip().isdecimal()
    else:
        _assert_refused(response, segment)


@FUZZ
@given(name=segments, params=list_params)
@example(name="a\x00b", params={})
def test_tag_pages_survive_any_name(client, content, name, params):
    response = client.get(_path("tags", name), query_string=params)
    # A tag name containing "/" does not match the route: 404.
    if response.status_code not in (200, 400):
        _assert_refused(response, name)


@FUZZ
@given(slug=segments)
@example(slug="a\x00b")
def test_organisation_and_topic_slugs_answer_404(client, content, slug):
    for base in ("organisations", "topics"):
        response = client.get(_path(base, slug))
        if base == "topics" and slug == "water":
            assert response.status_code == 200
        else:
            _assert_refused(response, slug)


@FEW
@given(number=huge_ints)
@example(number=2**31)
def test_member_pages_with_integer_paths_answer_404(client, make_user, content, number):
    user = make_user()
    login(client, user)
    for template in ("/comments/{}/edit", "/comments/{}/flag", "/questions/{}/edit"):
        response = client.get(template.format(number))
        assert response.status_code in (200, 403, 404), (template, number, response.status_code)
    token = csrf_from(client.get("/account").get_data(as_text=True))
    author, questions = content
    for template in (
        "/questions/{}/vote",
        "/questions/{}/follow",
        "/questions/{}/comments",
        "/questions/{}/edit",
        "/questions/{}/comments/closed",
        "/comments/{}/edit",
        "/comments/{}/flag",
        "/comments/{}/delete",
    ):
        response = client.post(template.format(number), data={"csrf_token": token, "body": "A comment."})
        assert response.status_code < 500
        if number not in {q.id for q in questions}:
            assert response.status_code in (403, 404), (template, number, response.status_code)


# --- admin pages --------------------------------------------------------------------------
MEMBER_ROLES = ["", "admin", "moderator", "researcher", "unconfirmed", "restricted"]


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "q": st.one_of(st.sampled_from(["%", "_", "\\", "member", "@example.org", "x" * 101]), texts),
            "role": one_of_known(MEMBER_ROLES),
            "after": st.one_of(numbers, texts),
        },
    )
)
@example(params={"q": "\x00"})
@example(params={"after": "2147483648"})
def test_admin_member_list_survives_any_query_parameters(client, make_user, content, params):
    login(client, make_user("admin"))
    response = client.get("/admin/members", query_string=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    if _is_bad(params.get("role"), MEMBER_ROLES) or len((params.get("q") or "").strip()) > 100:
        assert response.status_code == 400


@FEW
@given(number=huge_ints)
@example(number=2**31)
def test_admin_pages_with_integer_paths_answer_404(client, make_user, topic, number):
    admin = make_user("admin")
    login(client, admin)
    token = csrf_from(client.get("/admin").get_data(as_text=True))
    known = {admin.id, topic.id}
    for template in ("/admin/topics/{}", "/admin/members/{}"):
        response = client.get(template.format(number))
        assert response.status_code in ((200, 404) if number in known else (404,)), (template, number)
    response = client.post(f"/admin/topics/{number}/archived", data={"csrf_token": token, "archived": "1"})
    assert response.status_code in ((302, 404) if number in known else (404,)), number


# --- headers and cookies ------------------------------------------------------------------
header_text = st.one_of(
    st.sampled_from(["*", "en;q=nan", "nl;q=-1, en;q=2", "x" * 5000, ",,,;;;", "en-US,en;q=0.9,*;q=0.1", "\x7f"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=200),
)


@pytest.mark.filterwarnings("ignore:The '.*' cookie is too large")
@FUZZ
@given(accept_language=header_text, lang_cookie=header_text, session_cookie=header_text, remember=header_text)
@example(accept_language="*", lang_cookie="", session_cookie="", remember="1:1|é")
def test_odd_headers_and_cookies_are_ignored(client, accept_language, lang_cookie, session_cookie, remember):
    client.set_cookie("crowdq_lang", lang_cookie)
    client.set_cookie("session", session_cookie)
    client.set_cookie("remember_token", remember)
    for path in ("/", "/questions", "/login"):
        response = client.get(path, headers={"Accept-Language": accept_language})
        assert response.status_code == 200, (path, response.status_code)
    assert client.get("/account").status_code == 302  # still not logged in


# --- language switch and redirects ------------------------------------------------------
def _assert_local_redirect(response, sent: str = ""):
    if "\x00" in sent:
        assert response.status_code == 400, response.status_code
        return
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert not parts.path.startswith("//"), location


@FUZZ
@given(code=segments)
def test_language_switch_refuses_unknown_codes(client, make_user, code):
    if code in ("en", "nl"):
        return
    _assert_refused(client.get(_path("language", code)), code)
    login(client, make_user())
    token = csrf_from(client.get("/account").get_data(as_text=True))
    _assert_refused(client.post(_path("language", code), data={"csrf_token": token}), code, (400, 404))


@FUZZ
@given(code=st.sampled_from(["en", "nl"]), next_=next_values)
@example(code="en", next_="//[")
@example(code="en", next_="/\r\nSet-Cookie: a=b")
def test_language_switch_redirects_locally_for_any_next(client, code, next_):
    _assert_local_redirect(client.get(_path("language", code), query_string={"next": next_}), next_)


@FUZZ
@given(code=st.sampled_from(["en", "nl"]), next_=next_values, with_token=st.booleans())
@example(code="nl", next_="http://[", with_token=True)
def test_language_post_redirects_locally_for_any_next(client, make_user, code, next_, with_token):
    login(client, make_user())
    data = {"next": next_}
    if with_token:
        data["csrf_token"] = csrf_from(client.get("/account").get_data(as_text=True))
    response = client.post(_path("language", code), data=data)
    if with_token:
        _assert_local_redirect(response, next_)
    else:
        assert response.status_code == 400


@settings(FEW, max_examples=15)
@given(next_=next_values)
@example(next_="//[::1")
def test_login_redirect_survives_any_next(app, make_user, next_):
    client = app.test_client()
    user = make_user()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        query_string={"next": next_},
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    _assert_local_redirect(response, next_)


# --- tokens in paths ------------------------------------------------------------------------
@pytest.mark.parametrize("base", ["confirm", "account/email/confirm", "password/reset"])
@FUZZ
@given(token=token_like)
def test_garbage_tokens_are_refused(client, make_user, base, token):
    response = client.get(f"/{base}/{quote(token, safe='')}")
    # "/" inside the token leaves the route: 404.
    _assert_refused(response, token, (400, 404))


@pytest.mark.parametrize("base", ["password/reset"])
@FEW
@given(token=token_like, password=texts)
def test_garbage_reset_tokens_refuse_posts(client, base, token, password):
    page = client.get("/password/forgot").get_data(as_text=True)
    response = client.post(
        f"/{base}/{quote(token, safe='')}", data={"csrf_token": csrf_from(page), "password": password}
    )
    _assert_refused(response, token, (400, 404))


ODD_PAYLOADS = st.one_of(
    st.sampled_from([[], "text", 1, None, {}, {"u": None}, {"u": "1"}, {"u": 1.5}, {"u": -1}, {"u": 0}]),
    st.fixed_dictionaries(
        {"u": st.one_of(huge_ints, st.integers(), st.text(CHARS, max_size=20))},
        optional={
            "e": st.one_of(st.text(CHARS, max_size=300), st.integers(), st.none()),
            "h": st.text(CHARS, max_size=20),
            "old": st.text(CHARS, max_size=20),
        },
    ),
)


@pytest.mark.parametrize(
    "purpose, base", [("confirm", "confirm"), ("email", "account/email/confirm"), ("reset", "password/reset")]
)
@FEW
@given(payload=ODD_PAYLOADS)
@example(payload={"u": 2**31})
@example(payload={"u": 2**63})
def test_signed_tokens_with_odd_payloads_are_refused(client, make_user, purpose, base, payload):
    """tokens.load promises Invalid for "bad, expired or odd tokens"."""
    make_user()
    token = tokens.make(purpose, payload)
    response = client.get(f"/{base}/{token}")
    assert response.status_code in (302, 400), (payload, response.status_code)
